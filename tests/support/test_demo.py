"""The demo's support data: the three Октябрьский agreements, the seed's seminars and methodical days."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from support.models import Pairing, SupportEvent
from support.selectors import counts_by_type, schools_reached

pytestmark = pytest.mark.django_db
PASSWORD = "shnor-demo-2024"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_it_loads_the_three_oktyabrsky_agreements(demo):
    pairs = {
        (p.mentor.code, p.mentee.code): (p.agreement_date, p.basis[:28], p.status)
        for p in Pairing.objects.filter(mentee__municipality__code="oktyabrsky")
    }
    assert pairs == {
        ("nizhne-narykary", "sherkaly"): (dt.date(2020, 6, 19), "приказ №426-од от 15.05.2020", "active"),
        ("karymkary", "unyugan-1"): (dt.date(2020, 5, 20), "приказ №426-од от 15.05.2020", "active"),
        ("peregrebnoe-1", "chemashi"): (dt.date(2020, 5, 25), "приказ №426-од от 15.05.2020", "active"),
    }


def test_it_loads_a_seminar_and_a_methodical_day_at_each_shnor(demo):
    events = SupportEvent.objects.filter(municipality__code="oktyabrsky")
    by_school = {}
    for event in events.prefetch_related("target_schools"):
        for school in event.target_schools.all():
            by_school.setdefault(school.code, []).append(event.type)
    assert {code: sorted(types) for code, types in by_school.items()} == {
        code: ["methodical_day", "seminar"] for code in ("unyugan-1", "sherkaly", "chemashi")
    }
    chemashi_day = events.get(type="methodical_day", target_schools__code="chemashi")
    assert (
        chemashi_day.topic
        == "Увеличение диапазона педагогической проницательности за счет реализации сетевого взаимодействия"
    )
    assert chemashi_day.is_targeted and "не указана" in chemashi_day.description


def test_the_demo_feeds_the_aggregates(demo):
    municipality = SupportEvent.objects.first().municipality
    year = (dt.date(2020, 9, 1), dt.date(2021, 8, 31))
    assert schools_reached(*year, municipality=municipality) == 3
    assert counts_by_type(*year, municipality=municipality) == {"methodical_day": 3, "seminar": 3}


def test_the_demo_mentor_sees_its_mentees_events_only(demo):
    client = Client()
    assert client.login(username="mentor-peregrebnoe-1", password=PASSWORD)
    response = client.get(reverse("support:event-list"))
    schools = {row.school.code for event in response.context["page"].object_list for row in event.event_schools.all()}
    assert schools == {"chemashi"}
