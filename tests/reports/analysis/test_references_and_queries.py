"""The ФИС ОКО reference distributions beside the numbers, and the analysis in a fixed number of queries."""

from decimal import Decimal

import pytest

from reports.analysis.vpr import analyse
from reports.assessments.aggregates import recalculate
from reports.assessments.models import ParticipantResult, ReferenceDistribution, Task
from tests.factories import SchoolFactory

from .campaign import build, rows

pytestmark = pytest.mark.django_db
# Thresholds, last year's campaign, the stored aggregates of both years, the histogram grouping, the journal gaps,
# the task table, the task points, the references.
QUERIES = 8


def reference(campaign, level, pcts, **where):
    return ReferenceDistribution.objects.create(
        campaign=campaign,
        level=level,
        name=level,
        participants=1000,
        **dict(zip(("pct_2", "pct_3", "pct_4", "pct_5"), (Decimal(p) for p in pcts), strict=True)),
        **where,
    )


def test_it_shows_the_country_region_and_municipality_distributions_rounded_half_up(world):
    campaign = build(world)
    reference(campaign, "russia", ("10.05", "40.00", "35.00", "14.95"), region=world.region)
    reference(campaign, "region", ("12.34", "40.00", "30.00", "17.66"), region=world.region)
    reference(campaign, "region", ("50.00", "50.00", "0.00", "0.00"), region=world.other_region)  # not this region
    reference(campaign, "municipality", ("20.00", "56.00", "20.00", "4.00"), municipality=world.municipality)
    found = analyse(campaign, world.municipality)["analysis"]["reference"]
    assert found == {
        "russia": {"participants": 1000, "marks_pct": {"2": 10.1, "3": 40.0, "4": 35.0, "5": 15.0}},
        "region": {"participants": 1000, "marks_pct": {"2": 12.3, "3": 40.0, "4": 30.0, "5": 17.7}},
        "municipality": {"participants": 1000, "marks_pct": {"2": 20.0, "3": 56.0, "4": 20.0, "5": 4.0}},
    }


def test_without_a_statistics_report_the_reference_is_null(world):
    assert analyse(build(world), world.municipality)["analysis"]["reference"] is None


@pytest.mark.parametrize("extra_schools", [0, 12])
def test_it_answers_in_the_same_number_of_queries_for_any_number_of_schools(
    world, extra_schools, django_assert_max_num_queries
):
    campaign = build(world)
    Task.objects.create(campaign=campaign, position=1, label="1", max_points=2, level="Б")
    created = []
    for n in range(extra_schools):
        school = SchoolFactory(municipality=world.municipality)
        created += rows(campaign, school, [(4, 2, 2), (8, 3, 3)], f"x{n}")
    ParticipantResult.objects.bulk_create(created)
    ParticipantResult.objects.filter(campaign=campaign).update(task_scores={"1": 1})
    recalculate([campaign.pk])
    campaign.refresh_from_db()
    with django_assert_max_num_queries(QUERIES):
        result = analyse(campaign, world.municipality)
    assert len(result["analysis"]["schools"]) == 2 + extra_schools
    assert result["analysis"]["total"]["tasks"][0]["mastery_pct"] == 50.0
