"""Creating a plan (municipal, school, mentor pair) and editing its passport and period."""

import datetime as dt

import pytest
from django.urls import reverse

from registry.models import Pairing, PairingStatus
from roadmaps.models import Activity, ActivityPeriod, Amendment, Level, Plan, PlanStatus, Section
from tests.factories import PairingFactory, SchoolFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("roadmaps:plan-create")


def post_data(**values):
    data = {
        "level": Level.MUNICIPAL,
        "municipality": "",
        "school": "",
        "pairing": "",
        "title": "Дорожная карта по повышению качества образования",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "normative_basis": "Приказ №180 от 07.02.2024",
        "developers": "Комитет по образованию",
        "executors": "Школы района",
        "goal": "Повышение качества образования",
        "tasks": "1. Разработать план",
        "expected_results": "Снижение доли ШНОР до 20%",
        "timeframe": "2024 год",
        "control": "Комитет по образованию",
    }
    data.update({key: "" if value is None else value for key, value in values.items()})
    return data


@pytest.fixture
def pairing(world):
    return Pairing.objects.get(mentee=world.school)


def test_it_creates_a_municipal_draft_plan_with_its_passport(coordinator, client_for, world):
    client = client_for(coordinator)
    response = client.post(CREATE, post_data(municipality=world.municipality.pk))
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert (plan.level, plan.municipality, plan.school, plan.pairing, plan.status) == (
        Level.MUNICIPAL,
        world.municipality,
        None,
        None,
        PlanStatus.DRAFT,
    )
    assert (plan.period_start, plan.period_end) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert plan.goal == "Повышение качества образования" and plan.timeframe == "2024 год"
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "создан как черновик" in html and "Паспорт плана" in html and "Добавить раздел" in html


def test_it_creates_a_school_plan_of_a_school_of_the_municipality(coordinator, client_for, world):
    response = client_for(coordinator).post(CREATE, post_data(level=Level.SCHOOL, school=world.second_school.pk))
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.level, plan.school, plan.municipality) == (Level.SCHOOL, world.second_school, world.municipality)


def test_a_pair_plan_is_preselected_from_the_support_pages_and_belongs_to_the_pairing(
    coordinator, client_for, world, pairing
):
    client = client_for(coordinator)
    html = client.get(CREATE, {"level": "pair", "pairing": pairing.pk}).content.decode()
    assert f'<option value="{pairing.pk}" selected>' in html
    assert '<option value="pair" selected>' in html
    assert 'value="2020-05-20"' in html  # the period starts with the agreement
    response = client.post(CREATE, post_data(level=Level.PAIR, pairing=pairing.pk))
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.level, plan.pairing, plan.school, plan.municipality) == (
        Level.PAIR,
        pairing,
        world.school,
        world.municipality,
    )


def test_owners_outside_the_coordinators_municipalities_are_not_offered(coordinator, client_for, world):
    far_pairing = PairingFactory(mentor=world.far_school, mentee=SchoolFactory(municipality=world.far))
    ended = PairingFactory(
        mentor=world.second_school, mentee=world.mentor_school, status=PairingStatus.ENDED, end=dt.date(2020, 12, 31)
    )
    client = client_for(coordinator)
    html = client.get(CREATE, {"level": "pair", "pairing": far_pairing.pk}).content.decode()
    assert world.far.name not in html and world.far_school.short_name not in html
    assert f'value="{ended.pk}"' not in html
    for data in (
        post_data(municipality=world.far.pk),
        post_data(level=Level.SCHOOL, school=world.far_school.pk),
        post_data(level=Level.PAIR, pairing=far_pairing.pk),
        post_data(level=Level.PAIR, pairing=ended.pk),
    ):
        response = client.post(CREATE, data)
        assert response.status_code == 200
        assert "Выберите корректный вариант" in response.content.decode()
    assert not Plan.objects.exists()


def test_bad_input_is_refused_beside_the_field_and_kept(coordinator, client_for, world):
    client = client_for(coordinator)
    response = client.post(
        CREATE, post_data(level=Level.SCHOOL, municipality=world.municipality.pk, period_end="2023-12-31")
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Plan.objects.exists()
    assert "Выберите школу, чей это план." in html
    assert "Дорожная карта по повышению качества образования" in html and "Снижение доли ШНОР до 20%" in html
    response = client.post(CREATE, post_data(municipality=world.municipality.pk, period_end="2023-12-31"))
    assert "План не может заканчиваться раньше, чем начинается." in response.content.decode()
    response = client.post(CREATE, post_data(level=Level.MUNICIPAL))
    assert "Выберите муниципалитет, чей это план." in response.content.decode()
    assert not Plan.objects.exists()


def test_a_school_of_another_municipality_does_not_fit_the_chosen_one(client_for, world):
    from accounts.models import Role
    from tests.factories import user_with_role

    both = user_with_role(Role.MUNICIPAL_COORDINATOR, "both", municipality=world.municipality)
    both.role_assignments.create(role=Role.MUNICIPAL_COORDINATOR, municipality=world.neighbour)
    response = client_for(both).post(
        CREATE, post_data(level=Level.SCHOOL, municipality=world.municipality.pk, school=world.neighbour_school.pk)
    )
    assert "Школа не относится к выбранному муниципалитету." in response.content.decode()
    assert not Plan.objects.exists()


def test_a_principal_creates_only_a_draft_school_plan_of_their_own_school(principal, client_for, world):
    client = client_for(principal)
    html = client.get(CREATE).content.decode()
    assert 'name="municipality"' not in html and 'name="pairing"' not in html
    assert world.school.short_name in html and world.second_school.short_name not in html
    response = client.post(CREATE, post_data(level=Level.MUNICIPAL, municipality=world.municipality.pk))
    assert response.status_code == 200 and not Plan.objects.exists()
    response = client.post(CREATE, post_data(level=Level.SCHOOL, school=world.second_school.pk))
    assert response.status_code == 200 and not Plan.objects.exists()
    response = client.post(CREATE, post_data(level=Level.SCHOOL, school=world.school.pk))
    plan = Plan.objects.get()
    assert (plan.level, plan.school, plan.municipality, plan.status) == (
        Level.SCHOOL,
        world.school,
        world.municipality,
        PlanStatus.DRAFT,
    )
    # Their own draft: they edit it.
    assert client.get(reverse("roadmaps:plan-edit", args=[plan.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["inspector", "regional", "outsider"])
def test_readers_cannot_create_plans(request, client_for, persona, world):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, post_data(municipality=world.municipality.pk)).status_code == 403
    assert not Plan.objects.exists()
    assert "Создать план" not in client.get(reverse("roadmaps:plan-list")).content.decode()


def test_the_list_offers_creation_to_coordinators_and_a_login_is_needed(coordinator, client_for, client):
    assert client.get(CREATE).status_code == 302
    html = client_for(coordinator).get(reverse("roadmaps:plan-list")).content.decode()
    assert "Создать план" in html and CREATE in html


def test_the_create_page_takes_only_get_and_post(coordinator, client_for):
    assert client_for(coordinator).put(CREATE).status_code == 405


# --- Editing the passport and period -------------------------------------------------------------------------------


@pytest.fixture
def draft(world):
    plan = Plan.objects.create(
        level=Level.MUNICIPAL,
        municipality=world.municipality,
        title="План Октябрьского района",
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31),
    )
    section = Section.objects.create(plan=plan, number="1.", title="Раздел", order=1)
    Activity.objects.create(section=section, number="1.1", order=1, name="Семинар", deadline_text="Февраль 2021 г.")
    return plan


def edit_data(plan, **values):
    data = {name: getattr(plan, name) or "" for name in ("title", "goal", "tasks", "control")}
    data.update(period_start=plan.period_start.isoformat(), period_end=plan.period_end.isoformat())
    data.update(values)
    return data


def test_it_edits_the_passport_and_a_new_period_rereads_the_deadlines(draft, coordinator, client_for):
    activity = Activity.objects.get(section__plan=draft)
    assert activity.outside_period
    url = reverse("roadmaps:plan-edit", args=[draft.pk])
    client = client_for(coordinator)
    assert "План Октябрьского района" in client.get(url).content.decode()
    response = client.post(url, edit_data(draft, goal="Новая цель", period_end="2021-12-31"))
    assert response.status_code == 302
    draft.refresh_from_db()
    activity.refresh_from_db()
    assert (draft.goal, draft.period_end) == ("Новая цель", dt.date(2021, 12, 31))
    assert not activity.outside_period and activity.deadline_periods == [["2021-02-01", "2021-02-28"]]


def test_a_bad_period_is_refused_and_the_input_kept(draft, coordinator, client_for):
    url = reverse("roadmaps:plan-edit", args=[draft.pk])
    response = client_for(coordinator).post(url, edit_data(draft, goal="Цель", period_end="2019-01-01"))
    html = response.content.decode()
    assert (
        response.status_code == 200 and "План не может заканчиваться раньше, чем начинается." in html and "Цель" in html
    )
    draft.refresh_from_db()
    assert draft.period_end == dt.date(2020, 12, 31) and draft.goal == ""


@pytest.mark.parametrize(
    "persona, status", [("inspector", 403), ("mentor", 404), ("principal", 404), ("other_coordinator", 404)]
)
def test_others_cannot_edit_the_passport(request, draft, client_for, persona, status):
    url = reverse("roadmaps:plan-edit", args=[draft.pk])
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url).status_code == status
    assert client.post(url, edit_data(draft, goal="Чужая цель")).status_code == status
    draft.refresh_from_db()
    assert draft.goal == ""


def test_an_approved_plan_is_edited_only_while_an_amendment_is_open(draft, coordinator, client_for):
    draft.status = PlanStatus.APPROVED
    draft.save()
    url = reverse("roadmaps:plan-edit", args=[draft.pk])
    client = client_for(coordinator)
    assert client.get(url).status_code == 403
    assert "Изменить паспорт и период" not in client.get(draft.get_absolute_url()).content.decode()
    Amendment.objects.create(plan=draft, number=1, reason="Новые сроки", opened_by=coordinator)
    assert client.get(url).status_code == 200
    assert "Изменить паспорт и период" in client.get(draft.get_absolute_url()).content.decode()


def test_a_principal_edits_their_school_plan_only_as_a_draft(principal, client_for, world):
    plan = Plan.objects.create(
        level=Level.SCHOOL,
        municipality=world.municipality,
        school=world.school,
        title="Дорожная карта Чемашинской СОШ",
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31),
    )
    url = reverse("roadmaps:plan-edit", args=[plan.pk])
    client = client_for(principal)
    assert client.post(url, edit_data(plan, goal="Цель школы")).status_code == 302
    for status in (PlanStatus.REVIEW, PlanStatus.APPROVED):
        Plan.objects.filter(pk=plan.pk).update(status=status)
        assert client.get(url).status_code == 403
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.RETURNED)
    assert client.get(url).status_code == 200


# --- The period's bounds (roadmaps/periods.py) ---------------------------------------------------------------------

YEARS_ERROR = "Укажите дату в пределах 2000–2100 годов."
LENGTH_ERROR = "План рассчитывается не более чем на 10 лет."


def _errors(response) -> dict:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_a_period_of_ten_thousand_years_is_refused_beside_its_fields(coordinator, client_for, world):
    client = client_for(coordinator)
    response = client.post(
        CREATE, post_data(municipality=world.municipality.pk, period_start="0001-01-01", period_end="9999-12-31")
    )
    assert response.status_code == 200 and not Plan.objects.exists()
    assert _errors(response) == {"period_start": [YEARS_ERROR], "period_end": [YEARS_ERROR]}
    html = response.content.decode()
    assert YEARS_ERROR in html and "Снижение доли ШНОР до 20%" in html  # the input is kept


def test_a_plan_runs_ten_years_at_most(coordinator, client_for, world):
    client = client_for(coordinator)
    response = client.post(
        CREATE, post_data(municipality=world.municipality.pk, period_start="2024-01-01", period_end="2034-01-01")
    )
    assert response.status_code == 200 and not Plan.objects.exists()
    assert _errors(response) == {"period_end": [LENGTH_ERROR]}
    response = client.post(
        CREATE, post_data(municipality=world.municipality.pk, period_start="2024-01-01", period_end="2033-12-31")
    )
    assert response.status_code == 302
    assert Plan.objects.get().period_end == dt.date(2033, 12, 31)


def test_an_end_before_the_start_is_said_once(coordinator, client_for, world):
    response = client_for(coordinator).post(
        CREATE, post_data(municipality=world.municipality.pk, period_end="2023-12-31")
    )
    assert _errors(response) == {"period_end": ["План не может заканчиваться раньше, чем начинается."]}


def test_the_passport_form_keeps_the_period_within_its_bounds(draft, coordinator, client_for):
    url = reverse("roadmaps:plan-edit", args=[draft.pk])
    client = client_for(coordinator)
    response = client.post(url, edit_data(draft, goal="Цель", period_end="9999-12-31"))
    assert response.status_code == 200 and _errors(response) == {"period_end": [YEARS_ERROR]}
    response = client.post(url, edit_data(draft, goal="Цель", period_end="2030-01-01"))
    assert response.status_code == 200 and _errors(response) == {"period_end": [LENGTH_ERROR]}
    draft.refresh_from_db()
    assert draft.period_end == dt.date(2020, 12, 31) and draft.goal == ""
    assert ActivityPeriod.objects.filter(activity__section__plan=draft).count() <= 1


def test_the_pairing_in_the_query_string_is_a_plain_number_or_nothing(coordinator, client_for, pairing):
    client = client_for(coordinator)
    for value in ("²", "٢", f"{pairing.pk}²", "-1", "9" * 30, " 1"):
        response = client.get(CREATE, {"level": "pair", "pairing": value})
        assert response.status_code == 200
        assert f'<option value="{pairing.pk}" selected>' not in response.content.decode()
