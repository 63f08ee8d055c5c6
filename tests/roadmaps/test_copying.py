"""Copying a plan to a new period (years shifted or re-read) and as a template for several schools."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import scope_of
from roadmaps.copying import copy_for_schools, copy_plan, shift_years
from roadmaps.lifecycle import NotPermitted
from roadmaps.models import Activity, ActivityPeriod, Level, Plan, PlanStatus, Section
from roadmaps.services import PlanError

from .test_lifecycle import make_plan

pytestmark = pytest.mark.django_db

Y21 = (dt.date(2021, 1, 1), dt.date(2022, 12, 31))


@pytest.fixture
def plan(world):
    plan = make_plan(
        world, status=PlanStatus.APPROVED, approval_number="400а/п", approval_date=dt.date(2020, 9, 4), approved_by="УО"
    )
    stage = Section.objects.create(
        plan=plan,
        parent=plan.sections.get(number="1"),
        number="1.3",
        title="Подготовительный этап",
        order=3,
        deadline_text="Февраль – март 2020 год",
    )
    Activity.objects.create(section=stage, number="1", order=1, name="Создание рабочей группы")
    by_hand = Activity.objects.create(
        section=stage,
        number="2",
        order=2,
        name="Педагогический совет",
        deadline_text="по итогам четверти",
        deadline_set_by_hand=True,
        deadline_periods=[["2020-11-02", "2020-11-06"]],
    )
    by_hand.executors.add(world.school, world.second_school)
    return plan


def _activities(plan):
    return {a.name: a for a in Activity.objects.filter(section__plan=plan).prefetch_related("executors")}


def test_years_are_shifted_in_the_texts():
    assert shift_years("Август 2020г.", 1) == "Август 2021г."
    assert shift_years("2020-2021 учебный год", 2) == "2022-2023 учебный год"
    assert shift_years("15.09.2020, 15.12.2020", 1) == "15.09.2021, 15.12.2021"
    assert shift_years("до 25 числа каждого месяца", 3) == "до 25 числа каждого месяца"
    assert shift_years("Август 2020г.", 0) == "Август 2020г."


def test_a_copy_with_shifted_years_is_a_new_draft_read_for_its_period(plan, coordinator, world):
    copy = copy_plan(plan, coordinator, *Y21, shift=True)
    assert copy.pk != plan.pk
    assert (copy.status, copy.approval_number, copy.approval_date, copy.approved_by) == (PlanStatus.DRAFT, "", None, "")
    assert (copy.level, copy.municipality, copy.period_start, copy.period_end) == (
        Level.MUNICIPAL,
        world.municipality,
        *Y21,
    )
    assert copy.title == "План мероприятий («дорожная карта») Октябрьского района на 2021-2022 гг."
    assert (copy.goal, copy.timeframe) == ("Повышение качества образования", "2021–2022 гг.")
    activities = _activities(copy)
    first = activities["Создание муниципальной рабочей группы"]
    assert (first.deadline_text, first.deadline_periods, first.outside_period) == (
        "Август 2021г.",
        [["2021-08-01", "2021-08-31"]],
        False,
    )
    assert [s.code for s in first.executors.all()] == ["chemashi"]
    assert list(first.due_periods.values_list("start", "end")) == [(dt.date(2021, 8, 1), dt.date(2021, 8, 31))]
    # The stage's deadline moves too, and its activity without a deadline of its own reads it.
    stage = Section.objects.get(plan=copy, number="1.3")
    assert stage.deadline_text == "Февраль – март 2021 год" and stage.parent.number == "1"
    assert activities["Создание рабочей группы"].deadline_periods == [["2021-02-01", "2021-03-31"]]
    # Dates set by hand move with the years.
    by_hand = activities["Педагогический совет"]
    assert by_hand.deadline_set_by_hand and by_hand.deadline_periods == [["2021-11-02", "2021-11-06"]]
    assert {s.code for s in by_hand.executors.all()} == {"chemashi", "andra"}
    # Every copied activity has its reporting periods, as Activity.save() would have made them.
    for activity in activities.values():
        periods = {(p.start.isoformat(), p.end.isoformat()) for p in activity.due_periods.all()}
        assert periods == {tuple(p) for p in activity.deadline_periods}, activity.name
    # The source is untouched.
    assert Activity.objects.filter(section__plan=plan).count() == 5 and plan.versions.count() == 0
    assert first.history.count() == 1 and copy.history.get().history_user == coordinator


def test_a_copy_without_shifting_keeps_the_texts_and_reads_them_again(plan, coordinator):
    copy = copy_plan(plan, coordinator, *Y21, shift=False, title="Новый план")
    assert copy.title == "Новый план" and copy.timeframe == "2020–2021 гг."
    activities = _activities(copy)
    first = activities["Создание муниципальной рабочей группы"]
    assert (first.deadline_text, first.deadline_periods, first.outside_period) == (
        "Август 2020г.",
        [["2020-08-01", "2020-08-31"]],
        True,
    )
    yearly = activities["Повышение квалификации руководителей"]
    assert yearly.deadline_periods == [["2021-01-01", "2021-12-31"], ["2022-01-01", "2022-12-31"]]
    by_hand = activities["Педагогический совет"]
    assert (by_hand.deadline_set_by_hand, by_hand.deadline_kind, by_hand.deadline_periods) == (False, "unparsed", [])
    assert not by_hand.due_periods.exists()


def test_a_copy_costs_the_same_number_of_queries_whatever_the_plan_size(world, coordinator):
    small = make_plan(world)
    large = make_plan(world)
    section = large.sections.first()
    for n in range(60):
        activity = Activity.objects.create(
            section=section, number=f"1.{n + 3}", order=n + 3, name=f"Мероприятие {n}", deadline_text="Май 2020г."
        )
        activity.executors.add(world.school)
    scope_of(coordinator)  # the user's scope is read once per request, not per copy
    counts = []
    for source in (small, large):
        with CaptureQueriesContext(connection) as queries:
            copy_plan(source, coordinator, *Y21, shift=True)
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[1] <= 20
    copied = Plan.objects.order_by("-pk").first()
    assert Activity.objects.filter(section__plan=copied).count() == 63
    # 60 × May, August, September–October, and «В течение года» once a year for 2021 and 2022.
    assert ActivityPeriod.objects.filter(activity__section__plan=copied).count() == 64


def test_a_template_for_several_schools_makes_one_school_plan_each(plan, coordinator, world):
    schools = [world.school, world.second_school, world.mentor_school]
    plans = copy_for_schools(plan, coordinator, schools, plan.period_start, plan.period_end)
    assert len(plans) == 3
    assert {(p.level, p.school.code, p.status) for p in plans} == {
        (Level.SCHOOL, "chemashi", PlanStatus.DRAFT),
        (Level.SCHOOL, "andra", PlanStatus.DRAFT),
        (Level.SCHOOL, "peregrebnoe-1", PlanStatus.DRAFT),
    }
    for school_plan in plans:
        assert school_plan.title == f"{plan.title} — {school_plan.school.short_name}"
        activities = Activity.objects.filter(section__plan=school_plan).prefetch_related("executors")
        assert activities.count() == 5
        assert all([s.pk for s in a.executors.all()] == [school_plan.school_id] for a in activities)
        by_hand = activities.get(name="Педагогический совет")
        assert by_hand.deadline_text == "по итогам четверти" and by_hand.deadline_kind == "unparsed"


def test_the_template_queries_grow_with_the_schools_not_the_activities(plan, coordinator, world):
    scope_of(coordinator)
    counts = []
    for schools in ([world.school], [world.school, world.second_school]):
        with CaptureQueriesContext(connection) as queries:
            copy_for_schools(plan, coordinator, schools, plan.period_start, plan.period_end)
        counts.append(len(queries))
    # 12 for the copy itself, 5 for its audit-trail entries (the plan's; a read and an insert for its sections and
    # for its activities): still per school, never per activity.
    assert counts[1] - counts[0] <= 17


def test_a_school_of_another_municipality_is_refused(plan, coordinator, world):
    with pytest.raises(PlanError):
        copy_for_schools(plan, coordinator, [world.school, world.neighbour_school], *Y21)
    with pytest.raises(PlanError):
        copy_for_schools(plan, coordinator, [], *Y21)
    with pytest.raises(PlanError):
        copy_plan(plan, coordinator, dt.date(2022, 1, 1), dt.date(2021, 1, 1))
    assert Plan.objects.count() == 1


@pytest.mark.parametrize("persona", ["principal", "inspector", "other_coordinator"])
def test_only_the_coordinators_copy(request, plan, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotPermitted):
        copy_plan(plan, user, *Y21)
    with pytest.raises(NotPermitted):
        copy_for_schools(plan, user, [], *Y21)
    assert Plan.objects.count() == 1


# --- Views ---------------------------------------------------------------------------------------------------------


def test_the_copy_page_proposes_the_next_period_and_creates_the_copy(plan, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("roadmaps:plan-copy", args=[plan.pk])
    html = client.get(url).content.decode()
    assert 'value="2022-01-01"' in html and 'value="2023-12-31"' in html
    response = client.post(url, {"period_start": "2022-01-01", "period_end": "2021-12-31", "shift_years": "on"})
    assert response.status_code == 200 and "План не может заканчиваться раньше, чем начинается." in (
        response.content.decode()
    )
    assert Plan.objects.count() == 1
    response = client.post(url, {"period_start": "2022-01-01", "period_end": "2023-12-31", "shift_years": "on"})
    copy = Plan.objects.exclude(pk=plan.pk).get()
    assert response.status_code == 302 and response["Location"] == copy.get_absolute_url()
    assert copy.title.endswith("на 2022-2023 гг.")


def test_the_schools_page_lists_the_municipality_schools_and_creates_their_plans(plan, coordinator, world, client_for):
    client = client_for(coordinator)
    url = reverse("roadmaps:plan-copy-schools", args=[plan.pk])
    html = client.get(url).content.decode()
    assert "МКОУ «Андринская СОШ»" in html and "МБОУ «Берёзовская СОШ»" not in html
    response = client.post(url, {"period_start": "2020-01-01", "period_end": "2021-12-31"})
    assert response.status_code == 200 and "Выберите хотя бы одну школу." in response.content.decode()
    response = client.post(
        url, {"schools": [world.neighbour_school.pk], "period_start": "2020-01-01", "period_end": "2021-12-31"}
    )
    assert response.status_code == 200 and "Выберите корректный вариант" in response.content.decode()
    response = client.post(
        url,
        {
            "schools": [world.school.pk, world.second_school.pk],
            "period_start": "2020-01-01",
            "period_end": "2021-12-31",
        },
    )
    assert response.status_code == 302 and "level=school" in response["Location"]
    assert set(Plan.objects.filter(level=Level.SCHOOL).values_list("school__code", flat=True)) == {"chemashi", "andra"}


@pytest.mark.parametrize(
    "persona, expected", [("inspector", 403), ("principal", 403), ("other_coordinator", 404), ("outsider", 404)]
)
def test_the_copy_pages_refuse_the_wrong_person(request, plan, world, client_for, persona, expected):
    client = client_for(request.getfixturevalue(persona))
    data = {"period_start": "2022-01-01", "period_end": "2023-12-31", "schools": [world.school.pk]}
    for name in ("roadmaps:plan-copy", "roadmaps:plan-copy-schools"):
        assert client.get(reverse(name, args=[plan.pk])).status_code == expected
        assert client.post(reverse(name, args=[plan.pk]), data).status_code == expected
    assert Plan.objects.count() == 1


def test_the_plan_page_links_the_copies_for_coordinators_only(plan, coordinator, inspector, client_for):
    url = reverse("roadmaps:plan-copy", args=[plan.pk])
    assert url in client_for(coordinator).get(plan.get_absolute_url()).content.decode()
    assert url not in client_for(inspector).get(plan.get_absolute_url()).content.decode()


# --- The period's bounds and the executors of the copy -------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end",
    [
        (dt.date(1, 1, 1), dt.date(9999, 12, 31)),
        (dt.date(2022, 1, 1), dt.date(2101, 12, 31)),
        (dt.date(2022, 1, 1), dt.date(2032, 1, 1)),
    ],
)
def test_a_copy_keeps_to_the_period_rule_of_every_plan(plan, coordinator, world, start, end):
    with pytest.raises(PlanError):
        copy_plan(plan, coordinator, start, end)
    with pytest.raises(PlanError):
        copy_for_schools(plan, coordinator, [world.school], start, end)
    assert Plan.objects.count() == 1 and not ActivityPeriod.objects.exclude(activity__section__plan=plan).exists()


def test_the_copy_page_shows_the_period_rule_beside_the_fields(plan, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("roadmaps:plan-copy", args=[plan.pk])
    response = client.post(url, {"period_start": "0001-01-01", "period_end": "9999-12-31", "shift_years": "on"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["period_start"] == ["Укажите дату в пределах 2000–2100 годов."] == errors["period_end"]
    response = client.post(url, {"period_start": "2022-01-01", "period_end": "2035-12-31"})
    assert response.context["form"].errors["period_end"] == ["План рассчитывается не более чем на 10 лет."]
    url = reverse("roadmaps:plan-copy-schools", args=[plan.pk])
    response = client.post(url, {"schools": [plan.municipality.schools.first().pk], "period_start": "1999-01-01"})
    assert response.context["form"].errors["period_start"] == ["Укажите дату в пределах 2000–2100 годов."]
    assert Plan.objects.count() == 1


def test_a_copy_does_not_carry_over_executors_that_could_not_report_on_it(world, coordinator):
    """A school plan with another school as an executor (made before the executors were checked): the copy keeps
    only the school itself."""
    source = make_plan(world, level=Level.SCHOOL, school=world.school, title="Дорожная карта Чемашинской СОШ")
    activity = Activity.objects.get(section__plan=source, number="1.1")
    activity.executors.add(world.second_school, world.neighbour_school)
    copy = copy_plan(source, coordinator, *Y21)
    copied = Activity.objects.get(section__plan=copy, number="1.1")
    assert [school.code for school in copied.executors.all()] == ["chemashi"]
