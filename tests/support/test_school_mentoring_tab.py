"""The mentoring tab of the school page, served by support: a fragment for htmx, a whole school page without it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PairingFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def tab(code):
    return reverse("support:school-mentoring-tab", kwargs={"code": code})


def test_the_registry_tab_loads_it_from_support_and_links_to_it_without_javascript(client_for, coordinator):
    url = reverse("registry:school-tab", kwargs={"code": "chemashi", "tab": "mentoring"})
    body = client_for(coordinator).get(url).content.decode()
    assert f'hx-get="{tab("chemashi")}" hx-trigger="load"' in body
    assert f'<a href="{tab("chemashi")}">' in body


def test_it_answers_htmx_with_the_tab_alone_and_a_browser_with_the_whole_school_page(client_for, principal):
    client = client_for(principal)
    fragment = client.get(tab("chemashi"), headers={"HX-Request": "true"}).content.decode()
    assert "МКОУ «Перегребинская СОШ №1»" in fragment and "breadcrumb" not in fragment
    page = client.get(tab("chemashi")).content.decode()
    assert "breadcrumb" in page and "МКОУ «Перегребинская СОШ №1»" in page
    assert 'class="nav-link active" href="/registry/schools/chemashi/mentoring/"' in page


def test_it_shows_the_mentor_school_the_schools_it_mentors(client_for, mentor, world):
    body = client_for(mentor).get(tab(world.mentor_school.code), headers={"HX-Request": "true"}).content.decode()
    assert "МКОУ «Чемашинская СОШ»" in body


@pytest.mark.parametrize("persona", ["other_coordinator", "outsider"])
def test_it_answers_404_outside_the_scope_as_the_school_page_does(client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(tab("chemashi")).status_code == 404
    assert client.get(tab("chemashi"), headers={"HX-Request": "true"}).status_code == 404
    assert client.get(tab("no-such-school")).status_code == 404


def test_it_costs_the_same_queries_for_one_pairing_and_for_ten(client_for, coordinator, world):
    client = client_for(coordinator)
    client.get(tab("chemashi"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(tab("chemashi"), headers={"HX-Request": "true"}).status_code == 200
    for _ in range(5):
        PairingFactory(mentor=SchoolFactory(municipality=world.municipality), mentee=world.school)
        PairingFactory(mentor=world.school, mentee=SchoolFactory(municipality=world.municipality))
    with CaptureQueriesContext(connection) as many:
        response = client.get(tab("chemashi"), headers={"HX-Request": "true"})
    assert response.content.decode().count("<tr>") >= 11
    assert len(many) == len(few) <= 8
