"""Every signal of the ВПР analysis on the hand-built campaign of `campaign.py`, values worked out by hand."""

from decimal import Decimal

import pytest

from reports.analysis.vpr import (
    APPROXIMATE,
    INFORMATIVE,
    LIMITED,
    analyse,
    boundary_peaks,
    sample_of,
    thresholds,
)
from reports.assessments.rules import FlagRule

from .campaign import build

pytestmark = pytest.mark.django_db


def by_code(result):
    return {row["school"]: row for row in result["analysis"]["schools"]}


def test_it_reads_the_scale_from_the_lowest_score_seen_with_each_mark_in_the_municipality(world):
    result = analyse(build(world), world.municipality)
    # «3»: 6 at school A, 7 at school B → 6; «4» only at A from 11; «5» only at A at 16.
    assert result["analysis"]["scale"] == {"3": 6, "4": 11, "5": 16}


def test_it_gives_the_distribution_of_marks_from_exact_counts(world):
    result = analyse(build(world), world.municipality)
    a = by_code(result)["chemashi"]
    assert a["participants"] == 15
    # 2/15 = 13.33, 7/15 = 46.67, 5/15 = 33.33, 1/15 = 6.67
    assert a["marks_pct"] == {"2": 13.3, "3": 46.7, "4": 33.3, "5": 6.7}
    total = result["analysis"]["total"]
    assert total["participants"] == 25
    assert total["marks_pct"] == {"2": 20.0, "3": 56.0, "4": 20.0, "5": 4.0}


def test_it_marks_a_rise_of_exactly_ten_points_as_negative_dynamics(world):
    result = analyse(build(world), world.municipality)
    schools = by_code(result)
    b = schools["andra"]
    assert (b["marks_pct"]["2"], b["marks_2_pct_prev"], b["marks_2_dynamics_pp"]) == (30.0, 20.0, 10.0)
    assert b["negative_dynamics"] is True
    a = schools["chemashi"]
    # 2/15 − 1/10 = 13.333 − 10.0 = 3.3 points
    assert (a["marks_2_pct_prev"], a["marks_2_dynamics_pp"], a["negative_dynamics"]) == (10.0, 3.3, False)
    total = result["analysis"]["total"]
    # 5/25 − 3/20 = 20.0 − 15.0
    assert (total["marks_2_pct_prev"], total["marks_2_dynamics_pp"], total["negative_dynamics"]) == (15.0, 5.0, False)


def test_it_leaves_the_dynamics_null_without_last_years_campaign(world):
    result = analyse(build(world, with_previous=False), world.municipality)
    a = by_code(result)["chemashi"]
    assert (a["marks_2_pct_prev"], a["marks_2_dynamics_pp"], a["negative_dynamics"]) == (None, None, None)


def test_it_moves_the_negative_dynamics_with_the_administrators_threshold(world):
    FlagRule.objects.filter(code="VA").update(
        parameters={**FlagRule.objects.get(code="VA").parameters, "negative_dynamics_pp": 10.1}
    )
    b = by_code(analyse(build(world), world.municipality))["andra"]
    assert (b["marks_2_dynamics_pp"], b["negative_dynamics"]) == (10.0, False)


def test_it_counts_journal_gaps_of_two_marks_by_class_with_codes_only(world):
    result = analyse(build(world), world.municipality)
    a = by_code(result)["chemashi"]
    # a-0: ВПР 2, journal 4; a-2: ВПР 3, journal 5; a-9: ВПР 4, journal 4 … a gap of 0; no row of one mark's gap counts.
    assert a["journal_gap_2"] == 2
    details = result["details"]["chemashi"]
    assert details["gaps_by_class"] == [
        ("5А", [{"participant": "a-0", "mark": 2, "journal_mark": 4}]),
        ("5Б", [{"participant": "a-2", "mark": 3, "journal_mark": 5}]),
    ]
    # School B has no journal marks: the gap cannot be counted, it is not zero.
    assert by_code(result)["andra"]["journal_gap_2"] is None
    assert result["analysis"]["total"]["journal_gap_2"] == 2


def test_it_finds_a_peak_exactly_at_the_factor_and_none_just_below_it(world):
    result = analyse(build(world), world.municipality)
    a = by_code(result)["chemashi"]
    # «3» from 6: n(6) = 4 ≥ 3 and ≥ 2 × n(5) = 4 → a peak; «4» from 11: n(11) = 5 < 2 × n(10) = 6 → none;
    # «5» from 16: n(16) = 1 < 3 → none.
    assert a["boundary_peaks"] == [{"mark": 3, "score": 6, "at": 4, "below": 2}]
    assert result["details"]["chemashi"]["histogram"] == {5: 2, 6: 4, 10: 3, 11: 5, 16: 1}
    # School B: n(6) = 0 and nothing at 11 or 16.
    assert by_code(result)["andra"]["boundary_peaks"] == []
    assert result["analysis"]["total"]["boundary_peaks"] == [{"mark": 3, "score": 6, "at": 4, "below": 2}]


def test_it_needs_three_works_at_the_boundary_for_a_peak(world):
    limits = thresholds()
    scale = {"3": 6, "4": None, "5": None}
    assert boundary_peaks({6: 2, 5: 0}, scale, limits) == []
    assert boundary_peaks({6: 3, 5: 0}, scale, limits) == [{"mark": 3, "score": 6, "at": 3, "below": 0}]
    assert boundary_peaks({}, scale, limits) is None


def test_it_names_the_sample_size_at_fifty_and_twenty_works(world):
    limits = thresholds()
    assert [sample_of(n, limits) for n in (50, 49, 20, 19, 0)] == [
        INFORMATIVE,
        APPROXIMATE,
        APPROXIMATE,
        LIMITED,
        LIMITED,
    ]
    result = analyse(build(world), world.municipality)
    assert [row["sample"] for row in result["analysis"]["schools"]] == [LIMITED, LIMITED]  # 10 and 15 works
    assert result["analysis"]["total"]["sample"] == APPROXIMATE  # 25 works


def test_it_lists_only_the_schools_asked_for_but_totals_the_municipality(world):
    result = analyse(build(world), world.municipality, school_ids=[world.school.pk])
    assert [row["school"] for row in result["analysis"]["schools"]] == ["chemashi"]
    assert result["analysis"]["total"]["participants"] == 25


def test_the_thresholds_are_the_administrators_rule(world):
    limits = thresholds()
    assert (limits.basic_low, limits.basic_high, limits.advanced_low, limits.advanced_high) == (
        Decimal("57"),
        Decimal("63"),
        Decimal("28.5"),
        Decimal("31.5"),
    )
    assert (limits.group_min, limits.peak_min_works, limits.peak_factor) == (10, 3, Decimal(2))
