"""One rule for means and percentages (shnor_portal/numbers.py): two decimals for a mean, one for a percentage,
half-up from the exact decimal, a decimal comma — on pages (filters, tables) and in exports (number formats)."""

import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from openpyxl import load_workbook

from reports import comparison
from reports.assessments.models import Procedure
from reports.campaign_table import table_lines
from reports.dashboard_data import done_percent
from reports.indicators.models import Unit
from roadmaps.selectors import SectionProgress
from shnor_portal.numbers import format_decimal, format_mean, format_pct, half_up
from shnor_portal.xlsx import Column, Formatted, build_workbook
from support.competency import Result


@pytest.mark.parametrize(
    ("value", "text"),
    [(4, "4,00"), (Decimal("3.8"), "3,80"), (2.765, "2,77"), (2.675, "2,68"), (0.125, "0,13"), (-0.001, "0,00")],
)
def test_a_mean_has_two_decimals_rounded_half_up(value, text):
    assert format_mean(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [(12.25, "12,3"), (Decimal("6.25"), "6,3"), (100, "100,0"), (0, "0,0"), (-1.25, "−1,3")]
)
def test_a_percentage_has_one_decimal_rounded_half_up(value, text):
    assert format_pct(value) == text


def test_a_missing_value_is_a_dash_or_what_the_caller_says():
    assert format_mean(None) == "—" and format_pct(float("nan")) == "—" and format_decimal(None, 1, "") == ""
    assert half_up(0.125, 2) == Decimal("0.13")  # Python's round(0.125, 2) gives 0.12


def test_the_template_filters_are_built_in():
    html = Template("{{ m|mean }} · {{ p|pct }} % · {{ none|pct }}").render(Context({"m": 4, "p": 12.25, "none": None}))
    assert html == "4,00 · 12,3 % · —"


def test_the_plan_execution_share_is_half_up_with_one_decimal():
    assert SectionProgress(None, total=16, done=1).percent == Decimal("6.3")  # round(6.25) was 6
    assert SectionProgress(None, total=8, done=1).percent == Decimal("12.5")
    assert SectionProgress(None).percent == Decimal("0.0")
    assert done_percent({"due": 16, "done": 1}) == Decimal("6.3")
    assert done_percent({"due": 0, "done": 0}) is None


def test_a_competency_share_is_half_up():
    assert Result(1, 16).percent == Decimal("6.3")  # the default context's banker's rounding gave 6.2


def test_the_campaign_table_writes_means_with_two_decimals_and_shares_with_one():
    row = {
        "participants": 20,
        "mean_primary": 11.0,
        "mean_mark": 4.0,
        "marks": {"2": 1, "3": 5, "4": 9, "5": 5},
        "success_pct": 95.0,
        "quality_pct": 70.0,
        "lowered_pct": 12.25,
        "confirmed_pct": None,
        "raised_pct": 0.125,
    }
    school = SimpleNamespace(short_name="МБОУ «Школа»", code="school")
    (line,) = table_lines([(school, row, [])], Procedure.VPR)
    cells = [cell.split(">", 1)[1] for cell in str(line.cells).split("</td>") if cell]
    assert cells == ["11,00", "20", "4,00", "1", "5", "9", "5", "95,0", "70,0", "12,3", "—", "0,1"]


def test_the_comparison_writes_each_indicator_by_its_unit_and_exports_the_same_places():
    indicators = [SimpleNamespace(unit=Unit.PERCENT, name="share"), SimpleNamespace(unit=Unit.POINTS, name="mean")]
    region = SimpleNamespace(name="Область")
    row = comparison.ComparisonRow(
        municipality=SimpleNamespace(name="Район", region=region),
        indicators=[Decimal("12.25"), Decimal("4")],
        due=8,
        done=1,
        done_percent=done_percent({"due": 8, "done": 1}),
    )
    comparison.write_indicators([row], indicators)
    assert row.indicator_texts == ["12,3", "4,00"]
    codes = comparison.data.KEY_INDICATORS
    row.indicators = [Decimal("12.25"), Decimal("4"), *[None] * (len(codes) - 2)]
    listed = [*indicators, *[None] * (len(codes) - 2)]
    sheet = load_workbook(io.BytesIO(comparison.comparison_workbook([row], listed, 2026))).active
    values = [cell for cell in sheet[5]]
    assert (values[4].value, values[4].number_format) == (12.3, "0.0")
    assert (values[5].value, values[5].number_format) == (4.0, "0.00")
    done = values[4 + len(codes)]
    assert (done.value, done.number_format) == (12.5, "0.0")


def test_a_cell_carries_its_own_number_format_in_a_column_of_mixed_units():
    content = build_workbook(
        "t", [Column("value", 10, "0")], [[Formatted(3.8, "0.00")], [Formatted(12.3, "0.0")], [7]], "s"
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert [(sheet.cell(row=r, column=1).value, sheet.cell(row=r, column=1).number_format) for r in (5, 6, 7)] == [
        (3.8, "0.00"),
        (12.3, "0.0"),
        (7, "0"),
    ]


def test_the_plan_execution_counts_read_a_share_with_one_decimal():
    from django.template.loader import render_to_string

    html = render_to_string("roadmaps/execution/_counts.html", {"counts": SectionProgress(None, total=16, done=1)})
    assert "6,3&nbsp;%" in html  # was «6%» (round(6.25) == 6)


def test_the_principals_panel_writes_means_and_shares_by_the_rule():
    from django.template.loader import render_to_string

    indicator = SimpleNamespace(name="Доля", unit="%")
    school = SimpleNamespace(
        code="school",
        indicator_values=[(indicator, Decimal("12.25"), "12,3")],
        latest_results=[
            {
                "year": 2026,
                "procedure": "ВПР",
                "subject": "Математика",
                "grade": 5,
                "participants": 20,
                "mean_mark": 4.0,
                "mean_score": None,
                "success_pct": 95.0,
                "quality_pct": 12.25,
            }
        ],
    )
    html = render_to_string("reports/dashboard/_school.html", {"school": school, "indicator_year": 2026})
    cells = [cell.rsplit(">", 1)[-1] for cell in html.split("</td>")]
    assert cells[1:5] == ["20", "4,00", "95,0", "12,3"]
    assert "12,3</dd>" in html
