"""The mean primary score (SPEC §2.4) stored with the aggregates and printed by `results --json` as `mean_primary`."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from reports.assessments.aggregates import class_rows, recalculate
from reports.assessments.models import AggregatedResult, Campaign, ParticipantResult, SchoolAggregate, Subject
from tests.factories import MunicipalityFactory, SchoolFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def results():
    """One school: three participants of class 5а (primary 10, 11 and one without a score) and a statistics row of
    class 5б (2 participants, published mean 10.23); an ЕГЭ campaign with test scores only."""
    municipality = MunicipalityFactory(code="primary-m")
    school = SchoolFactory(code="primary-s", municipality=municipality)
    russian = Subject.objects.get(name="Русский язык")
    vpr = Campaign.objects.create(procedure="ВПР", year=2023, subject=russian, grade=5)
    ege = Campaign.objects.create(procedure="ЕГЭ", year=2023, subject=russian, grade=11)
    ParticipantResult.objects.bulk_create(
        [
            ParticipantResult(
                campaign=vpr, school=school, class_name="5а", participant="a", primary_score=10, max_score=45, mark=3
            ),
            ParticipantResult(
                campaign=vpr, school=school, class_name="5а", participant="b", primary_score=11, max_score=45, mark=4
            ),
            ParticipantResult(campaign=vpr, school=school, class_name="5а", participant="c", mark=2),
            ParticipantResult(campaign=ege, school=school, participant="e", test_score=70),
        ]
    )
    AggregatedResult.objects.create(
        campaign=vpr,
        school=school,
        class_name="5б",
        participants=2,
        marks_2=0,
        marks_3=1,
        marks_4=1,
        marks_5=0,
        mean_primary=Decimal("10.23"),
    )
    recalculate([vpr.pk, ege.pk])
    return school, vpr, ege


def test_the_aggregate_stores_the_exact_parts_of_the_mean_primary_score(results):
    school, vpr, ege = results
    stored = SchoolAggregate.objects.get(campaign=vpr, school=school)
    # 10 + 11 from the protocol, 10.23 × 2 from the statistics row; the participant without a score is not counted.
    assert (stored.primary_sum, stored.scored, stored.primary_max) == (Decimal("41.46"), 4, 45)
    assert stored.participants == 5  # the other counts are untouched
    none = SchoolAggregate.objects.get(campaign=ege, school=school)
    assert (none.primary_sum, none.scored, none.primary_max) == (0, 0, None)
    classes = dict(class_rows(vpr, [school])[school.pk])
    assert classes["5а"]["mean_primary"] == 10.5  # 21 / 2
    assert classes["5б"]["mean_primary"] == 10.23


def test_results_json_prints_mean_primary_half_up_and_null_when_unknown(results):
    out = io.StringIO()
    call_command("results", "--municipality", "primary-m", "--year", "2023", "--procedure", "ВПР", "--json", stdout=out)
    (row,) = json.loads(out.getvalue())
    # 41.46 / 4 = 10.365: half-up gives 10.37 (banker's rounding would give 10.36).
    assert row["mean_primary"] == 10.37 and row["participants"] == 5
    out = io.StringIO()
    call_command("results", "--municipality", "primary-m", "--year", "2023", "--procedure", "ЕГЭ", "--json", stdout=out)
    (row,) = json.loads(out.getvalue())
    assert row["mean_primary"] is None and row["mean_score"] == 70.0


def test_the_campaign_page_and_the_school_tab_show_the_mean_primary_score(results, client_for):
    school, vpr, _ege = results
    client = client_for(
        user_with_role(Role.REGIONAL_COORDINATOR, "primary-regional", region=school.municipality.region)
    )
    page = client.get(reverse("reports:campaign-results", kwargs={"pk": vpr.pk})).content.decode()
    assert "средний первичный балл" in page.lower() and '<td class="text-end text-nowrap">10,37</td>' in page
    tab = client.get(reverse("reports:school-results-tab", args=[school.code])).content.decode()
    assert "10,37" in tab
