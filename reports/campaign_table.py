"""The lines of a campaign's results table, formatted once in Python.

A region's campaign page shows 50 schools with their classes, twelve numbers a line: formatting each number through
template filters and an include per line cost most of the page's time. Each line's cells are built here in one pass,
with the locale's decimal separator looked up once per table.
"""

from dataclasses import dataclass

from django.utils.formats import get_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .assessments.aggregates import row_values

DASH = "—"


@dataclass(frozen=True)
class Line:
    label: str
    school_code: str | None  # the school's line links to its results; a class line does not
    cells: SafeString


def table_lines(rows, procedure: str) -> list[Line]:
    """A line per school of `rows` (from `campaign_rows`), each followed by a line per class of it."""
    separator = get_format("DECIMAL_SEPARATOR")

    def cells(row) -> SafeString:
        texts = (DASH if value is None else str(value).replace(".", separator) for value in row_values(row, procedure))
        return format_html_join("", '<td class="text-end">{}</td>', ((text,) for text in texts))

    lines = []
    for school, school_row, classes in rows:
        lines.append(Line(school.short_name, school.code, cells(school_row)))
        lines.extend(Line(_("class %(label)s") % {"label": name}, None, cells(row)) for name, row in classes)
    return lines
