"""The one period-overlap condition (shnor_portal/periods.py), evaluated by the database on listings: both ends are
inclusive, a missing end of a row is open (or one day for events), a missing bound of the range is no condition."""

import datetime as dt

import pytest

from registry.models import Listing, Status
from shnor_portal.periods import overlapping

from .factories import ListingFactory, SchoolFactory

D = dt.date


@pytest.fixture
def periods(db):
    """Listings of one school, by name: a closed year, an open one, a single day."""
    school = SchoolFactory()
    rows = {
        "closed": ListingFactory(school=school, status=Status.SHNOR, start=D(2020, 9, 1), end=D(2021, 8, 31)),
        "open": ListingFactory(school=school, status=Status.RISK_ZONE, start=D(2022, 9, 1), end=None),
        "day": ListingFactory(school=school, status=Status.SHFNSU, start=D(2019, 3, 10), end=D(2019, 3, 10)),
    }
    return {listing.pk: name for name, listing in rows.items()}


def found(periods, start, end, **options) -> set[str]:
    pks = Listing.objects.filter(overlapping(start, end, **options)).values_list("pk", flat=True)
    return {periods[pk] for pk in pks}


def test_a_range_touching_the_last_day_overlaps(periods):
    assert found(periods, D(2021, 8, 31), D(2021, 12, 31)) == {"closed"}


def test_a_range_touching_the_first_day_overlaps(periods):
    assert found(periods, D(2020, 1, 1), D(2020, 9, 1)) == {"closed"}


def test_a_range_of_the_day_after_the_end_does_not_overlap(periods):
    assert found(periods, D(2021, 9, 1), D(2022, 8, 31)) == set()


def test_a_range_of_the_day_before_the_start_does_not_overlap(periods):
    assert found(periods, D(2019, 3, 11), D(2020, 8, 31)) == set()


def test_a_row_without_end_runs_on(periods):
    assert found(periods, D(2030, 1, 1), D(2030, 1, 1)) == {"open"}
    assert found(periods, D(2022, 9, 1), D(2022, 9, 1)) == {"open"}
    assert found(periods, D(2022, 8, 31), D(2022, 8, 31)) == set()


def test_the_same_single_day(periods):
    assert found(periods, D(2019, 3, 10), D(2019, 3, 10)) == {"day"}


def test_an_open_bound_of_the_range_sets_no_condition(periods):
    assert found(periods, None, D(2019, 12, 31)) == {"day"}
    assert found(periods, D(2021, 8, 31), None) == {"closed", "open"}
    assert found(periods, None, None) == {"closed", "open", "day"}


def test_a_row_without_end_lasts_its_start_day_when_not_open_ended(db):
    event_like = ListingFactory(start=D(2024, 5, 20), end=None)
    on = Listing.objects.filter(overlapping(D(2024, 5, 20), D(2024, 5, 20), open_ended=False))
    after = Listing.objects.filter(overlapping(D(2024, 5, 21), D(2024, 6, 1), open_ended=False))
    assert list(on) == [event_like]
    assert not after.exists()
    assert Listing.objects.filter(overlapping(D(2024, 5, 21), D(2024, 6, 1))).get() == event_like


def test_a_prefix_reaches_the_period_through_a_relation(periods):
    school = Listing.objects.get(pk=next(iter(periods))).school
    condition = overlapping(D(2030, 1, 1), D(2030, 1, 1), prefix="listings__")
    assert list(type(school).objects.filter(condition)) == [school]
