"""The table «Целевые показатели» as the page and its .xlsx export show it: the selector's rows filtered, sorted and
numbered once, so that both show the same rows with the same numbers.

Numbers are written per unit (percentages one decimal, means two, counts whole, an index three: SPEC §5), with the
Russian decimal comma on the page; the export writes the same rounded numbers as numbers.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shnor_portal.numbers import format_decimal, half_up
from shnor_portal.params import parse_sort, parse_text
from shnor_portal.xlsx import Column, Formatted, build_workbook, places_format

from .models import Direction, Method, Unit
from .selectors import IndicatorRow, indicator_rows

PLACES = {Unit.PERCENT: 1, Unit.POINTS: 2, Unit.UNITS: 0, Unit.PEOPLE: 0, Unit.INDEX: 3}

SHOW_ADOPTED, SHOW_ALL = "adopted", "all"
MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"
MET_CHOICES = [
    ("", gettext_lazy("any")),
    (MET, gettext_lazy("met")),
    (NOT_MET, gettext_lazy("not met")),
    (NO_DATA, gettext_lazy("no data")),
]
METHOD_CHOICES = [("", gettext_lazy("any")), *Method.choices]
SHOW_CHOICES = [
    (SHOW_ADOPTED, gettext_lazy("adopted by the municipality")),
    (SHOW_ALL, gettext_lazy("whole catalogue")),
]

# Sort keys of the columns; «number» is the catalogue order. None sorts last either way.
SORT_KEYS = {
    "number": lambda row: row.indicator.ordering,
    "code": lambda row: row.code,
    "name": lambda row: row.name.lower(),
    "unit": lambda row: row.unit,
    "direction": lambda row: row.direction,
    "baseline": lambda row: row.baseline_value,
    "target": lambda row: row.target,
    "actual": lambda row: row.actual,
    "met": lambda row: {True: 0, False: 1, None: None}[row.met],
    "calculated": lambda row: row.calculated_at,
}


def places(unit: str) -> int:
    return PLACES.get(unit, 2)


def rounded(value, unit: str) -> Decimal | None:
    return half_up(value, places(unit))


def format_value(value, unit: str) -> str:
    """«12,5» for a percentage, «3,45» for a mean, «7» for a count; "" for a missing value (the caller says what
    a gap means: «нет данных» or no target). The portal's one rule of numbers (shnor_portal/numbers.py)."""
    return format_decimal(value, places(unit), "")


def exact_text(value) -> str:
    """A numerator or a denominator as counted: «12» for a whole count, «12,25» for a sum of scores."""
    if value is None:
        return ""
    value = Decimal(value)
    text = f"{value.to_integral_value():f}" if value == value.to_integral_value() else f"{value.normalize():f}"
    return text.replace(".", ",").replace("-", "−")


def direction_label(direction: str) -> tuple[str, str]:
    """(arrow, words) of a direction: «↑», «больше — лучше»."""
    arrow = {Direction.UP: "↑", Direction.DOWN: "↓"}.get(direction, "–")
    return arrow, str(Direction(direction).label) if direction in Direction.values else ""


def met_label(met: bool | None) -> str:
    return {True: _("met"), False: _("not met"), None: _("no data")}[met]


@dataclass
class TableRow:
    """A selector row with its place in the table and its numbers as shown."""

    number: int
    row: IndicatorRow

    def __getattr__(self, name):
        return getattr(self.row, name)

    @property
    def arrow(self) -> str:
        return direction_label(self.row.direction)[0]

    @property
    def direction_text(self) -> str:
        return direction_label(self.row.direction)[1]

    @property
    def baseline_text(self) -> str:
        return format_value(self.row.baseline_value, self.row.unit)

    @property
    def target_text(self) -> str:
        return format_value(self.row.target, self.row.unit)

    @property
    def actual_text(self) -> str:
        return format_value(self.row.actual, self.row.unit)

    @property
    def met_text(self) -> str:
        return met_label(self.row.met)

    @property
    def met_key(self) -> str:
        return {True: MET, False: NOT_MET, None: NO_DATA}[self.row.met]


@dataclass(frozen=True)
class TableFilters:
    show: str = SHOW_ADOPTED
    met: str = ""
    method: str = ""
    sort: str = "number"
    descending: bool = False

    @classmethod
    def from_query(cls, query) -> "TableFilters":
        show = parse_text(query.get("show"), 20)
        met = parse_text(query.get("met"), 20)
        method = parse_text(query.get("method"), 20)
        sort, descending = parse_sort(query.get("sort"), SORT_KEYS, default="number")
        return cls(
            show=show if show in (SHOW_ADOPTED, SHOW_ALL) else SHOW_ADOPTED,
            met=met if met in (MET, NOT_MET, NO_DATA) else "",
            method=method if method in Method.values else "",
            sort=sort,
            descending=descending,
        )

    @property
    def sort_param(self) -> str:
        return f"-{self.sort}" if self.descending else self.sort

    def describe(self) -> str:
        """The filters in words, for the export's subtitle."""
        parts = [str(dict(SHOW_CHOICES)[self.show])]
        if self.met:
            parts.append(_("status: %(met)s") % {"met": dict(MET_CHOICES)[self.met]})
        if self.method:
            parts.append(_("how obtained: %(method)s") % {"method": Method(self.method).label})
        return "; ".join(parts)


def table_rows(municipality, year: int, filters: TableFilters) -> list[TableRow]:
    """The rows of the table, filtered and sorted, numbered 1…n (four queries)."""
    rows = indicator_rows(municipality, year, adopted_only=filters.show == SHOW_ADOPTED)
    if filters.method:
        rows = [row for row in rows if row.indicator.method == filters.method]
    if filters.met:
        wanted = {MET: True, NOT_MET: False, NO_DATA: None}[filters.met]
        rows = [row for row in rows if row.met is wanted]
    key = SORT_KEYS[filters.sort]
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    present.sort(key=key, reverse=filters.descending)  # stable: equal keys keep the catalogue order
    return [TableRow(number, row) for number, row in enumerate(present + missing, start=1)]


def table_workbook(municipality, year: int, rows: list[TableRow], filters: TableFilters) -> bytes:
    columns = [
        Column(_("No."), 6),
        Column(_("Code"), 24),
        Column(_("Indicator"), 60),
        Column(_("Unit"), 10),
        Column(_("Direction"), 18),
        Column(_("Baseline"), 12),
        Column(_("Baseline year"), 10),
        Column(_("Target %(year)s") % {"year": year}, 12),
        Column(_("Actual %(year)s") % {"year": year}, 12),
        Column(_("Status"), 14),
        Column(_("Calculated at"), 18),
    ]

    def number(value, unit):
        # The rows of one column have different units: each cell carries its unit's places (as the page shows them).
        found = rounded(value, unit)
        if found is None:
            return None
        return Formatted(int(found) if places(unit) == 0 else float(found), places_format(places(unit)))

    data = (
        [
            item.number,
            item.code,
            item.name,
            item.unit,
            f"{item.arrow} {item.direction_text}",
            number(item.baseline_value, item.unit),
            item.baseline_year,
            number(item.target, item.unit),
            number(item.actual, item.unit),
            item.met_text,
            timezone.localtime(item.calculated_at).strftime("%d.%m.%Y %H:%M") if item.calculated_at else "",
        ]
        for item in rows
    )
    title = _("Target indicators: %(municipality)s, %(year)s") % {"municipality": municipality.name, "year": year}
    return build_workbook(title, columns, data, subtitle=filters.describe())
