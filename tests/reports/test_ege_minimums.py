"""Per-year ЕГЭ minimum scores (REFERENCE §4): `below_min_pct` reads the year's row, else the subject's own minimum."""

import pytest

from reports.assessments.aggregates import recalculate, results_rows
from reports.assessments.models import Campaign, EgeMinimumScore, ParticipantResult, Subject

pytestmark = pytest.mark.django_db


def ege(world, year: int, scores=(23, 30, 40)) -> Campaign:
    subject = Subject.objects.get(name="Русский язык")
    campaign = Campaign.objects.create(procedure="ЕГЭ", year=year, subject=subject, grade=11)
    ParticipantResult.objects.bulk_create(
        ParticipantResult(campaign=campaign, school=world.school, participant=f"e-{n}", test_score=score)
        for n, score in enumerate(scores)
    )
    recalculate([campaign.pk])
    return campaign


def below(world, year: int):
    (row,) = results_rows(municipality=world.municipality, year=year, procedure="ЕГЭ")
    return row["below_min_pct"]


def test_the_reference_table_is_seeded_for_each_year_from_reference_section_4(world):
    russian = EgeMinimumScore.objects.filter(subject__name="Русский язык")
    assert set(russian.values_list("min_score", flat=True)) == {24}
    assert russian.filter(year=2024).exists()
    assert EgeMinimumScore.objects.get(year=2024, subject__name="Информатика").min_score == 40
    assert EgeMinimumScore.objects.get(year=2024, subject__name="Математика (профильный уровень)").min_score == 27
    assert not EgeMinimumScore.objects.filter(subject__name="Математика").exists()  # no ЕГЭ minimum of its own


def test_it_counts_below_the_years_minimum(world):
    ege(world, 2024)
    assert below(world, 2024) == 33.3  # 23 < 24; 30 and 40 are not


def test_a_changed_minimum_of_one_year_changes_that_year_only(world):
    EgeMinimumScore.objects.filter(year=2024, subject__name="Русский язык").update(min_score=36)
    ege(world, 2024)
    ege(world, 2023)
    assert below(world, 2024) == 66.7  # 23 and 30 below 36
    assert below(world, 2023) == 33.3


def test_a_year_missing_from_the_table_falls_back_to_the_subjects_minimum(world):
    Subject.objects.filter(name="Русский язык").update(ege_min_score=31)
    ege(world, 2019)  # the table has no 2019
    assert below(world, 2019) == 66.7  # 23 and 30 below 31


def test_no_minimum_anywhere_gives_null(world):
    Subject.objects.filter(name="Русский язык").update(ege_min_score=None)
    EgeMinimumScore.objects.filter(subject__name="Русский язык").delete()
    ege(world, 2024)
    assert below(world, 2024) is None
