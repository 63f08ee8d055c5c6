"""The results formulas (reports/indicators/formulas/results.py) on small hand-built datasets: every expected
value is worked out here from the rows the test writes, numerator and denominator spelled out."""

import datetime as dt
import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import reports.indicators.formulas  # noqa: F401 — registers the formulas
from registry.models import Status
from registry.profiles import RiskAssessment, RiskFactor, RiskLevel, SchoolYearProfile
from reports.assessments.aggregates import recalculate
from reports.assessments.models import AggregatedResult, Campaign, MaxScore, ParticipantResult, Subject
from reports.indicators.base import FORMULAS, SCHOOL_SCOPE, Period
from reports.indicators.formulas.results import half_up, pair_gap, top_quarter
from tests.factories import ListingFactory, MunicipalityFactory, SchoolFactory

pytestmark = pytest.mark.django_db
RUS, MATH, PROF = "Русский язык", "Математика", "Математика (профильный уровень)"
RESULTS_CODES = (
    "TOP_MARK_SHARE",
    "STABLE_LOW_SHARE",
    "STABLE_HIGH_SHARE",
    "POSITIVE_DYNAMICS_SHARE",
    "ANALYSED_SHARE",
    "GIA_GAP_REDUCTION",
    "VPR_SUCCESS",
    "VPR_QUALITY",
    "VPR_MEAN_MARK",
    "VPR_CONFIRMED",
)
_codes = itertools.count()


def campaign(procedure: str, year: int, subject: str = RUS, grade: int = 5) -> Campaign:
    return Campaign.objects.get_or_create(
        procedure=procedure, year=year, subject=Subject.objects.get(name=subject), grade=grade
    )[0]


def works(school, procedure, year, subject=RUS, grade=5, *, marks=(), tests=(), primary=(), max_score=None,
          journal=()):  # fmt: skip
    """Participant rows of one school in one campaign: one per mark (or test score, or primary score)."""
    target = campaign(procedure, year, subject, grade)
    count = max(len(marks), len(tests), len(primary))
    ParticipantResult.objects.bulk_create(
        ParticipantResult(
            campaign=target,
            school=school,
            participant=f"p{next(_codes)}",
            mark=marks[n] if n < len(marks) else None,
            test_score=tests[n] if n < len(tests) else None,
            primary_score=primary[n] if n < len(primary) else None,
            max_score=max_score,
            journal_mark=journal[n] if n < len(journal) else None,
        )
        for n in range(count)
    )


def recalc():
    recalculate(Campaign.objects.values_list("pk", flat=True))


def run(code: str, year: int, *municipalities):
    """{municipality or school id: (actual, Count)} of one formula."""
    found = FORMULAS[code]
    counts = found.function(Period(year, tuple(m.pk for m in municipalities)))
    return {key: (found.actual(count), count) for key, count in counts.items()}


def schools(municipality, n: int):
    return [SchoolFactory(municipality=municipality) for _ in range(n)]


# --- Helpers.


def test_half_up_rounds_ties_away_from_zero_exactly():
    assert half_up(Fraction(1825, 100), 1) == Decimal("18.3")  # banker's rounding would give 18.2
    assert half_up(Fraction(-1825, 100), 1) == Decimal("-18.3")
    assert half_up(Fraction(29, 8), 2) == Decimal("3.63")  # 3.625
    assert half_up(Fraction(1, 3), 1) == Decimal("0.3")


def test_top_quarter_takes_ceil_n_over_4_and_every_school_tied_with_the_kth():
    assert top_quarter({}) == set()
    assert top_quarter({1: Fraction(3)}) == {1}  # n = 1: k = 1
    assert top_quarter({1: Fraction(5), 2: Fraction(4), 3: Fraction(3), 4: Fraction(2)}) == {1}  # n = 4: k = 1
    # n = 5: k = 2; the second highest (4) is shared by schools 2 and 3: both are in.
    assert top_quarter({1: Fraction(5), 2: Fraction(4), 3: Fraction(4), 4: Fraction(3), 5: Fraction(2)}) == {1, 2, 3}


def test_pair_gap_with_eleven_schools_takes_two_at_each_end_whatever_the_ties():
    results = dict(enumerate(map(Fraction, (95, 85, 85, 70, 60, 60, 60, 50, 40, 30, 20))))
    # n = 11: k = (11 + 9) // 10 = 2; top (95 + 85) / 2 = 90 (85 is tied at the boundary: either gives 85);
    # bottom (30 + 20) / 2 = 25.
    assert pair_gap(results) == (Fraction(65), 11, 2)
    assert pair_gap({1: Fraction(70)}) == (Fraction(0), 1, 1)  # n = 1: k = 1, the school against itself
    assert pair_gap(dict(enumerate(map(Fraction, range(10))))) == (Fraction(9), 10, 1)  # n = 10: k = 1


# --- TOP_MARK_SHARE.


def test_top_mark_share_counts_marks_5_of_vpr_and_oge_works_of_the_year():
    m, empty, other = MunicipalityFactory(), MunicipalityFactory(), MunicipalityFactory()
    a, b = schools(m, 2)
    works(a, "ВПР", 2023, RUS, 5, marks=[5, 5, 4, 2])  # 2 of 4
    works(a, "ОГЭ", 2023, MATH, 9, marks=[5, 3])  # 1 of 2
    works(a, "ЕГЭ", 2023, RUS, 11, tests=[100])  # not ВПР or ОГЭ
    works(a, "ВПР", 2022, RUS, 5, marks=[5, 5])  # another year
    works(SchoolFactory(municipality=other), "ВПР", 2023, RUS, 5, marks=[5])  # another municipality
    AggregatedResult.objects.create(
        campaign=campaign("ВПР", 2023, MATH, 6), school=b, participants=4, marks_2=1, marks_3=1, marks_4=1, marks_5=1
    )  # 1 of 4, from statistics
    recalc()
    result = run("TOP_MARK_SHARE", 2023, m, empty)
    actual, count = result[m.pk]
    assert (count.numerator, count.denominator) == (2 + 1 + 1, 4 + 2 + 4)
    assert actual == Decimal("40.0")
    assert count.details["schools"] == {str(a.pk): {"fives": 3, "works": 6}, str(b.pk): {"fives": 1, "works": 4}}
    assert result[empty.pk][0] is None and result[empty.pk][1].denominator == 0  # no works: «нет данных»


# --- STABLE_LOW_SHARE.


def fail_both_subjects(school, year):
    """Two failed ВПР campaigns (R1: 2 of 5 participants with «2» is 40 % ≥ 30 %)."""
    works(school, "ВПР", year, RUS, 5, marks=[2, 2, 3, 4, 5])
    works(school, "ВПР", year, MATH, 5, marks=[2, 2, 3, 4, 5])


def test_stable_low_share_counts_schools_flagged_in_both_years_over_all_schools():
    m, empty = MunicipalityFactory(), MunicipalityFactory()
    a, b, c = schools(m, 3)
    for year in (2021, 2022, 2023):
        fail_both_subjects(a, year)  # flagged in 2022 (2021 matches) and in 2023
    works(b, "ВПР", 2022, RUS, 5, marks=[2, 2, 3, 4, 5])  # one failed campaign in 2022: not flagged in 2022
    fail_both_subjects(b, 2023)  # flagged in 2023 only
    works(c, "ВПР", 2023, RUS, 5, marks=[5, 5, 5, 5, 5])
    recalc()
    result = run("STABLE_LOW_SHARE", 2023, m, empty)
    actual, count = result[m.pk]
    assert (count.numerator_ids, sorted(count.denominator_ids)) == ([a.pk], sorted([a.pk, b.pk, c.pk]))
    assert (count.numerator, count.denominator, actual) == (1, 3, Decimal("33.3"))
    assert result[empty.pk][0] is None  # no school at all


# --- STABLE_HIGH_SHARE.


def vpr_mean(school, year, marks):
    """ВПР works in Russian and mathematics giving `marks` (split between the subjects: they are pooled)."""
    half = len(marks) // 2
    works(school, "ВПР", year, RUS, 5, marks=marks[:half])
    works(school, "ВПР", year, MATH, 6, marks=marks[half:])


def test_stable_high_share_uses_the_top_quarter_of_both_years_ties_at_the_boundary_included():
    m, empty = MunicipalityFactory(), MunicipalityFactory()
    a, b, c, d, e, f = schools(m, 6)
    # 2023: n = 5, k = 2; means A 5, B 4, C 4, D 3, E 2 → the 2nd highest is 4, tied by B and C: top = {A, B, C}.
    for school, marks in ((a, [5, 5]), (b, [4, 4]), (c, [3, 5]), (d, [3, 3]), (e, [2, 2])):
        vpr_mean(school, 2023, marks)
    # 2022: n = 5, k = 2; means A 3, B 5, C 4, D 4.5, E 2 → top = {B, D}.
    for school, marks in ((a, [3, 3]), (b, [5, 5]), (c, [4, 4]), (d, [4, 5]), (e, [2, 2])):
        vpr_mean(school, 2022, marks)
    works(f, "ВПР", 2023, "История", 5, marks=[5, 5])  # another subject: F has no result, still one of All
    recalc()
    result = run("STABLE_HIGH_SHARE", 2023, m, empty)
    actual, count = result[m.pk]
    # Both years: {A, B, C} ∩ {B, D} = {B}; All = 6 schools.
    assert (count.numerator_ids, count.denominator, actual) == ([b.pk], 6, Decimal("16.7"))
    assert result[empty.pk][0] is None


# --- POSITIVE_DYNAMICS_SHARE.


def shnor(school, start=dt.date(2023, 3, 1), end=None, status=Status.SHNOR):
    ListingFactory(school=school, status=status, start=start, end=end)


def test_positive_dynamics_share_compares_the_pooled_exact_mean_of_low_results_schools():
    m, empty = MunicipalityFactory(), MunicipalityFactory()
    a, b, c, d = schools(m, 4)
    for school in (a, b, c):
        shnor(school)
    shnor(d, status=Status.SHFNSU)  # not R_low
    # A: 2022 mean 17 / 5 = 3.4; 2023 pooled (4 + 3 + 3 + 3) / 4 = 3.25 — lower (the mean of the two subjects'
    # means, (4 + 3) / 2 = 3.5, would have been higher: each work counts once).
    works(a, "ВПР", 2022, RUS, 5, marks=[3, 3, 4, 4, 3])
    works(a, "ВПР", 2023, RUS, 6, marks=[4])
    works(a, "ВПР", 2023, MATH, 6, marks=[3, 3, 3])
    # B: 3 → 4, rose; its ОГЭ «2» is no ВПР work.
    works(b, "ВПР", 2022, MATH, 5, marks=[3])
    works(b, "ВПР", 2023, MATH, 6, marks=[4])
    works(b, "ОГЭ", 2023, MATH, 9, marks=[2, 2])
    works(c, "ВПР", 2023, RUS, 5, marks=[5])  # C: no result in 2022, not compared
    works(d, "ВПР", 2022, RUS, 5, marks=[2])
    works(d, "ВПР", 2023, RUS, 6, marks=[5])  # D rose but is not a ШНОР
    recalc()
    result = run("POSITIVE_DYNAMICS_SHARE", 2023, m, empty)
    actual, count = result[m.pk]
    assert (count.numerator_ids, sorted(count.denominator_ids)) == ([b.pk], sorted([a.pk, b.pk]))
    assert (count.numerator, count.denominator, actual) == (1, 2, Decimal("50.0"))
    assert result[empty.pk][0] is None  # no ШНОР: empty denominator


def test_positive_dynamics_share_counts_a_listing_active_on_one_day_of_the_year():
    m = MunicipalityFactory()
    (a,) = schools(m, 1)
    shnor(a, start=dt.date(2022, 9, 1), end=dt.date(2023, 1, 1))  # active on 1 January 2023 only
    works(a, "ВПР", 2022, RUS, 5, marks=[4])
    works(a, "ВПР", 2023, RUS, 6, marks=[3])  # fell
    recalc()
    actual, count = run("POSITIVE_DYNAMICS_SHARE", 2023, m)[m.pk]
    assert (count.numerator, count.denominator, actual) == (0, 1, Decimal("0.0"))


# --- ANALYSED_SHARE.


def test_analysed_share_needs_a_risk_profile_or_social_passport_and_results_of_the_year():
    m, empty = MunicipalityFactory(), MunicipalityFactory()
    a, b, c, d, e = schools(m, 5)
    factor = RiskFactor.objects.create(code="T01", name="Фактор для теста")
    RiskAssessment.objects.create(school=a, year=2023, factor=factor, level=RiskLevel.HIGH)  # A: risk profile
    SchoolYearProfile.objects.create(school=b, year=2023, large_families=3)  # B: social passport
    SchoolYearProfile.objects.create(school=c, year=2023, pupils_basic=100)  # C: a profile without social counts
    RiskAssessment.objects.create(school=d, year=2022, factor=factor, level=RiskLevel.LOW)  # D: another year
    RiskAssessment.objects.create(school=e, year=2023, factor=factor, level=RiskLevel.LOW)  # E: no results of 2023
    for school in (a, b, c, d):
        works(school, "ОГЭ", 2023, RUS, 9, marks=[4])
    works(e, "ОГЭ", 2022, RUS, 9, marks=[4])
    recalc()
    result = run("ANALYSED_SHARE", 2023, m, empty)
    actual, count = result[m.pk]
    assert (sorted(count.numerator_ids), count.denominator) == (sorted([a.pk, b.pk]), 5)
    assert actual == Decimal("40.0")
    assert result[empty.pk][0] is None


# --- GIA_GAP_REDUCTION.


def ege(school, year, scores, subject=RUS):
    works(school, "ЕГЭ", year, subject, 11, tests=scores)


def test_gia_gap_reduction_over_the_pairs_of_both_years():
    m = MunicipalityFactory()
    many = schools(m, 11)
    # ЕГЭ Russian 2023, n = 11, k = 2: gap = (95 + 85) / 2 − (30 + 20) / 2 = 65 (85 tied at the top boundary).
    for school, score in zip(many, (95, 85, 85, 70, 60, 60, 60, 50, 40, 30, 20), strict=True):
        ege(school, 2023, [score])
    # ЕГЭ Russian 2022, n = 3, k = 1: gap = 100 − 20 = 80.
    for school, score in zip(many, (100, 50, 20), strict=False):
        ege(school, 2022, [score])
    # ОГЭ Russian, % of the maximum primary score: 2023 (rows carry the maximum 40): X (30 + 20) / 2 / 40 = 62.5 %,
    # Y 10 / 40 = 25 % → gap 37.5; 2022 (rows without a maximum: the reference one, 40): X 36 / 40 = 90 %,
    # Y 20 / 40 = 50 % → gap 40.
    x, y = many[0], many[1]
    works(x, "ОГЭ", 2023, RUS, 9, primary=[30, 20], max_score=40)
    works(y, "ОГЭ", 2023, RUS, 9, primary=[10], max_score=40)
    MaxScore.objects.create(procedure="ОГЭ", year=2022, subject=Subject.objects.get(name=RUS), grade=9, max_score=40)
    works(x, "ОГЭ", 2022, RUS, 9, primary=[36])
    works(y, "ОГЭ", 2022, RUS, 9, primary=[20])
    # ОГЭ mathematics in 2023 only and ЕГЭ профильная in 2022 only: ignored in both years.
    works(x, "ОГЭ", 2023, MATH, 9, primary=[31], max_score=31)
    works(y, "ОГЭ", 2023, MATH, 9, primary=[0], max_score=31)
    ege(x, 2022, [100], PROF)
    ege(y, 2022, [5], PROF)
    recalc()
    actual, count = run("GIA_GAP_REDUCTION", 2023, m)[m.pk]
    # GAP(2023) = (65 + 37.5) / 2 = 51.25; GAP(2022) = (80 + 40) / 2 = 60;
    # reduction = (60 − 51.25) / 60 × 100 = 14.583… → 14.6.
    assert actual == Decimal("14.6") and count.value == Decimal("14.6")
    assert (count.details["gap"], count.details["gap_previous"]) == (51.25, 60.0)
    pairs = {(p["procedure"], p["subject"]): p for p in count.details["pairs"]}
    assert pairs[("ЕГЭ", RUS)]["2023"] == {"gap": 65.0, "n": 11, "k": 2}
    assert pairs[("ЕГЭ", RUS)]["2022"] == {"gap": 80.0, "n": 3, "k": 1}
    assert pairs[("ОГЭ", RUS)]["2023"] == {"gap": 37.5, "n": 2, "k": 1}
    assert pairs[("ОГЭ", MATH)]["used"] is False and pairs[("ОГЭ", MATH)]["2023"]["gap"] == 100.0
    assert pairs[("ЕГЭ", PROF)]["used"] is False and "2023" not in pairs[("ЕГЭ", PROF)]


@pytest.mark.parametrize(("minimum", "expected"), [(1, Decimal("-87.5")), (2, Decimal("12.5"))])
def test_gia_gap_leaves_out_a_school_strictly_below_the_minimum_of_participants(settings, minimum, expected):
    settings.GIA_GAP_MIN_PARTICIPANTS = minimum
    m = MunicipalityFactory()
    p, q, r = schools(m, 3)
    ege(p, 2023, [90, 80])  # 85
    ege(q, 2023, [60, 40])  # 50
    ege(r, 2023, [10])  # 10, one participant: below a minimum of 2
    for school, scores in ((p, [70, 70]), (q, [50, 50]), (r, [30, 30])):  # R has exactly 2 in 2022: kept
        ege(school, 2022, scores)
    recalc()
    # 2022: n = 3, k = 1, gap = 70 − 30 = 40 for either minimum.
    # minimum 1: 2023 gap = 85 − 10 = 75 → (40 − 75) / 40 × 100 = −87.5;
    # minimum 2: R is left out of 2023, gap = 85 − 50 = 35 → (40 − 35) / 40 × 100 = 12.5.
    actual, count = run("GIA_GAP_REDUCTION", 2023, m)[m.pk]
    assert actual == expected
    assert count.details["pairs"][2]["2023"]["n"] == (3 if minimum == 1 else 2)


def test_gia_gap_reduction_is_null_when_the_previous_gap_is_zero_or_missing():
    m, only_now, nothing = MunicipalityFactory(), MunicipalityFactory(), MunicipalityFactory()
    a, b = schools(m, 2)
    ege(a, 2022, [50])
    ege(b, 2022, [50])  # GAP(2022) = 50 − 50 = 0
    ege(a, 2023, [90])
    ege(b, 2023, [40])
    (c,) = schools(only_now, 1)
    ege(c, 2023, [70])  # a pair in 2023 only: no pair in both years
    recalc()
    result = run("GIA_GAP_REDUCTION", 2023, m, only_now, nothing)
    assert result[m.pk][0] is None and result[m.pk][1].details["gap_previous"] == 0.0
    assert result[only_now.pk][0] is None and result[only_now.pk][1].details["gap"] is None
    assert result[nothing.pk][0] is None


# --- Per school: VPR_SUCCESS, VPR_QUALITY, VPR_MEAN_MARK, VPR_CONFIRMED.


def test_the_per_school_vpr_indicators_pool_russian_and_mathematics():
    m, other = MunicipalityFactory(), MunicipalityFactory()
    a, b, c = schools(m, 3)
    works(a, "ВПР", 2023, RUS, 5, marks=[5, 4, 3, 2], journal=[5, 5, 3])
    works(a, "ВПР", 2023, MATH, 6, marks=[4, 3], journal=[4, 2])
    works(a, "ВПР", 2023, "История", 5, marks=[2, 2])  # another subject: not counted
    works(b, "ВПР", 2023, MATH, 5, marks=[5, 4, 4, 4, 3, 3, 3, 3])  # mean 29 / 8 = 3.625
    works(c, "ВПР", 2022, RUS, 5, marks=[5])  # no ВПР of 2023: not in the answer
    works(SchoolFactory(municipality=other), "ВПР", 2023, RUS, 5, marks=[5])
    recalc()
    assert all(FORMULAS[code].scope == SCHOOL_SCOPE for code in RESULTS_CODES[-4:])
    success, quality = run("VPR_SUCCESS", 2023, m), run("VPR_QUALITY", 2023, m)
    mean, confirmed = run("VPR_MEAN_MARK", 2023, m), run("VPR_CONFIRMED", 2023, m)
    assert set(success) == set(quality) == set(mean) == set(confirmed) == {a.pk, b.pk}
    # A: 6 works, marks 5 4 3 2 4 3.
    assert (success[a.pk][1].numerator, success[a.pk][1].denominator, success[a.pk][0]) == (5, 6, Decimal("83.3"))
    assert (quality[a.pk][1].numerator, quality[a.pk][1].denominator, quality[a.pk][0]) == (3, 6, Decimal("50.0"))
    assert mean[a.pk][0] == Decimal("3.50")  # 21 / 6
    # Both marks: (5, 5) =, (4, 5) lower, (3, 3) =, (4, 4) =, (3, 2) higher → 3 of 5 confirmed.
    assert (confirmed[a.pk][1].numerator, confirmed[a.pk][1].denominator, confirmed[a.pk][0]) == (3, 5, Decimal("60.0"))
    assert mean[b.pk][0] == Decimal("3.63")  # 3.625 half-up
    assert confirmed[b.pk][0] is None  # no journal marks: «нет данных»


# --- Bounded queries.


def region(n: int):
    """A municipality of n schools, each with ВПР, ОГЭ and ЕГЭ results in two years, a listing and a profile."""
    m = MunicipalityFactory()
    factor = RiskFactor.objects.create(code=f"Q{m.pk}", name="Фактор")
    for number, school in enumerate(schools(m, n)):
        shnor(school, start=dt.date(2021, 1, 1))
        RiskAssessment.objects.create(school=school, year=2023, factor=factor, level=RiskLevel.LOW)
        SchoolYearProfile.objects.create(school=school, year=2023, foster=1)
        for year in (2022, 2023):
            fail_both_subjects(school, year)
            works(school, "ВПР", year, MATH, 6, marks=[3 + number % 3], journal=[4])
            works(school, "ОГЭ", year, RUS, 9, marks=[4], primary=[20 + number], max_score=33)
            ege(school, year, [50 + number + year % 2])
            ege(school, year, [40 + number], PROF)
    recalc()
    return m


def test_the_number_of_queries_does_not_grow_with_the_number_of_schools(django_assert_max_num_queries):
    small, large = region(2), region(6)
    used = {}
    for m in (small, large):
        for code in RESULTS_CODES:
            with CaptureQueriesContext(connection) as queries:
                counts = FORMULAS[code].function(Period(2023, (m.pk,)))
            assert counts, code
            used[(code, m.pk)] = len(queries)
    for code in RESULTS_CODES:
        assert used[(code, small.pk)] == used[(code, large.pk)], code
    with django_assert_max_num_queries(6):  # STABLE_LOW_SHARE: the rules, one per enabled rule, flagged, All
        FORMULAS["STABLE_LOW_SHARE"].function(Period(2023, (small.pk, large.pk)))
    for code in ("TOP_MARK_SHARE", "VPR_SUCCESS", "VPR_MEAN_MARK"):
        with django_assert_max_num_queries(1):
            FORMULAS[code].function(Period(2023, (small.pk, large.pk)))
    for code in ("STABLE_HIGH_SHARE", "POSITIVE_DYNAMICS_SHARE", "ANALYSED_SHARE", "GIA_GAP_REDUCTION"):
        with django_assert_max_num_queries(2):
            FORMULAS[code].function(Period(2023, (small.pk, large.pk)))
