"""Who reports, and due items, overdue and due soon (docs/deadlines.md), computed in SQL.

Who reports on an activity (one rule, here, for «Мои задачи», the overview, the report forms and the reminders):
its executor schools, each reported by its principal; an activity without executor schools is reported by the plan's
owner — for a municipal plan the municipality itself (reports with no school, by its coordinators), for a school
plan the plan's school (by its principal), for a pair plan the supported school, the pairing's mentee (by its
principal; the mentor school reports only on activities naming it as an executor). `reporters_of` and `reporter_ids`
say it in Python, `REPORTER_ID` and `REPORTER_LABEL` in SQL.

A *due item* is one reporting period of an activity (an ActivityPeriod still in the deadline) for one reporter. Only
plans being carried out are tracked (approved, in progress): drafts and archives are not.

Every item carries the one report of its reporter for that period, if any. It is *done* when that report says
«выполнено» and the coordinator accepted it; *overdue* when its due date (the period's end) has passed and it is not
done; *due soon* when it falls due within ROADMAPS_DUE_SOON_DAYS days. All of it is annotations on one queryset, so
lists, counts and groupings are single statements whatever the number of activities.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.access import scope_of
from shnor_portal.numbers import PCT_PLACES, half_up

from .models import ActivityPeriod, Level, ProgressReport, ReportStatus, Review, Section
from .states import APPROVED_STATES

TRACKED_STATES = tuple(sorted(APPROVED_STATES))
PLAN = "activity__section__plan"


class Urgency:
    """How pressing an item is: the order of «Мои задачи»."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    LATER = "later"
    DONE = "done"
    ORDER = (OVERDUE, DUE_SOON, LATER, DONE)


class Progress:
    """Where an item stands, for the execution overview."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    NOT_STARTED = "not_started"


def due_soon_days() -> int:
    return int(getattr(settings, "ROADMAPS_DUE_SOON_DAYS", 14))


# --- Who reports


def owner_reporter(plan):
    """The school that reports on the plan's activities without executor schools (None: the municipality itself)."""
    if plan.level == Level.SCHOOL:
        return plan.school
    if plan.level == Level.PAIR:
        return plan.pairing.mentee
    return None


def owner_reporter_id(plan) -> int | None:
    if plan.level == Level.SCHOOL:
        return plan.school_id
    if plan.level == Level.PAIR:
        return plan.pairing.mentee_id
    return None


def reporters_of(activity, executors=None) -> list:
    """The activity's reporters as School objects (None = the municipality of a municipal plan), by name."""
    schools = list(activity.executors.order_by("short_name")) if executors is None else list(executors)
    return schools or [owner_reporter(activity.section.plan)]


def reporter_ids(activity, executor_ids=None) -> set:
    """The ids of the activity's reporters (None = the municipality of a municipal plan)."""
    if executor_ids is None:
        executor_ids = set(activity.executors.values_list("pk", flat=True))
    return set(executor_ids) or {owner_reporter_id(activity.section.plan)}


# The same rule on rows that reach an activity through `activity` (ActivityPeriod): the LEFT JOIN on the executors
# gives one row per executor school, and one row with the owner's reporter when there is none.
_OWNER_SCHOOL_ID = Case(
    When(**{f"{PLAN}__level": Level.SCHOOL}, then=F(f"{PLAN}__school_id")),
    When(**{f"{PLAN}__level": Level.PAIR}, then=F(f"{PLAN}__pairing__mentee_id")),
    default=Value(None),
    output_field=BigIntegerField(),
)
REPORTER_ID = Coalesce(F("activity__executors"), _OWNER_SCHOOL_ID, output_field=BigIntegerField())
REPORTER_LABEL = Coalesce(
    F("activity__executors__short_name"),
    Case(
        When(**{f"{PLAN}__level": Level.SCHOOL}, then=F(f"{PLAN}__school__short_name")),
        When(**{f"{PLAN}__level": Level.PAIR}, then=F(f"{PLAN}__pairing__mentee__short_name")),
        default=Value(None),
        output_field=CharField(),
    ),
    F(f"{PLAN}__municipality__name"),
    output_field=CharField(),
)


def activities_reported_by_q(school_ids=(), municipality_ids=()) -> Q:
    """Activities (rows of Activity) that the schools report on, or that the municipalities report on themselves."""
    schools, municipalities = list(school_ids), list(municipality_ids)
    none = Q(executors__isnull=True)
    return (
        Q(executors__in=schools)
        | (none & Q(section__plan__level=Level.SCHOOL, section__plan__school_id__in=schools))
        | (none & Q(section__plan__level=Level.PAIR, section__plan__pairing__mentee_id__in=schools))
        | (none & Q(section__plan__level=Level.MUNICIPAL, section__plan__municipality_id__in=municipalities))
    )


def _reports_of_item():
    """The reports of the outer item's period and reporter (the municipality's own when the reporter is empty)."""
    key = BigIntegerField()
    return (
        ProgressReport.objects.filter(period_id=OuterRef("pk"))
        .alias(reporter_key=Coalesce("school_id", Value(0), output_field=key))
        .filter(reporter_key=Coalesce(OuterRef("reporter_id"), Value(0), output_field=key))
        .order_by()
    )


def due_items(*, today: dt.date | None = None, days: int | None = None):
    """Every due item of the tracked plans, annotated with its report, urgency and progress (one SQL statement).

    Rows are ActivityPeriod objects with extra attributes: reporter_id (None = the municipality of a municipal plan),
    reporter_label,
    report_id, report_status, report_review, report_percent, report_comment, accepted, urgency, urgency_rank,
    progress.
    """
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=due_soon_days() if days is None else days)
    reports = _reports_of_item()
    started = [ReportStatus.IN_WORK, ReportStatus.DONE, ReportStatus.NOT_DONE, ReportStatus.CANCELLED]
    return (
        ActivityPeriod.objects.filter(in_deadline=True, **{f"{PLAN}__status__in": TRACKED_STATES})
        # A LEFT JOIN on the executors: one row per executor school, one row for the owner's reporter when none.
        .annotate(reporter_id=REPORTER_ID, reporter_label=REPORTER_LABEL)
        .annotate(
            report_id=Subquery(reports.values("pk")[:1]),
            report_status=Subquery(reports.values("status")[:1]),
            report_review=Subquery(reports.values("review")[:1]),
            report_percent=Subquery(reports.values("percent")[:1]),
            report_comment=Subquery(reports.values("review_comment")[:1]),
            accepted=Exists(reports.filter(status=ReportStatus.DONE, review=Review.ACCEPTED)),
        )
        .annotate(
            urgency=Case(
                When(accepted=True, then=Value(Urgency.DONE)),
                When(end__lt=today, then=Value(Urgency.OVERDUE)),
                When(end__lte=soon, then=Value(Urgency.DUE_SOON)),
                default=Value(Urgency.LATER),
            ),
            urgency_rank=Case(
                When(accepted=True, then=Value(3)),
                When(end__lt=today, then=Value(0)),
                When(end__lte=soon, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            progress=Case(
                When(accepted=True, then=Value(Progress.DONE)),
                When(end__lt=today, then=Value(Progress.OVERDUE)),
                When(report_status__in=started, then=Value(Progress.IN_PROGRESS)),
                default=Value(Progress.NOT_STARTED),
            ),
        )
    )


def with_activity(items):
    """The rows with what a list shows of them (activity, section, plan and its owner) in the same statement."""
    return items.select_related(
        "activity__section__plan__municipality",
        "activity__section__plan__school",
    )


def school_items_q(school_ids) -> Q:
    """The items the schools report: as executors, or as the reporters of their school (or pair) plans."""
    return Q(reporter_id__in=list(school_ids))


def owner_items_q(municipality_ids) -> Q:
    """The items a municipality reports itself: activities of its municipal plans without executor schools."""
    return Q(
        reporter_id__isnull=True,
        **{f"{PLAN}__level": Level.MUNICIPAL, f"{PLAN}__municipality_id__in": list(municipality_ids)},
    )


# --- «Мои задачи»


def task_schools(user) -> tuple[frozenset[int], frozenset[int]]:
    """(schools whose tasks the user reports, schools whose tasks the user only reads — a mentor's mentees)."""
    scope = scope_of(user)
    return scope.principal_schools, scope.mentee_schools - scope.principal_schools


def tasks_for(user, *, today: dt.date | None = None):
    """The due items of «Мои задачи»: the user's schools (principal), the schools it mentors (read only), and for a
    municipal coordinator the owner's own items of the municipality's plans. Overdue first, then due soon, then the
    rest by due date; accepted ones last."""
    scope = scope_of(user)
    own, mentees = task_schools(user)
    condition = Q(pk__in=[])
    if own or mentees:
        condition |= school_items_q(own | mentees)
    if scope.municipalities_edit:
        condition |= owner_items_q(scope.municipalities_edit)
    items = due_items(today=today).filter(condition)
    return with_activity(items).order_by(
        "urgency_rank", "end", f"{PLAN}__title", "activity__section__order", "activity__order", "activity_id", "pk"
    )


def undated_tasks_for(user):
    """Activities of tracked plans that the user's schools (or, for a coordinator, the municipality) report on but
    that have no reporting period (on demand, or a deadline not read yet): they are never overdue, but a report can
    still be given once."""
    from .models import Activity

    own, mentees = task_schools(user)
    schools, municipalities = own | mentees, scope_of(user).municipalities_edit
    if not schools and not municipalities:
        return Activity.objects.none()
    dated = ActivityPeriod.objects.filter(activity_id=OuterRef("pk"), in_deadline=True)
    return (
        Activity.objects.filter(
            activities_reported_by_q(schools, municipalities), **{"section__plan__status__in": TRACKED_STATES}
        )
        .exclude(Exists(dated))
        .select_related("section__plan")
        .distinct()
        .order_by("section__plan__title", "section__order", "order", "pk")
    )


# --- The execution overview of one plan


@dataclass
class SectionProgress:
    section: Section
    total: int = 0
    done: int = 0
    in_progress: int = 0
    overdue: int = 0
    not_started: int = 0

    @property
    def percent(self) -> Decimal:
        """The share done in per cent with one decimal, rounded half-up from the exact fraction (1 of 8 is 12,5; 1 of
        16 is 6,3 — Python's round() would give the banker's 6,2)."""
        if not self.total:
            return Decimal(0).quantize(Decimal("0.1"))
        return half_up(Decimal(100 * self.done) / Decimal(self.total), PCT_PLACES)


def _progress_counts(items) -> dict:
    return {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(progress=Progress.DONE)),
        "in_progress": Count("pk", filter=Q(progress=Progress.IN_PROGRESS)),
        "overdue": Count("pk", filter=Q(progress=Progress.OVERDUE)),
        "not_started": Count("pk", filter=Q(progress=Progress.NOT_STARTED)),
    }


def plan_progress(
    plan, *, today: dt.date | None = None, only: Q | None = None
) -> tuple[list[SectionProgress], SectionProgress]:
    """Per section (those with due items) and for the whole plan: done / in progress / overdue / not started; `only`
    narrows the items (a school's own). Two queries: the sections, and the counts grouped by section."""
    items = due_items(today=today).filter(**{PLAN: plan})
    if only is not None:
        items = items.filter(only)
    counts = {
        row.pop("activity__section_id"): row
        for row in items.values("activity__section_id").annotate(**_progress_counts(items)).order_by()
    }
    sections = Section.objects.filter(plan=plan).order_by("order", "pk")
    rows = [SectionProgress(s, **counts[s.pk]) for s in sections if s.pk in counts]
    total = SectionProgress(None)
    for row in rows:
        for name in ("total", "done", "in_progress", "overdue", "not_started"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return rows, total


def plan_totals(plan, *, today: dt.date | None = None, only: Q | None = None) -> SectionProgress:
    """The plan's counts in one query (the compact summary on the plan page); `only` narrows the items."""
    items = due_items(today=today).filter(**{PLAN: plan})
    if only is not None:
        items = items.filter(only)
    return SectionProgress(None, **items.aggregate(**_progress_counts(items)))


def overdue_items(plan, *, today: dt.date | None = None):
    """The plan's overdue items ordered by reporter (school, or the owner) for grouping, then by due date."""
    items = due_items(today=today).filter(**{PLAN: plan, "urgency": Urgency.OVERDUE})
    return with_activity(items).order_by(
        "reporter_label", "end", "activity__section__order", "activity__order", "activity_id"
    )


# --- Reports awaiting the coordinator's review


def reviewable_municipalities(user) -> frozenset[int] | None:
    """Municipalities whose reports the user reviews (None = all: the administrator)."""
    scope = scope_of(user)
    return None if scope.is_admin else scope.municipalities_edit


def reports_awaiting_review(*, municipality_ids=None, plan=None):
    """Reports waiting for the coordinator (review «pending») in tracked plans; oldest first, with their evidence
    files (one more query for a page of them), which the queue shows beside the verdict."""
    reports = ProgressReport.objects.filter(review=Review.PENDING, **{f"{PLAN}__status__in": TRACKED_STATES})
    if municipality_ids is not None:
        reports = reports.filter(**{f"{PLAN}__municipality_id__in": list(municipality_ids)})
    if plan is not None:
        reports = reports.filter(**{PLAN: plan})
    return (
        reports.select_related(
            "activity__section__plan__municipality",
            "activity__section__plan__school",
            "activity__section__plan__pairing__mentor",
            "activity__section__plan__pairing__mentee",
            "school",
            "period",
            "author",
        )
        .prefetch_related("evidence")
        .order_by("submitted_at", "pk")
    )


def school_reports_q(school_ids) -> Q:
    """Reports of the schools: as executors, or as the reporters of their school (or pair) plans (the report names
    the school either way; only a municipality's own reports have none)."""
    return Q(school_id__in=list(school_ids))


def returned_reports(school_ids):
    """Reports of the schools that the coordinator returned, in tracked plans."""
    return ProgressReport.objects.filter(
        school_reports_q(school_ids), review=Review.RETURNED, **{f"{PLAN}__status__in": TRACKED_STATES}
    )


# --- The dashboard block


OVERDUE_SCHOOLS_SHOWN = 20


def dashboard_summary(user, *, today: dt.date | None = None) -> dict | None:
    """What the dashboard shows of roadmaps: for a principal the school's overdue, due-soon and returned counts; for
    a coordinator overdue items by school and the reports waiting for review. A handful of queries at most."""
    scope = scope_of(user)
    summary = {}
    own = scope.principal_schools
    if own:
        counts = (
            due_items(today=today)
            .filter(school_items_q(own))
            .aggregate(
                overdue=Count("pk", filter=Q(urgency=Urgency.OVERDUE)),
                due_soon=Count("pk", filter=Q(urgency=Urgency.DUE_SOON)),
            )
        )
        summary["school"] = {**counts, "returned": returned_reports(own).count(), "days": due_soon_days()}
    municipalities = reviewable_municipalities(user)
    if municipalities is None or municipalities:
        items = due_items(today=today).filter(urgency=Urgency.OVERDUE)
        if municipalities is not None:
            items = items.filter(**{f"{PLAN}__municipality_id__in": list(municipalities)})
        by_school = list(
            items.values("reporter_id", "reporter_label")
            .annotate(count=Count("pk"))
            .order_by("-count", "reporter_label")[:OVERDUE_SCHOOLS_SHOWN]
        )
        # Nothing overdue (the usual case) needs no plans; fewer groups than the limit are all of them, and their
        # counts add up to the total: two queries of the dashboard saved on each coordinator's visit.
        by_plan = (
            list(
                items.values(f"{PLAN}_id", f"{PLAN}__title")
                .annotate(
                    count=Count("pk"),
                    owner=Coalesce(F(f"{PLAN}__school__short_name"), F(f"{PLAN}__municipality__name")),
                )
                .order_by("-count", f"{PLAN}__title")[:10]
            )
            if by_school
            else []
        )
        summary["coordinator"] = {
            "overdue_by_school": by_school,
            "overdue_by_plan": [
                {
                    "plan_id": row[f"{PLAN}_id"],
                    "title": row[f"{PLAN}__title"],
                    "owner": row["owner"],
                    "count": row["count"],
                }
                for row in by_plan
            ],
            "overdue": items.count() if len(by_school) == OVERDUE_SCHOOLS_SHOWN else sum(r["count"] for r in by_school),
            "awaiting_review": reports_awaiting_review(municipality_ids=municipalities).count(),
        }
    return summary or None
