"""Aggregates for the indicators: schools reached by methodological events, counts by type, in bounded queries."""

import datetime as dt

import pytest

from support.models import EventType
from support.selectors import counts_by_type, events_by_school, schools_reached
from tests.factories import SchoolFactory

from .conftest import make_event

pytestmark = pytest.mark.django_db
YEAR = (dt.date(2020, 9, 1), dt.date(2021, 8, 31))


def test_it_counts_distinct_schools_reached_by_methodological_events(world):
    make_event(world.municipality, [world.school, world.second_school], start=dt.date(2020, 10, 1))
    make_event(world.municipality, [world.school], type=EventType.METHODICAL_DAY, start=dt.date(2020, 11, 1))
    make_event(world.municipality, [world.mentor_school], type=EventType.PARENT_MEETING, start=dt.date(2020, 11, 1))
    make_event(world.municipality, [world.mentor_school], start=dt.date(2021, 9, 1))  # after the period
    make_event(world.far, [world.far_school], start=dt.date(2020, 10, 1))
    assert schools_reached(*YEAR) == 3
    assert schools_reached(*YEAR, municipality=world.municipality) == 2
    assert schools_reached(*YEAR, schools=[world.school]) == 1
    assert schools_reached(*YEAR, types=[EventType.PARENT_MEETING]) == 1


def test_an_event_crossing_the_period_start_counts(world):
    make_event(
        world.municipality, [world.school], type=EventType.COURSES, start=dt.date(2020, 8, 20), end=dt.date(2020, 9, 2)
    )
    assert schools_reached(*YEAR) == 1
    assert schools_reached(dt.date(2020, 9, 3), dt.date(2020, 12, 31)) == 0


def test_it_counts_events_by_type_and_by_school(world):
    make_event(world.municipality, [world.school, world.second_school], start=dt.date(2020, 10, 1))
    make_event(world.municipality, [world.school], start=dt.date(2020, 10, 2))
    make_event(world.municipality, [world.school], type=EventType.CONSULTATION, start=dt.date(2020, 10, 3))
    make_event(world.municipality, [world.school], type=EventType.CONTEST, start=dt.date(2020, 10, 3))
    assert counts_by_type(*YEAR, municipality=world.municipality) == {"consultation": 1, "contest": 1, "seminar": 2}
    assert counts_by_type(*YEAR, schools=[world.second_school]) == {"seminar": 1}
    by_school = events_by_school(*YEAR, [world.school, world.second_school, world.mentor_school])
    assert by_school == {world.school.pk: 3, world.second_school.pk: 1}


@pytest.mark.parametrize("count", [3, 30])
def test_the_aggregates_cost_the_same_few_queries_for_3_and_30_schools(world, count, django_assert_max_num_queries):
    schools = [SchoolFactory(municipality=world.municipality) for _ in range(count)]
    for index, school in enumerate(schools):
        make_event(world.municipality, [school, world.school], start=dt.date(2020, 10, 1 + index % 28))
        make_event(world.municipality, [school], type=EventType.CONSULTATION, start=dt.date(2021, 2, 1))
    with django_assert_max_num_queries(3):
        assert schools_reached(*YEAR, municipality=world.municipality) == count + 1
        assert counts_by_type(*YEAR, municipality=world.municipality) == {"consultation": count, "seminar": count}
        assert len(events_by_school(*YEAR, schools)) == count
