"""Coordinators' changes on the indicator pages: adoption, baseline and targets, a target typed in the table (with
and without htmx), values entered by hand; readers get 403, outsiders 404, and nothing changes for them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.indicators.models import AdoptedIndicator, IndicatorTarget, IndicatorValue, ManualValue

from .pages import YEAR, adopt, detail_url, list_url, setup_indicators, table_cells

pytestmark = pytest.mark.django_db


def _target_url(world, code):
    return reverse("reports:indicator-target", args=[world.municipality.code, code])


def _met(client, world, code):
    rows = table_cells(client.get(list_url(world.municipality)).content.decode())
    return next(row[8] for row in rows if row[1] == code)


def test_a_new_target_flips_met_without_recalculation(client, world, coordinator):
    setup_indicators(world)
    client.force_login(coordinator)
    assert _met(client, world, "LOW_RESULTS_SHARE") == "✓ выполнен"  # 33,3 ≤ 40
    calculated = IndicatorValue.objects.get(indicator__code="LOW_RESULTS_SHARE", year=YEAR).calculated_at
    response = client.post(
        _target_url(world, "LOW_RESULTS_SHARE"),
        {"year": YEAR, "target": "30,5", "next": list_url(world.municipality)},
    )
    assert response.status_code == 302 and response["Location"] == list_url(world.municipality)
    assert IndicatorTarget.objects.get(adopted__indicator__code="LOW_RESULTS_SHARE", year=YEAR).target == Decimal(
        "30.5"
    )
    follow = client.get(response["Location"])
    assert "Цель показателя LOW_RESULTS_SHARE на 2020 сохранена." in follow.content.decode()
    assert _met(client, world, "LOW_RESULTS_SHARE") == "✗ не выполнен"  # 33,3 > 30,5
    assert IndicatorValue.objects.get(indicator__code="LOW_RESULTS_SHARE", year=YEAR).calculated_at == calculated


def test_the_htmx_target_edit_answers_the_row(client, world, coordinator):
    setup_indicators(world)
    client.force_login(coordinator)
    response = client.post(
        _target_url(world, "METH_SUPPORT_SHARE"), {"year": YEAR, "target": "0", "number": "2"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.strip().startswith('<tr id="indicator-METH_SUPPORT_SHARE"') and "✓ выполнен" in content
    assert '<td class="text-end">2</td>' in content
    # A bad number: the row with the error beside the field, the typed text kept, the target unchanged.
    response = client.post(
        _target_url(world, "METH_SUPPORT_SHARE"), {"year": YEAR, "target": "сто"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert response.status_code == 200 and "is-invalid" in content and 'value="сто"' in content
    assert IndicatorTarget.objects.get(adopted__indicator__code="METH_SUPPORT_SHARE", year=YEAR).target == 0


def test_a_bad_target_without_htmx_shows_the_form_with_its_error(client, world, coordinator):
    setup_indicators(world)
    client.force_login(coordinator)
    response = client.post(_target_url(world, "LOW_RESULTS_SHARE"), {"year": YEAR, "target": "12abc"})
    assert response.status_code == 200 and "Введите число" in response.content.decode()
    assert 'value="12abc"' in response.content.decode()
    # An empty target removes the year's target: met becomes «нет данных».
    client.post(_target_url(world, "LOW_RESULTS_SHARE"), {"year": YEAR, "target": ""})
    assert not IndicatorTarget.objects.filter(adopted__indicator__code="LOW_RESULTS_SHARE", year=YEAR).exists()
    assert _met(client, world, "LOW_RESULTS_SHARE") == "— нет данных"


def test_it_adopts_several_indicators_and_removes_one(client, world, coordinator):
    client.force_login(coordinator)
    url = reverse("reports:indicator-adopt", args=[world.municipality.code])
    response = client.post(url, {"note": ""})
    assert response.status_code == 200 and "Выберите хотя бы один показатель." in response.content.decode()
    from reports.indicators.models import Indicator

    chosen = Indicator.objects.filter(code__in=["REG_COUNT", "SATISFACTION"])
    response = client.post(url, {"indicators": [i.pk for i in chosen], "note": "Программа 000"})
    assert response.status_code == 302
    adopted = AdoptedIndicator.objects.filter(municipality=world.municipality)
    assert sorted(adopted.values_list("indicator__code", flat=True)) == ["REG_COUNT", "SATISFACTION"]
    assert set(adopted.values_list("note", flat=True)) == {"Программа 000"}
    # Adopted ones are no longer offered.
    assert "REG_COUNT —" not in client.get(url).content.decode()
    response = client.post(reverse("reports:indicator-remove", args=[world.municipality.code, "REG_COUNT"]))
    assert response.status_code == 302
    assert list(adopted.values_list("indicator__code", flat=True)) == ["SATISFACTION"]
    assert (
        client.get(reverse("reports:indicator-remove", args=[world.municipality.code, "SATISFACTION"])).status_code
        == 405
    )


def test_baseline_and_targets_are_saved_and_bad_input_keeps_everything(client, world, coordinator):
    adopted = adopt(world.municipality, "METH_SUPPORT_SHARE", target="50")
    client.force_login(coordinator)
    url = reverse("reports:indicator-edit", args=[world.municipality.code, "METH_SUPPORT_SHARE"])
    target = adopted.targets.get()
    data = {
        "baseline_value": "12,5",
        "baseline_year": "2019",
        "note": "Программа",
        "targets-TOTAL_FORMS": "3",
        "targets-INITIAL_FORMS": "1",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "targets-0-id": str(target.pk),
        "targets-0-adopted": str(adopted.pk),
        "targets-0-year": "2020",
        "targets-0-target": "60",
        "targets-1-year": "2021",
        "targets-1-target": "много",
        "targets-2-year": "",
        "targets-2-target": "",
    }
    response = client.post(url, data)
    content = response.content.decode()
    assert response.status_code == 200 and "Введите число" in content
    assert 'value="много"' in content and 'value="12,5"' in content
    adopted.refresh_from_db()
    assert adopted.baseline_value is None and adopted.targets.get().target == 50
    data["targets-1-target"] = "70"
    response = client.post(url, data)
    assert response.status_code == 302
    adopted.refresh_from_db()
    assert (adopted.baseline_value, adopted.baseline_year, adopted.note) == (Decimal("12.5"), 2019, "Программа")
    assert dict(adopted.targets.values_list("year", "target")) == {2020: 60, 2021: 70}
    # Two targets of one year: an error next to the year.
    data.update({"targets-1-year": "2022", "targets-2-year": "2022", "targets-2-target": "1"})
    response = client.post(url, data)
    assert response.status_code == 200 and "Для этого года цель уже задана." in response.content.decode()


def test_a_manual_value_is_entered_with_its_source_and_shown(client, world, coordinator):
    adopt(world.municipality, "SATISFACTION", target="90")
    client.force_login(coordinator)
    url = reverse("reports:indicator-manual", args=[world.municipality.code, "SATISFACTION"])
    assert client.get(f"{url}?year={YEAR}").status_code == 200
    bad = client.post(url, {"year": YEAR, "value": "", "source_note": "", "date": "2020-12-01"})
    assert bad.status_code == 200 and not ManualValue.objects.exists()
    response = client.post(
        url, {"year": YEAR, "value": "92,4", "source_note": "Опрос <script>x</script>", "date": "2020-12-01"}
    )
    assert response.status_code == 302 and response["Location"] == detail_url(world.municipality, "SATISFACTION")
    value = ManualValue.objects.get()
    assert (value.value, value.year, value.date, value.entered_by) == (
        Decimal("92.4"),
        YEAR,
        dt.date(2020, 12, 1),
        coordinator,
    )
    stored = IndicatorValue.objects.get(indicator__code="SATISFACTION", municipality=world.municipality, year=YEAR)
    assert stored.value == Decimal("92.4")
    content = client.get(response["Location"]).content.decode()
    assert "Опрос &lt;script&gt;x&lt;/script&gt;" in content and "<script>x</script>" not in content
    assert _met(client, world, "SATISFACTION") == "✓ выполнен"
    # Entering the year again corrects the value, not a second row.
    client.post(url, {"year": YEAR, "value": "80", "source_note": "Опрос", "date": "2020-12-02"})
    assert ManualValue.objects.get().value == 80 and _met(client, world, "SATISFACTION") == "✗ не выполнен"
    # A computed indicator has no manual value.
    computed = reverse("reports:indicator-manual", args=[world.municipality.code, "REG_COUNT"])
    assert client.get(computed).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("principal", 403), ("inspector", 403), ("regional", 403), ("other_coordinator", 404), ("outsider", 404)],
)
def test_readers_get_403_and_outsiders_404_and_nothing_changes(client, world, request, persona, status):
    setup_indicators(world)
    client.force_login(request.getfixturevalue(persona))
    before = list(IndicatorTarget.objects.values_list("pk", "target"))
    code = world.municipality.code
    posts = [
        (_target_url(world, "LOW_RESULTS_SHARE"), {"year": YEAR, "target": "1"}),
        (reverse("reports:indicator-edit", args=[code, "LOW_RESULTS_SHARE"]), {"baseline_value": "1"}),
        (reverse("reports:indicator-adopt", args=[code]), {"indicators": []}),
        (reverse("reports:indicator-manual", args=[code, "SATISFACTION"]), {"year": YEAR, "value": "1"}),
        (reverse("reports:indicator-remove", args=[code, "LOW_RESULTS_SHARE"]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == status, url
    assert list(IndicatorTarget.objects.values_list("pk", "target")) == before
    assert AdoptedIndicator.objects.count() == 3 and not ManualValue.objects.exists()
    if status == 403:  # readers see the table without the edit controls
        content = client.get(list_url(world.municipality)).content.decode()
        assert 'name="target"' not in content and "Принять из каталога" not in content
