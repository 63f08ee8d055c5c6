import datetime as dt

import pytest

from support.models import EventSchool, EventType, SupportEvent


def make_event(municipality, schools, *, type=EventType.SEMINAR, start=dt.date(2020, 10, 15), end=None, **values):
    values.setdefault("organiser_municipality", municipality)
    event = SupportEvent.objects.create(
        municipality=municipality, type=type, start=start, end=end, topic=values.pop("topic", "Тема"), **values
    )
    EventSchool.objects.bulk_create(EventSchool(event=event, school=school) for school in schools)
    return event


@pytest.fixture
def event(world):
    """A municipal seminar for the world's supported school (chemashi, mentored by peregrebnoe-1)."""
    return make_event(world.municipality, [world.school], topic="Семинар-практикум для Чемашинской СОШ")


@pytest.fixture
def second_event(world):
    """An event of the same municipality for a school the mentor does not mentor."""
    return make_event(world.municipality, [world.second_school], type=EventType.MEETING, topic="Совещание в Андре")


@pytest.fixture
def far_event(world):
    return make_event(world.far, [world.far_school], topic="Дубенский вебинар", type=EventType.WEBINAR)
