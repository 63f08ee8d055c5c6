"""The catalogue as data (migration 0012) and the rules of the models: a computed entry names a registered formula."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.indicators.base import FORMULAS
from reports.indicators.models import AdoptedIndicator, Indicator, IndicatorScope, ManualValue, Method

from .helpers import municipality, school

pytestmark = pytest.mark.django_db

ENGINE_FORMULAS = {
    "REG_COUNT", "METH_SUPPORT_SHARE", "NETWORK_SHARE", "PD_STAFF_COUNT", "PROGRAM_SHARE", "MTB_SHARE",
    "EXITED_SHARE", "COMPETENCE_DYNAMICS_SCHOOLS_SHARE", "COMPETENCE_DYNAMICS_TEACHERS_SHARE", "METH_COVERED_COUNT",
    "TARGETED_HELP_COUNT", "CONSULT_SEMINAR_COUNT", "LOW_RESULTS_SHARE", "ADVERSE_SHARE", "PROGRAMS_COUNT",
    "NETWORK_ALL_SHARE", "RISK_TEACHERS_PD_SHARE", "COMPETENCE_AFTER_PD_SHARE", "AGREEMENTS_SHARE", "PD_STAFF_SHARE",
    "COMPETITION_TEACHERS_SHARE", "PLAN_DONE_SHARE",
}  # fmt: skip


def test_the_catalogue_holds_the_32_indicators_and_the_5_per_school_ones():
    assert Indicator.objects.filter(scope=IndicatorScope.MUNICIPALITY).count() == 32
    assert set(Indicator.objects.filter(scope=IndicatorScope.SCHOOL).values_list("code", flat=True)) == {
        "VPR_SUCCESS", "VPR_QUALITY", "VPR_MEAN_MARK", "VPR_CONFIRMED", "IOR",
    }  # fmt: skip
    assert set(Indicator.objects.filter(method=Method.MANUAL).values_list("code", flat=True)) == {
        "MODERN_CONDITIONS_GROWTH", "CHILD_EVENTS_GROWTH", "SATISFACTION", "MGMT_TECH_SHARE", "IOR",
    }  # fmt: skip
    low = Indicator.objects.get(code="LOW_RESULTS_SHARE")
    assert (low.name, low.unit, low.direction) == ("Доля школ с низкими образовательными результатами", "%", "down")
    assert low.default_target == 20 and "ШНОР года Y" in low.formula_text
    assert Indicator.objects.get(code="REG_COUNT").direction == "none"
    assert Indicator.objects.get(code="GIA_GAP_REDUCTION").default_target == Decimal("0.3")


def test_every_engine_formula_is_registered_and_valid_in_the_catalogue():
    assert ENGINE_FORMULAS <= set(FORMULAS)
    for code in ENGINE_FORMULAS:
        Indicator.objects.get(code=code).full_clean()


def test_a_computed_entry_must_name_a_registered_formula():
    entry = Indicator(code="NEW_ONE", name="Новый", unit="%", method=Method.COMPUTED)
    with pytest.raises(ValidationError, match="NEW_ONE"):
        entry.full_clean()
    entry.formula = "NETWORK_SHARE"
    entry.full_clean()
    entry.scope = IndicatorScope.SCHOOL
    with pytest.raises(ValidationError):
        entry.full_clean()


def test_a_manual_entry_has_no_formula_and_codes_are_capitals():
    with pytest.raises(ValidationError):
        Indicator(code="HAND", name="Вручную", unit="%", method=Method.MANUAL, formula="REG_COUNT").full_clean()
    with pytest.raises(ValidationError):
        Indicator(code="lower-case", name="Вручную", unit="%", method=Method.MANUAL).full_clean()


def test_manual_values_belong_to_manual_indicators_and_baselines_have_a_year():
    m = municipality(code="ind-cat")
    with pytest.raises(ValidationError):
        ManualValue(
            municipality=m, indicator=Indicator.objects.get(code="REG_COUNT"), year=2021, value=1, source_note="x"
        ).full_clean()
    other = municipality(code="ind-cat-2")
    with pytest.raises(ValidationError):
        ManualValue(
            municipality=m,
            school=school(other),
            indicator=Indicator.objects.get(code="IOR"),
            year=2021,
            value=Decimal("0.4"),
            source_note="Профиль",
        ).full_clean()
    with pytest.raises(ValidationError):
        AdoptedIndicator(
            municipality=m, indicator=Indicator.objects.get(code="REG_COUNT"), baseline_value=5
        ).full_clean()


def test_the_administrator_adds_an_entry_over_a_registered_formula(admin_client):
    response = admin_client.post(
        reverse("admin:reports_indicator_add"),
        {
            "code": "NETWORK_COPY",
            "name": "Сетевое взаимодействие (копия)",
            "unit": "%",
            "direction": "up",
            "method": "computed",
            "scope": "municipality",
            "formula": "NETWORK_SHARE",
            "formula_text": "Как NETWORK_SHARE.",
            "seed_note": "",
            "default_target": "",
            "ordering": "500",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Indicator.objects.get(code="NETWORK_COPY").formula == "NETWORK_SHARE"
    refused = admin_client.post(
        reverse("admin:reports_indicator_add"),
        {"code": "BAD", "name": "x", "unit": "%", "direction": "up", "method": "computed", "scope": "municipality",
         "formula": "", "ordering": "1"},
    )  # fmt: skip
    assert refused.status_code == 200 and not Indicator.objects.filter(code="BAD").exists()


def test_a_flushed_catalogue_is_restored_without_touching_edited_entries():
    from reports.indicators.catalogue import ensure

    Indicator.objects.filter(code="REG_COUNT").update(name="Школы реестра (изменено)")
    Indicator.objects.filter(code__in=["SATISFACTION", "PLAN_DONE_SHARE"]).delete()
    assert ensure() == 2
    assert Indicator.objects.get(code="SATISFACTION").default_target == 90
    assert Indicator.objects.get(code="REG_COUNT").name == "Школы реестра (изменено)"
    assert ensure() == 0
