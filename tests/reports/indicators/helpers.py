"""Small builders for the hand-made datasets of the formula tests."""

import datetime as dt
import itertools

from registry.models import Status
from reports.indicators.base import FORMULAS, Count, Period
from support.models import Criterion, Diagnostic, EventSchool, Rater, Score, SupportEvent, Teacher
from tests.factories import ListingFactory, MunicipalityFactory, SchoolFactory

D = dt.date
_codes = itertools.count(1)


def calc(code: str, year: int, *municipalities) -> dict[int, Count]:
    """The formula's Count of each municipality (keys: municipality ids)."""
    return FORMULAS[code].function(Period(year, tuple(m.pk for m in municipalities)))


def one(code: str, year: int, municipality) -> Count:
    return calc(code, year, municipality)[municipality.pk]


def actual(code: str, count: Count):
    return FORMULAS[code].actual(count)


def municipality(**kwargs):
    return MunicipalityFactory(**kwargs)


def school(municipality, *listings):
    """A school with listings given as (status, start, end)."""
    found = SchoolFactory(municipality=municipality, code=f"ind-school-{next(_codes)}")
    for status, start, end in listings:
        ListingFactory(school=found, status=status, start=start, end=end)
    return found


YEAR_2021 = (D(2021, 1, 1), D(2021, 12, 31))


def shnor(municipality, start=YEAR_2021[0], end=YEAR_2021[1]):
    """A school listed ШНОР for the whole of 2021 unless told otherwise."""
    return school(municipality, (Status.SHNOR, start, end))


def event(municipality, type, start, *schools, end=None, targeted=False, participants=None):
    found = SupportEvent.objects.create(
        municipality=municipality,
        type=type,
        start=start,
        end=end,
        topic="Тема",
        organiser_text="ИРО",
        is_targeted=targeted,
    )
    for target in schools:
        EventSchool.objects.create(event=found, school=target, participants=participants)
    return found


def teacher(school, name=None):
    return Teacher.objects.create(school=school, full_name=name or f"Педагог {next(_codes)}")


def diagnose(teacher, date, points):
    """A diagnostic scored `points` out of 32 (16 criteria, self-assessment only)."""
    diagnostic = Diagnostic.objects.create(teacher=teacher, date=date)
    criteria = list(Criterion.objects.order_by("competency__number", "number")[:16])
    assert len(criteria) == 16
    left = points
    for criterion in criteria:
        value = min(2, left)
        left -= value
        Score.objects.create(diagnostic=diagnostic, criterion=criterion, rater=Rater.SELF, value=value)
    assert left == 0
    return diagnostic
