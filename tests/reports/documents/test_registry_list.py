"""Kind 4, the registry list (seed 004 Таблица 1): each supported school of the year with its head, status and
basis, its mentor school, the mentor's head and the agreement — in three queries; formula-like text escaped in .xlsx."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from registry.models import Status
from reports.documents.registry_list import RegistryList
from tests.factories import ListingFactory, PairingFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def test_it_lists_the_supported_schools_of_the_year_with_mentors_and_agreements(world, django_assert_max_num_queries):
    world.school.director = "Ахременко Татьяна Андреевна"
    world.school.save()
    world.mentor_school.director = "Ткач Елена Николаевна"
    world.mentor_school.save()
    second = PairingFactory(
        mentor=world.second_school, mentee=world.school, agreement_number="12", start=dt.date(2020, 9, 1)
    )
    second.end = dt.date(2021, 8, 31)
    second.save()
    alone = SchoolFactory(code="sherkaly", short_name="МКОУ «Шеркальская СОШ»", municipality=world.municipality)
    ListingFactory(school=alone, status=Status.RISK_ZONE, start=dt.date(2020, 9, 1), end=dt.date(2021, 8, 31))
    ListingFactory(school=world.second_school, status=Status.SHNOR, start=dt.date(2018, 9, 1), end=dt.date(2019, 8, 31))
    document = RegistryList(world.municipality, 2020)
    with django_assert_max_num_queries(3):
        (table,) = document.tables()
    assert [row.values[0] for row in table.rows] == ["1.", "2."]
    chemashi, sherkaly = (row.values for row in table.rows)
    assert chemashi[1] == world.school.name and chemashi[2] == "Ахременко Татьяна Андреевна"
    assert "ШНОР (02.12.2019 – 31.08.2020); приказ №1576 от 02.12.2019" in chemashi[3]
    assert chemashi[4] == f"{world.mentor_school.name}\n{world.second_school.name}"
    assert chemashi[5] == "Ткач Елена Николаевна\n—"  # the second mentor has no head on record
    assert chemashi[6] == "соглашение №1 от 20.05.2020\nсоглашение №12 от 20.05.2020"
    assert chemashi[7] == "20.05.2020 – …\n01.09.2020 – 31.08.2021"
    assert sherkaly[1] == alone.name and sherkaly[4:] == ["", "", "", ""]
    assert RegistryList(world.municipality, 2017).tables()[0].rows == []


def test_a_region_groups_its_municipalities_and_the_workbook_escapes_formulas(world):
    world.school.name = '=HYPERLINK("http://example.org")'
    world.school.save()
    document = RegistryList(world.region, 2020)
    (table,) = document.tables()
    assert [(row.section, row.values[:2]) for row in table.rows] == [
        (True, ["", world.municipality.name]),
        (False, ["1.", world.school.name]),
    ]
    ws = load_workbook(io.BytesIO(document.xlsx())).active
    cells = [cell for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert '\'=HYPERLINK("http://example.org")' in [cell.value for cell in cells]
    assert ws.page_setup.orientation == "landscape"
