"""Shared fixtures: a small world of two regions and a persona for every role."""

import datetime as dt
from dataclasses import dataclass

import pytest

from accounts.models import Role
from registry.models import Municipality, Region, School, Status
from shnor_portal.celery import app as celery_app

from .factories import (
    ListingFactory,
    MunicipalityFactory,
    PairingFactory,
    RegionFactory,
    SchoolFactory,
    user_with_role,
)


@pytest.fixture(autouse=True)
def _fast_and_eager(settings, tmp_path):
    """Unit tests run tasks eagerly; tests/test_celery_worker.py proves the real broker path."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads of a test never land in the project folder
    # Nor does the demo signing certificate that load_demo makes (tests/reports/conftest.py has a key of its own).
    settings.DOCUMENT_SIGNING_DEMO_P12 = settings.DOCUMENT_SIGNING_P12 = tmp_path / "keys" / "demo-signing.p12"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@dataclass
class World:
    region: Region
    other_region: Region
    municipality: Municipality
    neighbour: Municipality  # same region, another municipality
    far: Municipality  # another region
    school: School  # supported school (ШНОР) of `municipality`
    mentor_school: School
    second_school: School  # another school of `municipality`, neither mentor nor mentee
    neighbour_school: School
    far_school: School


def build_world() -> World:
    """The world's rows; tests/access_matrix builds it once per module, every other test through `world`."""
    region = RegionFactory(code="hmao", name="Ханты-Мансийский автономный округ – Югра")
    other_region = RegionFactory(code="tula", name="Тульская область")
    municipality = MunicipalityFactory(code="oktyabrsky", name="Октябрьский район", region=region)
    neighbour = MunicipalityFactory(code="berezovsky", name="Берёзовский район", region=region)
    far = MunicipalityFactory(code="dubensky", name="Дубенский район", region=other_region)
    school = SchoolFactory(code="chemashi", short_name="МКОУ «Чемашинская СОШ»", municipality=municipality)
    mentor_school = SchoolFactory(
        code="peregrebnoe-1", short_name="МКОУ «Перегребинская СОШ №1»", municipality=municipality
    )
    second_school = SchoolFactory(code="andra", short_name="МКОУ «Андринская СОШ»", municipality=municipality)
    neighbour_school = SchoolFactory(code="berezovo", short_name="МБОУ «Берёзовская СОШ»", municipality=neighbour)
    far_school = SchoolFactory(code="novopavshino", short_name="МКОУ Новопавшинская ООШ", municipality=far)
    ListingFactory(
        school=school,
        status=Status.SHNOR,
        start=dt.date(2019, 12, 2),
        end=dt.date(2020, 8, 31),
        basis="приказ №1576 от 02.12.2019",
        basis_number="1576",
        basis_date=dt.date(2019, 12, 2),
    )
    ListingFactory(
        school=mentor_school,
        status=Status.MENTOR,
        start=dt.date(2020, 5, 15),
        end=None,
        basis="приказ №426-од от 15.05.2020",
        basis_number="426-од",
        basis_date=dt.date(2020, 5, 15),
    )
    ListingFactory(school=far_school, status=Status.SHNOR, start=dt.date(2024, 2, 7), end=dt.date(2024, 12, 31))
    PairingFactory(mentor=mentor_school, mentee=school)
    return World(
        region,
        other_region,
        municipality,
        neighbour,
        far,
        school,
        mentor_school,
        second_school,
        neighbour_school,
        far_school,
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


# The personas as plain functions too, so that a module-wide world (tests/access_matrix) gets the very same users.
def make_coordinator(world):
    return user_with_role(Role.MUNICIPAL_COORDINATOR, "coordinator", municipality=world.municipality)


def make_other_coordinator(world):
    return user_with_role(Role.MUNICIPAL_COORDINATOR, "other-coordinator", municipality=world.far)


def make_principal(world):
    return user_with_role(Role.PRINCIPAL, "principal", school=world.school)


def make_mentor(world):
    user = user_with_role(Role.MENTOR, "mentor", school=world.mentor_school)
    user.role_assignments.create(role=Role.PRINCIPAL, school=world.mentor_school)
    return user


def make_inspector(world):
    return user_with_role(Role.INSPECTOR, "inspector", municipality=world.municipality)


def make_regional(world):
    return user_with_role(Role.REGIONAL_COORDINATOR, "regional", region=world.region)


def make_administrator(world):
    user = user_with_role(Role.ADMIN, "administrator")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def make_outsider(world):
    from .factories import UserFactory

    return UserFactory(username="outsider")


PERSONA_MAKERS = {
    "coordinator": make_coordinator,
    "other_coordinator": make_other_coordinator,
    "principal": make_principal,
    "mentor": make_mentor,
    "inspector": make_inspector,
    "regional": make_regional,
    "outsider": make_outsider,
    "administrator": make_administrator,
}


@pytest.fixture
def coordinator(world):
    return make_coordinator(world)


@pytest.fixture
def other_coordinator(world):
    return make_other_coordinator(world)


@pytest.fixture
def principal(world):
    return make_principal(world)


@pytest.fixture
def mentor(world):
    return make_mentor(world)


@pytest.fixture
def inspector(world):
    return make_inspector(world)


@pytest.fixture
def regional(world):
    return make_regional(world)


@pytest.fixture
def administrator(world):
    return make_administrator(world)


@pytest.fixture
def outsider(world):
    return make_outsider(world)


@pytest.fixture
def client_for(client):
    """Log a persona in and return the test client."""

    def login(user):
        client.force_login(user)
        return client

    return login
