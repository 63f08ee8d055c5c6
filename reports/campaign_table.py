"""The lines of a campaign's results table, formatted once in Python.

A region's campaign page shows 50 schools with their classes, twelve numbers a line: formatting each number through
template filters and an include per line cost most of the page's time. Each line's cells are built here in one pass,
with the locale's decimal separator looked up once per table, and the whole body of the table in one more.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from shnor_portal.numbers import format_column

from .assessments.aggregates import EGE_COLUMNS, VPR_COLUMNS, row_values
from .assessments.models import Procedure

DASH = "—"
# Numbers only: their text has no character HTML would read as markup, so they skip escaping (a cell a number,
# 2,400 cells a page). Anything else is escaped.
NUMBERS = (int, float, Decimal)


@dataclass(frozen=True)
class Line:
    label: str
    school_code: str | None  # the school's line links to its results; a class line does not
    cells: SafeString


def table_lines(rows, procedure: str) -> list[Line]:
    """A line per school of `rows` (from `campaign_rows`), each followed by a line per class of it. Means have two
    decimals and percentages one, by the portal's one rule (shnor_portal/numbers.py)."""
    names = EGE_COLUMNS if procedure == Procedure.EGE else VPR_COLUMNS

    def text(value, column: str) -> str:
        shown = format_column(value, column, DASH)
        return shown if value is None or isinstance(value, NUMBERS) else escape(shown)

    def cells(row) -> SafeString:
        # The mean primary score (SPEC §2.4) leads the numbers, then the columns of `row_values` as the export has them.
        primary = f'<td class="text-end text-nowrap">{text(row.get("mean_primary"), "mean_primary")}</td>'
        values = zip(row_values(row, procedure), names, strict=True)
        return SafeString(primary + "".join(f'<td class="text-end">{text(v, name)}</td>' for v, name in values))

    lines = []
    for school, school_row, classes in rows:
        lines.append(Line(school.short_name, school.code, cells(school_row)))
        lines.extend(Line(_("class %(label)s") % {"label": name}, None, cells(row)) for name, row in classes)
    return lines


def table_body(lines: list[Line]) -> SafeString:
    """The <tr> of every line: a school's links to its results tab, a class line is indented and muted."""
    return SafeString(
        "".join(
            format_html(
                '<tr><td><a href="{}">{}</a></td>{}</tr>\n',
                reverse("registry:school-tab", args=[line.school_code, "results"]),
                line.label,
                line.cells,
            )
            if line.school_code
            else format_html(
                '<tr class="small text-body-secondary"><td><span class="ps-3">{}</span></td>{}</tr>\n',
                line.label,
                line.cells,
            )
            for line in lines
        )
    )
