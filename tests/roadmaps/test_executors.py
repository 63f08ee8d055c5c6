"""Executor schools of a plan's activities: only schools that can see the plan in «Мои задачи» and report on it — the
municipality's schools for a municipal plan, the school itself for a school plan, the mentor and the supported
school for a pair plan. Offered in the form and checked on the server."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from registry.models import Pairing
from roadmaps.access import plans_visible_to
from roadmaps.editing import executor_schools
from roadmaps.models import Activity, Level, Plan, Section
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _plan(world, level, **owner) -> Plan:
    plan = Plan.objects.create(
        level=level,
        municipality=world.municipality,
        title=f"План ({level})",
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2021, 12, 31),
        **owner,
    )
    Section.objects.create(plan=plan, number="1.", title="Организационные мероприятия", order=1)
    return plan


@pytest.fixture
def school_plan(world):
    return _plan(world, Level.SCHOOL, school=world.school)


@pytest.fixture
def pair_plan(world):
    pairing = Pairing.objects.get(mentee=world.school)
    return _plan(world, Level.PAIR, school=world.school, pairing=pairing)


@pytest.fixture
def municipal_plan(world):
    return _plan(world, Level.MUNICIPAL)


def _create(client, plan, executors, name="Педагогический совет"):
    section = plan.sections.get()
    address = reverse("roadmaps:activity-create", args=[plan.pk, section.pk])
    data = {"name": name, "deadline_text": "Май 2020", "section": section.pk, "executors": executors}
    return client.post(address, data, **HTMX)


def _offered(client, plan) -> set[str]:
    section = plan.sections.get()
    response = client.get(reverse("roadmaps:activity-create", args=[plan.pk, section.pk]), **HTMX)
    return {label for _pk, label in response.context["form"].fields["executors"].choices}


def test_the_schools_that_may_be_executors_follow_the_plans_level(world, school_plan, pair_plan, municipal_plan):
    assert list(executor_schools(school_plan)) == [world.school]
    assert set(executor_schools(pair_plan)) == {world.school, world.mentor_school}
    assert set(executor_schools(municipal_plan)) == {world.school, world.mentor_school, world.second_school}


def test_a_school_plan_offers_and_takes_only_its_own_school(world, school_plan, principal, client_for):
    client = client_for(principal)
    assert _offered(client, school_plan) == {world.school.short_name}
    response = _create(client, school_plan, [world.school.pk, world.second_school.pk])
    assert response.status_code == 200
    assert "Исполнителем может быть только школа, которая отчитывается по этому плану." in response.content.decode()
    assert not Activity.objects.exists()
    assert _create(client, school_plan, [world.school.pk]).status_code == 200
    activity = Activity.objects.get()
    assert [school.code for school in activity.executors.all()] == ["chemashi"]


def test_editing_an_activity_cannot_add_another_school_either(world, school_plan, coordinator, client_for):
    activity = Activity.objects.create(section=school_plan.sections.get(), name="Педсовет", deadline_text="Май 2020")
    address = reverse("roadmaps:activity-edit", args=[school_plan.pk, activity.pk])
    data = {"name": "Педсовет", "deadline_text": "Май 2020", "section": activity.section_id}
    response = client_for(coordinator).post(address, {**data, "executors": [world.mentor_school.pk]}, **HTMX)
    assert response.status_code == 200 and "Исполнителем может быть только школа" in response.content.decode()
    assert not activity.executors.exists()


def test_a_pair_plan_takes_the_mentor_and_the_supported_school(world, pair_plan, coordinator, client_for):
    client = client_for(coordinator)
    assert _offered(client, pair_plan) == {world.school.short_name, world.mentor_school.short_name}
    _create(client, pair_plan, [world.second_school.pk])
    assert not Activity.objects.exists()
    _create(client, pair_plan, [world.school.pk, world.mentor_school.pk])
    assert {school.code for school in Activity.objects.get().executors.all()} == {"chemashi", "peregrebnoe-1"}


def test_a_municipal_plan_takes_the_municipalitys_schools(world, municipal_plan, coordinator, client_for):
    client = client_for(coordinator)
    assert world.second_school.short_name in _offered(client, municipal_plan)
    _create(client, municipal_plan, [world.neighbour_school.pk])
    assert not Activity.objects.exists()
    _create(client, municipal_plan, [world.second_school.pk])
    assert [school.code for school in Activity.objects.get().executors.all()] == ["andra"]


def test_every_executor_can_see_the_plan_it_reports_on(world, school_plan, pair_plan, municipal_plan):
    """The rule that makes the choices: an executor school's principal sees the plan (and so can report on it)."""
    for plan in (school_plan, pair_plan, municipal_plan):
        for school in executor_schools(plan):
            activity = Activity.objects.create(section=plan.sections.get(), name=f"{plan.pk}-{school.code}")
            activity.executors.add(school)
            head = user_with_role(Role.PRINCIPAL, f"head-{school.code}", school=school)
            assert plans_visible_to(head).filter(pk=plan.pk).exists(), (plan.level, school.code)
