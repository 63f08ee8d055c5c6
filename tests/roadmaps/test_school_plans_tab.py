"""The plans tab of the school page, served by roadmaps: a fragment for htmx, a whole school page without it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmaps.models import Level, Plan, PlanStatus
from tests.factories import PairingFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def tab(code):
    return reverse("roadmaps:school-plans-tab", kwargs={"code": code})


def school_plan(school, title, **extra):
    return Plan.objects.create(
        municipality=school.municipality,
        level=Level.SCHOOL,
        school=school,
        title=title,
        period_start="2021-01-01",
        period_end="2023-12-31",
        status=PlanStatus.DRAFT,
        **extra,
    )


def pair_plan(pairing, title):
    return Plan.objects.create(
        municipality=pairing.mentee.municipality,
        level=Level.PAIR,
        pairing=pairing,
        title=title,
        period_start="2021-01-01",
        period_end="2021-12-31",
        status=PlanStatus.DRAFT,
    )


def test_the_registry_tab_loads_it_from_roadmaps_and_links_to_it_without_javascript(client_for, coordinator):
    url = reverse("registry:school-tab", kwargs={"code": "chemashi", "tab": "plans"})
    body = client_for(coordinator).get(url).content.decode()
    assert f'hx-get="{tab("chemashi")}" hx-trigger="load"' in body
    assert f'<a href="{tab("chemashi")}">' in body


def test_it_lists_the_schools_own_and_pair_plans_but_not_other_schools(client_for, coordinator, world):
    school_plan(world.school, "Программа перехода Чемашинской школы")
    pair_plan(PairingFactory(mentor=SchoolFactory(municipality=world.municipality), mentee=world.school), "Совместный")
    school_plan(SchoolFactory(municipality=world.municipality), "План другой школы")
    client = client_for(coordinator)
    fragment = client.get(tab("chemashi"), headers={"HX-Request": "true"}).content.decode()
    assert "Программа перехода Чемашинской школы" in fragment and "Совместный" in fragment
    assert "План другой школы" not in fragment and "breadcrumb" not in fragment
    page = client.get(tab("chemashi")).content.decode()
    assert "breadcrumb" in page and 'class="nav-link active" href="/registry/schools/chemashi/plans/"' in page


def test_it_exports_the_same_plans(client_for, coordinator, world):
    school_plan(world.school, "Программа перехода Чемашинской школы")
    response = client_for(coordinator).get(tab("chemashi"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")


@pytest.mark.parametrize("persona", ["other_coordinator", "outsider"])
def test_it_answers_404_outside_the_scope_as_the_school_page_does(client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(tab("chemashi")).status_code == 404
    assert client.get(tab("chemashi"), headers={"HX-Request": "true"}).status_code == 404
    assert client_for(request.getfixturevalue(persona)).get(tab("no-such-school")).status_code == 404


def test_it_costs_the_same_queries_for_one_plan_and_for_ten(client_for, coordinator, world):
    client = client_for(coordinator)
    school_plan(world.school, "Первый")
    client.get(tab("chemashi"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(tab("chemashi"), headers={"HX-Request": "true"}).status_code == 200
    for number in range(9):
        school_plan(world.school, f"План {number}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(tab("chemashi"), headers={"HX-Request": "true"})
    assert response.content.decode().count("<tr>") >= 10
    assert len(many) == len(few)
