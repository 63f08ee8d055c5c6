"""reports.indicators.selectors: the catalogue with adoption, target of the year, actual value and «met»."""

import datetime as dt
from decimal import Decimal

import pytest

from reports.indicators.models import AdoptedIndicator, Indicator, IndicatorScope, IndicatorTarget, IndicatorValue
from reports.indicators.selectors import indicator_history, indicator_rows, is_met, school_indicator_rows

from .helpers import municipality, school

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("direction", "actual", "target", "met"),
    [
        ("up", "100.0", "100", True),
        ("up", "99.9", "100", False),
        ("down", "20.0", "20", True),
        ("down", "20.1", "20", False),
        ("none", "5", "5", None),
        ("up", None, "5", None),
        ("up", "5", None, None),
    ],
)
def test_met_follows_the_direction(direction, actual, target, met):
    def as_decimal(v):
        return None if v is None else Decimal(v)

    assert is_met(direction, as_decimal(actual), as_decimal(target)) is met


def store(indicator, m, year, value, **extra):
    return IndicatorValue.objects.create(
        indicator=indicator, municipality=m, year=year, value=value, calculated_at=NOW, **extra
    )


def test_rows_join_adoption_target_and_actual(django_assert_max_num_queries):
    m = municipality(code="ind-sel")
    network = Indicator.objects.get(code="NETWORK_SHARE")
    low = Indicator.objects.get(code="LOW_RESULTS_SHARE")
    adopted = AdoptedIndicator.objects.create(
        municipality=m, indicator=network, baseline_value=Decimal(40), baseline_year=2020
    )
    IndicatorTarget.objects.create(adopted=adopted, year=2021, target=Decimal(100))
    IndicatorTarget.objects.create(adopted=adopted, year=2022, target=Decimal(100))
    store(network, m, 2021, Decimal("66.7"), numerator=2, denominator=3)
    store(low, m, 2021, Decimal("10.0"), numerator=1, denominator=10)
    with django_assert_max_num_queries(4):
        rows = {row.code: row for row in indicator_rows(m, 2021)}
    assert set(rows) == set(Indicator.objects.filter(scope=IndicatorScope.MUNICIPALITY).values_list("code", flat=True))
    row = rows["NETWORK_SHARE"]
    assert row.adopted
    assert (row.baseline_value, row.baseline_year, row.target, row.actual) == (40, 2020, 100, Decimal("66.7"))
    assert (row.numerator, row.denominator, row.calculated_at) == (2, 3, NOW)
    assert row.met is False
    # Not adopted: the actual value without baseline or target.
    assert (rows["LOW_RESULTS_SHARE"].adopted, rows["LOW_RESULTS_SHARE"].target) == (False, None)
    assert rows["LOW_RESULTS_SHARE"].actual == Decimal("10.0")
    assert rows["LOW_RESULTS_SHARE"].met is None
    # Nothing stored: «нет данных».
    assert rows["REG_COUNT"].actual is None and rows["REG_COUNT"].calculated_at is None
    assert [r.code for r in indicator_rows(m, 2021, adopted_only=True)] == ["NETWORK_SHARE"]


def test_the_number_of_queries_does_not_grow_with_the_indicators(django_assert_max_num_queries):
    m = municipality(code="ind-sel-many")
    for indicator in Indicator.objects.filter(scope=IndicatorScope.MUNICIPALITY):
        adopted = AdoptedIndicator.objects.create(municipality=m, indicator=indicator)
        IndicatorTarget.objects.create(adopted=adopted, year=2021, target=Decimal(1))
        store(indicator, m, 2021, Decimal(2))
    with django_assert_max_num_queries(4):
        rows = indicator_rows(m, 2021)
    assert all(row.target == 1 and row.actual == 2 for row in rows)


def test_school_rows_and_history():
    m = municipality(code="ind-sel-school")
    s = school(m)
    success = Indicator.objects.get(code="VPR_SUCCESS")
    IndicatorValue.objects.create(
        indicator=success, municipality=m, school=s, year=2021, value=Decimal("91.5"), calculated_at=NOW
    )
    rows = {row.code: row for row in school_indicator_rows(s, 2021)}
    assert rows["VPR_SUCCESS"].actual == Decimal("91.5")
    assert rows["IOR"].actual is None
    count = Indicator.objects.get(code="REG_COUNT")
    store(count, m, 2020, Decimal(3))
    store(count, m, 2021, Decimal(5))
    history = indicator_history(m, count)
    assert [(h["year"], h["actual"], h["target"], h["met"]) for h in history] == [
        (2020, 3, None, None),
        (2021, 5, None, None),
    ]
