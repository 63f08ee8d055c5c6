"""Plan activities ↔ target indicators (SPEC §2.2): which activities serve an indicator, with their execution in a
year — for the indicator page (`templates/reports/indicators/_activities.html`) — and the links of one activity.

The link is reports' (`ActivityIndicator`): indicators live here, above roadmaps, which knows nothing of them.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from roadmaps.models import Activity
from roadmaps.selectors import Progress, due_items

from .models import ActivityIndicator, Indicator, IndicatorScope


class State:
    DONE = "done"  # every item due in the year is done and accepted
    OVERDUE = "overdue"  # an item of the year is overdue
    IN_PROGRESS = "in_progress"  # items of the year are due later, none overdue
    NOT_DUE = "not_due"  # nothing due in the year (no dates, or dates in other years, or the plan is not carried out)


@dataclass
class ActivityExecution:
    activity: Activity
    total: int  # due items of the year (one per period and reporter)
    done: int
    overdue: int

    @property
    def state(self) -> str:
        if self.overdue:
            return State.OVERDUE
        if not self.total:
            return State.NOT_DUE
        return State.DONE if self.done == self.total else State.IN_PROGRESS


def activities_of_indicator(
    indicator: Indicator, municipality, year: int, *, today: dt.date | None = None
) -> list[ActivityExecution]:
    """The activities of the municipality's plans (municipal, school and pair plans it owns) whose period covers the
    year and that serve the indicator, each with its due items of the year: total, done, overdue (two queries)."""
    activities = list(
        Activity.objects.filter(
            indicator_links__indicator=indicator,
            section__plan__municipality=municipality,
            section__plan__period_start__lte=dt.date(year, 12, 31),
            section__plan__period_end__gte=dt.date(year, 1, 1),
        )
        .select_related("section__plan__school", "section__plan__municipality")
        .order_by("section__plan__title", "section__plan_id", "section__order", "order", "pk")
    )
    counts = (
        {
            row["activity_id"]: row
            for row in due_items(today=today or timezone.localdate())
            .filter(activity__in=[a.pk for a in activities], end__year=year)
            .values("activity_id")
            .annotate(
                total=Count("pk"),
                done=Count("pk", filter=Q(progress=Progress.DONE)),
                overdue=Count("pk", filter=Q(progress=Progress.OVERDUE)),
            )
            .order_by()
        }
        if activities
        else {}
    )
    empty = {"total": 0, "done": 0, "overdue": 0}
    return [
        ActivityExecution(a, **{k: counts.get(a.pk, empty)[k] for k in ("total", "done", "overdue")})
        for a in activities
    ]


def linkable_indicators():
    """The catalogue an activity may serve: the municipal indicators, in catalogue order."""
    return Indicator.objects.filter(scope=IndicatorScope.MUNICIPALITY).order_by("ordering", "code")


def indicators_of_activity(activity: Activity) -> list[Indicator]:
    return list(Indicator.objects.filter(activity_links__activity=activity).order_by("ordering", "code"))


@transaction.atomic
def set_indicators(activity: Activity, indicators) -> None:
    """The activity serves exactly `indicators` afterwards (links kept, added, removed; history of each)."""
    wanted = {indicator.pk for indicator in indicators}
    current = {
        link.indicator_id: link for link in ActivityIndicator.objects.select_for_update().filter(activity=activity)
    }
    for indicator_id, link in current.items():
        if indicator_id not in wanted:
            link.delete()
    for indicator_id in sorted(wanted - set(current)):
        ActivityIndicator.objects.create(activity=activity, indicator_id=indicator_id)
