"""REG_COUNT, EXITED_SHARE, LOW_RESULTS_SHARE, ADVERSE_SHARE on hand-built registries."""

from decimal import Decimal

import pytest

from registry.models import Status

from .helpers import D, actual, calc, municipality, one, school

pytestmark = pytest.mark.django_db


@pytest.fixture
def m():
    return municipality(code="ind-reg")


def test_it_counts_the_registry_of_the_year_with_both_boundaries(m):
    ends_on_new_year = school(m, (Status.SHNOR, D(2020, 1, 1), D(2021, 1, 1)))  # one day of 2021
    starts_on_last_day = school(m, (Status.SHFNSU, D(2021, 12, 31), None))
    open_listing = school(m, (Status.SHNOR, D(2019, 9, 1), None))
    school(m, (Status.SHNOR, D(2019, 1, 1), D(2020, 12, 31)))  # ended the day before Y
    school(m, (Status.SHNOR, D(2022, 1, 1), None))  # starts after Y
    school(m, (Status.MENTOR, D(2020, 1, 1), None))  # not a registry status
    # Two statuses of one school count it once.
    both = school(m, (Status.SHNOR, D(2021, 3, 1), None), (Status.SHFNSU, D(2021, 3, 1), None))
    count = one("REG_COUNT", 2021, m)
    assert count.numerator == 4
    assert count.denominator is None
    assert count.numerator_ids == sorted([ends_on_new_year.pk, starts_on_last_day.pk, open_listing.pk, both.pk])
    assert actual("REG_COUNT", count) == Decimal(4)


def test_it_gives_every_municipality_of_the_period_a_count(m):
    empty = municipality(code="ind-reg-empty")
    school(m, (Status.SHNOR, D(2021, 1, 1), None))
    counts = calc("REG_COUNT", 2021, m, empty)
    assert counts[m.pk].numerator == 1
    assert counts[empty.pk].numerator == 0
    assert counts[empty.pk].numerator_ids == []


def test_it_counts_exits_from_the_low_results_registry(m):
    # R_low(2020): a, b, c, d, e.
    left_in_summer = school(m, (Status.SHNOR, D(2019, 9, 1), D(2021, 8, 31)))
    ends_on_31_december = school(m, (Status.SHNOR, D(2019, 9, 1), D(2021, 12, 31)))  # still ШНОР on 31.12: stays
    ends_on_30_december = school(m, (Status.SHNOR, D(2019, 9, 1), D(2021, 12, 30)))  # exited
    # Listed «effective» in 2021 though a ШНОР listing runs on: counts as exited.
    effective = school(m, (Status.SHNOR, D(2020, 1, 1), None), (Status.EFFECTIVE, D(2021, 6, 1), None))
    still_low = school(m, (Status.SHNOR, D(2020, 1, 1), None))
    school(m, (Status.SHNOR, D(2021, 1, 1), D(2021, 3, 1)))  # not ШНОР in 2020: outside the denominator
    school(m, (Status.SHFNSU, D(2020, 1, 1), D(2020, 6, 1)))  # ШФНСУ only: outside
    count = one("EXITED_SHARE", 2021, m)
    assert count.denominator == 5
    assert count.numerator == 3
    assert count.numerator_ids == sorted([left_in_summer.pk, ends_on_30_december.pk, effective.pk])
    assert set(count.denominator_ids) == {
        left_in_summer.pk,
        ends_on_31_december.pk,
        ends_on_30_december.pk,
        effective.pk,
        still_low.pk,
    }
    assert actual("EXITED_SHARE", count) == Decimal("60.0")


def test_no_low_results_schools_last_year_is_no_data(m):
    school(m, (Status.SHNOR, D(2021, 1, 1), D(2021, 3, 1)))
    count = one("EXITED_SHARE", 2021, m)
    assert (count.numerator, count.denominator) == (0, 0)
    assert actual("EXITED_SHARE", count) is None


def test_it_shares_low_results_and_adverse_schools_among_all(m):
    school(m, (Status.SHNOR, D(2021, 12, 31), None))
    school(m, (Status.SHNOR, D(2020, 1, 1), D(2021, 1, 1)), (Status.SHFNSU, D(2020, 1, 1), D(2021, 1, 1)))
    school(m, (Status.SHFNSU, D(2021, 5, 1), None))
    school(m, (Status.SHNOR, D(2019, 1, 1), D(2020, 12, 31)))
    school(m)
    school(m)
    low = one("LOW_RESULTS_SHARE", 2021, m)
    assert (low.numerator, low.denominator) == (2, 6)
    assert actual("LOW_RESULTS_SHARE", low) == Decimal("33.3")
    adverse = one("ADVERSE_SHARE", 2021, m)
    assert (adverse.numerator, adverse.denominator) == (2, 6)


def test_a_municipality_without_schools_has_no_shares(m):
    for code in ("LOW_RESULTS_SHARE", "ADVERSE_SHARE"):
        count = one(code, 2021, m)
        assert (count.numerator, count.denominator) == (0, 0)
        assert actual(code, count) is None
