import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry.models import Status
from tests.factories import ListingFactory, SchoolFactory

pytestmark = pytest.mark.django_db
URL = reverse("registry:school-list")


def codes_on(response):
    return [school.code for school in response.context["page"].object_list]


def test_it_lists_only_the_coordinators_municipality(client_for, coordinator):
    response = client_for(coordinator).get(URL, {"year": "all"})
    assert response.status_code == 200
    assert set(codes_on(response)) == {"chemashi", "peregrebnoe-1", "andra"}
    assert "Реестр школ" in response.content.decode()


def test_it_filters_by_status_within_the_academic_year(client_for, coordinator):
    client = client_for(coordinator)
    assert codes_on(client.get(URL, {"year": "2019", "status": Status.SHNOR})) == ["chemashi"]
    # The listing ended on 31.08.2020: in 2020/2021 Чемашинская is no longer ШНОР.
    assert codes_on(client.get(URL, {"year": "2020", "status": Status.SHNOR})) == []
    assert set(codes_on(client.get(URL, {"year": "2020", "status": "none"}))) == {"chemashi", "andra"}


def test_it_filters_by_municipality_code_and_searches(client_for, regional, world):
    client = client_for(regional)
    assert codes_on(client.get(URL, {"municipality": "berezovsky", "year": "all"})) == ["berezovo"]
    assert codes_on(client.get(URL, {"q": "чемаш", "year": "all"})) == ["chemashi"]
    # A municipality outside the scope is not a valid choice, so it filters nothing in and nothing leaks.
    response = client.get(URL, {"municipality": "dubensky", "year": "all"})
    assert "novopavshino" not in codes_on(response)
    assert response.context["filter"].form.errors["municipality"]


def test_it_shows_statuses_and_mentors_of_the_selected_year(client_for, coordinator):
    response = client_for(coordinator).get(URL, {"year": "2019"})
    chemashi = next(s for s in response.context["page"].object_list if s.code == "chemashi")
    assert [listing.status for listing in chemashi.year_listings] == [Status.SHNOR]
    assert [pairing.mentor.code for pairing in chemashi.year_mentors] == ["peregrebnoe-1"]
    body = response.content.decode()
    assert "приказ №1576 от 02.12.2019" in body
    assert "МКОУ «Перегребинская СОШ №1»" in body


def test_it_defaults_to_the_latest_year_with_listings(client_for, other_coordinator):
    response = client_for(other_coordinator).get(URL)
    # The listing runs 07.02.2024–31.12.2024: its latest academic year is 2024/2025.
    assert response.context["filter"].selected_year.start_year == 2024
    assert codes_on(response) == ["novopavshino"]


def test_it_tells_nothing_found_apart_from_no_data(client_for, coordinator, outsider):
    found_nothing = client_for(coordinator).get(URL, {"q": "нет такой школы"})
    assert "Ничего не найдено" in found_nothing.content.decode()
    empty = client_for(outsider).get(URL)
    assert "пока нет школ" in empty.content.decode()


def test_it_exports_exactly_the_filtered_list(client_for, coordinator):
    response = client_for(coordinator).get(URL, {"year": "2019", "status": Status.SHNOR, "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "2019/2020" in sheet["A1"].value
    header = [cell.value for cell in sheet[4]]
    assert header[:2] == ["Код", "Школа"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
    assert [row[0] for row in rows] == ["chemashi"]
    assert rows[0][11] == "МКОУ «Перегребинская СОШ №1»"
    assert sheet.freeze_panes == "A5"


def test_it_defuses_formula_like_text_in_exports(client_for, coordinator, world):
    SchoolFactory(code="evil", short_name='=HYPERLINK("http://x")', municipality=world.municipality)
    response = client_for(coordinator).get(URL, {"q": "evil", "year": "all", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B5"].value.startswith("'=")
    assert sheet["B5"].data_type == "s"


def test_it_paginates_and_keeps_filters_in_page_links(client_for, coordinator, world, settings):
    settings.REGISTRY_PAGE_SIZE = 2
    response = client_for(coordinator).get(URL, {"year": "all", "type": "sosh"})
    assert response.context["page"].paginator.num_pages == 2
    assert "type=sosh" in response.context["query"] and "page" not in response.context["query"]
    second = client_for(coordinator).get(URL, {"year": "all", "type": "sosh", "page": 2})
    assert len(codes_on(second)) == 1


def test_it_returns_only_the_table_to_htmx(client_for, coordinator):
    response = client_for(coordinator).get(URL, {"year": "all"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<table" in body and '<nav class="navbar' not in body


def test_it_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _grow_registry(world, count):
    """`count` more schools with listings, pairings, profiles and risks, written in bulk."""
    from registry.models import Listing, Pairing, School
    from registry.profiles import RiskAssessment, RiskFactor, SchoolYearProfile

    start = School.objects.count()
    schools = School.objects.bulk_create(
        School(
            municipality=world.municipality,
            code=f"bulk-{start + n}",
            short_name=f"СОШ №{start + n}",
            name=f"СОШ №{start + n}",
        )
        for n in range(count)
    )
    factor = RiskFactor.objects.first()
    Listing.objects.bulk_create(
        Listing(school=s, status="shnor", start=dt.date(2020, 9, 1), basis="приказ №1") for s in schools
    )
    Pairing.objects.bulk_create(
        Pairing(mentor=world.mentor_school, mentee=s, start=dt.date(2020, 5, 20)) for s in schools
    )
    SchoolYearProfile.objects.bulk_create(
        SchoolYearProfile(school=s, year=y, ior="0.5") for s in schools for y in (2019, 2020)
    )
    RiskAssessment.objects.bulk_create(
        RiskAssessment(school=s, year=2020, factor=factor, level="high") for s in schools
    )


def test_it_renders_a_thousand_schools_in_the_same_number_of_queries_as_five(
    client_for, administrator, world, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.REGISTRY_PAGE_SIZE = 2000
    client = client_for(administrator)
    client.get(URL, {"year": "2020"})  # warm the session and the user's scope

    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"year": "2020", "sort": "-ior"})
        return len(captured), response

    small, _ = queries_for_list()
    _grow_registry(world, 1000)
    large, response = queries_for_list()
    assert len(response.context["page"].object_list) == 1005
    assert large == small <= 12
    with CaptureQueriesContext(connection) as captured:
        client.get(URL, {"year": "2020", "export": "xlsx"})
    assert len(captured) <= 12


def test_it_shows_ior_with_its_trend_and_risks_and_sorts_by_ior(client_for, coordinator, world):
    from registry.profiles import RiskAssessment, RiskFactor, SchoolYearProfile

    SchoolYearProfile.objects.create(school=world.school, year=2018, ior="0.473")
    SchoolYearProfile.objects.create(school=world.school, year=2019, ior="0.406")
    SchoolYearProfile.objects.create(school=world.second_school, year=2019, ior="0.600")
    for factor in RiskFactor.objects.filter(code__in=["RF01", "RF02"]):
        RiskAssessment.objects.create(school=world.school, year=2019, factor=factor, level="high")
    client = client_for(coordinator)
    response = client.get(URL, {"year": "2019", "sort": "-ior"})
    assert codes_on(response) == ["andra", "chemashi", "peregrebnoe-1"]  # no ИОР goes last
    assert codes_on(client.get(URL, {"year": "2019", "sort": "ior"}))[:2] == ["chemashi", "andra"]
    body = response.content.decode()
    assert "0,406" in body and "▼" in body and "2 высоких" in body
    sheet = load_workbook(
        io.BytesIO(client.get(URL, {"year": "2019", "sort": "-ior", "export": "xlsx"}).content)
    ).active
    chemashi = [cell.value for cell in sheet[6]]
    assert chemashi[0] == "chemashi" and chemashi[6:9] == [0.406, 0.473, "2 высоких"]


def test_the_registry_of_a_year_can_be_shown_as_a_set(client_for, coordinator, world):
    ListingFactory(school=world.second_school, status=Status.SHFNSU, start=dt.date(2019, 9, 1), end=None)
    client = client_for(coordinator)
    assert set(codes_on(client.get(URL, {"year": "2019", "status": "registry"}))) == {"chemashi", "andra"}
    assert set(codes_on(client.get(URL, {"year": "2019", "status": "listed"}))) == {
        "chemashi",
        "andra",
        "peregrebnoe-1",
    }


def test_it_offers_the_sort_options_in_russian(client_for, coordinator):
    # The labels were keyed by the parameter instead of the field, so «Name» / «Name (по убыванию)» showed through.
    response = client_for(coordinator).get(reverse("registry:school-list"))
    choices = [str(label) for _, label in response.context["filter"].form.fields["sort"].choices]
    assert "Наименование" in choices and "Наименование (по убыванию)" in choices
    assert "Муниципалитет" in choices and "ИОР (по убыванию)" in choices
    assert not [label for label in choices if label.startswith("Name")]
