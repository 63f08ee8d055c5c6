"""The page «Целевые показатели» of a municipality for a year: values, sort, filters, export, bounded queries."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from registry.models import Status
from reports.indicators.models import IndicatorTarget
from reports.indicators.services import recalculate
from tests.factories import ListingFactory, SchoolFactory

from .pages import YEAR, adopt, detail_url, list_url, setup_indicators, table_cells

pytestmark = pytest.mark.django_db


def test_it_shows_the_adopted_indicators_with_baseline_target_actual_and_met(client, world, coordinator):
    setup_indicators(world)
    client.force_login(coordinator)
    response = client.get(list_url(world.municipality))
    assert response.status_code == 200
    rows = table_cells(response.content.decode())
    assert [row[1] for row in rows] == ["REG_COUNT", "METH_SUPPORT_SHARE", "LOW_RESULTS_SHARE"]
    reg, meth, low = rows
    assert reg[0] == "1" and reg[3] == "единиц" and "без направления" in reg[4]
    assert reg[5] == "1 (2019)" and reg[6] == "2" and reg[7] == "1" and reg[8] == "— нет данных"
    assert "↑" in meth[4] and meth[6] == "100,0" and meth[7] == "0,0" and meth[8] == "✗ не выполнен"
    assert low[3] == "%" and "↓" in low[4] and "чем меньше, тем лучше" in low[4]
    assert low[0] == "3" and low[5] == "—" and low[6] == "40,0" and low[7] == "33,3" and low[8] == "✓ выполнен"
    assert low[9] != "—"  # calculated at


def test_it_defaults_to_the_users_municipality_and_the_latest_calculated_year(client, world, coordinator):
    setup_indicators(world)
    client.force_login(coordinator)
    response = client.get("/reports/indicators/")
    assert response.context["municipality"] == world.municipality and response.context["year"] == YEAR
    # Values of a later year without targets: the programme's year (values and targets) is still the default …
    recalculate([world.municipality.pk], [YEAR + 1])
    assert client.get("/reports/indicators/").context["year"] == YEAR
    # … and without any targets, the latest calculated year.
    IndicatorTarget.objects.all().delete()
    assert client.get("/reports/indicators/").context["year"] == YEAR + 1


def test_it_sorts_by_any_column_both_ways(client, world, coordinator):
    setup_indicators(world)
    adopt(world.municipality, "ADVERSE_SHARE")  # no ШФНСУ: 0 of 3 = 0,0; no target
    client.force_login(coordinator)
    codes = lambda response: [row[1] for row in table_cells(response.content.decode())]  # noqa: E731
    assert codes(client.get(list_url(world.municipality, sort="code"))) == [
        "ADVERSE_SHARE",
        "LOW_RESULTS_SHARE",
        "METH_SUPPORT_SHARE",
        "REG_COUNT",
    ]
    assert codes(client.get(list_url(world.municipality, sort="-code"))) == [
        "REG_COUNT",
        "METH_SUPPORT_SHARE",
        "LOW_RESULTS_SHARE",
        "ADVERSE_SHARE",
    ]
    # Targets 2, 40 and 100 (compared as numbers, not as text); a missing target sorts last either way.
    assert codes(client.get(list_url(world.municipality, sort="target"))) == [
        "REG_COUNT",
        "LOW_RESULTS_SHARE",
        "METH_SUPPORT_SHARE",
        "ADVERSE_SHARE",
    ]
    assert codes(client.get(list_url(world.municipality, sort="-target"))) == [
        "METH_SUPPORT_SHARE",
        "LOW_RESULTS_SHARE",
        "REG_COUNT",
        "ADVERSE_SHARE",
    ]
    # An unknown key is the catalogue order, never an error.
    response = client.get(list_url(world.municipality, sort="pk;drop"))
    assert response.status_code == 200 and codes(response)[0] == "REG_COUNT"
    # Numbers follow the sorted order.
    assert [row[0] for row in table_cells(client.get(list_url(world.municipality, sort="-code")).content.decode())] == [
        "1",
        "2",
        "3",
        "4",
    ]


def test_it_filters_adopted_all_met_and_method(client, world, coordinator):
    setup_indicators(world)
    client.force_login(coordinator)
    codes = lambda **params: [  # noqa: E731
        row[1] for row in table_cells(client.get(list_url(world.municipality, **params)).content.decode())
    ]
    assert codes(met="met") == ["LOW_RESULTS_SHARE"]
    assert codes(met="not_met") == ["METH_SUPPORT_SHARE"]
    assert codes(met="no_data") == ["REG_COUNT"]
    every = codes(show="all")
    assert len(every) > 20 and "SATISFACTION" in every
    assert "SATISFACTION" in codes(show="all", method="manual")
    assert all(code != "REG_COUNT" for code in codes(show="all", method="manual"))
    assert "SATISFACTION" in codes(show="all", met="no_data")
    assert "Ничего не найдено" in client.get(list_url(world.municipality, method="manual")).content.decode()


def test_the_export_holds_exactly_the_table(client, world, coordinator):
    setup_indicators(world)
    adopt(world.municipality, "SATISFACTION", target="90")
    client.force_login(coordinator)
    page = client.get(list_url(world.municipality, sort="-code"))
    shown = table_cells(page.content.decode())
    response = client.get(list_url(world.municipality, sort="-code", export="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    exported = [row for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert len(exported) == len(shown) == 4
    for cells, row in zip(shown, exported, strict=True):
        number, code, name, unit, direction, baseline, baseline_year, target, actual, met, calculated = row
        assert str(number) == cells[0] and code == cells[1] and name in cells[2] and unit == cells[3]
        assert direction == cells[4]
        assert same(baseline, cells[5].split(" (")[0]) and (baseline_year is None or f"({baseline_year})" in cells[5])
        assert same(target, cells[6]) and same(actual, cells[7])
        assert met in cells[8]
        assert (calculated or "—") == cells[9]
    # The filters apply to the export too.
    response = client.get(list_url(world.municipality, met="met", export="xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[1] for row in sheet.iter_rows(min_row=5, values_only=True)] == ["LOW_RESULTS_SHARE"]


def same(exported, shown: str) -> bool:
    """An exported number against the table's text: «33,3» is 33.3; «—» and «нет данных» are an empty cell."""
    if shown in ("—", "нет данных"):
        return exported is None
    return exported is not None and Decimal(str(exported)) == Decimal(shown.replace(",", "."))


def _schools(world, count):
    for number in range(count):
        school = SchoolFactory(municipality=world.municipality, code=f"bulk-{number}")
        ListingFactory(school=school, status=Status.SHNOR, start=world.school.listings.first().start)


@pytest.mark.parametrize("extra", [0, 4])
def test_the_page_costs_the_same_queries_whatever_the_number_of_schools(
    client, world, coordinator, django_assert_max_num_queries, extra
):
    _schools(world, extra)  # 2 schools of the world's three besides chemashi, or 6 with 4 more
    setup_indicators(world)
    adopt(world.municipality, "NETWORK_SHARE", target="100")
    recalculate([world.municipality.pk], [YEAR])
    client.force_login(coordinator)
    client.get(list_url(world.municipality))  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(list_url(world.municipality, show="all"))
    assert response.status_code == 200
    with django_assert_max_num_queries(9):
        client.get(list_url(world.municipality, export="xlsx"))
    # One indicator with its school lists (every school of the registry counted in the denominator).
    with django_assert_max_num_queries(14):
        response = client.get(detail_url(world.municipality, "NETWORK_SHARE"))
    assert response.context["denominator"].count == 1 + extra


def test_the_menu_offers_the_page_to_its_readers_only(client, world, coordinator, principal, outsider):
    for user, shown in ((coordinator, True), (principal, True), (outsider, False)):
        client.force_login(user)
        content = client.get("/").content.decode()
        assert ('href="/reports/indicators/"' in content) is shown, user
    client.force_login(outsider)
    assert client.get("/reports/indicators/").status_code == 403


def test_the_table_agrees_with_indicators_json(client, world, coordinator):
    import json

    from django.core.management import call_command

    setup_indicators(world)
    out = io.StringIO()
    call_command("indicators", "--municipality", world.municipality.code, "--year", str(YEAR), "--json", stdout=out)
    printed = {row["code"]: row for row in json.loads(out.getvalue())}
    client.force_login(coordinator)
    rows = table_cells(client.get(list_url(world.municipality, show="all")).content.decode())
    assert {row[1] for row in rows} == set(printed)
    for row in rows:
        expected = printed[row[1]]
        assert same(expected["target"], row[6]) and same(expected["actual"], row[7]), row
        assert row[8] == {True: "✓ выполнен", False: "✗ не выполнен", None: "— нет данных"}[expected["met"]]
