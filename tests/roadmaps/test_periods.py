"""The one rule for a plan's period (roadmaps/periods.py): years 2000–2100, ten years at most."""

import datetime as dt

import pytest
from django.utils import translation

from roadmaps.periods import PeriodRefused, check_period, period_errors, years_errors, years_later

D = dt.date


@pytest.fixture(autouse=True)
def _russian():
    with translation.override("ru"):
        yield


def test_a_good_period_has_no_errors():
    assert period_errors(D(2020, 1, 1), D(2021, 12, 31)) == {}
    assert period_errors(D(2000, 1, 1), D(2000, 1, 1)) == {}  # a single day
    assert period_errors(D(2091, 1, 1), D(2100, 12, 31)) == {}  # the last ten years
    assert period_errors(D(2020, 9, 1), D(2030, 8, 31)) == {}  # ten years to the day


def test_years_outside_2000_2100_are_refused_on_their_own_field():
    assert period_errors(D(1, 1, 1), D(9999, 12, 31)) == {
        "start": "Укажите дату в пределах 2000–2100 годов.",
        "end": "Укажите дату в пределах 2000–2100 годов.",
    }
    assert set(period_errors(D(1999, 12, 31), D(2000, 12, 31))) == {"start"}
    assert set(period_errors(D(2100, 1, 1), D(2101, 1, 1))) == {"end"}


def test_a_period_longer_than_ten_years_or_reversed_is_refused_on_its_end():
    assert period_errors(D(2020, 9, 1), D(2030, 9, 1)) == {"end": "План рассчитывается не более чем на 10 лет."}
    assert period_errors(D(2021, 1, 1), D(2020, 1, 1)) == {"end": "План не может заканчиваться раньше, чем начинается."}


def test_missing_dates_are_left_to_the_forms_own_message():
    assert period_errors(None, D(2020, 1, 1)) == {} == period_errors(None, None)
    assert period_errors(D(1900, 1, 1), None) == {"start": "Укажите дату в пределах 2000–2100 годов."}


def test_whole_years_follow_the_same_rule():
    assert years_errors(2020, 2029) == {}
    assert years_errors(2020, 2030) == {"end": "План рассчитывается не более чем на 10 лет."}
    assert years_errors(1999, 2101) == {"start": "Укажите год от 2000 до 2100.", "end": "Укажите год от 2000 до 2100."}
    assert years_errors(None, 2020) == {}


def test_services_get_the_first_problem_as_an_exception():
    check_period(D(2020, 1, 1), D(2029, 12, 31))
    for start, end in [(None, D(2020, 1, 1)), (D(1, 1, 1), D(2020, 1, 1)), (D(2020, 1, 1), D(2040, 1, 1))]:
        with pytest.raises(PeriodRefused):
            check_period(start, end)


def test_years_later_keeps_the_day_or_falls_back_to_28_february():
    assert years_later(D(2020, 5, 20), 10) == D(2030, 5, 20)
    assert years_later(D(2024, 2, 29), 1) == D(2025, 2, 28)
