"""What the indicator pages, the export, the dashboards and `indicators --json` read: the catalogue joined with a
municipality's adoption (baseline, target of the year) and the stored actual values — a fixed number of queries,
whatever the number of indicators, schools or years.

Access is the caller's business: these functions take a municipality (or a school) the view has already obtained
through the app's access helpers.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .models import AdoptedIndicator, Direction, Indicator, IndicatorScope, IndicatorTarget, IndicatorValue


@dataclass(frozen=True)
class IndicatorRow:
    """One line of «Целевые показатели» of a municipality (or a school) for a year."""

    indicator: Indicator
    adopted: bool  # the municipality has taken the indicator into its programme
    baseline_value: Decimal | None
    baseline_year: int | None
    target: Decimal | None  # the target of the year, None where none is set
    actual: Decimal | None  # None: «нет данных» (not calculated, an empty denominator, no manual value)
    numerator: Decimal | None
    denominator: Decimal | None
    calculated_at: dt.datetime | None
    value_id: int | None  # the stored IndicatorValue, for the drill-down

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def direction(self) -> str:
        return self.indicator.direction

    @property
    def met(self) -> bool | None:
        return is_met(self.indicator.direction, self.actual, self.target)


def is_met(direction: str, actual: Decimal | None, target: Decimal | None) -> bool | None:
    """↑ met when actual ≥ target, ↓ met when actual ≤ target; None when either is missing or there is no
    direction. The comparison is made on the stored values (the actual value as rounded by its formula)."""
    if actual is None or target is None or direction == Direction.NONE:
        return None
    return actual >= target if direction == Direction.UP else actual <= target


def indicator_rows(municipality, year: int, *, adopted_only: bool = False) -> list[IndicatorRow]:
    """Every municipal catalogue indicator (or only the adopted ones) for `municipality` and `year`, in catalogue
    order; adopted ones carry their baseline and the target of the year (four queries)."""
    indicators = list(Indicator.objects.filter(scope=IndicatorScope.MUNICIPALITY))
    adoptions = {a.indicator_id: a for a in AdoptedIndicator.objects.filter(municipality=municipality)}
    targets = dict(
        IndicatorTarget.objects.filter(adopted__municipality=municipality, year=year).values_list(
            "adopted__indicator_id", "target"
        )
    )
    values = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(municipality=municipality, school__isnull=True, year=year).only(
            "pk", "indicator_id", "value", "numerator", "denominator", "calculated_at"
        )
    }
    rows = []
    for indicator in indicators:
        adoption = adoptions.get(indicator.pk)
        if adopted_only and adoption is None:
            continue
        rows.append(_row(indicator, adoption, targets.get(indicator.pk), values.get(indicator.pk)))
    return rows


def school_indicator_rows(school, year: int) -> list[IndicatorRow]:
    """The per-school indicators (VPR_*, IOR) of `school` for `year`; no adoption at school level (two queries)."""
    indicators = list(Indicator.objects.filter(scope=IndicatorScope.SCHOOL))
    values = {v.indicator_id: v for v in IndicatorValue.objects.filter(school=school, year=year)}
    return [_row(indicator, None, None, values.get(indicator.pk)) for indicator in indicators]


def indicator_history(municipality, indicator: Indicator) -> list[dict]:
    """The indicator's values across years against the targets, for the chart of the indicator page: one dict per
    year that has a value or a target, in year order (two queries)."""
    return indicator_histories(municipality, [indicator]).get(indicator.pk, [])


def indicator_histories(municipality, indicators) -> dict[int, list[dict]]:
    """`indicator_history` of several indicators at once (the analytical report's charts): indicator id → its
    points, two queries whatever the number of indicators."""
    by_id = {indicator.pk: indicator for indicator in indicators}
    values: dict[int, dict] = {}
    for value in IndicatorValue.objects.filter(
        municipality=municipality, indicator_id__in=list(by_id), school__isnull=True
    ):
        values.setdefault(value.indicator_id, {})[value.year] = value
    targets: dict[int, dict] = {}
    for indicator_id, year, target in IndicatorTarget.objects.filter(
        adopted__municipality=municipality, adopted__indicator_id__in=list(by_id)
    ).values_list("adopted__indicator_id", "year", "target"):
        targets.setdefault(indicator_id, {})[year] = target
    histories = {}
    for pk, indicator in by_id.items():
        own_values, own_targets = values.get(pk, {}), targets.get(pk, {})
        history = []
        for year in sorted(set(own_values) | set(own_targets)):
            value = own_values.get(year)
            actual = value.value if value else None
            history.append(
                {
                    "year": year,
                    "actual": actual,
                    "target": own_targets.get(year),
                    "met": is_met(indicator.direction, actual, own_targets.get(year)),
                    "numerator": value.numerator if value else None,
                    "denominator": value.denominator if value else None,
                }
            )
        histories[pk] = history
    return histories


def _row(indicator, adoption, target, value) -> IndicatorRow:
    return IndicatorRow(
        indicator=indicator,
        adopted=adoption is not None,
        baseline_value=adoption.baseline_value if adoption else None,
        baseline_year=adoption.baseline_year if adoption else None,
        target=target if adoption else None,
        actual=value.value if value else None,
        numerator=value.numerator if value else None,
        denominator=value.denominator if value else None,
        calculated_at=value.calculated_at if value else None,
        value_id=value.pk if value else None,
    )
