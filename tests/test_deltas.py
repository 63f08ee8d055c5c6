"""Years side by side (shnor_portal/deltas.py): each value against the one before it, told by arrow, sign and words."""

from decimal import Decimal

import pytest
from django.utils import translation

from shnor_portal.deltas import compare


@pytest.fixture(autouse=True)
def russian():
    with translation.override("ru"):
        yield


def test_each_value_is_compared_with_the_one_before():
    cells = compare([10, 12, 12, 7], ["2019", "2020", "2021", "2022"])
    assert [c.text for c in cells] == ["10", "12", "12", "7"]
    assert [c.delta for c in cells] == [None, 2, 0, -5]
    assert [(c.arrow, c.delta_text) for c in cells] == [("", ""), ("▲", "+2"), ("=", "0"), ("▼", "−5")]
    assert [c.spoken for c in cells] == [
        "",
        "больше на 2, чем в 2019",
        "столько же, сколько в 2020",
        "меньше на 5, чем в 2021",
    ]


def test_a_missing_value_is_a_dash_and_compares_with_nothing():
    cells = compare([1, None, 3], ["a", "b", "c"])
    assert [c.text for c in cells] == ["1", "—", "3"]
    assert [c.direction for c in cells] == [None, None, None]


def test_shares_change_in_percentage_points_with_their_decimals():
    cells = compare([Decimal("72.5"), Decimal("75.0"), 70], ["a", "b", "c"], decimals=1, unit="п.п.")
    assert [c.delta_text for c in cells] == ["", "+2,5 п.п.", "−5,0 п.п."]
    assert cells[2].spoken == "меньше на 5,0 п.п., чем в b"


def test_the_difference_is_of_the_values_as_shown():
    cells = compare([Decimal("0.4064"), Decimal("0.4066"), Decimal("0.4074")], ["a", "b", "c"], decimals=3)
    assert [c.text for c in cells] == ["0,406", "0,407", "0,407"]
    assert [c.delta_text for c in cells] == ["", "+0,001", "0,000"]
    assert [c.direction for c in cells] == [None, "up", "same"]
