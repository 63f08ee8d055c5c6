"""Kind 2, «ЦЕЛЕВЫЕ ПОКАЗАТЕЛИ»: № · показатель · ед. изм. · базовое · плановое · фактическое · выполнение, from the
figures the indicator pages show (reports.indicators.selectors)."""

import io

import pytest
from openpyxl import load_workbook

from reports.documents import document_for
from reports.indicators.selectors import indicator_rows

from ..indicators.pages import YEAR, setup_indicators
from .builders import make_plan, pdf_text

pytestmark = pytest.mark.django_db


def test_it_lists_the_adopted_indicators_with_baseline_target_actual_and_whether_met(
    world, django_assert_max_num_queries
):
    setup_indicators(world)
    document = document_for("indicators", world.municipality, YEAR)
    with django_assert_max_num_queries(6):  # four for the indicators, one for the plan of the order
        rows = document.tables()[0].rows
    expected = {row.name: row for row in indicator_rows(world.municipality, YEAR, adopted_only=True)}
    assert [row.values[1] for row in rows] == list(expected)
    by_name = {row.values[1]: row.values for row in rows}
    share = by_name[expected_name(expected, "LOW_RESULTS_SHARE")]
    assert share[0] == "3." and share[2] == "%" and share[6] == "выполнено"
    assert float(share[5]) == pytest.approx(33.3, abs=0.05)
    support = by_name[expected_name(expected, "METH_SUPPORT_SHARE")]
    assert support[6] == "не выполнено"
    count = by_name[expected_name(expected, "REG_COUNT")]
    assert count[3] == 1 and count[6] == "нет данных"  # no direction: never met nor missed


def expected_name(rows, code):
    return next(name for name, row in rows.items() if row.code == code)


def test_the_pdf_and_the_workbook_carry_the_same_figures(world):
    setup_indicators(world)
    make_plan(world.municipality, period=(2019, 2021))
    document = document_for("indicators", world.municipality, YEAR)
    text = pdf_text(document.pdf())
    assert "ЦЕЛЕВЫЕ ПОКАЗАТЕЛИ" in text and "к приказу от 04.09.2020 № 400а/п" in text
    assert "33,3 %" in text and "выполнено" in text
    assert f"Плановое значение на {YEAR} г." in document.html()
    ws = load_workbook(io.BytesIO(document.xlsx())).active
    rows = [row for row in ws.iter_rows() if row[1].value and "Доля" in str(row[1].value)]
    percent = next(row for row in rows if row[5].value is not None and row[2].value == "%")
    assert percent[5].number_format == "0.0%" and 0 <= percent[5].value <= 1
    assert ws.page_setup.orientation == "portrait"


def test_a_region_lists_each_municipality_as_a_section(world):
    setup_indicators(world)
    rows = document_for("indicators", world.region, YEAR).tables()[0].rows
    sections = [row.values[1] for row in rows if row.section]
    assert sections == sorted([world.municipality.name, world.neighbour.name])


def test_it_says_when_nothing_is_adopted(world):
    document = document_for("indicators", world.municipality, YEAR)
    assert "Территория не приняла ни одного целевого показателя." in document.html()
