"""The shared parts of every document: Russian typography, tables built in Python, the .xlsx sheet writer."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils.safestring import mark_safe
from openpyxl import load_workbook

from reports.documents import formatting as f
from reports.documents.base import Column, Document, Figure, Heading, Paragraph, Row, Table
from shnor_portal.xlsx import HeaderCell, SheetWriter


def test_it_writes_dates_and_numbers_the_russian_way():
    assert f.ru_date(dt.date(2021, 3, 26)) == "26.03.2021"
    assert f.ru_number(Decimal("0.3")) == "0,3"
    assert f.ru_number(Decimal("0.25")) == "0,3"  # half up, as every figure of the portal
    assert f.ru_number(1250.5, 1) == "1\u202f250,5"
    assert f.ru_number(Decimal("-0.04")) == "0,0"
    assert f.ru_number(Decimal("-2.5")) == "−2,5"
    assert f.ru_number(None) == "—"
    assert f.display(Decimal("53.25"), f.PERCENT1) == "53,3\u00a0%"
    assert f.display(Decimal("10.00"), f.NUMBER) == "10"
    assert f.display(Decimal("3.47"), f.NUMBER) == "3,47"
    assert f.display(None, f.NUMBER) == "—"
    assert f.display(None, f.TEXT) == ""


def test_it_escapes_every_cell_and_spans_section_rows():
    table = Table(
        [Column("№", 5), Column("Мероприятие", 50), Column("Доля", 10, f.PERCENT1)],
        [Row(["1.", "<b>Раздел</b>"], section=True), Row(["1.1", "Семинар\nвторая строка", Decimal("12.5")])],
        numbered_columns=True,
    )
    html = table.html()
    assert "<b>" not in html and "&lt;b&gt;Раздел&lt;/b&gt;" in html
    assert '<tr class="section"><td>1.</td><td colspan="2">' in html
    assert "Семинар<br>вторая строка" in html
    assert '<td class="num">12,5\u00a0%</td>' in html
    assert '<tr class="numbers"><th>1</th><th>2</th><th>3</th></tr>' in html
    assert '<col class="w8">' in html and '<col class="w77">' in html  # shares of the width, as classes (CSP)


def test_it_writes_a_sheet_like_a_printed_annex():
    sheet = SheetWriter("План", [8, 40, 12], landscape=True)
    sheet.text("Приложение 1", first=2)
    title_row = sheet.text("ЦЕЛЕВЫЕ ПОКАЗАТЕЛИ", bold=True, align="center")
    sheet.header(
        [
            [HeaderCell("№", rowspan=2), HeaderCell("Показатель", rowspan=2), HeaderCell("Значения")],
            [HeaderCell("2021")],
        ]
    )
    sheet.data(["1.", "Раздел"], bold=True, merge_from=2)
    sheet.data(["1.1", "=cmd|' /C calc'!A0", 0.533], [None, None, "0.0%"])
    workbook = load_workbook(io.BytesIO(sheet.save()))
    ws = workbook.active
    merged = {str(rng) for rng in ws.merged_cells.ranges}
    assert f"A{title_row}:C{title_row}" in merged and "A3:A4" in merged and "B5:C5" in merged
    assert ws.freeze_panes == "A5"
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape"
    assert ws["B6"].value == "'=cmd|' /C calc'!A0" and ws["B6"].data_type == "s"  # never a formula
    assert ws["C6"].value == 0.533 and ws["C6"].number_format == "0.0%"
    assert ws["B6"].alignment.wrap_text
    assert 8 < ws.column_dimensions["B"].width <= 40  # fitted to the text, within its maximum


class Report(Document):
    """A kind made of blocks, as an analytical report is (kinds 3–5 build on this)."""

    kind = "test-report"
    kind_label = "Справка"
    template_name = "reports/documents/indicators.html"  # a body of blocks only

    def build(self):
        table = Table([Column("№", 5), Column("Показатель", 40)], [Row(["1.", "=SUM(A1)"])])
        figure = Figure(mark_safe('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'), "Рис. 1")
        blocks = [Heading("1. Итоги"), Paragraph("Выполнено 3 из 4 мероприятий."), table, figure]
        return {"title": "Аналитическая справка", "blocks": blocks}


@pytest.mark.django_db
def test_a_document_of_blocks_keeps_their_order_in_html_and_xlsx(world):
    document = Report(world.municipality, 2021)
    html = document.html()
    positions = [html.index(text) for text in ("1. Итоги", "Выполнено 3 из 4", "=SUM(A1)", "<svg", "Рис. 1")]
    assert positions == sorted(positions) and len(document.tables()) == 1 and document.row_count() == 1
    values = [row[0] for row in load_workbook(io.BytesIO(document.xlsx())).active.iter_rows(values_only=True)]
    texts = [value for value in values if value]
    assert (
        texts.index("1. Итоги")
        < texts.index("Выполнено 3 из 4 мероприятий.")
        < texts.index("1.")
        < texts.index("Рис. 1")
    )
    assert document.pdf().startswith(b"%PDF") and document.page_count == 1
