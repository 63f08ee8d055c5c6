"""PD_STAFF_COUNT, PD_STAFF_SHARE, COMPETENCE_DYNAMICS_*, RISK_TEACHERS_PD_SHARE, COMPETENCE_AFTER_PD_SHARE.

Diagnostics are scored out of 32 points: 22 points (68.75 %) is critical, 23 (71.9 %) sufficient."""

from decimal import Decimal

import pytest

from registry.models import SchoolYearProfile, Status
from support.models import DevelopmentRecord

from .helpers import D, actual, diagnose, municipality, one, school, shnor, teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def m():
    return municipality(code="ind-teach")


def course(who, start, end, completed=True):
    return DevelopmentRecord.objects.create(teacher=who, programme="Курс", start=start, end=end, completed=completed)


def test_professional_development_completed_in_the_year(m):
    listed = school(m, (Status.SHFNSU, D(2021, 1, 1), None))
    low = shnor(m)
    outside = school(m)
    ends_31_december = teacher(listed)
    two_courses = teacher(low)
    not_completed = teacher(low)
    ended_last_year = teacher(low)
    course(ends_31_december, D(2021, 12, 1), D(2021, 12, 31))
    course(two_courses, D(2021, 2, 1), D(2021, 2, 10))
    course(two_courses, D(2021, 3, 1), D(2021, 3, 10))
    course(not_completed, D(2021, 3, 1), D(2021, 3, 10), completed=False)
    course(ended_last_year, D(2020, 12, 1), D(2020, 12, 31))
    course(teacher(outside), D(2021, 3, 1), D(2021, 3, 10))
    count = one("PD_STAFF_COUNT", 2021, m)
    assert count.numerator == 2
    assert count.numerator_ids == sorted([ends_31_december.pk, two_courses.pk])
    SchoolYearProfile.objects.create(school=low, year=2021, teachers_total=8)
    share = one("PD_STAFF_SHARE", 2021, m)
    assert (share.numerator, share.denominator) == (1, 8)
    assert share.numerator_ids == [two_courses.pk]
    assert actual("PD_STAFF_SHARE", share) == Decimal("12.5")


def test_professional_development_share_without_profiles_is_no_data(m):
    low = shnor(m)
    course(teacher(low), D(2021, 3, 1), D(2021, 3, 10))
    share = one("PD_STAFF_SHARE", 2021, m)
    assert (share.numerator, share.denominator) == (1, 0)
    assert actual("PD_STAFF_SHARE", share) is None


def test_competence_dynamics_of_teachers_and_schools(m):
    a, b, c = shnor(m), shnor(m), shnor(m)
    up = teacher(a)  # 20 → 24: rose
    down = teacher(a)  # 30 → 21: fell; school a: mean (24 + 21) / 2 < (20 + 30) / 2 → did not rise
    diagnose(up, D(2020, 5, 1), 20)
    diagnose(up, D(2021, 5, 1), 24)
    diagnose(down, D(2020, 5, 1), 30)
    diagnose(down, D(2021, 5, 1), 21)
    twice_in_year = teacher(b)  # earlier diagnostic in the same year: 10 → 12 → 11, latest vs previous fell
    diagnose(twice_in_year, D(2021, 1, 1), 10)
    diagnose(twice_in_year, D(2021, 6, 1), 12)
    diagnose(twice_in_year, D(2021, 12, 31), 11)
    rose_b = teacher(b)  # 10 → 20; school b: (11 + 20) > (12 + 10) → rose
    diagnose(rose_b, D(2019, 1, 1), 10)
    diagnose(rose_b, D(2021, 2, 1), 20)
    only_once = teacher(c)
    diagnose(only_once, D(2021, 3, 1), 20)
    not_in_year = teacher(c)
    diagnose(not_in_year, D(2019, 3, 1), 20)
    diagnose(not_in_year, D(2020, 3, 1), 25)
    diagnose(not_in_year, D(2022, 1, 1), 30)  # after Y: not read
    teachers = one("COMPETENCE_DYNAMICS_TEACHERS_SHARE", 2021, m)
    assert (teachers.numerator, teachers.denominator) == (2, 4)
    assert teachers.numerator_ids == sorted([up.pk, rose_b.pk])
    assert actual("COMPETENCE_DYNAMICS_TEACHERS_SHARE", teachers) == Decimal("50.0")
    schools = one("COMPETENCE_DYNAMICS_SCHOOLS_SHARE", 2021, m)
    assert (schools.numerator, schools.denominator) == (1, 2)
    assert schools.numerator_ids == [b.pk]
    assert sorted(schools.denominator_ids) == sorted([a.pk, b.pk])
    empty = one("COMPETENCE_DYNAMICS_SCHOOLS_SHARE", 2019, m)
    assert (empty.numerator, empty.denominator) == (0, 0)
    assert actual("COMPETENCE_DYNAMICS_SCHOOLS_SHARE", empty) is None


def test_risk_group_teachers_who_completed_development(m):
    s = school(m)
    critical_trained = teacher(s)
    diagnose(critical_trained, D(2021, 2, 1), 22)  # 68.75 %: critical
    course(critical_trained, D(2021, 3, 1), D(2021, 12, 31))
    critical_untrained = teacher(s)
    diagnose(critical_untrained, D(2020, 2, 1), 10)
    recovered = teacher(s)  # critical before, sufficient in the latest diagnostic up to the end of Y
    diagnose(recovered, D(2020, 2, 1), 10)
    diagnose(recovered, D(2021, 11, 1), 23)
    course(recovered, D(2021, 3, 1), D(2021, 4, 1))
    later_critical = teacher(s)  # sufficient in Y; the critical diagnostic of the next year is not read
    diagnose(later_critical, D(2021, 2, 1), 30)
    diagnose(later_critical, D(2022, 2, 1), 5)
    count = one("RISK_TEACHERS_PD_SHARE", 2021, m)
    assert (count.numerator, count.denominator) == (1, 2)
    assert count.numerator_ids == [critical_trained.pk]
    assert actual("RISK_TEACHERS_PD_SHARE", count) == Decimal("50.0")
    assert actual("RISK_TEACHERS_PD_SHARE", one("RISK_TEACHERS_PD_SHARE", 2019, m)) is None


def test_competence_after_the_course_compares_the_nearest_diagnostics(m):
    s = school(m)
    improved = teacher(s)
    diagnose(improved, D(2020, 1, 1), 28)  # not the nearest before
    diagnose(improved, D(2021, 1, 31), 15)  # the last before the course
    course(improved, D(2021, 2, 1), D(2021, 5, 31))
    diagnose(improved, D(2022, 3, 1), 20)  # the first after, in the next year
    diagnose(improved, D(2022, 9, 1), 10)
    worse = teacher(s)
    diagnose(worse, D(2021, 1, 1), 20)
    course(worse, D(2021, 2, 1), D(2021, 3, 1))
    diagnose(worse, D(2021, 6, 1), 20)  # equal: not higher
    during_course = teacher(s)
    diagnose(during_course, D(2021, 1, 1), 10)
    course(during_course, D(2021, 2, 1), D(2021, 3, 1))
    diagnose(during_course, D(2021, 3, 1), 25)  # on the last day of the course: not after it
    no_before = teacher(s)
    course(no_before, D(2021, 2, 1), D(2021, 3, 1))
    diagnose(no_before, D(2021, 6, 1), 30)
    count = one("COMPETENCE_AFTER_PD_SHARE", 2021, m)
    assert (count.numerator, count.denominator) == (1, 2)
    assert count.numerator_ids == [improved.pk]
    assert sorted(count.denominator_ids) == sorted([improved.pk, worse.pk])
    assert actual("COMPETENCE_AFTER_PD_SHARE", one("COMPETENCE_AFTER_PD_SHARE", 2020, m)) is None
