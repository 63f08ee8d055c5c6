"""The regional coordinator's dashboard: the municipalities side by side for a calendar year — one row each with the
registry counts (ШНОР, ШФНСУ), the key indicators' actual values, the plans' execution and the last results import.

Five queries for any number of municipalities and schools (the municipalities, then one grouped statement per
column family); the rows are sorted and paginated in Python, a region having tens of municipalities, not thousands.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from shnor_portal.numbers import PCT_FORMAT
from shnor_portal.xlsx import Column, Formatted, build_workbook, places_format

from . import dashboard_data as data
from .indicators.models import Indicator
from .indicators.table import format_value, places, rounded


@dataclass
class ComparisonRow:
    municipality: object
    shnor: int = 0
    shfnsu: int = 0
    indicators: list = field(default_factory=list)  # values of KEY_INDICATORS in their order (None: «нет данных»)
    indicator_texts: list = field(default_factory=list)  # the same as their units write them («12,5», «3,80»)
    due: int = 0
    done: int = 0
    done_percent: Decimal | None = None
    last_import: dt.datetime | None = None

    def key(self, name: str):
        if name == "name":
            return self.municipality.name
        if name == "region":
            return self.municipality.region.name
        if name in ("shnor", "shfnsu", "done_percent", "last_import"):
            return getattr(self, name)
        return self.indicators[KEYS.index(name)]


KEYS = [code.lower() for code in data.KEY_INDICATORS]
SORT_KEYS = ("name", "region", "shnor", "shfnsu", *KEYS, "done_percent", "last_import")


def comparison_rows(municipalities, year: int, *, today: dt.date | None = None) -> list[ComparisonRow]:
    municipalities = list(municipalities)
    ids = [m.pk for m in municipalities]
    counts = data.registry_counts(ids, year)
    values = data.indicator_values(ids, year)
    execution = data.plan_execution(ids, year, today=today)
    imports = data.last_import_dates(ids)
    rows = []
    for m in municipalities:
        done = execution.get(m.pk, {"due": 0, "done": 0})
        rows.append(
            ComparisonRow(
                municipality=m,
                shnor=counts.get(m.pk, {}).get("shnor", 0),
                shfnsu=counts.get(m.pk, {}).get("shfnsu", 0),
                indicators=[values.get(m.pk, {}).get(code) for code in data.KEY_INDICATORS],
                due=done["due"],
                done=done["done"],
                done_percent=data.done_percent(execution.get(m.pk)),
                last_import=imports.get(m.pk),
            )
        )
    return rows


def write_indicators(rows: list[ComparisonRow], indicators: list) -> list[ComparisonRow]:
    """Each row's indicator values as the page shows them: by their unit's places, the portal's one rule."""
    units = [indicator.unit if indicator else "" for indicator in indicators]
    for row in rows:
        row.indicator_texts = [format_value(value, unit) for value, unit in zip(row.indicators, units, strict=True)]
    return rows


def sort_rows(rows: list[ComparisonRow], key: str, descending: bool) -> list[ComparisonRow]:
    """Sorted by the column; rows without a value last in either direction, then by name."""
    by_name = sorted(rows, key=lambda row: row.municipality.name)
    present = [row for row in by_name if row.key(key) is not None]
    missing = [row for row in by_name if row.key(key) is None]
    return sorted(present, key=lambda row: row.key(key), reverse=descending) + missing


def key_indicators() -> list[Indicator]:
    """The catalogue entries of the key indicators, in KEY_INDICATORS order (one query); absent codes are left out
    by the caller's columns only if the administrator removed them."""
    found = {i.code: i for i in Indicator.objects.filter(code__in=data.KEY_INDICATORS)}
    return [found.get(code) for code in data.KEY_INDICATORS]


def _number(value: Decimal | None, unit: str = ""):
    """A cell that stays a number and shows its unit's places, as the page does."""
    found = rounded(value, unit)
    if found is None:
        return None
    return Formatted(int(found) if places(unit) == 0 else float(found), places_format(places(unit)))


def comparison_workbook(rows: list[ComparisonRow], indicators: list, year: int) -> bytes:
    columns = [
        Column(_("Municipality"), 30),
        Column(_("Region"), 30),
        Column("ШНОР", 8),
        Column("ШФНСУ", 8),
        *[
            Column(indicator.name if indicator else code, 24)
            for indicator, code in zip(indicators, data.KEY_INDICATORS, strict=True)
        ],
        Column(_("Plan items due done, %"), 14, PCT_FORMAT),
        Column(_("Plan items due"), 12),
        Column(_("Last results import"), 16),
    ]
    units = [indicator.unit if indicator else "" for indicator in indicators]
    lines = (
        [
            row.municipality.name,
            row.municipality.region.name,
            row.shnor,
            row.shfnsu,
            *[_number(value, unit) for value, unit in zip(row.indicators, units, strict=True)],
            float(row.done_percent) if row.done_percent is not None else None,
            row.due,
            timezone.localtime(row.last_import).date() if row.last_import else None,
        ]
        for row in rows
    )
    return build_workbook(_("Municipalities compared"), columns, lines, _("Calendar year %(year)s") % {"year": year})
