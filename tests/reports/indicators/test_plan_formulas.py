"""PROGRAM_SHARE, PROGRAMS_COUNT, MTB_SHARE, PLAN_DONE_SHARE on hand-built plans and reports."""

import datetime as dt
from decimal import Decimal

import pytest

from registry.models import Status
from roadmaps.models import Activity, PlanStatus, ReportStatus, Review
from tests.roadmaps.progress_builders import make_plan, make_report, make_section

from .helpers import D, actual, municipality, one, school, shnor

pytestmark = pytest.mark.django_db


@pytest.fixture
def m():
    return municipality(code="ind-plan")


def activity(section, *periods, executors=(), mtb=False):
    found = Activity.objects.create(
        section=section,
        name="Мероприятие",
        deadline_set_by_hand=True,
        deadline_periods=[[a.isoformat(), b.isoformat()] for a, b in periods],
        improves_facilities=mtb,
    )
    found.executors.set(executors)
    return found


def at(day: dt.date):
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)


def test_school_programmes_of_the_registry(m):
    approved = shnor(m)
    completed_school_year = school(m, (Status.SHFNSU, D(2021, 1, 1), None))
    draft = shnor(m)
    ended_before = shnor(m)
    not_listed = school(m)
    make_plan(m, school=approved, status=PlanStatus.APPROVED, start=D(2021, 12, 31), end=D(2023, 12, 31))
    make_plan(m, school=completed_school_year, status=PlanStatus.COMPLETED, start=D(2020, 9, 1), end=D(2021, 8, 31))
    make_plan(m, school=draft, status=PlanStatus.DRAFT, start=D(2021, 1, 1), end=D(2021, 12, 31))
    make_plan(m, school=ended_before, status=PlanStatus.COMPLETED, start=D(2019, 1, 1), end=D(2020, 12, 31))
    make_plan(m, school=not_listed, status=PlanStatus.IN_PROGRESS, start=D(2021, 1, 1), end=D(2021, 12, 31))
    make_plan(m, status=PlanStatus.APPROVED, start=D(2021, 1, 1), end=D(2021, 12, 31))  # municipal: not a school's
    share = one("PROGRAM_SHARE", 2021, m)
    assert (share.numerator, share.denominator) == (2, 4)
    assert share.numerator_ids == sorted([approved.pk, completed_school_year.pk])
    assert actual("PROGRAM_SHARE", share) == Decimal("50.0")
    count = one("PROGRAMS_COUNT", 2021, m)
    assert count.numerator == 3
    assert count.numerator_ids == sorted([approved.pk, completed_school_year.pk, not_listed.pk])
    assert actual("PROGRAM_SHARE", one("PROGRAM_SHARE", 2018, m)) is None


def test_mtb_counts_executors_with_an_accepted_report_of_the_year(m):
    reported = shnor(m)
    returned = shnor(m)
    last_year = shnor(m)
    not_mtb = shnor(m)
    plan = make_plan(m, start=D(2020, 1, 1), end=D(2022, 12, 31))
    section = make_section(plan)
    mtb = activity(section, (D(2021, 1, 1), D(2021, 12, 31)), executors=[reported, returned, last_year], mtb=True)
    other = activity(section, (D(2021, 1, 1), D(2021, 12, 31)), executors=[not_mtb])
    make_report(mtb, reported, submitted_at=at(D(2021, 12, 31)))
    make_report(mtb, returned, review=Review.RETURNED, submitted_at=at(D(2021, 6, 1)))
    make_report(mtb, last_year, submitted_at=at(D(2020, 12, 31)))
    make_report(other, not_mtb, submitted_at=at(D(2021, 6, 1)))
    count = one("MTB_SHARE", 2021, m)
    assert (count.numerator, count.denominator) == (1, 4)
    assert count.numerator_ids == [reported.pk]
    assert actual("MTB_SHARE", count) == Decimal("25.0")


def test_activities_done_on_time(m):
    s = shnor(m)
    plan = make_plan(m, start=D(2021, 1, 1), end=D(2022, 12, 31))
    section = make_section(plan)
    on_the_due_day = activity(section, (D(2021, 3, 1), D(2021, 3, 31)), executors=[s])
    make_report(on_the_due_day, s, submitted_at=at(D(2021, 3, 31)))
    late = activity(section, (D(2021, 3, 1), D(2021, 3, 31)), executors=[s])
    make_report(late, s, submitted_at=at(D(2021, 4, 1)))
    not_accepted = activity(section, (D(2021, 3, 1), D(2021, 3, 31)), executors=[s])
    make_report(not_accepted, s, review=Review.PENDING, submitted_at=at(D(2021, 3, 1)))
    in_work = activity(section, (D(2021, 3, 1), D(2021, 3, 31)), executors=[s])
    make_report(in_work, s, status=ReportStatus.IN_WORK, submitted_at=at(D(2021, 3, 1)))
    # Two periods in the year, only the first reported: not done on time.
    half = activity(section, (D(2021, 3, 1), D(2021, 3, 31)), (D(2021, 12, 1), D(2021, 12, 31)), executors=[s])
    make_report(half, s, submitted_at=at(D(2021, 3, 2)))
    unreported = activity(section, (D(2021, 12, 31), D(2021, 12, 31)), executors=[s])
    activity(section, (D(2022, 1, 1), D(2022, 1, 31)), executors=[s])  # due next year
    draft = make_plan(m, status=PlanStatus.DRAFT, start=D(2021, 1, 1), end=D(2021, 12, 31))
    activity(make_section(draft), (D(2021, 3, 1), D(2021, 3, 31)))  # a draft plan counts nothing
    count = one("PLAN_DONE_SHARE", 2021, m)
    assert (count.numerator, count.denominator) == (1, 6)
    assert count.numerator_ids == [on_the_due_day.pk]
    assert set(count.denominator_ids) == {
        on_the_due_day.pk,
        late.pk,
        not_accepted.pk,
        in_work.pk,
        half.pk,
        unreported.pk,
    }
    assert actual("PLAN_DONE_SHARE", count) == Decimal("16.7")
    assert actual("PLAN_DONE_SHARE", one("PLAN_DONE_SHARE", 2023, m)) is None
