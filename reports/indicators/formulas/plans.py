"""Formulas of the roadmaps: school programmes (plans), activities done on time, МТБ activities.

A plan «covers Y» when its period shares at least one day with Y (school programmes often run by school years,
September to August). Plans count once they are approved: in the states «утверждён», «исполняется» or «завершён».
Dates of reports are their submission dates, in the portal's time zone.
"""

from django.db.models import Exists, OuterRef

from roadmaps.models import Activity, ActivityPeriod, Level, Plan, PlanStatus, ProgressReport, ReportStatus, Review

from ..base import ACTIVITY, COUNT, SCHOOL, SHARE, Count, Period, formula
from ..sets import all_schools, grouped, registry_schools, school_count, school_share

APPROVED_STATES = (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED)


def school_programmes(period: Period):
    """Ids of the schools that own an approved school-level plan whose period shares a day with Y."""
    return Plan.objects.filter(
        level=Level.SCHOOL,
        status__in=APPROVED_STATES,
        period_start__lte=period.last_day,
        period_end__gte=period.first_day,
    ).values("school_id")


@formula("PROGRAM_SHARE", shape=SHARE, members=SCHOOL)
def program_share(period: Period) -> dict[int, Count]:
    """Schools of R(Y) owning an approved school-level plan covering Y, over |R(Y)|."""
    return school_share(registry_schools(period), school_programmes(period), period)


@formula("PROGRAMS_COUNT", shape=COUNT, members=SCHOOL)
def programs_count(period: Period) -> dict[int, Count]:
    """Schools of the municipality owning an approved school-level plan covering Y."""
    return school_count(all_schools(period).filter(pk__in=school_programmes(period)), period)


@formula("MTB_SHARE", shape=SHARE, members=SCHOOL)
def mtb_share(period: Period) -> dict[int, Count]:
    """Schools of R(Y) that execute an activity tagged «МТБ» (Activity.improves_facilities) and whose own report on
    it was submitted in Y and accepted, over |R(Y)|."""
    reports = ProgressReport.objects.filter(
        activity__improves_facilities=True,
        review=Review.ACCEPTED,
        submitted_at__date__gte=period.first_day,
        submitted_at__date__lte=period.last_day,
        school_id__isnull=False,
    ).filter(
        Exists(
            Activity.executors.through.objects.filter(
                activity_id=OuterRef("activity_id"), school_id=OuterRef("school_id")
            )
        )
    )
    return school_share(registry_schools(period), reports.values("school_id"), period)


@formula("PLAN_DONE_SHARE", shape=SHARE, members=ACTIVITY)
def plan_done_share(period: Period) -> dict[int, Count]:
    """Activities of the municipality's approved plans due in Y (a reporting period ending in Y) whose every period
    due in Y has an accepted «выполнено» report submitted on or before its due date, over the activities due in Y."""
    due = ActivityPeriod.objects.filter(
        in_deadline=True,
        end__gte=period.first_day,
        end__lte=period.last_day,
        activity__section__plan__municipality_id__in=period.municipality_ids,
        activity__section__plan__status__in=APPROVED_STATES,
    )
    on_time = ProgressReport.objects.filter(
        period_id=OuterRef("pk"),
        review=Review.ACCEPTED,
        status=ReportStatus.DONE,
        submitted_at__date__lte=OuterRef("end"),
    )
    rows = due.annotate(done=Exists(on_time)).values_list(
        "activity__section__plan__municipality_id", "activity_id", "done"
    )
    late: set[int] = set()
    activities = []
    for municipality_id, activity_id, done in rows:
        activities.append((municipality_id, activity_id))
        if not done:
            late.add(activity_id)
    below = grouped(activities, period)
    above = grouped(((m, a) for m, a in activities if a not in late), period)
    return {
        m: Count(numerator=len(above[m]), denominator=len(ids), numerator_ids=above[m], denominator_ids=ids)
        for m, ids in below.items()
    }
