"""METH_SUPPORT_SHARE, NETWORK_SHARE, NETWORK_ALL_SHARE, AGREEMENTS_SHARE, METH_COVERED_COUNT, TARGETED_HELP_COUNT,
CONSULT_SEMINAR_COUNT, COMPETITION_TEACHERS_SHARE on hand-built events and pairings."""

from decimal import Decimal

import pytest

from registry.models import SchoolYearProfile, Status
from support.models import EventParticipant, EventType
from tests.factories import PairingFactory

from .helpers import D, actual, event, municipality, one, school, shnor

pytestmark = pytest.mark.django_db


@pytest.fixture
def m():
    return municipality(code="ind-sup")


def test_methodological_support_counts_registry_schools_targeted_in_the_year(m):
    seminar_on_31_december = school(m, (Status.SHNOR, D(2021, 1, 1), None))
    course_across_new_year = school(m, (Status.SHFNSU, D(2021, 1, 1), None))
    meeting_only = shnor(m)
    one_day_event_last_year = shnor(m)
    not_in_registry = school(m)
    event(m, EventType.SEMINAR, D(2021, 12, 31), seminar_on_31_december, not_in_registry)
    event(m, EventType.COURSES, D(2020, 12, 20), course_across_new_year, end=D(2021, 1, 10))
    event(m, EventType.MEETING, D(2021, 5, 5), meeting_only)  # not a methodological type
    event(m, EventType.WEBINAR, D(2020, 12, 31), one_day_event_last_year)  # one day, in 2020
    count = one("METH_SUPPORT_SHARE", 2021, m)
    assert (count.numerator, count.denominator) == (2, 4)
    assert count.numerator_ids == sorted([seminar_on_31_december.pk, course_across_new_year.pk])
    assert actual("METH_SUPPORT_SHARE", count) == Decimal("50.0")


def test_methodological_support_without_registry_is_no_data(m):
    count = one("METH_SUPPORT_SHARE", 2021, m)
    assert (count.numerator, count.denominator) == (0, 0)
    assert actual("METH_SUPPORT_SHARE", count) is None


def test_network_counts_pairings_active_one_day_of_the_year_on_either_side(m):
    mentee_one_day = shnor(m)
    mentor_in_registry = shnor(m)
    ended_before = shnor(m)
    alone = shnor(m)
    outside_mentor = school(m)
    outside_mentee = school(m)
    PairingFactory(mentor=outside_mentor, mentee=mentee_one_day, start=D(2020, 1, 1), end=D(2021, 1, 1), status="ended")
    PairingFactory(mentor=mentor_in_registry, mentee=outside_mentee, start=D(2021, 12, 31), end=None)
    PairingFactory(mentor=outside_mentor, mentee=ended_before, start=D(2019, 1, 1), end=D(2020, 12, 31), status="ended")
    count = one("NETWORK_SHARE", 2021, m)
    assert (count.numerator, count.denominator) == (2, 4)
    assert count.numerator_ids == sorted([mentee_one_day.pk, mentor_in_registry.pk])
    assert alone.pk in count.denominator_ids
    everyone = one("NETWORK_ALL_SHARE", 2021, m)
    # All six schools; in a pairing of 2021: the two above, the outside mentor and the outside mentee.
    assert (everyone.numerator, everyone.denominator) == (4, 6)
    assert actual("NETWORK_ALL_SHARE", everyone) == Decimal("66.7")


def test_agreements_need_a_number_and_a_date(m):
    numbered = shnor(m)
    dated_only = shnor(m)
    dated_later = shnor(m)
    mentor = school(m)
    PairingFactory(
        mentor=mentor, mentee=numbered, agreement_number="12", agreement_date=D(2021, 12, 31), start=D(2021, 1, 1)
    )
    PairingFactory(
        mentor=mentor, mentee=dated_only, agreement_number="", agreement_date=D(2021, 2, 1), start=D(2021, 2, 1)
    )
    PairingFactory(
        mentor=mentor, mentee=dated_later, agreement_number="7", agreement_date=D(2022, 1, 1), start=D(2021, 2, 1)
    )
    count = one("AGREEMENTS_SHARE", 2021, m)
    assert (count.numerator, count.denominator) == (1, 3)
    assert count.numerator_ids == [numbered.pk]
    assert actual("AGREEMENTS_SHARE", count) == Decimal("33.3")
    assert actual("AGREEMENTS_SHARE", one("AGREEMENTS_SHARE", 2019, m)) is None


def test_low_results_schools_reached_by_methodological_and_targeted_events(m):
    a, b, c = shnor(m), shnor(m), shnor(m)
    adverse = school(m, (Status.SHFNSU, D(2021, 1, 1), None))
    event(m, EventType.METHODICAL_DAY, D(2021, 1, 1), a, adverse)
    event(m, EventType.OTHER, D(2021, 6, 1), b, targeted=True)
    event(m, EventType.CONSULTATION, D(2022, 1, 1), c, targeted=True)  # next year
    covered = one("METH_COVERED_COUNT", 2021, m)
    assert (covered.numerator, covered.numerator_ids) == (1, [a.pk])
    targeted = one("TARGETED_HELP_COUNT", 2021, m)
    assert (targeted.numerator, targeted.numerator_ids) == (1, [b.pk])
    assert actual("TARGETED_HELP_COUNT", targeted) == Decimal(1)


def test_consultations_and_seminars_count_schools_with_participants(m):
    named, counted, zero, wrong_type = shnor(m), shnor(m), shnor(m), shnor(m)
    consultation = event(m, EventType.CONSULTATION, D(2021, 3, 1))
    EventParticipant.objects.create(event=consultation, school=named, full_name="Иванова Анна Петровна")
    event(m, EventType.WEBINAR, D(2021, 4, 1), counted, participants=3)
    event(m, EventType.SEMINAR, D(2021, 4, 1), zero, participants=0)
    master = event(m, EventType.MASTER_CLASS, D(2021, 4, 1))
    EventParticipant.objects.create(event=master, school=wrong_type, full_name="Петров Пётр")
    count = one("CONSULT_SEMINAR_COUNT", 2021, m)
    assert (count.numerator, count.numerator_ids) == (2, sorted([named.pk, counted.pk]))


def test_contest_participants_over_the_teachers_of_the_profiles(m):
    a, b = shnor(m), shnor(m)
    SchoolYearProfile.objects.create(school=a, year=2021, teachers_total=10)
    SchoolYearProfile.objects.create(school=b, year=2021, teachers_total=6)
    SchoolYearProfile.objects.create(school=b, year=2020, teachers_total=50)  # another year
    contest = event(m, EventType.CONTEST, D(2021, 11, 1))
    second = event(m, EventType.CONTEST, D(2021, 12, 1))
    for e, s, name in [
        (contest, a, "Иванова Анна"),
        (second, a, "иванова  анна"),  # the same person again
        (contest, a, "Петрова Мария"),
        (contest, b, "Сидоров Иван"),
    ]:
        EventParticipant.objects.create(event=e, school=s, full_name=name)
    seminar = event(m, EventType.SEMINAR, D(2021, 11, 1))
    EventParticipant.objects.create(event=seminar, school=b, full_name="Кузнецова Ольга")
    count = one("COMPETITION_TEACHERS_SHARE", 2021, m)
    assert (count.numerator, count.denominator) == (3, 16)
    assert actual("COMPETITION_TEACHERS_SHARE", count) == Decimal("18.8")  # 18.75 half-up
    assert count.details["events"] == sorted([contest.pk, second.pk])


def test_contest_share_without_profiles_is_no_data(m):
    a = shnor(m)
    contest = event(m, EventType.CONTEST, D(2021, 11, 1))
    EventParticipant.objects.create(event=contest, school=a, full_name="Иванова Анна")
    count = one("COMPETITION_TEACHERS_SHARE", 2021, m)
    assert (count.numerator, count.denominator) == (1, 0)
    assert actual("COMPETITION_TEACHERS_SHARE", count) is None
