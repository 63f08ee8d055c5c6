"""Formulas of assessment results: the ГИА gap, ВПР dynamics, stable low and high results, marks «5», the per-school
ВПР indicators.

Every formula reads the stored campaign × school aggregates (reports/assessments/aggregates.py: exact counts and
sums of both stored shapes, recalculated after each import) — a few thousand rows for a region whose participant
table holds a million — grouped by the database in one statement per formula, never a query per school. Means are
compared as exact fractions of the stored sums, never as rounded figures. The readings of the definitions are
written in docs/indicators.md «Results formulas».
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Sum

from registry.profiles import SOCIAL_ROWS, RiskAssessment, SchoolYearProfile
from reports.assessments.flags import R3_SUBJECTS, low_results
from reports.assessments.models import MaxScore, Procedure, SchoolAggregate

from ..base import SCHOOL, SCHOOL_SCOPE, SHARE, VALUE, Count, Period, formula
from ..sets import all_schools, ids_by_municipality, low_schools

# The pairs (procedure, subject) of the ГИА gap, in the order their details are shown.
GIA_PAIRS = (
    (Procedure.OGE, "Русский язык"),
    (Procedure.OGE, "Математика"),
    (Procedure.EGE, "Русский язык"),
    (Procedure.EGE, "Математика (профильный уровень)"),
)
TOP_MARK_PROCEDURES = (Procedure.VPR, Procedure.OGE)


# --- Helpers: exact arithmetic and the grouped reads every formula shares.


def half_up(value: Fraction, places: int) -> Decimal:
    """An exact fraction rounded half-up (away from zero on a tie, as Decimal's ROUND_HALF_UP) to `places`."""
    scale = 10**places
    magnitude = abs(value) * scale
    rounded = int(magnitude + Fraction(1, 2))  # floor of |x| + ½: exact, no binary float anywhere
    signed = -rounded if value < 0 else rounded
    return Decimal(signed).scaleb(-places)


def _mean(values: list[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def _vpr_sums(period: Period, years: tuple[int, ...], school_ids=None):
    """ВПР aggregates in Russian and mathematics (grades and both subjects pooled) per school and year: one query.

    Rows: school_id, school__municipality_id, campaign__year, participants, marks_3…5, mark_sum, marked, lowered,
    confirmed, raised."""
    rows = SchoolAggregate.objects.filter(
        campaign__procedure=Procedure.VPR,
        campaign__year__in=years,
        campaign__subject__name__in=R3_SUBJECTS,
        school__municipality_id__in=period.municipality_ids,
    )
    if school_ids is not None:
        rows = rows.filter(school_id__in=school_ids)
    return (
        rows.values("school_id", "school__municipality_id", "campaign__year")
        .annotate(
            participants=Sum("participants"),
            marks_3=Sum("marks_3"),
            marks_4=Sum("marks_4"),
            marks_5=Sum("marks_5"),
            mark_sum=Sum("mark_sum"),
            marked=Sum("marked"),
            lowered=Sum("lowered"),
            confirmed=Sum("confirmed"),
            raised=Sum("raised"),
        )
        .order_by()
    )


def _vpr_means(period: Period, years: tuple[int, ...], school_ids=None) -> dict[tuple[int, int], Fraction]:
    """{(school id, year): exact ВПР mean mark in Russian and mathematics} for schools with a marked work."""
    return {
        (row["school_id"], row["campaign__year"]): Fraction(row["mark_sum"], row["marked"])
        for row in _vpr_sums(period, years, school_ids)
        if row["marked"]
    }


def _school_share(period: Period, numerator_ids: set[int], denominator: dict[int, list[int]]) -> dict[int, Count]:
    """A Count per municipality: the schools of `numerator_ids` among its `denominator` schools."""
    return {
        municipality_id: Count(
            numerator=len([pk for pk in ids if pk in numerator_ids]),
            denominator=len(ids),
            numerator_ids=[pk for pk in ids if pk in numerator_ids],
            denominator_ids=ids,
        )
        for municipality_id, ids in denominator.items()
    }


# --- TOP_MARK_SHARE.


@formula("TOP_MARK_SHARE", shape=SHARE)
def top_mark_share(period: Period) -> dict[int, Count]:
    """Participant works of ВПР and ОГЭ of Y with mark «5» / all participant works of ВПР and ОГЭ of Y (every
    subject and grade, both stored shapes). Per-school counts go to the details for the drill-down."""
    rows = (
        SchoolAggregate.objects.filter(
            campaign__procedure__in=TOP_MARK_PROCEDURES,
            campaign__year=period.year,
            school__municipality_id__in=period.municipality_ids,
        )
        .values("school_id", "school__municipality_id")
        .annotate(fives=Sum("marks_5"), works=Sum("participants"))
        .order_by("school_id")
    )
    counts = {pk: Count(numerator=0, denominator=0, details={"schools": {}}) for pk in period.municipality_ids}
    for row in rows:
        count = counts[row["school__municipality_id"]]
        count.numerator += row["fives"]
        count.denominator += row["works"]
        count.details["schools"][str(row["school_id"])] = {"fives": row["fives"], "works": row["works"]}
    return counts


# --- STABLE_LOW_SHARE.


@formula("STABLE_LOW_SHARE", shape=SHARE, members=SCHOOL)
def stable_low_share(period: Period) -> dict[int, Count]:
    """Schools flagged low-results by the enabled identification rules (reports/assessments/flags.py) in both Y and
    Y−1 / every school of M. One query per enabled rule, one for the flagged schools and one for All."""
    schools = all_schools(period)
    both = {flags.school.pk for flags in low_results(schools, period.year) if flags.two_years}
    return _school_share(period, both, ids_by_municipality(schools, period))


# --- STABLE_HIGH_SHARE.


def top_quarter(means: dict[int, Fraction]) -> set[int]:
    """The schools in the top quarter of a municipality by their mean: with n schools with results, k = ⌈n / 4⌉
    ((n + 3) // 4); every school whose mean is at least the k-th highest is in it, so schools tied with the k-th
    are all in (the quarter may then hold more than k schools). Empty for n = 0."""
    if not means:
        return set()
    k = (len(means) + 3) // 4
    bar = sorted(means.values(), reverse=True)[k - 1]
    return {school_id for school_id, value in means.items() if value >= bar}


@formula("STABLE_HIGH_SHARE", shape=SHARE, members=SCHOOL)
def stable_high_share(period: Period) -> dict[int, Count]:
    """Schools in the top quarter of M (`top_quarter`) by ВПР mean mark in Russian and mathematics (pooled, exact)
    in both Y and Y−1 / every school of M. Two queries."""
    by_group: dict[tuple[int, int], dict[int, Fraction]] = defaultdict(dict)
    for row in _vpr_sums(period, (period.year - 1, period.year)):
        if row["marked"]:
            by_group[(row["school__municipality_id"], row["campaign__year"])][row["school_id"]] = Fraction(
                row["mark_sum"], row["marked"]
            )
    high = set()
    for municipality_id in period.municipality_ids:
        now = top_quarter(by_group.get((municipality_id, period.year), {}))
        before = top_quarter(by_group.get((municipality_id, period.year - 1), {}))
        high |= now & before
    return _school_share(period, high, ids_by_municipality(all_schools(period), period))


# --- POSITIVE_DYNAMICS_SHARE.


@formula("POSITIVE_DYNAMICS_SHARE", shape=SHARE, members=SCHOOL)
def positive_dynamics_share(period: Period) -> dict[int, Count]:
    """Schools of R_low(Y) whose ВПР mean mark in Y (Russian and mathematics, every grade, each marked work once,
    exact) is above that of Y−1 / schools of R_low(Y) with a marked ВПР work in both years. Two queries."""
    low = ids_by_municipality(low_schools(period), period)
    means = _vpr_means(period, (period.year - 1, period.year), [pk for ids in low.values() for pk in ids])
    counts = {}
    for municipality_id, ids in low.items():
        both = [pk for pk in ids if (pk, period.year) in means and (pk, period.year - 1) in means]
        rose = [pk for pk in both if means[(pk, period.year)] > means[(pk, period.year - 1)]]
        counts[municipality_id] = Count(
            numerator=len(rose), denominator=len(both), numerator_ids=rose, denominator_ids=both
        )
    return counts


# --- ANALYSED_SHARE.


@formula("ANALYSED_SHARE", shape=SHARE, members=SCHOOL)
def analysed_share(period: Period) -> dict[int, Count]:
    """Schools with a risk profile (a factor assessed for year Y) or a social passport (a yearly profile of Y with at
    least one social count filled) and with assessment results of Y (a stored aggregate of a campaign of Y with a
    participant) / every school of M. Two queries."""
    year = period.year
    passport = Q()
    for name, _label in SOCIAL_ROWS:
        passport |= Q(**{f"{name}__isnull": False})
    schools = all_schools(period)
    analysed = schools.filter(
        Exists(RiskAssessment.objects.filter(school=OuterRef("pk"), year=year))
        | Exists(SchoolYearProfile.objects.filter(passport, school=OuterRef("pk"), year=year)),
        Exists(SchoolAggregate.objects.filter(school=OuterRef("pk"), campaign__year=year, participants__gt=0)),
    )
    return _school_share(period, set(analysed.values_list("pk", flat=True)), ids_by_municipality(schools, period))


# --- GIA_GAP_REDUCTION.


@dataclass
class PairResult:
    """A school's sums for one ГИА pair of one year (grades pooled)."""

    participants: int = 0  # participants whose score the result is taken over
    total: Fraction = Fraction(0)  # ЕГЭ: test scores; ОГЭ: primary scores × 100
    scale: Fraction = Fraction(0)  # ЕГЭ: participants; ОГЭ: participants × the work's maximum primary score

    @property
    def value(self) -> Fraction | None:
        return self.total / self.scale if self.scale else None


def gia_results(period: Period) -> dict[tuple[int, int, tuple[str, str]], dict[int, Fraction]]:
    """{(municipality id, year, pair): {school id: result}} for Y and Y−1: two queries.

    The result is the mean test score (ЕГЭ) or the mean primary score as a percentage of the work's maximum primary
    score (ОГЭ; the maximum the participants' rows carry, else the reference maximum of the work), over the school's
    participants with a score; a school with fewer such participants than settings.GIA_GAP_MIN_PARTICIPANTS has
    none."""
    years = (period.year - 1, period.year)
    pairs = Q()
    for procedure, subject in GIA_PAIRS:
        pairs |= Q(campaign__procedure=procedure, campaign__subject__name=subject)
    rows = (
        SchoolAggregate.objects.filter(
            pairs, campaign__year__in=years, school__municipality_id__in=period.municipality_ids
        )
        .values(
            "school_id",
            "school__municipality_id",
            "campaign__year",
            "campaign__procedure",
            "campaign__subject_id",
            "campaign__subject__name",
            "campaign__grade",
            "test_sum",
            "tested",
            "primary_sum",
            "scored",
            "primary_max",
        )
        .order_by()
    )
    reference = {
        (m.year, m.subject_id, m.grade): m.max_score
        for m in MaxScore.objects.filter(procedure=Procedure.OGE, year__in=years)
    }
    sums: dict[tuple, PairResult] = defaultdict(PairResult)
    for row in rows:
        pair = (row["campaign__procedure"], row["campaign__subject__name"])
        key = (row["school__municipality_id"], row["campaign__year"], pair, row["school_id"])
        result = sums[key]
        if pair[0] == Procedure.EGE:
            result.participants += row["tested"]
            result.total += row["test_sum"]
            result.scale += row["tested"]
            continue
        maximum = row["primary_max"] or reference.get(
            (row["campaign__year"], row["campaign__subject_id"], row["campaign__grade"])
        )
        if maximum and row["scored"]:
            result.participants += row["scored"]
            result.total += Fraction(Decimal(str(row["primary_sum"]))) * 100
            result.scale += row["scored"] * maximum
    minimum = max(1, int(getattr(settings, "GIA_GAP_MIN_PARTICIPANTS", 1)))
    found: dict[tuple, dict[int, Fraction]] = defaultdict(dict)
    for (municipality_id, year, pair, school_id), result in sums.items():
        if result.participants >= minimum and result.value is not None:
            found[(municipality_id, year, pair)][school_id] = result.value
    return found


def pair_gap(results: dict[int, Fraction]) -> tuple[Fraction, int, int]:
    """(gap, n, k) of one pair: k = (n + 9) // 10 (at least 1 as n ≥ 1); gap = mean of the k highest results − mean
    of the k lowest, exact. Ties need no rule: tied results are equal, whichever of them is taken."""
    ordered = sorted(results.values(), reverse=True)
    n = len(ordered)
    k = max(1, (n + 9) // 10)
    return _mean(ordered[:k]) - _mean(ordered[-k:]), n, k


def _figure(value: Fraction) -> float:
    return float(half_up(value, 4))


@formula("GIA_GAP_REDUCTION", shape=VALUE)
def gia_gap_reduction(period: Period) -> dict[int, Count]:
    """(GAP(Y−1) − GAP(Y)) / GAP(Y−1) × 100, one decimal half-up; GAP of a year is the mean of the gaps (`pair_gap`)
    of the pairs that have results in both Y and Y−1; None when no pair does or GAP(Y−1) is 0. The details hold each
    pair's gap, n and k for both years."""
    results = gia_results(period)
    counts = {}
    for municipality_id in period.municipality_ids:
        pairs, gaps = [], {period.year: [], period.year - 1: []}
        for procedure, subject in GIA_PAIRS:
            pair = (str(procedure), subject)
            now = results.get((municipality_id, period.year, pair))
            before = results.get((municipality_id, period.year - 1, pair))
            shown = {"procedure": pair[0], "subject": subject}
            for year, found in ((period.year, now), (period.year - 1, before)):
                if found:
                    gap, n, k = pair_gap(found)
                    shown[str(year)] = {"gap": _figure(gap), "n": n, "k": k}
                    if now and before:
                        gaps[year].append(gap)
            shown["used"] = bool(now and before)
            pairs.append(shown)
        value = gap_now = gap_before = None
        if gaps[period.year]:
            gap_now, gap_before = _mean(gaps[period.year]), _mean(gaps[period.year - 1])
            if gap_before:
                value = half_up((gap_before - gap_now) / gap_before * 100, 1)
        counts[municipality_id] = Count(
            value=value,
            details={
                "pairs": pairs,
                "gap": None if gap_now is None else _figure(gap_now),
                "gap_previous": None if gap_before is None else _figure(gap_before),
            },
        )
    return counts


# --- Per school: ВПР of Y, Russian and mathematics pooled.


def _per_school(period: Period, numbers) -> dict[int, Count]:
    """A Count per school of the period's municipalities with ВПР results in Russian or mathematics in Y: one query.
    `numbers(row)` gives (numerator, denominator) from the school's pooled sums."""
    counts = {}
    for row in _vpr_sums(period, (period.year,)):
        if row["participants"]:
            numerator, denominator = numbers(row)
            counts[row["school_id"]] = Count(numerator=numerator, denominator=denominator)
    return counts


@formula("VPR_SUCCESS", shape=SHARE, scope=SCHOOL_SCOPE)
def vpr_success(period: Period) -> dict[int, Count]:
    """Успеваемость: works with mark 3, 4 or 5 / all works (participants)."""
    return _per_school(period, lambda r: (r["marks_3"] + r["marks_4"] + r["marks_5"], r["participants"]))


@formula("VPR_QUALITY", shape=SHARE, scope=SCHOOL_SCOPE)
def vpr_quality(period: Period) -> dict[int, Count]:
    """Качество: works with mark 4 or 5 / all works (participants)."""
    return _per_school(period, lambda r: (r["marks_4"] + r["marks_5"], r["participants"]))


@formula("VPR_CONFIRMED", shape=SHARE, scope=SCHOOL_SCOPE)
def vpr_confirmed(period: Period) -> dict[int, Count]:
    """Подтвердили: works whose ВПР mark equals the journal mark / works with both marks."""
    return _per_school(period, lambda r: (r["confirmed"], r["lowered"] + r["confirmed"] + r["raised"]))


@formula("VPR_MEAN_MARK", shape=VALUE, scope=SCHOOL_SCOPE)
def vpr_mean_mark(period: Period) -> dict[int, Count]:
    """Mean mark: sum of marks / marked works, two decimals half-up; None for a school without a marked work."""
    counts = _per_school(period, lambda r: (r["mark_sum"], r["marked"]))
    for count in counts.values():
        count.value = half_up(Fraction(count.numerator, count.denominator), 2) if count.denominator else None
    return counts
