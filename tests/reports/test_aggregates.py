"""`recalculate`: the stored aggregates of a campaign × school, in a bounded number of SQL statements."""

import pytest

from reports.assessments.aggregates import recalculate
from reports.assessments.models import AggregatedResult, Campaign, ParticipantResult, SchoolAggregate, Subject
from tests.factories import MunicipalityFactory, RegionFactory, SchoolFactory

pytestmark = pytest.mark.django_db
# The savepoint around them, a delete, the campaigns' ЕГЭ minimums, the memory setting, the grouping into a temporary
# table, the insert and the drop of that table: the same for any number of schools.
STATEMENTS = 8


def region_with_results(schools: int) -> tuple[list[int], list[int]]:
    """A region of two municipalities; every school has a protocol in one campaign and statistics in another."""
    region = RegionFactory()
    municipalities = [MunicipalityFactory(region=region), MunicipalityFactory(region=region)]
    created = [SchoolFactory(municipality=municipalities[n % 2]) for n in range(schools)]
    subject = Subject.objects.get(name="Русский язык")
    protocol = Campaign.objects.create(procedure="ВПР", year=2021, subject=subject, grade=5)
    statistics = Campaign.objects.create(procedure="ВПР", year=2021, subject=subject, grade=6)
    ParticipantResult.objects.bulk_create(
        ParticipantResult(
            campaign=protocol, school=school, participant=f"{school.pk}-{n}", mark=mark, journal_mark=4, primary_score=9
        )
        for school in created
        for n, mark in enumerate((2, 4, 5))
    )
    AggregatedResult.objects.bulk_create(
        AggregatedResult(campaign=statistics, school=school, participants=4, marks_2=1, marks_3=1, marks_4=1, marks_5=1)
        for school in created
    )
    return [protocol.pk, statistics.pk], [school.pk for school in created]


@pytest.mark.parametrize("schools", [3, 40])
def test_it_recalculates_a_region_in_the_same_number_of_statements_for_any_number_of_schools(
    schools, django_assert_max_num_queries
):
    campaigns, school_ids = region_with_results(schools)
    with django_assert_max_num_queries(STATEMENTS):
        assert recalculate(campaigns, school_ids) == 2 * schools
    with django_assert_max_num_queries(STATEMENTS):
        assert recalculate(campaigns) == 2 * schools  # the whole campaign, every school of it
    assert SchoolAggregate.objects.filter(campaign_id=campaigns[0], participants=3, mark_sum=11).count() == schools
    assert SchoolAggregate.objects.filter(campaign_id=campaigns[1], participants=4, mark_sum=14).count() == schools
