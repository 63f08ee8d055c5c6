"""`indicators --municipality CODE --year Y --json` (SPEC §5) and `recalc_indicators`."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from registry.models import Status
from reports.indicators.models import AdoptedIndicator, Indicator, IndicatorTarget, IndicatorValue
from reports.management.commands.indicators import number
from support.models import EventType

from .helpers import D, event, municipality, school, shnor

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def m():
    found = municipality(code="ind-cmd")
    a, b, c = shnor(found), shnor(found), shnor(found)
    school(found)
    event(found, EventType.SEMINAR, D(2021, 3, 1), a, b)
    network = Indicator.objects.get(code="METH_SUPPORT_SHARE")
    adopted = AdoptedIndicator.objects.create(
        municipality=found, indicator=network, baseline_value=Decimal("33.35"), baseline_year=2020
    )
    IndicatorTarget.objects.create(adopted=adopted, year=2021, target=Decimal(100))
    del c
    return found


def test_recalc_then_json_lists_every_indicator_with_its_numbers(m):
    out, _err = run("recalc_indicators", "--municipality", "ind-cmd", "--year", "2021")
    assert "Пересчитано показателей" in out
    out, err = run("indicators", "--municipality", "ind-cmd", "--year", "2021", "--json")
    rows = {row["code"]: row for row in json.loads(out)}  # standard output holds only the JSON
    assert err == ""
    assert set(rows) == set(Indicator.objects.filter(scope="municipality").values_list("code", flat=True))
    support = rows["METH_SUPPORT_SHARE"]
    assert support["name"] == "Доля школ реестра, в которых осуществляется научно-методическое сопровождение"
    assert support["unit"] == "%"
    assert (support["numerator"], support["denominator"]) == (2, 3)
    assert support["actual"] == 66.7
    assert support["baseline"] == 33.4  # 33.35 half-up
    assert support["target"] == 100.0
    assert support["met"] is False
    assert support["calculated_at"]
    # Not adopted: its computed actual, null baseline and target.
    low = rows["LOW_RESULTS_SHARE"]
    assert (low["numerator"], low["denominator"], low["actual"]) == (3, 4, 75.0)
    assert (low["baseline"], low["target"], low["met"]) == (None, None, None)
    assert rows["REG_COUNT"]["actual"] == 3
    assert isinstance(rows["REG_COUNT"]["actual"], int)
    # An empty denominator is null; a manual indicator without a value too.
    assert rows["PD_STAFF_SHARE"]["actual"] is None
    assert rows["PD_STAFF_SHARE"]["denominator"] == 0
    assert rows["SATISFACTION"]["actual"] is None


def test_met_turns_true_when_the_target_is_reached(m):
    run("recalc_indicators", "--municipality", "ind-cmd", "--year", "2021")
    IndicatorTarget.objects.filter(adopted__municipality=m).update(target=Decimal("66.7"))
    out, _err = run("indicators", "--municipality", "ind-cmd", "--year", "2021", "--json")
    assert {row["code"]: row for row in json.loads(out)}["METH_SUPPORT_SHARE"]["met"] is True


def test_numbers_are_rounded_half_up():
    assert number(Decimal("53.25"), 1) == 53.3
    assert number(Decimal("3.465"), 2) == 3.47
    assert number(Decimal("4.0000"), 0) == 4
    assert number(None, 1) is None


def test_an_unknown_municipality_is_refused():
    with pytest.raises(CommandError, match="Неизвестный код муниципалитета"):
        run("indicators", "--municipality", "nowhere", "--year", "2021", "--json")


def test_without_values_the_text_output_says_to_recalculate(m):
    out, err = run("indicators", "--municipality", "ind-cmd", "--year", "2021")
    assert "METH_SUPPORT_SHARE" in out
    assert "recalc_indicators" in err


def test_recalc_without_a_year_covers_every_year_with_data(m):
    school(m, (Status.SHNOR, D(2019, 5, 1), D(2019, 6, 1)))
    run("recalc_indicators")
    years = set(
        IndicatorValue.objects.filter(municipality=m, indicator__code="REG_COUNT").values_list("year", flat=True)
    )
    assert {2019, 2020, 2021} <= years
    assert IndicatorValue.objects.get(municipality=m, indicator__code="REG_COUNT", year=2019).value == 1


@pytest.mark.parametrize("year", ["1800", "0", "abc", "２０２１", "2101"])
@pytest.mark.parametrize("command", [["indicators", "--municipality", "m1"], ["recalc_indicators"]])
def test_a_year_outside_the_indicators_bounds_is_refused_in_russian(command, year):
    with pytest.raises(CommandError, match=f"«{year}» — не год от 1990 до 2100"):
        call_command(*command, "--year", year, stdout=StringIO(), stderr=StringIO())
