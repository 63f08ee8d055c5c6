"""The regional coordinator's dashboard (reports/comparison.py): the municipalities side by side — registry counts,
key indicators, plan execution, last import — sortable, paginated, exported, in a fixed number of queries."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import Status
from reports.indicators.models import Indicator, IndicatorValue
from tests.factories import ListingFactory, MunicipalityFactory, SchoolFactory

from .test_dashboards_roles import accept_done, municipal_plan

pytestmark = pytest.mark.django_db

URL = reverse("reports:municipality-comparison")
NOW = dt.datetime(2022, 1, 10, 9, 0, tzinfo=dt.UTC)
YEAR = 2021


def value(municipality, code, number, year=YEAR):
    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code=code),
        municipality=municipality,
        year=year,
        value=None if number is None else Decimal(number),
        calculated_at=NOW,
    )


def listed(municipality, status, code, start=dt.date(2021, 12, 31), end=None):
    school = SchoolFactory(municipality=municipality, code=code)
    ListingFactory(school=school, status=status, start=start, end=end)
    return school


def committed_import(*schools, when):
    from reports.assessments.models import ResultImport

    return ResultImport.objects.create(
        original_name="r.xlsx",
        file="result-imports/r.xlsx",
        state=ResultImport.State.COMMITTED,
        summary={"school_ids": [school.pk for school in schools]},
        committed_at=when,
    )


@pytest.fixture
def region_data(world):
    """Октябрьский: 1 ШНОР listed on 31 Dec 2021 only, 1 ШФНСУ that ended on 1 Jan 2021 (both count for 2021), one
    ШНОР of 2022 (does not); plans: one item done of two due. Берёзовский: no listing, no plan, LOW_RESULTS_SHARE 10."""
    listed(world.municipality, Status.SHNOR, "cmp-1")
    listed(world.municipality, Status.SHFNSU, "cmp-2", start=dt.date(2020, 9, 1), end=dt.date(2021, 1, 1))
    listed(world.municipality, Status.SHNOR, "cmp-3", start=dt.date(2022, 1, 1))
    value(world.municipality, "LOW_RESULTS_SHARE", "25.0")
    value(world.municipality, "NETWORK_SHARE", "50.0")
    value(world.municipality, "TOP_MARK_SHARE", None)
    value(world.neighbour, "LOW_RESULTS_SHARE", "10.0")
    value(world.neighbour, "LOW_RESULTS_SHARE", "99.0", year=2020)  # another year
    _plan, (_late, done) = municipal_plan(
        world.municipality, ("Семинар", "май 2021", [world.school]), ("Курсы", "июнь 2021", [world.second_school])
    )
    accept_done(done, world.second_school)
    committed_import(world.school, world.neighbour_school, when=dt.datetime(2021, 5, 20, 10, tzinfo=dt.UTC))
    committed_import(world.school, when=dt.datetime(2021, 6, 1, 10, tzinfo=dt.UTC))
    return world


def test_one_row_per_municipality_of_the_region(client_for, regional, region_data):
    world = region_data
    response = client_for(regional).get(URL, {"year": YEAR})
    rows = list(response.context["page"])
    assert [row.municipality.code for row in rows] == ["berezovsky", "oktyabrsky"]
    neighbour, ours = rows
    assert (ours.shnor, ours.shfnsu) == (1, 1)
    assert ours.indicators == [Decimal("25.0"), Decimal("50.0"), None, None]
    assert (ours.due, ours.done, ours.done_percent) == (2, 1, 50)
    assert timezone.localtime(ours.last_import).date() == dt.date(2021, 6, 1)
    assert (neighbour.shnor, neighbour.shfnsu, neighbour.done_percent) == (0, 0, None)
    assert neighbour.indicators[0] == Decimal("10.0")
    assert timezone.localtime(neighbour.last_import).date() == dt.date(2021, 5, 20)
    body = response.content.decode()
    assert "2 муниципалитета" in body  # the count line of the list head
    assert "/reports/indicators/?municipality=oktyabrsky&amp;year=2021" in body
    assert world.far.name not in body  # another region


@pytest.mark.parametrize(
    ("sort", "codes"),
    [
        ("name", ["berezovsky", "oktyabrsky"]),
        ("-name", ["oktyabrsky", "berezovsky"]),
        ("low_results_share", ["berezovsky", "oktyabrsky"]),
        ("-low_results_share", ["oktyabrsky", "berezovsky"]),
        ("shnor", ["berezovsky", "oktyabrsky"]),
        ("-done_percent", ["oktyabrsky", "berezovsky"]),
        ("done_percent", ["oktyabrsky", "berezovsky"]),  # no value is last either way
        ("network_share", ["oktyabrsky", "berezovsky"]),
        ("-last_import", ["oktyabrsky", "berezovsky"]),
        ("nonsense", ["berezovsky", "oktyabrsky"]),
        ("--name", ["berezovsky", "oktyabrsky"]),
    ],
)
def test_it_sorts_by_any_column(client_for, regional, region_data, sort, codes):
    response = client_for(regional).get(URL, {"year": YEAR, "sort": sort})
    assert [row.municipality.code for row in response.context["page"]] == codes


def test_it_exports_the_sorted_rows(client_for, regional, region_data):
    from openpyxl import load_workbook

    response = client_for(regional).get(URL, {"year": YEAR, "sort": "-low_results_share", "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row[0] == "Муниципалитет")
    data = rows[header + 1 :]
    assert [row[0] for row in data] == ["Октябрьский район", "Берёзовский район"]
    assert data[0][2:6] == [1, 1, 25.0, 50.0]
    assert data[0][8:10] == [50, 2]


def test_it_paginates(client_for, regional, region_data, monkeypatch):
    from reports import dashboard_views

    monkeypatch.setattr(dashboard_views, "COMPARISON_PAGE_SIZE", 1)
    client = client_for(regional)
    first = client.get(URL, {"year": YEAR, "sort": "-name"})
    second = client.get(URL, {"year": YEAR, "sort": "-name", "page": 2})
    assert [row.municipality.code for row in first.context["page"]] == ["oktyabrsky"]
    assert [row.municipality.code for row in second.context["page"]] == ["berezovsky"]
    assert "sort=-name&amp;page=2" in first.content.decode()


def test_a_municipal_coordinator_compares_only_their_own_and_principals_are_refused(
    client_for, coordinator, principal, mentor, region_data
):
    rows = client_for(coordinator).get(URL, {"year": YEAR}).context["page"]
    assert [row.municipality.code for row in rows] == ["oktyabrsky"]
    assert client_for(principal).get(URL).status_code == 403
    assert client_for(mentor).get(URL).status_code == 403


def test_the_default_year_is_the_latest_with_values(client_for, regional, region_data):
    assert client_for(regional).get(URL).context["year"] == YEAR
    assert client_for(regional).get(URL, {"year": "2020"}).context["page"][0].indicators[0] == Decimal("99.0")


def test_names_are_escaped(client_for, regional, world):
    world.neighbour.name = "<script>alert(1)</script>"
    world.neighbour.save()
    body = client_for(regional).get(URL, {"year": YEAR}).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


def test_the_queries_do_not_grow_with_the_municipalities(
    client_for, regional, region_data, django_assert_max_num_queries
):
    client = client_for(regional)
    client.get(URL, {"year": YEAR})
    with django_assert_max_num_queries(15) as two:
        client.get(URL, {"year": YEAR})
    for number in range(4):  # 2 → 6 municipalities, each with schools, values, a plan and an import
        municipality = MunicipalityFactory(code=f"more-{number}", name=f"Район {number}", region=region_data.region)
        school = listed(municipality, Status.SHNOR, f"more-school-{number}")
        listed(municipality, Status.SHFNSU, f"more-school-b-{number}")
        value(municipality, "LOW_RESULTS_SHARE", str(number))
        value(municipality, "PLAN_DONE_SHARE", "50")
        municipal_plan(municipality, ("Мероприятие", "май 2021", [school]), title=f"План {number}")
        committed_import(school, when=timezone.now())
    with django_assert_max_num_queries(len(two.captured_queries)):
        response = client.get(URL, {"year": YEAR})
    assert response.context["page"].paginator.count == 6


def test_the_dashboard_links_the_comparison_for_the_region(client_for, regional, coordinator):
    assert reverse("reports:municipality-comparison") in client_for(regional).get("/").content.decode()
    assert reverse("reports:municipality-comparison") not in client_for(coordinator).get("/").content.decode()
