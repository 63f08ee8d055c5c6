"""Due items in SQL: overdue and due soon at their edges, what counts as done, the owner's own items, the counts of
the overview and the dashboard, in a bounded number of queries."""

import datetime as dt
from decimal import Decimal

import pytest

from roadmaps.models import ActivityPeriod, PlanStatus, ReportStatus, Review
from roadmaps.selectors import (
    Progress,
    Urgency,
    dashboard_summary,
    due_items,
    overdue_items,
    plan_progress,
    plan_totals,
    reports_awaiting_review,
    tasks_for,
)

from .progress_builders import day, make_activity, make_plan, make_report, make_section

pytestmark = pytest.mark.django_db
TODAY = dt.date(2021, 3, 15)


def urgency_of(activity, school=None, today=TODAY):
    rows = due_items(today=today).filter(activity=activity)
    rows = rows.filter(reporter_id=school.pk) if school else rows.filter(reporter_id__isnull=True)
    return [row.urgency for row in rows]


@pytest.fixture
def plan(world):
    return make_plan(world.municipality, title="Дорожная карта Октябрьского района")


@pytest.fixture
def section(plan):
    return make_section(plan)


@pytest.mark.parametrize(
    "offset, expected",
    [
        (-1, Urgency.OVERDUE),  # due yesterday
        (0, Urgency.DUE_SOON),  # due today: not overdue yet
        (14, Urgency.DUE_SOON),
        (15, Urgency.LATER),
    ],
)
def test_it_tells_overdue_and_due_soon_at_their_edges(section, world, offset, expected):
    activity = make_activity(section, day(TODAY + dt.timedelta(days=offset)), executors=[world.school])
    assert urgency_of(activity, world.school) == [expected]


def test_due_soon_follows_the_setting(section, world, settings):
    settings.ROADMAPS_DUE_SOON_DAYS = 3
    near = make_activity(section, day(TODAY + dt.timedelta(days=3)), executors=[world.school], number="1.1")
    far = make_activity(section, day(TODAY + dt.timedelta(days=4)), executors=[world.school], number="1.2")
    assert urgency_of(near, world.school) == [Urgency.DUE_SOON]
    assert urgency_of(far, world.school) == [Urgency.LATER]


@pytest.mark.parametrize(
    "status, review, expected",
    [
        (ReportStatus.DONE, Review.ACCEPTED, Urgency.DONE),
        (ReportStatus.DONE, Review.PENDING, Urgency.OVERDUE),
        (ReportStatus.DONE, Review.RETURNED, Urgency.OVERDUE),
        (ReportStatus.IN_WORK, Review.ACCEPTED, Urgency.OVERDUE),
        (ReportStatus.CANCELLED, Review.ACCEPTED, Urgency.OVERDUE),
    ],
)
def test_only_an_accepted_done_report_closes_an_item(section, world, status, review, expected):
    activity = make_activity(section, day(TODAY - dt.timedelta(days=30)), executors=[world.school])
    make_report(activity, world.school, status=status, review=review)
    assert urgency_of(activity, world.school) == [expected]


def test_an_accepted_done_report_closes_an_item_before_its_due_date_too(section, world):
    activity = make_activity(section, day(TODAY + dt.timedelta(days=5)), executors=[world.school])
    make_report(activity, world.school)
    row = due_items(today=TODAY).get(activity=activity)
    assert (row.urgency, row.progress, row.accepted) == (Urgency.DONE, Progress.DONE, True)


def test_each_executor_school_has_its_own_item(section, world):
    activity = make_activity(section, day(TODAY - dt.timedelta(days=1)), executors=[world.school, world.second_school])
    make_report(activity, world.school)
    assert urgency_of(activity, world.school) == [Urgency.DONE]
    assert urgency_of(activity, world.second_school) == [Urgency.OVERDUE]
    # The owner has no item where there are executors, and a school's report does not count for the owner.
    assert urgency_of(activity) == []


def test_the_owner_reports_itself_where_there_are_no_executors(section, world):
    activity = make_activity(section, day(TODAY - dt.timedelta(days=1)))
    [row] = due_items(today=TODAY).filter(activity=activity)
    assert (row.reporter_id, row.reporter_label, row.urgency) == (None, "Октябрьский район", Urgency.OVERDUE)
    make_report(activity, school=None, status=ReportStatus.IN_WORK, review=Review.PENDING)
    assert due_items(today=TODAY).get(activity=activity).report_status == ReportStatus.IN_WORK
    activity.reports.update(status=ReportStatus.DONE, review=Review.ACCEPTED)
    assert urgency_of(activity) == [Urgency.DONE]


def test_a_school_plan_is_reported_by_its_own_school(world):
    plan = make_plan(world.municipality, school=world.school)
    activity = make_activity(make_section(plan), day(TODAY - dt.timedelta(days=1)))
    [row] = due_items(today=TODAY).filter(activity=activity)
    assert (row.reporter_id, row.reporter_label) == (world.school.pk, world.school.short_name)
    make_report(activity, world.school)  # the school's report is the item's
    assert urgency_of(activity, world.school) == [Urgency.DONE]


def test_on_demand_and_unread_deadlines_are_never_overdue(section, world):
    on_demand = make_activity(section, "по мере необходимости", executors=[world.school], number="1.1")
    unread = make_activity(section, "когда получится", executors=[world.school], number="1.2")
    assert on_demand.deadline_kind == "on_demand" and unread.deadline_kind == "unparsed"
    assert not due_items(today=TODAY).filter(activity__in=[on_demand, unread]).exists()


def test_a_period_no_longer_in_the_deadline_is_not_due(section, world):
    activity = make_activity(section, day(TODAY - dt.timedelta(days=1)), executors=[world.school])
    ActivityPeriod.objects.filter(activity=activity).update(in_deadline=False)
    assert urgency_of(activity, world.school) == []


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.REVIEW, PlanStatus.RETURNED, PlanStatus.COMPLETED])
def test_plans_not_being_carried_out_are_not_tracked(world, status):
    plan = make_plan(world.municipality, status=status)
    activity = make_activity(make_section(plan), day(TODAY - dt.timedelta(days=1)), executors=[world.school])
    assert urgency_of(activity, world.school) == []


def test_approved_plans_are_tracked_like_those_in_progress(world):
    plan = make_plan(world.municipality, status=PlanStatus.APPROVED)
    activity = make_activity(make_section(plan), day(TODAY - dt.timedelta(days=1)), executors=[world.school])
    assert urgency_of(activity, world.school) == [Urgency.OVERDUE]


def test_a_multi_period_deadline_gives_one_item_per_period(section, world):
    activity = make_activity(section, "Май, сентябрь, ноябрь 2021", executors=[world.school])
    rows = list(due_items(today=dt.date(2021, 10, 1)).filter(activity=activity).order_by("end"))
    assert [(row.end, row.urgency) for row in rows] == [
        (dt.date(2021, 5, 31), Urgency.OVERDUE),
        (dt.date(2021, 9, 30), Urgency.OVERDUE),
        (dt.date(2021, 11, 30), Urgency.LATER),
    ]


def test_the_overview_counts_each_section_and_the_whole_plan(plan, section, world):
    second = make_section(plan, number="2.", order=2, title="Методическое сопровождение")
    make_section(plan, number="3.", order=3, title="Без сроков")  # no due items: not listed
    past, future = day(TODAY - dt.timedelta(days=10)), day(TODAY + dt.timedelta(days=40))
    done = make_activity(section, past, executors=[world.school, world.second_school], number="1.1")
    make_report(done, world.school)  # done for one school, overdue for the other
    in_work = make_activity(section, future, executors=[world.school], number="1.2")
    make_report(in_work, world.school, status=ReportStatus.IN_WORK, review=Review.PENDING, percent=40)
    make_activity(second, future, executors=[world.school], number="2.1")  # not started
    returned = make_activity(second, past, number="2.2")  # the owner's, returned: overdue
    make_report(returned, None, review=Review.RETURNED)

    rows, total = plan_progress(plan, today=TODAY)
    assert [(r.section.number, r.total, r.done, r.in_progress, r.overdue, r.not_started, r.percent) for r in rows] == [
        ("1.", 3, 1, 1, 1, 0, Decimal("33.3")),
        ("2.", 2, 0, 0, 1, 1, 0),
    ]
    assert (total.total, total.done, total.in_progress, total.overdue, total.not_started, total.percent) == (
        5,
        1,
        1,
        2,
        1,
        20,
    )
    summary = plan_totals(plan, today=TODAY)
    assert (summary.total, summary.done, summary.overdue, summary.percent) == (5, 1, 2, 20)


def test_overdue_items_come_grouped_by_school(plan, section, world):
    first = make_activity(section, day(TODAY - dt.timedelta(days=3)), executors=[world.school], number="1.1")
    second = make_activity(
        section, day(TODAY - dt.timedelta(days=9)), executors=[world.school, world.second_school], number="1.2"
    )
    make_activity(section, day(TODAY + dt.timedelta(days=3)), executors=[world.school], number="1.3")
    rows = [(row.reporter_label, row.activity_id) for row in overdue_items(plan, today=TODAY)]
    assert rows == [
        ("МКОУ «Андринская СОШ»", second.pk),
        ("МКОУ «Чемашинская СОШ»", second.pk),
        ("МКОУ «Чемашинская СОШ»", first.pk),
    ]


def test_reports_awaiting_review_are_those_of_the_municipality_and_pending(plan, section, world):
    activity = make_activity(section, day(TODAY), executors=[world.school, world.second_school])
    waiting = make_report(activity, world.school, status=ReportStatus.IN_WORK, review=Review.PENDING)
    make_report(activity, world.second_school, review=Review.ACCEPTED)
    far = make_plan(world.far)
    far_activity = make_activity(make_section(far), day(TODAY), executors=[world.far_school])
    far_report = make_report(far_activity, world.far_school, review=Review.PENDING)
    draft = make_plan(world.municipality, status=PlanStatus.DRAFT)
    make_report(make_activity(make_section(draft), day(TODAY), executors=[world.school]), world.school)
    assert list(reports_awaiting_review(municipality_ids=[world.municipality.pk])) == [waiting]
    assert set(reports_awaiting_review()) == {waiting, far_report}
    assert list(reports_awaiting_review(plan=far)) == [far_report]


def test_the_dashboard_counts_a_principal_and_a_coordinator(plan, section, world, principal, coordinator):
    make_activity(section, day(TODAY - dt.timedelta(days=2)), executors=[world.school], number="1.1")
    make_activity(section, day(TODAY + dt.timedelta(days=2)), executors=[world.school], number="1.2")
    returned = make_activity(section, day(TODAY - dt.timedelta(days=5)), executors=[world.school], number="1.3")
    make_report(returned, world.school, review=Review.RETURNED)
    other = make_activity(section, day(TODAY - dt.timedelta(days=2)), executors=[world.second_school], number="1.4")
    make_report(other, world.second_school, status=ReportStatus.IN_WORK, review=Review.PENDING)

    school = dashboard_summary(principal, today=TODAY)["school"]
    assert (school["overdue"], school["due_soon"], school["returned"]) == (2, 1, 1)
    assert "coordinator" not in dashboard_summary(principal, today=TODAY)
    board = dashboard_summary(coordinator, today=TODAY)["coordinator"]
    assert [(row["reporter_label"], row["count"]) for row in board["overdue_by_school"]] == [
        ("МКОУ «Чемашинская СОШ»", 2),
        ("МКОУ «Андринская СОШ»", 1),
    ]
    assert (board["overdue"], board["awaiting_review"]) == (3, 1)
    assert board["overdue_by_plan"] == [
        {"plan_id": plan.pk, "title": plan.title, "owner": "Октябрьский район", "count": 3}
    ]


def test_the_coordinators_overdue_total_counts_every_school_beyond_the_20_shown(plan, section, world, coordinator):
    from tests.factories import SchoolFactory

    schools = [SchoolFactory(municipality=world.municipality) for _ in range(21)]
    make_activity(section, day(TODAY - dt.timedelta(days=2)), executors=schools, number="1.1")
    make_activity(section, day(TODAY - dt.timedelta(days=3)), executors=schools[:1], number="1.2")
    board = dashboard_summary(coordinator, today=TODAY)["coordinator"]
    assert len(board["overdue_by_school"]) == 20 and board["overdue_by_school"][0]["count"] == 2
    assert board["overdue"] == 22 and board["overdue_by_plan"][0]["count"] == 22


def test_nothing_overdue_costs_the_coordinator_no_plan_or_total_query(world, coordinator, django_assert_num_queries):
    dashboard_summary(coordinator, today=TODAY)  # the scope, cached on the user
    with django_assert_num_queries(2):  # the overdue groups, the reports awaiting review
        board = dashboard_summary(coordinator, today=TODAY)["coordinator"]
    assert (board["overdue_by_school"], board["overdue_by_plan"], board["overdue"]) == ([], [], 0)


def test_a_users_tasks_are_those_of_the_schools_and_the_municipality(plan, section, world, principal, coordinator):
    own = make_activity(section, day(TODAY + dt.timedelta(days=20)), executors=[world.school], number="1.1")
    late = make_activity(section, day(TODAY - dt.timedelta(days=20)), executors=[world.school], number="1.2")
    soon = make_activity(section, day(TODAY + dt.timedelta(days=2)), executors=[world.school], number="1.3")
    accepted = make_activity(section, day(TODAY - dt.timedelta(days=40)), executors=[world.school], number="1.4")
    make_report(accepted, world.school)
    make_activity(section, day(TODAY), executors=[world.second_school], number="1.5")
    owners = make_activity(section, day(TODAY), number="1.6")
    tasks = [row.activity_id for row in tasks_for(principal, today=TODAY)]
    assert tasks == [late.pk, soon.pk, own.pk, accepted.pk]  # overdue, due soon, later, done
    assert [row.activity_id for row in tasks_for(coordinator, today=TODAY)] == [owners.pk]


def test_counts_cost_the_same_few_queries_whatever_the_size(
    plan, world, principal, coordinator, django_assert_num_queries
):
    for number in range(1, 6):
        section = make_section(plan, number=f"{number}.", order=number)
        for position in range(1, 11):
            activity = make_activity(
                section, "Май, сентябрь, ноябрь 2021", executors=[world.school, world.second_school], order=position
            )
            make_report(activity, world.school, status=ReportStatus.IN_WORK, review=Review.PENDING)
    assert ActivityPeriod.objects.count() == 150
    with django_assert_num_queries(2):  # the sections, the counts grouped by section
        rows, total = plan_progress(plan, today=TODAY)
    assert total.total == 300 and len(rows) == 5
    with django_assert_num_queries(1):
        assert plan_totals(plan, today=TODAY).total == 300
    with django_assert_num_queries(1):
        assert len(list(overdue_items(plan, today=dt.date(2022, 1, 1)))) == 300
    with django_assert_num_queries(2):  # the scope, then one statement for the page of tasks
        assert len(list(tasks_for(principal, today=TODAY)[:25])) == 25
    # The scope, overdue by school, by plan, reports waiting: two schools, so the total adds up their counts.
    with django_assert_num_queries(4):
        assert dashboard_summary(coordinator, today=dt.date(2022, 1, 1))["coordinator"]["overdue"] == 300
