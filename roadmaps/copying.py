"""Copying a plan: to a new period (a new draft of the same owner), or as a template for several schools at once
(one draft school plan per school, that school the executor of every activity).

With «shift the years» every year written in the deadline texts, the title and the passport's «сроки» moves by the
period's shift («Август 2020г.» → «Август 2021г.»), and dates set by hand move with them; without it the texts stay
as written and are read again against the new period (dates set by hand are dropped: the reader flags what it cannot
read). A copy costs a bounded number of queries whatever the plan's size: sections are written level by level and
activities, their reporting periods and their executors in bulk.
"""

import datetime as dt
import re

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from registry.models import School
from shnor_portal.audit.recording import record_bulk

from .access import can_change_plan
from .editing import executor_schools
from .lifecycle import NotPermitted
from .models import Activity, ActivityPeriod, Level, Plan, PlanStatus, Section
from .periods import PeriodRefused, check_period
from .services import PlanError

YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
PASSPORT = ["normative_basis", "developers", "executors", "goal", "tasks", "expected_results", "control"]


def shift_years(text: str, years: int) -> str:
    """Every four-digit year of the text moved by `years`: «2020-2021 учебный год» → «2021-2022 учебный год»."""
    if not years or not text:
        return text
    return YEAR.sub(lambda match: str(int(match.group(1)) + years), text)


def _shift_date(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _shift_periods(periods, years: int) -> list[list[str]]:
    return [
        [
            _shift_date(dt.date.fromisoformat(a), years).isoformat(),
            _shift_date(dt.date.fromisoformat(b), years).isoformat(),
        ]
        for a, b in periods
    ]


def _source_sections(plan: Plan) -> list[Section]:
    activities = Activity.objects.order_by("order", "pk").prefetch_related("executors", "risk_factors")
    return list(
        Section.objects.filter(plan=plan)
        .order_by("order", "pk")
        .prefetch_related(Prefetch("activities", queryset=activities))
    )


def _check_period(start: dt.date, end: dt.date) -> None:
    """The period rule of every plan (roadmaps/periods.py): years 2000–2100, ten years at most."""
    try:
        check_period(start, end)
    except PeriodRefused as refused:
        raise PlanError(refused.message) from refused


def _depths(sections: list[Section]) -> dict[int, int]:
    parents = {section.pk: section.parent_id for section in sections}
    depth: dict[int, int] = {}
    for pk in parents:
        seen, node, level = set(), pk, 0
        while parents.get(node) and node not in seen:
            seen.add(node)
            node, level = parents[node], level + 1
        depth[pk] = level
    return depth


def _write_copy(
    source: Plan,
    sections: list[Section],
    user,
    start: dt.date,
    end: dt.date,
    *,
    years: int,
    title: str,
    owner: dict,
    executor: School | None = None,
) -> Plan:
    """The new draft plan with copies of `sections` (of `source`), in bulk. Executors are the given school, or the
    source's that may be executors of the new plan (editing.executor_schools): a school that could never report
    on the copy is not carried over."""
    plan = Plan(
        **owner,
        title=title[:1000],
        period_start=start,
        period_end=end,
        status=PlanStatus.DRAFT,
        timeframe=shift_years(source.timeframe, years),
        **{name: getattr(source, name) for name in PASSPORT},
    )
    plan._history_user = user
    plan.save()

    # Sections, level by level so that each level's parents already have their keys.
    depth = _depths(sections)
    copies: dict[int, Section] = {}
    for level in sorted(set(depth.values())):
        batch = []
        for section in sections:
            if depth[section.pk] != level:
                continue
            copy = Section(
                plan=plan,
                parent=copies.get(section.parent_id),
                number=section.number,
                title=section.title,
                order=section.order,
                responsible=section.responsible,
                deadline_text=shift_years(section.deadline_text, years)[:500],
            )
            copies[section.pk] = copy
            batch.append(copy)
        bulk_create_with_history(batch, Section, default_user=user)
        record_bulk(Section, batch)  # bulk writes send no signal: the audit trail is told itself

    allowed = {executor.pk} if executor is not None else set(executor_schools(plan).values_list("pk", flat=True))
    activities, executors, factors = [], [], []
    for section in sections:
        for activity in section.activities.all():
            by_hand = activity.deadline_set_by_hand and bool(years)
            copy = Activity(
                section=copies[section.pk],
                number=activity.number,
                order=activity.order,
                name=activity.name,
                deadline_text=shift_years(activity.deadline_text, years)[:500],
                deadline_set_by_hand=by_hand,
                deadline_periods=_shift_periods(activity.deadline_periods, years) if by_hand else [],
                responsible=activity.responsible,
                expected_result=activity.expected_result,
                funding_source=activity.funding_source,
                funding=activity.funding,
            )
            copy.apply_reading(plan)
            activities.append(copy)
            chosen = [executor] if executor is not None else list(activity.executors.all())
            executors.append([school for school in chosen if school.pk in allowed])
            factors.append([factor.pk for factor in activity.risk_factors.all()])
    bulk_create_with_history(activities, Activity, default_user=user)
    record_bulk(Activity, activities)
    # What Activity.save() would do for a new row: one reporting period per period read.
    ActivityPeriod.objects.bulk_create(
        [
            ActivityPeriod(activity=activity, start=dt.date.fromisoformat(a), end=dt.date.fromisoformat(b))
            for activity in activities
            for a, b in sorted({tuple(period) for period in activity.deadline_periods})
        ]
    )
    through = Activity.executors.through
    through.objects.bulk_create(
        [
            through(activity_id=activity.pk, school_id=school.pk)
            for activity, schools in zip(activities, executors, strict=True)
            for school in {school.pk: school for school in schools}.values()
        ]
    )
    # The risk factors the activities address go with them (the links to indicators are reports', not copied here).
    factor_through = Activity.risk_factors.through
    factor_through.objects.bulk_create(
        [
            factor_through(activity_id=activity.pk, riskfactor_id=factor_id)
            for activity, ids in zip(activities, factors, strict=True)
            for factor_id in ids
        ]
    )
    return plan


def copy_plan(plan: Plan, user, start: dt.date, end: dt.date, *, shift: bool = False, title: str = "") -> Plan:
    """A new draft of the same owner for the period start–end."""
    if not can_change_plan(user, plan):
        raise NotPermitted(_("Only the coordinators of the plan's municipality copy it."))
    _check_period(start, end)
    years = start.year - plan.period_start.year if shift else 0
    owner = {"level": plan.level, "municipality": plan.municipality, "school": plan.school, "pairing": plan.pairing}
    with transaction.atomic():
        return _write_copy(
            plan,
            _source_sections(plan),
            user,
            start,
            end,
            years=years,
            title=(title or "").strip() or shift_years(plan.title, years),
            owner=owner,
        )


def copy_for_schools(
    plan: Plan, user, schools, start: dt.date, end: dt.date, *, shift: bool = False, title: str = ""
) -> list[Plan]:
    """One draft school plan per school of the plan's municipality, each school the executor of every activity."""
    if not can_change_plan(user, plan):
        raise NotPermitted(_("Only the coordinators of the plan's municipality copy it."))
    _check_period(start, end)
    schools = list(schools)
    if not schools:
        raise PlanError(_("Choose at least one school."))
    strangers = [school.short_name for school in schools if school.municipality_id != plan.municipality_id]
    if strangers:
        raise PlanError(
            _("These schools are not of the plan's municipality: %(schools)s.") % {"schools": ", ".join(strangers)}
        )
    years = start.year - plan.period_start.year if shift else 0
    base = (title or "").strip() or shift_years(plan.title, years)
    sections = _source_sections(plan)
    plans = []
    with transaction.atomic():
        for school in sorted(schools, key=lambda s: s.short_name):
            owner = {"level": Level.SCHOOL, "municipality": plan.municipality, "school": school, "pairing": None}
            plans.append(
                _write_copy(
                    plan,
                    sections,
                    user,
                    start,
                    end,
                    years=years,
                    title=f"{base} — {school.short_name}",
                    owner=owner,
                    executor=school,
                )
            )
    return plans
