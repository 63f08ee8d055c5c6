"""Who reports on an activity, one rule everywhere: the due items of «Мои задачи» and the overview, who may send a
report, and who is reminded — for municipal, school and pair plans, with and without executor schools."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registry.models import Pairing
from roadmaps.access import may_report
from roadmaps.models import Level, Plan, PlanStatus, ProgressReport
from roadmaps.reminders import send_reminders
from roadmaps.selectors import due_items, reporter_ids, reporters_of, tasks_for

from .progress_builders import day, make_activity, make_plan, make_section

pytestmark = pytest.mark.django_db
TODAY = dt.date(2021, 3, 15)


def pair_plan(world, *, school="mentee"):
    """The joint plan of the pair Перегребинская СОШ №1 → Чемашинская СОШ (as the forms make it: school = mentee)."""
    pairing = Pairing.objects.get(mentor=world.mentor_school, mentee=world.school)
    return Plan.objects.create(
        level=Level.PAIR,
        municipality=world.municipality,
        school=world.school if school == "mentee" else None,
        pairing=pairing,
        title="Совместный план пары",
        period_start=dt.date(2000, 1, 1),
        period_end=dt.date(2099, 12, 31),
        status=PlanStatus.IN_PROGRESS,
    )


def plan_of(kind, world):
    if kind == "municipal":
        return make_plan(world.municipality)
    if kind == "school":
        return make_plan(world.municipality, school=world.school)
    if kind == "pair without a school":
        return pair_plan(world, school=None)
    return pair_plan(world)


# (plan, executors, the reporter schools by name — "municipality" for the municipality itself)
CASES = [
    ("municipal", [], {"municipality"}),
    ("municipal", ["school", "second_school"], {"school", "second_school"}),
    ("school", [], {"school"}),
    ("school", ["second_school"], {"second_school"}),
    ("pair", [], {"school"}),  # the supported school, not the mentor
    ("pair without a school", [], {"school"}),
    ("pair", ["mentor_school", "school"], {"mentor_school", "school"}),
]


def ids_of(world, names):
    return {None if name == "municipality" else getattr(world, name).pk for name in names}


@pytest.mark.parametrize("kind, executors, expected", CASES)
def test_it_says_who_reports_the_same_in_python_and_in_sql(world, kind, executors, expected):
    plan = plan_of(kind, world)
    activity = make_activity(
        make_section(plan), day(TODAY - dt.timedelta(days=1)), executors=[getattr(world, n) for n in executors]
    )
    wanted = ids_of(world, expected)
    assert reporter_ids(activity) == wanted
    assert {school.pk if school else None for school in reporters_of(activity)} == wanted
    assert {row.reporter_id for row in due_items(today=TODAY).filter(activity=activity)} == wanted


@pytest.mark.parametrize("kind, executors, expected", CASES)
def test_only_the_reporters_may_report(world, principal, mentor, coordinator, kind, executors, expected):
    plan = plan_of(kind, world)
    activity = make_activity(make_section(plan), day(TODAY), executors=[getattr(world, n) for n in executors])
    allowed = {
        (user.username, school.pk if school else None)
        for user in (principal, mentor, coordinator)
        for school in (None, world.school, world.mentor_school, world.second_school)
        if may_report(user, activity, school)
    }
    reporters = ids_of(world, expected)
    by_user = {"principal": world.school.pk, "mentor": world.mentor_school.pk}
    wanted = {(name, school) for name, school in by_user.items() if school in reporters}
    if None in reporters:
        wanted.add(("coordinator", None))
    assert allowed == wanted


@pytest.mark.parametrize("kind, executors, expected", CASES)
def test_the_reminders_go_to_the_principals_of_the_reporters_and_the_coordinators(
    world, principal, mentor, coordinator, django_capture_on_commit_callbacks, kind, executors, expected
):
    plan = plan_of(kind, world)
    make_activity(
        make_section(plan), day(TODAY - dt.timedelta(days=2)), executors=[getattr(world, n) for n in executors]
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=TODAY)
    reporters = ids_of(world, expected)
    wanted = {coordinator.email}
    if world.school.pk in reporters:
        wanted.add(principal.email)
    if world.mentor_school.pk in reporters:
        wanted.add(mentor.email)
    assert {address for message in mail.outbox for address in message.to} == wanted


def test_the_mentee_reports_on_the_pair_plan_and_the_mentor_reads(client_for, principal, mentor, world):
    plan = pair_plan(world)
    activity = make_activity(make_section(plan), day(timezone.localdate()), name="Совместный семинар")
    period = activity.due_periods.get()
    url = reverse("roadmaps:activity-detail", args=[activity.pk])
    html = client_for(mentor).get(url).content.decode()
    assert 'id="report-form"' not in html and "не указаны: отчитывается школа плана (МКОУ «Чемашинская СОШ»)" in html
    report_url = reverse("roadmaps:activity-report", args=[activity.pk])
    payload = {"period": period.pk, "status": "in_work", "percent": "10", "done_text": "", "links": ""}
    assert client_for(mentor).post(report_url, {**payload, "reporter": "owner"}).status_code == 404
    assert client_for(mentor).post(report_url, {**payload, "reporter": world.school.pk}).status_code == 403
    assert not ProgressReport.objects.exists()
    assert 'id="report-form"' in client_for(principal).get(url).content.decode()
    assert client_for(principal).post(report_url, {**payload, "reporter": world.school.pk}).status_code == 302
    assert ProgressReport.objects.get(activity=activity).school == world.school
    # «Мои задачи»: the supported school's item, read by its mentor.
    assert [row.activity_id for row in tasks_for(principal)] == [activity.pk]
    assert [row.reporter_id for row in tasks_for(mentor)] == [world.school.pk]


def test_a_school_plans_undated_activities_are_the_schools_tasks(client_for, principal, coordinator, world):
    own = make_plan(world.municipality, school=world.school)
    activity = make_activity(make_section(own), "по мере необходимости", name="Консультации родителей")
    municipal = make_plan(world.municipality, title="Дорожная карта района")
    owners = make_activity(make_section(municipal), "по мере необходимости", name="Совещание руководителей")
    assert list(client_for(principal).get(reverse("roadmaps:my-tasks")).context["undated"]) == [activity]
    assert list(client_for(coordinator).get(reverse("roadmaps:my-tasks")).context["undated"]) == [owners]
