"""load_demo: the demo world of docs/demo.md, idempotent and deterministic, with demo users in their scopes."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from registry.access import schools_visible_to
from registry.models import Listing, Municipality, Pairing, School, Status

pytestmark = pytest.mark.django_db
PASSWORD = "shnor-demo-2024"


def snapshot() -> dict:
    """Every row of every portal model, history included, as comparable tuples."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in {"accounts", "registry", "support", "roadmaps", "reports"}:
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in {"last_login"}]
            state[model._meta.label] = sorted(model.objects.values_list(*fields), key=repr)
    return state


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_it_loads_the_municipalities_and_schools_of_the_demo(demo):
    counts = {m.code: m.schools.count() for m in Municipality.objects.all()}
    assert counts == {"oktyabrsky": 11, "gorodets": 18, "dubensky": 2, "chaa-khol": 3, "yartsevo": 7}
    assert School.objects.get(code="chemashi").short_name == "МКОУ «Чемашинская СОШ»"


def test_it_keeps_the_listing_periods_and_bases_of_the_demo(demo):
    chemashi = Listing.objects.filter(school__code="chemashi")
    assert set(chemashi.values_list("status", "start", "end")) >= {
        (Status.SHNOR, dt.date(2019, 12, 2), dt.date(2020, 8, 31)),
        (Status.SHNOR, dt.date(2020, 9, 1), dt.date(2021, 8, 31)),
        (Status.STABLE_LOW, dt.date(2019, 12, 2), dt.date(2020, 8, 31)),
        (Status.STABLE_LOW, dt.date(2020, 9, 1), dt.date(2021, 8, 31)),
    }
    first = chemashi.get(status=Status.SHNOR, start=dt.date(2019, 12, 2))
    assert first.basis_number == "1576" and "№1576 от 02.12.2019" in first.basis
    assert Listing.objects.get(school__code="novopavshino").basis.startswith(
        "приказ министерства образования Тульской области №180 от 07.02.2024"
    )
    assert set(
        School.objects.listed_as(Status.SHNOR, year=2019)
        .filter(municipality__code="oktyabrsky")
        .values_list("code", flat=True)
    ) == {"unyugan-1", "sherkaly", "chemashi"}
    assert set(Listing.objects.filter(school__code="sergino").values_list("status", flat=True)) >= {
        Status.SHNOR,
        Status.EFFECTIVE,
        Status.CONSULTING,
    }
    assert School.objects.listed_as(Status.SHNOR, year=2020).filter(municipality__code="gorodets").count() == 14


def test_it_loads_the_three_oktyabrsky_pairings_with_their_agreements(demo):
    pairs = {
        (p.mentor.code, p.mentee.code): p.agreement_date for p in Pairing.objects.select_related("mentor", "mentee")
    }
    assert pairs[("nizhne-narykary", "sherkaly")] == dt.date(2020, 6, 19)
    assert pairs[("karymkary", "unyugan-1")] == dt.date(2020, 5, 20)
    assert pairs[("peregrebnoe-1", "chemashi")] == dt.date(2020, 5, 25)
    assert ("chaa-khol-leader", "ak-durug") in pairs and ("chaa-khol-leader", "bulun-terek") in pairs


def test_running_it_twice_gives_the_same_database(demo):
    before = snapshot()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert snapshot() == before


@pytest.mark.parametrize(
    ("username", "visible", "hidden"),
    [
        ("region-hmao", {"chemashi", "sergino", "karymkary"}, {"sh-18", "novopavshino"}),
        ("coord-oktyabrsky", {"chemashi", "andra", "maly-atlym"}, {"sh-18", "ak-durug"}),
        ("coord-gorodets", {"sh-18", "brilyakovo", "zarubino"}, {"chemashi"}),
        ("director-chemashi", {"chemashi"}, {"sherkaly", "peregrebnoe-1"}),
        ("director-sherkaly", {"sherkaly"}, {"chemashi"}),
        ("inspector-oktyabrsky", {"chemashi", "sherkaly"}, {"sh-18"}),
    ],
)
def test_each_demo_user_sees_only_their_scope(demo, username, visible, hidden):
    user = User.objects.get(username=username)
    codes = set(schools_visible_to(user).values_list("code", flat=True))
    assert visible <= codes and not (hidden & codes)
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    for code in hidden:
        assert client.get(f"/registry/schools/{code}/").status_code == 404
    for code in visible:
        assert client.get(f"/registry/schools/{code}/").status_code == 200


def test_the_mentor_demo_user_sees_own_school_and_the_mentee(demo):
    user = User.objects.get(username="mentor-peregrebnoe-1")
    assert set(schools_visible_to(user).values_list("code", flat=True)) == {"peregrebnoe-1", "chemashi"}


def test_the_admin_demo_user_sees_everything_and_reaches_django_admin(demo):
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert client.get("/registry/schools/sh-18/").status_code == 200


def test_it_loads_the_seed_profiles_of_the_oktyabrsky_shnor(demo):
    from registry.profiles import SchoolYearProfile, SwotItem

    ior = dict(SchoolYearProfile.objects.filter(school__code="chemashi").values_list("year", "ior"))
    assert {year: str(value) for year, value in ior.items()} == {2017: "0.472", 2018: "0.473", 2019: "0.406"}
    unyugan = SchoolYearProfile.objects.get(school__code="unyugan-1", year=2019)
    assert unyugan.staff_published_pct["higher_ed"] == 95.2 and unyugan.teachers_total is None
    assert SwotItem.objects.filter(school__code="sherkaly", year=2019, kind="strength").exists()
