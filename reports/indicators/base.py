"""The contract between the formulas and the rest of the indicators package.

A formula is one small, named function registered by code under an indicator code of the catalogue
(docs/indicators.md). It is given a `Period` — the municipalities and the calendar year — and answers a `Count` for
every municipality of the period (or every school, for the per-school indicators): the numerator and the denominator
as exact numbers and, for the drill-down, which objects it counted. It works set-wise: a few SQL aggregates over all
the municipalities of the period at once, never a query per school or per municipality, so that a region of 1,000
schools is recalculated in a bounded number of statements.

How a Count becomes the actual value is decided by the formula's `shape`:
- "share": numerator / denominator × 100, rounded half-up to one decimal from the exact counts; an empty (zero or
  missing) denominator gives None («нет данных»), never 0 or 100;
- "count": the numerator itself (a number of schools or of people); the denominator is left None;
- "value": `Count.value`, computed by the formula (a mean, a gap reduction), None when it cannot be computed.

How the engine uses a formula (services.py, added with it; nothing above changes):
- A formula answers for every municipality of the period (scope "municipality": keys are municipality ids) or for
  every school of them (scope "school": keys are school ids); a key left out is stored as nothing, which the pages
  show as «нет данных» like a None value.
- `services.recalculate` runs each formula once per year for all the municipalities asked, and stores one
  `IndicatorValue` per catalogue entry that uses it: an `Indicator` names its formula by its own code or, for an
  entry the administrator adds over an existing formula, by `Indicator.formula`.
- `numerator_ids` / `denominator_ids` are stored as given (JSON lists) and `details` must be JSON-serialisable.
- sets.py has the building blocks for the usual shapes over schools (`school_share`, `school_count`, `grouped`).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured

from registry.rounding import share_pct as share

SHARE, COUNT, VALUE = "share", "count", "value"
SHAPES = (SHARE, COUNT, VALUE)

# Kinds of the objects a formula counts, for the drill-down lists (each a link to the object's page).
SCHOOL, TEACHER, EVENT, ACTIVITY, PAIRING, STAFF = "school", "teacher", "event", "activity", "pairing", "staff"
MEMBER_KINDS = (SCHOOL, TEACHER, EVENT, ACTIVITY, PAIRING, STAFF)

MUNICIPALITY_SCOPE, SCHOOL_SCOPE = "municipality", "school"


@dataclass(frozen=True)
class Period:
    """What is calculated: the year and the municipalities (every school of them for per-school formulas)."""

    year: int
    municipality_ids: tuple[int, ...]

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    def previous(self) -> "Period":
        return Period(self.year - 1, self.municipality_ids)


@dataclass
class Count:
    """One formula's answer for one municipality (or school) and year.

    `numerator_ids` / `denominator_ids` are the primary keys of the objects counted, of the formula's `members`
    kind, kept for the drill-down; None where the formula counts something that is no list of objects (participant
    works, a gap of means). `value` is set by formulas of shape "value" only."""

    numerator: int | Decimal | None = None
    denominator: int | Decimal | None = None
    numerator_ids: list[int] | None = None
    denominator_ids: list[int] | None = None
    value: Decimal | None = None
    details: dict = field(default_factory=dict)  # JSON-serialisable extras shown on the indicator page


@dataclass(frozen=True)
class Formula:
    code: str
    function: Callable[[Period], dict[int, Count]]
    shape: str
    members: str | None
    scope: str

    def actual(self, count: Count) -> Decimal | None:
        if self.shape == SHARE:
            return share(count.numerator, count.denominator)
        if self.shape == COUNT:
            return None if count.numerator is None else Decimal(count.numerator)
        return count.value


FORMULAS: dict[str, Formula] = {}


def formula(
    code: str, *, shape: str, members: str | None = None, scope: str = MUNICIPALITY_SCOPE
) -> Callable[[Callable], Callable]:
    """Register the decorated function as the formula of the catalogue indicator `code`."""
    if shape not in SHAPES:
        raise ImproperlyConfigured(f"formula {code}: unknown shape {shape!r}")
    if members is not None and members not in MEMBER_KINDS:
        raise ImproperlyConfigured(f"formula {code}: unknown member kind {members!r}")

    def register(function: Callable[[Period], dict[int, Count]]) -> Callable[[Period], dict[int, Count]]:
        if code in FORMULAS:
            raise ImproperlyConfigured(f"formula {code} is registered twice")
        FORMULAS[code] = Formula(code, function, shape, members, scope)
        return function

    return register
