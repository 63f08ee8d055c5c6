"""reports.indicators.services.recalculate: every formula, stored in one go, idempotent, bounded in queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Status
from reports.indicators.base import FORMULAS
from reports.indicators.models import Indicator, IndicatorValue, ManualValue, Method
from reports.indicators.services import data_years, recalculate
from support.models import EventType
from tests.factories import PairingFactory

from .helpers import D, event, municipality, school, shnor

pytestmark = pytest.mark.django_db


def build(m, schools: int):
    """`schools` ШНОР schools of 2021, half of them reached by a seminar, each paired with a mentor."""
    listed = [shnor(m) for _ in range(schools)]
    mentor = school(m, (Status.MENTOR, D(2020, 1, 1), None))
    for s in listed:
        PairingFactory(mentor=mentor, mentee=s, start=D(2021, 2, 1))
    event(m, EventType.SEMINAR, D(2021, 4, 1), *listed[: schools // 2])
    return listed


def stored(m):
    return {
        (v.indicator.code, v.school_id, v.year): (
            v.numerator,
            v.denominator,
            v.value,
            v.numerator_ids,
            v.denominator_ids,
            v.details,
        )
        for v in IndicatorValue.objects.filter(municipality=m).select_related("indicator")
    }


def test_it_stores_every_computed_indicator_of_the_catalogue():
    m = municipality(code="ind-rec")
    build(m, 4)
    written = recalculate([m.pk], [2021])
    values = stored(m)
    computed = [
        i.code for i in Indicator.objects.filter(method=Method.COMPUTED, scope="municipality") if i.code in FORMULAS
    ]
    assert computed and all((code, None, 2021) in values for code in computed)
    assert written == len(values)
    assert values["REG_COUNT", None, 2021][:3] == (Decimal(4), None, Decimal(4))
    assert values["METH_SUPPORT_SHARE", None, 2021][:3] == (Decimal(2), Decimal(4), Decimal("50.0"))
    assert values["NETWORK_SHARE", None, 2021][2] == Decimal("100.0")
    # An empty denominator stores «нет данных».
    assert values["PD_STAFF_SHARE", None, 2021][:3] == (Decimal(0), Decimal(0), None)


def test_recalculating_twice_gives_the_same_rows():
    m = municipality(code="ind-twice")
    build(m, 3)
    recalculate([m.pk], [2020, 2021])
    first = stored(m)
    times = set(IndicatorValue.objects.filter(municipality=m).values_list("calculated_at", flat=True))
    assert len(times) == 1
    recalculate([m.pk], [2020, 2021])
    assert stored(m) == first
    assert IndicatorValue.objects.filter(municipality=m).count() == len(first)


def test_it_recalculates_only_the_municipalities_and_years_asked():
    m, other = municipality(code="ind-one"), municipality(code="ind-other")
    build(m, 2)
    build(other, 2)
    recalculate([other.pk], [2021])
    before = stored(other)
    recalculate([m.pk], [2021])
    assert stored(other) == before
    assert not IndicatorValue.objects.filter(municipality=m, year=2020).exists()
    assert IndicatorValue.objects.filter(municipality=m, year=2021).exists()


def test_a_change_of_data_changes_the_stored_value():
    m = municipality(code="ind-change")
    listed = build(m, 4)
    recalculate([m.pk], [2021])
    event(m, EventType.WEBINAR, D(2021, 9, 1), *listed)
    recalculate([m.pk], [2021])
    value = IndicatorValue.objects.get(municipality=m, indicator__code="METH_SUPPORT_SHARE", year=2021)
    assert (value.numerator, value.denominator, value.value) == (4, 4, Decimal("100.0"))
    assert value.numerator_ids == sorted(s.pk for s in listed)


def test_manual_indicators_take_the_typed_value():
    m = municipality(code="ind-manual")
    satisfaction = Indicator.objects.get(code="SATISFACTION")
    ManualValue.objects.create(
        municipality=m, indicator=satisfaction, year=2021, value=Decimal("87.5"), source_note="Опрос родителей"
    )
    recalculate([m.pk], [2021, 2022])
    value = IndicatorValue.objects.get(municipality=m, indicator=satisfaction, year=2021)
    assert value.value == Decimal("87.5")
    assert value.details["source"] == "Опрос родителей"
    assert not IndicatorValue.objects.filter(municipality=m, indicator=satisfaction, year=2022).exists()


def test_an_entry_the_administrator_adds_over_an_existing_formula_is_calculated():
    m = municipality(code="ind-admin")
    build(m, 2)
    Indicator.objects.create(
        code="REG_COUNT_COPY", name="Школы реестра", unit="единиц", method=Method.COMPUTED, formula="REG_COUNT"
    )
    recalculate([m.pk], [2021])
    assert IndicatorValue.objects.get(municipality=m, indicator__code="REG_COUNT_COPY", year=2021).value == 2


def test_the_number_of_queries_does_not_grow_with_the_schools():
    small, large = municipality(code="ind-small"), municipality(code="ind-large")
    build(small, 2)
    build(large, 6)
    with CaptureQueriesContext(connection) as two:
        recalculate([small.pk], [2021])
    with CaptureQueriesContext(connection) as six:
        recalculate([large.pk], [2021])
    assert len(six) == len(two)
    assert len(two) <= 4 * len(FORMULAS) + 10


def test_the_number_of_queries_is_bounded_for_six_schools(django_assert_max_num_queries):
    small, large = municipality(code="ind-small-2"), municipality(code="ind-large-2")
    build(small, 2)
    with CaptureQueriesContext(connection) as two:
        recalculate([small.pk], [2021])
    build(large, 6)
    with django_assert_max_num_queries(len(two)):
        recalculate([large.pk], [2021])


def test_data_years_span_the_data_up_to_this_year():
    m = municipality(code="ind-years")
    assert data_years(D(2026, 6, 1)) == []
    school(m, (Status.SHNOR, D(2019, 9, 1), D(2021, 8, 31)))
    assert data_years(D(2026, 6, 1)) == [2019, 2020, 2021]
    school(m, (Status.SHNOR, D(2020, 9, 1), None))
    assert data_years(D(2023, 6, 1)) == [2019, 2020, 2021, 2022, 2023]


@pytest.fixture
def school_formula():
    """A per-school formula registered for the test only: each school's count of ШНОР listings active in Y."""
    from reports.indicators.base import SCHOOL_SCOPE, Count, formula
    from reports.indicators.sets import all_schools, low_schools

    @formula("TEST_SCHOOL_LISTED", shape="count", scope=SCHOOL_SCOPE)
    def listed(period):
        low = set(low_schools(period).values_list("pk", flat=True))
        return {pk: Count(numerator=int(pk in low)) for pk in all_schools(period).values_list("pk", flat=True)}

    Indicator.objects.create(
        code="TEST_SCHOOL_LISTED", name="Школа в реестре", unit="единиц", method=Method.COMPUTED, scope="school"
    )
    yield
    del FORMULAS["TEST_SCHOOL_LISTED"]


def test_per_school_values_are_stored_with_their_school_and_municipality(school_formula):
    m = municipality(code="ind-per-school")
    listed, other = shnor(m), school(m)
    recalculate([m.pk], [2021])
    values = dict(
        IndicatorValue.objects.filter(indicator__code="TEST_SCHOOL_LISTED", municipality=m).values_list(
            "school_id", "value"
        )
    )
    assert values == {listed.pk: 1, other.pk: 0}
