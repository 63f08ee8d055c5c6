"""The framework of official documents (SPEC §2.5): one class per document kind, one shared base.

A document is built from a unit (a registry Municipality or Region), a year and, for some kinds, a roadmaps Plan. Its
`context()` holds everything the document says — the «Приложение N к приказу …» block, «УТВЕРЖДЕНО», the title, the
tables, the signature lines — and the three outputs come from that one context:

- `html()`: the standalone page (the shared template `reports/documents/base.html` around the kind's body template);
  the report centre previews the same body (`fragment()`);
- `pdf()`: that page through WeasyPrint, A4, with static/css/documents.css (fonts with Cyrillic embedded, repeated
  table headers, rows never split, «стр. N из M»);
- `xlsx()`: the same tables written by shnor_portal.xlsx.SheetWriter.

Table rows are built in Python as escaped HTML (`Table.html()`): a template tag per cell costs more than WeasyPrint's
own layout on a twenty-page annex.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from registry.models import Municipality, Region
from shnor_portal.xlsx import HeaderCell, SheetWriter

from . import formatting as f

CSS_PATH = Path(settings.BASE_DIR) / "static" / "css" / "documents.css"
PDF_CONTENT_TYPE = "application/pdf"
PASSPORT_TITLE = "Паспорт"


class DocumentUnavailable(ValueError):
    """The document cannot be made for this choice (no plan fits, a kind that needs a municipality, …); the message
    is Russian and is shown as it is (page, command)."""


@dataclass(frozen=True)
class Column:
    """A table column: its header, its share of the printed width (also the .xlsx maximum width, in characters) and
    the format of its values (formatting.FORMATS)."""

    title: str
    width: float = 20
    fmt: str = f.TEXT
    css: str = ""  # an extra class of the column's cells («num», «center»)


@dataclass
class Row:
    """A table row. A section row prints its first value (the number) in the first column and its second (the title)
    across the rest of the table; `fmts` overrides the columns' formats cell by cell (indicators of mixed units)."""

    values: list
    section: bool = False
    fmts: list[str] | None = None
    css: str = ""

    @property
    def full(self) -> bool:
        """A section row that fills the columns itself (a stage with its own deadline or responsible, seed 003)."""
        return len(self.values) > 2


@dataclass
class Heading:
    """A heading inside the document's body (an analytical report's «1. Выполнение мероприятий»)."""

    text: str
    block: ClassVar[str] = "heading"


@dataclass
class Paragraph:
    """A paragraph of text written from the data; line breaks are kept."""

    text: str
    block: ClassVar[str] = "paragraph"


@dataclass
class Figure:
    """A server-side SVG chart (shnor_portal.charts, trusted markup) with its caption; the .xlsx gets the caption
    only, so a figure should sit beside the table of its numbers."""

    svg: SafeString
    caption: str = ""
    block: ClassVar[str] = "figure"


@dataclass
class Table:
    block: ClassVar[str] = "table"
    columns: list[Column]
    rows: list[Row]
    caption: str = ""
    # A grouped header (HeaderCell spans); a plain one-row header of the columns' titles when None.
    header: list[list[HeaderCell]] | None = None
    # The seeds number their columns under the header («1 2 3 4 5»).
    numbered_columns: bool = False
    empty_text: str = ""

    def header_rows(self) -> list[list[HeaderCell]]:
        rows = self.header or [[HeaderCell(str(column.title)) for column in self.columns]]
        if self.numbered_columns:
            rows = [*rows, [HeaderCell(str(index)) for index in range(1, len(self.columns) + 1)]]
        return rows

    def fmt(self, row: Row, index: int) -> str:
        if row.fmts is not None and index < len(row.fmts) and row.fmts[index]:
            return row.fmts[index]
        return self.columns[index].fmt

    def html(self) -> SafeString:
        """The table as HTML, built here rather than in a template (see the module's docstring)."""
        total = sum(column.width for column in self.columns) or 1
        parts = ['<table class="doc-table">']
        if self.caption:
            parts.append(f"<caption>{escape(self.caption)}</caption>")
        parts.append("<colgroup>")
        parts.extend(f'<col class="w{max(1, round(column.width * 100 / total))}">' for column in self.columns)
        parts.append("</colgroup><thead>")
        for index, cells in enumerate(self.header_rows()):
            numbered = self.numbered_columns and index == len(self.header_rows()) - 1
            parts.append('<tr class="numbers">' if numbered else "<tr>")
            for cell in cells:
                spans = ""
                if cell.colspan > 1:
                    spans += f' colspan="{cell.colspan}"'
                if cell.rowspan > 1:
                    spans += f' rowspan="{cell.rowspan}"'
                parts.append(f"<th{spans}>{escape(cell.title)}</th>")
            parts.append("</tr>")
        parts.append("</thead><tbody>")
        width = len(self.columns)
        for row in self.rows:
            if row.section and not row.full:
                number, title = ([*row.values, "", ""])[:2]
                css = f' class="section {row.css}"' if row.css else ' class="section"'
                if number:
                    parts.append(f'<tr{css}><td>{_text(number)}</td><td colspan="{width - 1}">{_text(title)}</td></tr>')
                else:
                    parts.append(f'<tr{css}><td colspan="{width}">{_text(title)}</td></tr>')
                continue
            css = " ".join(part for part in ("section" if row.section else "", row.css) if part)
            parts.append(f'<tr class="{css}">' if css else "<tr>")
            for index, value in enumerate(row.values):
                fmt = self.fmt(row, index)
                classes = self.columns[index].css or ("num" if fmt not in (f.TEXT, f.DATE) else "")
                attr = f' class="{classes}"' if classes else ""
                parts.append(f"<td{attr}>{_text(f.display(value, fmt))}</td>")
            parts.append("</tr>")
        if not self.rows and self.empty_text:
            parts.append(f'<tr><td colspan="{width}" class="empty">{escape(self.empty_text)}</td></tr>')
        parts.append("</tbody></table>")
        return mark_safe("".join(parts))  # every value above went through escape()

    def xlsx_values(self, row: Row) -> tuple[list, list[str | None]]:
        """The row's values as a workbook stores them, with their number formats."""
        values, formats = [], []
        for index, value in enumerate(row.values):
            fmt = self.fmt(row, index)
            number = f.as_decimal(value) if fmt in f.DECIMALS and not isinstance(value, bool) else None
            if number is None:
                values.append(value if isinstance(value, (int, float, dt.date)) else _plain(value))
                formats.append(None)
            elif fmt == f.PERCENT1:
                values.append(float(number / 100))
                formats.append("0.0%")
            elif fmt == f.NUMBER:
                values.append(int(number) if number == number.to_integral_value() else float(number))
                formats.append(None)
            elif fmt == f.INTEGER:
                values.append(int(number))
                formats.append("0")
            else:
                values.append(float(number))
                formats.append("0." + "0" * f.DECIMALS[fmt])
        return values, formats


def _text(value) -> str:
    """Escaped text whose line breaks stay line breaks."""
    return escape(value).replace("\n", "<br>")


def _plain(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


@dataclass
class Signature:
    """A signature line: «position ________ name»."""

    position: str
    name: str = ""


@dataclass
class Annex:
    """The block in the top right corner of the seeds' annexes: «Приложение N к приказу … от … № …» and the
    «УТВЕРЖДЕНО» block (who approved, by which order)."""

    number: str = ""  # «1», «№ 2»; empty: no «Приложение» line
    to_order: str = ""  # «к приказу Управления образования от 04.09.2020 № 400а/п»
    approved: list[str] = field(default_factory=list)  # the «УТВЕРЖДЕНО» lines; empty: no block
    draft: bool = False  # a plan not yet approved prints «ПРОЕКТ» instead

    def lines(self) -> list[str]:
        lines = []
        if self.number:
            lines.append(f"Приложение {self.number}")
        if self.to_order:
            lines.append(self.to_order)
        return lines


class Document:
    """One official document. Subclasses set the ClassVars and implement `build()`; everything else is shared."""

    kind: ClassVar[str]
    kind_label: ClassVar[str]  # the kind's name in the report centre
    landscape: ClassVar[bool] = False
    template_name: ClassVar[str]
    needs_plan: ClassVar[bool] = False  # the report centre asks for a plan when several fit

    def __init__(self, unit: Municipality | Region, year: int, plan=None):
        self.unit = unit
        self.year = int(year)
        self.plan = plan
        self._built: dict | None = None
        self.page_count: int | None = None  # known once the PDF is made

    # --- what a kind provides ------------------------------------------------------------------------------------

    def build(self) -> dict:
        """The document's own content: at least `title` and `tables` (a list of Table); anything else the kind's
        body template reads. Called once per document (cached)."""
        raise NotImplementedError

    def annex(self) -> Annex:
        return Annex()

    def signatures(self) -> list[Signature]:
        # Official documents are Russian whatever the reader's language (the seeds' wording).
        return [Signature("Руководитель органа управления образованием"), Signature("Исполнитель")]

    # --- shared --------------------------------------------------------------------------------------------------

    @property
    def built(self) -> dict:
        if self._built is None:
            self._built = self.build()
        return self._built

    @property
    def title(self) -> str:
        return self.built["title"]

    @property
    def municipality(self) -> Municipality | None:
        return self.unit if isinstance(self.unit, Municipality) else None

    @property
    def unit_name(self) -> str:
        return self.unit.name

    def blocks(self) -> list:
        """The body in order: Heading, Paragraph, Table, Figure. A kind gives `blocks` in `build()`, or only
        `tables` (then the body is those tables)."""
        return self.built.get("blocks") or self.built.get("tables", [])

    def tables(self) -> list[Table]:
        return [block for block in self.blocks() if isinstance(block, Table)]

    def row_count(self) -> int:
        """Rows of all tables: what rendering costs (the report centre renders large documents in a task)."""
        return sum(len(table.rows) for table in self.tables())

    def context(self) -> dict:
        with translation.override("ru"):
            return self._context()

    def _context(self) -> dict:
        return {
            **self.built,
            "blocks": self.blocks(),
            "tables": self.tables(),
            "document": self,
            "kind": self.kind,
            "annex": self.annex(),
            "signatures": self.signatures(),
            "landscape": self.landscape,
            "body_template": self.template_name,
            "generated_on": f.ru_date(dt.date.today()),
        }

    def fragment(self) -> SafeString:
        """The document's body (annex block, title, tables, signatures) for the report centre's preview."""
        context = self.context()
        with translation.override("ru"):
            return mark_safe(render_to_string("reports/documents/_document.html", context))

    def html(self, *, stylesheet_href: str | None = None) -> str:
        """The standalone page that WeasyPrint turns into the PDF (`stylesheet_href`: a <link> for a browser)."""
        context = {**self.context(), "stylesheet_href": stylesheet_href}
        with translation.override("ru"):
            return render_to_string("reports/documents/base.html", context)

    def pdf(self) -> bytes:
        """The PDF; `page_count` says how many pages it has afterwards."""
        # WeasyPrint (with Pango and fontTools) is imported here, not with the module: every page and command of the
        # portal imports the reports app, few of them make a PDF.
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        stylesheet = CSS(filename=str(CSS_PATH), font_config=fonts)
        rendered = HTML(string=self.html(), base_url=str(settings.BASE_DIR)).render(
            stylesheets=[stylesheet], font_config=fonts
        )
        self.page_count = len(rendered.pages)
        return rendered.write_pdf()

    def xlsx(self) -> bytes:
        context = self.context()
        tables = context["tables"]
        widths = _sheet_widths(tables)
        sheet = SheetWriter(str(self.kind_label), widths, landscape=self.landscape)
        annex = context["annex"]
        right = max(1, len(widths) - 2)  # the annex block sits in the right part of the sheet, as in the seeds
        for line in annex.lines():
            sheet.text(line, first=right)
        if annex.draft:
            sheet.text("ПРОЕКТ", bold=True, first=right)
        elif annex.approved:
            sheet.text("УТВЕРЖДЕНО", bold=True, first=right)
            for line in annex.approved:
                sheet.text(line, first=right)
        sheet.blank()
        sheet.text(self.title, bold=True, size=13, align="center")
        for line in context.get("subtitle_lines", []):
            sheet.text(line, align="center")
        if context.get("passport"):
            sheet.blank()
            sheet.text(PASSPORT_TITLE, bold=True)
            for label, value in context["passport"]:
                sheet.text(f"{label[:1].upper()}{label[1:]}: {value}")
        for block in context["blocks"]:
            if isinstance(block, Heading):
                sheet.blank()
                sheet.text(block.text, bold=True)
                continue
            if isinstance(block, Paragraph):
                sheet.text(block.text)
                continue
            if isinstance(block, Figure):
                if block.caption:
                    sheet.text(block.caption, italic=True)
                continue
            table = block
            sheet.blank()
            if table.caption:
                sheet.text(table.caption, bold=True)
            sheet.header(table.header_rows())
            for row in table.rows:
                if row.section and not row.full:
                    number, title = ([*row.values, "", ""])[:2]
                    if number:
                        sheet.data([_plain(number), _plain(title)], bold=True, merge_from=2)
                    else:
                        sheet.data([_plain(title)], bold=True, merge_from=1)
                    continue
                values, formats = table.xlsx_values(row)
                sheet.data(values, formats, bold=row.section)
            if not table.rows and table.empty_text:
                sheet.data([table.empty_text], merge_from=1)
        sheet.blank()
        for signature in context["signatures"]:
            sheet.blank()
            sheet.text(f"{signature.position} ____________________ {signature.name}".rstrip())
        return sheet.save()

    def filename(self, extension: str) -> str:
        """«plan-gorodets-2021.pdf»: ASCII, so that every browser keeps it."""
        code = getattr(self.unit, "code", None) or slugify(self.unit.name) or "unit"
        suffix = f"-{self.plan.pk}" if self.plan is not None else ""
        return f"{self.kind}-{code}-{self.year}{suffix}.{extension}"


def _sheet_widths(tables: list[Table]) -> list[float]:
    """One set of column widths for a sheet of several tables: the widest table's columns, each the widest any table
    gives it (characters)."""
    count = max((len(table.columns) for table in tables), default=1)
    widths = [8.0] * count
    for table in tables:
        for index, column in enumerate(table.columns):
            widths[index] = max(widths[index], float(column.width))
    return widths
