"""The demo's indicator sets (docs/demo.md): adopted with the seeds' baselines and targets, recalculated by
load_demo, and the same numbers through the selectors and `indicators --json`."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from registry.models import Municipality
from reports.indicators.models import AdoptedIndicator, IndicatorTarget, IndicatorValue
from reports.indicators.selectors import indicator_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


def adopted(code):
    return {
        a.indicator.code: a
        for a in AdoptedIndicator.objects.filter(municipality__code=code).select_related("indicator")
    }


def test_yartsevo_has_the_target_indicators_of_seed_003_with_base_and_planned_values(demo):
    found = adopted("yartsevo")
    assert set(found) == {
        "ANALYSED_SHARE",
        "STABLE_LOW_SHARE",
        "ADVERSE_SHARE",
        "STABLE_HIGH_SHARE",
        "PROGRAMS_COUNT",
        "TOP_MARK_SHARE",
        "NETWORK_ALL_SHARE",
        "RISK_TEACHERS_PD_SHARE",
        "COMPETENCE_AFTER_PD_SHARE",
    }
    adverse = found["ADVERSE_SHARE"]
    assert (adverse.baseline_value, adverse.baseline_year) == (Decimal(22), 2018)
    assert adverse.targets.get(year=2021).target == Decimal(16)
    assert found["STABLE_LOW_SHARE"].targets.get(year=2021).target == 0


def test_chaa_khol_has_the_set_of_seed_000_with_targets_for_every_year_of_the_plan(demo):
    found = adopted("chaa-khol")
    assert len(found) == 10
    years = IndicatorTarget.objects.filter(adopted=found["PD_STAFF_COUNT"]).values_list("year", "target")
    assert sorted(years) == [(y, Decimal(10)) for y in (2021, 2022, 2023, 2024)]
    assert found["GIA_GAP_REDUCTION"].targets.get(year=2024).target == Decimal("0.3")


def test_dubensky_and_oktyabrsky_have_their_sets(demo):
    assert {"EXITED_SHARE", "METH_COVERED_COUNT", "LOW_RESULTS_SHARE"} <= set(adopted("dubensky"))
    oktyabrsky = adopted("oktyabrsky")
    assert oktyabrsky["AGREEMENTS_SHARE"].targets.get(year=2022).target == 100
    assert "VPR_SUCCESS" in oktyabrsky and "IOR" in oktyabrsky


def test_load_demo_recalculates_and_the_command_agrees_with_the_selectors(demo):
    chaa_khol = Municipality.objects.get(code="chaa-khol")
    assert IndicatorValue.objects.filter(municipality=chaa_khol, year=2021).exists()
    rows = {row.code: row for row in indicator_rows(chaa_khol, 2021)}
    assert rows["REG_COUNT"].actual == 2  # Ак-Дуруг and Булун-Терек, listed from 26.03.2021
    assert rows["NETWORK_SHARE"].actual == 100 and rows["NETWORK_SHARE"].met is True
    out = StringIO()
    call_command("indicators", "--municipality", "chaa-khol", "--year", "2021", "--json", stdout=out)
    printed = {row["code"]: row for row in json.loads(out.getvalue())}
    for code, row in rows.items():
        assert printed[code]["met"] == row.met
        assert (printed[code]["actual"] is None) == (row.actual is None)
    assert printed["NETWORK_SHARE"]["target"] == 100.0 and printed["NETWORK_SHARE"]["actual"] == 100.0
