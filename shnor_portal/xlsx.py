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


# --- Sheets laid out like a printed document (official annexes, reports/documents) --------------------------------


@dataclass
class HeaderCell:
    """A cell of a (possibly grouped) table header: it spans `colspan` columns and `rowspan` header rows."""

    title: str
    colspan: int = 1
    rowspan: int = 1


def _line_length(value) -> int:
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


class SheetWriter:
    """Writes one worksheet top to bottom the way a printed annex reads: merged text rows (the «Приложение …» block,
    the title), a header of one or more rows that is frozen and repeated on every printed page, data rows whose
    section rows merge across the table, then text again (signature lines). Column widths are fitted to the content
    within each column's maximum, text wraps, values stay values (`safe_cell`)."""

    def __init__(self, title: str, max_widths: Sequence[float], *, landscape: bool = False, min_width: float = 6):
        self.workbook = Workbook()
        self.ws = self.workbook.active
        self.ws.title = title[:31].translate(str.maketrans("[]:*?/\\", "       ")) or "Лист1"
        self.max_widths = list(max_widths)
        self.columns = len(self.max_widths)
        self.fitted = [float(min_width)] * self.columns
        self.landscape = landscape
        self.row = 0
        self.header_span: tuple[int, int] | None = None

    def _merge(self, row: int, first: int, last: int) -> None:
        if last > first:
            self.ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)

    def text(self, value, *, bold=False, italic=False, size=None, align="left", first=1, last=None) -> int:
        """A line of text merged across columns `first`…`last` (all by default); returns its row number."""
        self.row += 1
        last = last or self.columns
        cell = self.ws.cell(row=self.row, column=first, value=safe_cell(value))
        cell.font = Font(bold=bold, italic=italic, size=size)
        cell.alignment = Alignment(horizontal=align, vertical="top", wrap_text=True)
        self._merge(self.row, first, last)
        lines = max(1, str(value or "").count("\n") + 1)
        width = sum(self.max_widths[first - 1 : last])
        # A merged cell does not grow with its text in a spreadsheet: give long lines the height they need.
        lines = max(lines, -(-_line_length(value) // max(int(width * 1.1), 1)))
        if lines > 1:
            self.ws.row_dimensions[self.row].height = 15 * lines
        return self.row

    def blank(self) -> None:
        self.row += 1

    def header(self, rows: Sequence[Sequence[HeaderCell]]) -> None:
        """The table header: grouped cells of several rows (spans as in HTML); it is frozen and printed on every
        page (the first header written is the one repeated)."""
        first_row = self.row + 1
        taken: set[tuple[int, int]] = set()
        for offset, cells in enumerate(rows):
            row = first_row + offset
            column = 1
            for spec in cells:
                while (row, column) in taken:
                    column += 1
                self.ws.cell(row=row, column=column, value=safe_cell(spec.title))
                last_row, last_column = row + spec.rowspan - 1, column + spec.colspan - 1
                for r in range(row, last_row + 1):
                    for c in range(column, last_column + 1):
                        taken.add((r, c))
                        styled = self.ws.cell(row=r, column=c)
                        styled.font = Font(bold=True)
                        styled.fill = PatternFill("solid", fgColor="E9ECEF")
                        styled.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
                        styled.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
                if last_row > row or last_column > column:
                    self.ws.merge_cells(start_row=row, start_column=column, end_row=last_row, end_column=last_column)
                if spec.colspan == 1:
                    # Header words wrap, so only the longest word must fit.
                    longest = max((len(word) for word in str(spec.title).split()), default=0)
                    self._fit(column, longest)
                column = last_column + 1
        self.row = first_row + len(rows) - 1
        if self.header_span is None:
            self.header_span = (first_row, self.row)

    def data(self, values: Sequence, number_formats: Sequence[str | None] = (), *, bold=False, merge_from=None):
        """A table row. `merge_from`: the column from which the row's last value spans to the table's end (a section
        row: its number, then its title across the table)."""
        self.row += 1
        count = len(values)
        for index, value in enumerate(values, start=1):
            cell = self.ws.cell(row=self.row, column=index, value=safe_cell(value))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
            if bold:
                cell.font = Font(bold=True)
            number_format = number_formats[index - 1] if index - 1 < len(number_formats) else None
            if isinstance(value, (dt.date, dt.datetime)):
                cell.number_format = "DD.MM.YYYY"
            elif number_format:
                cell.number_format = number_format
                cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="right")
            if merge_from is None or index < merge_from:
                self._fit(index, _line_length(value))
        if merge_from is not None and merge_from <= count:
            for column in range(count + 1, self.columns + 1):
                self.ws.cell(row=self.row, column=column).border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
            self._merge(self.row, merge_from, self.columns)

    def _fit(self, column: int, length: int) -> None:
        index = column - 1
        if index < self.columns:
            self.fitted[index] = min(max(self.fitted[index], length + 2), self.max_widths[index])

    def save(self) -> bytes:
        ws = self.ws
        for index, width in enumerate(self.fitted, start=1):
            ws.column_dimensions[get_column_letter(index)].width = round(width, 1)
        if self.header_span is not None:
            first, last = self.header_span
            ws.freeze_panes = ws.cell(row=last + 1, column=1)
            ws.print_title_rows = f"{first}:{last}"
        ws.page_setup.orientation = "landscape" if self.landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()
