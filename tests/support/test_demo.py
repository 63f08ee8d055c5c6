"""The demo's support data: the three Октябрьский agreements, the seed's seminars and methodical days, and the
teachers of the three ШНОР with two rounds of diagnostics and a risk group (demo scores)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from registry.models import Pairing, School
from support.models import DevelopmentRecord, SupportEvent
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


DEMO_NOTE = "Демонстрационные данные: баллы не из источника"


def test_the_demo_has_diagnosed_teachers_with_a_risk_group_at_each_shnor(demo):
    from support.models import Diagnostic, Score, Teacher
    from support.selectors import competency_summary

    seed_names = {
        "unyugan-1": {"Семенова Е.В.", "Уймина Л.А."},
        "sherkaly": {"Ефименко Н.В.", "Резщикова В.К.", "Ефименко А.Н."},
        "chemashi": set(),
    }
    for code, named in seed_names.items():
        teachers = Teacher.objects.filter(school__code=code, is_active=True)
        assert named <= set(teachers.values_list("full_name", flat=True))
        dates = set(Diagnostic.objects.filter(teacher__in=teachers).values_list("date", flat=True))
        assert dates == {dt.date(2020, 9, 15), dt.date(2021, 5, 14)}
        summary = competency_summary(School.objects.get(code=code))
        assert summary["diagnosed"] == summary["teachers"] == 6
        assert [row["year"] for row in summary["dynamics"]] == [2020, 2021]
        critical = summary["critical"]
        assert 2 <= len(critical) <= 3, code
        for row in critical:
            # The risk group is made of plainly demo entries, each with deficits and an open development route.
            assert row["teacher"].full_name.endswith("(демо)") and row["teacher"].full_name not in named
            assert row["deficits"] and row["route_open"] >= 1 and row["route_next_due"]
        assert all(DEMO_NOTE in note for note in summary["notes"]) and len(summary["notes"]) == 2
    # Every diagnostic has all 16 criteria scored by all three raters, 0 to 2.
    counts = Score.objects.values("diagnostic_id").annotate(n=Count("pk"), raters=Count("rater", distinct=True))
    assert {(row["n"], row["raters"]) for row in counts} == {(48, 3)}
    assert set(Score.objects.values_list("value", flat=True)) == {0, 1, 2}
    assert Teacher.objects.filter(school__code="unyugan-1", is_active=False).count() == 2  # Фанова, Булдаков
    development = DevelopmentRecord.objects.filter(teacher__school__municipality__code="oktyabrsky")
    assert development.filter(completed=True).exists() and development.filter(completed=False).exists()


def test_the_demo_principal_sees_the_risk_group_and_the_mentor_only_its_size(demo):
    url = reverse("support:school-competencies", args=["chemashi"])
    principal = Client()
    assert principal.login(username="director-chemashi", password=PASSWORD)
    page = principal.get(url)
    names = [row["teacher"].full_name for row in page.context["summary"]["critical"]]
    html = page.content.decode()
    assert names and all(name in html for name in names) and DEMO_NOTE in html
    mentor = Client()
    assert mentor.login(username="mentor-peregrebnoe-1", password=PASSWORD)
    page = mentor.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and len(page.context["summary"]["critical"]) == len(names)
    assert not any(name in html for name in names) and " % · " not in html
    assert mentor.get(reverse("support:teacher-list", args=["chemashi"])).status_code == 403
    sherkaly = reverse("support:school-competencies", args=["sherkaly"])
    assert mentor.get(sherkaly).status_code == 404  # not its mentee


def test_a_bad_score_in_the_fixture_is_refused(db):
    from support.demo import _card, _read_scores

    card = _card()
    good = {"self": "22222 22 22 22 22222", "head_ma": "11111 11 11 11 11111", "deputy": "00000 00 00 00 00000"}
    assert len(_read_scores(good, card, "Иванова", "2020-09-15")) == 48
    for bad in (
        {**good, "deputy": "00000 00 00 00 0000"},  # a criterion missing
        {**good, "deputy": "30000 00 00 00 00000"},  # 3 is not a score
        {"self": good["self"], "head_ma": good["head_ma"]},  # a rater missing
    ):
        with pytest.raises(ValueError):
            _read_scores(bad, card, "Иванова", "2020-09-15")
