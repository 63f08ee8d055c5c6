"""Formatted .xlsx exports of lists: title rows, bold frozen header, widths, wrap, print titles.

Values are written as values; text that a spreadsheet would read as a formula (= + - @, and the
tab/CR tricks) is escaped with a leading apostrophe-like quote so that an export can never run code.
"""

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
THIN = Side(style="thin", color="999999")


@dataclass
class Column:
    title: str
    width: int = 20
    number_format: str | None = None


@dataclass(frozen=True)
class Formatted:
    """A number with a format of its own, for a column whose rows have different units (an indicator's percentage in
    one row, its mean in the next): the cell keeps the number and shows the places of its unit."""

    value: object
    number_format: str


def places_format(places: int) -> str:
    """The spreadsheet format of a number with `places` decimals: «0», «0.0», «0.00»…"""
    return "0" if places <= 0 else "0." + "0" * places


def safe_cell(value):
    """A value as it should land in a cell: dates stay dates, formula-like text is defused."""
    if isinstance(value, Formatted):
        value = value.value
    if value is None:
        return None
    if isinstance(value, (int, float, dt.date, dt.datetime)):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def build_workbook(title: str, columns: Sequence[Column], rows: Iterable[Sequence], subtitle: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31].translate(str.maketrans("[]:*?/\\", "       "))
    last = get_column_letter(len(columns))

    ws["A1"] = safe_cell(title)
    ws["A1"].font = Font(bold=True, size=13)
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = safe_cell(subtitle or timezone.localtime().strftime("Сформировано %d.%m.%Y %H:%M"))
    ws["A2"].font = Font(italic=True, color="555555")
    ws.merge_cells(f"A2:{last}2")

    header_row = 4
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=header_row, column=index, value=safe_cell(column.title))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E9ECEF")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        ws.column_dimensions[get_column_letter(index)].width = column.width

    row_number = header_row
    for row_number, row in enumerate(rows, start=header_row + 1):
        for index, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
            cell = ws.cell(row=row_number, column=index, value=safe_cell(value))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
            if isinstance(value, dt.date):
                cell.number_format = "DD.MM.YYYY"
            elif isinstance(value, Formatted):
                cell.number_format = value.number_format
            elif column.number_format:
                cell.number_format = column.number_format

    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if row_number > header_row:
        ws.auto_filter.ref = f"A{header_row}:{last}{row_number}"

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    """The workbook as a download. Exports may hold names (personal data) and always hold what the user may see:
    neither the browser nor a shared proxy keeps a copy."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
