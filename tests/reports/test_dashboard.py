"""The role dashboards (reports/dashboard.py): the top layer, since they combine every app."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_the_coordinator_the_counts_and_schools_of_the_municipality(client_for, coordinator, world):
    from registry.academic_year import AcademicYear
    from tests.factories import ListingFactory

    year = AcademicYear.current()
    ListingFactory(school=world.second_school, status="shfnsu", start=year.start, end=year.end)
    response = client_for(coordinator).get("/")
    assert response.context["year"] == year
    counts = {status: count for _label, count, status in response.context["status_counts"]}
    assert counts["mentor"] == 1 and counts["shfnsu"] == 1 and counts["shnor"] == 0
    assert [s.code for s in response.context["attention_schools"]] == ["andra"]
    body = response.content.decode()
    assert "МКОУ «Андринская СОШ»" in body
    assert "Новопавшинская" not in body


def test_it_compares_municipalities_for_the_regional_coordinator(client_for, regional):
    response = client_for(regional).get("/")
    names = [m.name for m, _counts in response.context["municipality_rows"]]
    assert names == ["Берёзовский район", "Октябрьский район"]


def test_it_shows_a_principal_only_their_school(client_for, principal):
    response = client_for(principal).get("/")
    assert "status_counts" not in response.context
    assert [s.code for s in response.context["own_schools"]] == ["chemashi"]
    assert "Моя школа" in response.content.decode()


def test_it_shows_a_mentor_the_schools_it_mentors(client_for, mentor):
    response = client_for(mentor).get("/")
    assert [p.mentee.code for p in response.context["mentee_pairings"]] == ["chemashi"]
    assert "Школы, которые я курирую" in response.content.decode()


def test_it_tells_a_user_without_roles_to_ask_the_administrator(client_for, outsider):
    assert "Вам пока не назначены роли" in client_for(outsider).get("/").content.decode()


def test_it_renders_the_dashboard_in_a_bounded_number_of_queries(
    client_for, administrator, django_assert_max_num_queries
):
    client = client_for(administrator)
    with django_assert_max_num_queries(16):
        client.get("/")


def test_it_switches_the_academic_year(client_for, coordinator):
    response = client_for(coordinator).get("/", {"year": "2019"})
    assert response.context["year"].label == "2019/2020"
    assert [s.code for s in response.context["attention_schools"]] == ["chemashi"]
    assert client_for(coordinator).get("/", {"year": "nonsense"}).status_code == 200


def test_it_shows_the_regional_table_even_for_one_municipality(client_for, world):
    from accounts.models import Role
    from tests.factories import user_with_role

    user = user_with_role(Role.REGIONAL_COORDINATOR, "tula-coordinator", region=world.other_region)
    rows = client_for(user).get("/").context["municipality_rows"]
    assert [(m.code, counts["shnor"]) for m, counts in rows] == [("dubensky", 1)]


def test_it_shows_only_the_mentors_of_the_selected_year(client_for, principal):
    before_pairing = client_for(principal).get("/", {"year": "2018"})
    assert [list(s.year_mentors) for s in before_pairing.context["own_schools"]] == [[]]
    during = client_for(principal).get("/", {"year": "2020"})
    assert [[p.mentor.code for p in s.year_mentors] for s in during.context["own_schools"]] == [["peregrebnoe-1"]]


def test_it_finds_the_default_year_and_the_offered_years_in_one_query(client_for, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(coordinator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    # Both come from the listings of the scope: its earliest start and its latest day under support.
    sql = [query["sql"] for query in queries.captured_queries]
    years = [text for text in sql if text.startswith('SELECT MIN("registry_listing"."start")')]
    starts = [text for text in sql if 'SELECT "registry_listing"."start"' in text]
    assert len(years) == 1 and starts == []
    assert "MAX(" in years[0]
    assert response.context["year"].start_year == 2019  # ШНОР until 31.08.2020; the mentor listing is no support
    assert [value for value, _label in response.context["year_choices"]][-1] == "2019"
