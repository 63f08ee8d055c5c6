"""Formulas of the teachers: professional development and competence diagnostics.

A diagnostic's result is the sum of all raters' scores over its maximum (2 × the scores given), as in
support/competency.py; results are compared as exact fractions, so no rounding moves a teacher across a line. The
level «критический» is support.competency.level_of's (below 70 %). Professional development «completed in Y» is a
record marked completed whose end date falls in Y. Teachers are counted by the school they belong to.
"""

from collections import defaultdict
from fractions import Fraction

from django.db.models import Count as SqlCount
from django.db.models import QuerySet, Sum

from registry.models import SchoolYearProfile
from support.competency import MAX_SCORE, Level, level_of
from support.models import DevelopmentRecord, Diagnostic, Teacher

from ..base import COUNT, SCHOOL, SHARE, TEACHER, Count, Period, formula
from ..sets import grouped, low_schools, registry_schools


def profile_teachers(schools: QuerySet, period: Period) -> dict[int, int]:
    """{municipality id: teachers in total of the yearly profiles of Y of `schools`} (one query; 0 where none)."""
    totals = dict.fromkeys(period.municipality_ids, 0)
    rows = (
        SchoolYearProfile.objects.filter(school__in=schools, year=period.year, teachers_total__isnull=False)
        .values("school__municipality_id")
        .annotate(total=Sum("teachers_total"))
        .order_by()
    )
    for row in rows:
        totals[row["school__municipality_id"]] = row["total"]
    return totals


def completed_development(period: Period) -> QuerySet:
    return DevelopmentRecord.objects.filter(completed=True, end__gte=period.first_day, end__lte=period.last_day)


def teachers_of(schools: QuerySet) -> QuerySet:
    return Teacher.objects.filter(school__in=schools)


def trained(teachers: QuerySet, period: Period) -> list[tuple[int, int]]:
    """(municipality id, teacher id) of `teachers` with professional development completed in Y (one query)."""
    return list(
        completed_development(period)
        .filter(teacher__in=teachers)
        .values_list("teacher__school__municipality_id", "teacher_id")
        .distinct()
    )


def diagnostics_until(teachers: QuerySet, period: Period) -> dict[int, list[tuple]]:
    """teacher id → [(date, result as a Fraction, municipality id, school id), …] by date, of every scored
    diagnostic of `teachers` up to 31 December of Y (one query)."""
    rows = (
        Diagnostic.objects.filter(teacher__in=teachers, date__lte=period.last_day)
        .annotate(points=Sum("scores__value"), scores_given=SqlCount("scores"))
        .filter(scores_given__gt=0)
        .values_list(
            "teacher_id", "date", "points", "scores_given", "teacher__school__municipality_id", "teacher__school_id"
        )
        .order_by("teacher_id", "date")
    )
    found: dict[int, list[tuple]] = defaultdict(list)
    for teacher_id, date, points, given, municipality_id, school_id in rows:
        found[teacher_id].append((date, Fraction(points, MAX_SCORE * given), municipality_id, school_id))
    return found


def dynamics(teachers: QuerySet, period: Period) -> dict[int, tuple]:
    """teacher id → (latest result in Y, the result before it, municipality id, school id) for the teachers
    diagnosed in Y who have an earlier diagnostic."""
    found = {}
    for teacher_id, rows in diagnostics_until(teachers, period).items():
        if len(rows) >= 2 and rows[-1][0] >= period.first_day:
            found[teacher_id] = (rows[-1][1], rows[-2][1], rows[-1][2], rows[-1][3])
    return found


@formula("PD_STAFF_COUNT", shape=COUNT, members=TEACHER)
def pd_staff_count(period: Period) -> dict[int, Count]:
    """Distinct staff of R(Y) schools with a completed professional development record ending in Y."""
    ids = grouped(trained(teachers_of(registry_schools(period)), period), period)
    return {m: Count(numerator=len(found), numerator_ids=found) for m, found in ids.items()}


@formula("PD_STAFF_SHARE", shape=SHARE, members=TEACHER)
def pd_staff_share(period: Period) -> dict[int, Count]:
    """Distinct staff of R_low(Y) schools with professional development completed in Y, over the teachers of those
    schools' staff profiles for Y."""
    schools = low_schools(period)
    ids = grouped(trained(teachers_of(schools), period), period)
    staff = profile_teachers(schools, period)
    return {m: Count(numerator=len(found), denominator=staff[m], numerator_ids=found) for m, found in ids.items()}


@formula("COMPETENCE_DYNAMICS_TEACHERS_SHARE", shape=SHARE, members=TEACHER)
def competence_dynamics_teachers_share(period: Period) -> dict[int, Count]:
    """Teachers of R_low(Y) schools whose latest diagnostic in Y scores above their previous one, over the teachers
    of those schools diagnosed in Y who have an earlier diagnostic."""
    found = dynamics(teachers_of(low_schools(period)), period)
    below = grouped(((row[2], teacher_id) for teacher_id, row in found.items()), period)
    above = grouped(((row[2], teacher_id) for teacher_id, row in found.items() if row[0] > row[1]), period)
    return {
        m: Count(numerator=len(above[m]), denominator=len(ids), numerator_ids=above[m], denominator_ids=ids)
        for m, ids in below.items()
    }


@formula("COMPETENCE_DYNAMICS_SCHOOLS_SHARE", shape=SHARE, members=SCHOOL)
def competence_dynamics_schools_share(period: Period) -> dict[int, Count]:
    """Schools of R_low(Y) whose teachers' mean diagnostic result rose (each teacher's latest diagnostic in Y against
    that teacher's previous one, the means taken over the same teachers, unrounded), over the schools of R_low(Y)
    with at least one such teacher."""
    by_school: dict[tuple[int, int], list[tuple[Fraction, Fraction]]] = defaultdict(list)
    for latest, previous, municipality_id, school_id in dynamics(teachers_of(low_schools(period)), period).values():
        by_school[municipality_id, school_id].append((latest, previous))
    below = grouped(by_school, period)
    # Equal numbers of teachers on both sides: comparing the sums compares the means.
    above = grouped(
        (key for key, pairs in by_school.items() if sum(a for a, _ in pairs) > sum(b for _, b in pairs)), period
    )
    return {
        m: Count(numerator=len(above[m]), denominator=len(ids), numerator_ids=above[m], denominator_ids=ids)
        for m, ids in below.items()
    }


@formula("RISK_TEACHERS_PD_SHARE", shape=SHARE, members=TEACHER)
def risk_teachers_pd_share(period: Period) -> dict[int, Count]:
    """Teachers of the municipality whose latest diagnostic up to 31 December of Y is at the critical level and who
    completed professional development in Y, over the teachers whose latest diagnostic up to then is critical."""
    teachers = Teacher.objects.filter(school__municipality_id__in=period.municipality_ids)
    critical = []
    for teacher_id, rows in diagnostics_until(teachers, period).items():
        result = rows[-1][1]
        if level_of(result.numerator, result.denominator) == Level.CRITICAL:
            critical.append((rows[-1][2], teacher_id))
    below = grouped(critical, period)
    done = {teacher_id for _m, teacher_id in trained(teachers, period)}
    above = grouped(((m, t) for m, t in critical if t in done), period)
    return {
        m: Count(numerator=len(above[m]), denominator=len(ids), numerator_ids=above[m], denominator_ids=ids)
        for m, ids in below.items()
    }


@formula("COMPETENCE_AFTER_PD_SHARE", shape=SHARE, members=TEACHER)
def competence_after_pd_share(period: Period) -> dict[int, Count]:
    """Teachers who completed professional development in Y with a diagnostic before the course and one after it,
    the later higher, over the teachers who completed it in Y and have both diagnostics.

    The teacher's courses completed in Y are taken together: «before» is the last diagnostic dated before the first
    of them starts (or ends, when its start is unknown), «after» the first diagnostic dated after the last of them
    ends — the diagnostics nearest the courses."""
    teachers = Teacher.objects.filter(school__municipality_id__in=period.municipality_ids)
    courses: dict[int, list] = {}
    for teacher_id, start, end in (
        completed_development(period).filter(teacher__in=teachers).values_list("teacher_id", "start", "end")
    ):
        first, last = courses.get(teacher_id, (start or end, end))
        courses[teacher_id] = (min(first, start or end), max(last, end))
    # Diagnostics after the courses may be dated in the following years: read them all (one query).
    rows = (
        Diagnostic.objects.filter(teacher_id__in=list(courses))
        .annotate(points=Sum("scores__value"), scores_given=SqlCount("scores"))
        .filter(scores_given__gt=0)
        .values_list("teacher_id", "date", "points", "scores_given", "teacher__school__municipality_id")
        .order_by("teacher_id", "date")
    )
    before: dict[int, Fraction] = {}
    after: dict[int, Fraction] = {}
    municipality_of: dict[int, int] = {}
    for teacher_id, date, points, given, municipality_id in rows:
        first, last = courses[teacher_id]
        result = Fraction(points, MAX_SCORE * given)
        municipality_of[teacher_id] = municipality_id
        if date < first:
            before[teacher_id] = result  # ordered by date: the last one before the courses stays
        elif date > last and teacher_id not in after:
            after[teacher_id] = result
    both = [t for t in before if t in after]
    below = grouped(((municipality_of[t], t) for t in both), period)
    above = grouped(((municipality_of[t], t) for t in both if after[t] > before[t]), period)
    return {
        m: Count(numerator=len(above[m]), denominator=len(ids), numerator_ids=above[m], denominator_ids=ids)
        for m, ids in below.items()
    }
