"""«Целевые показатели» in headless Chromium: the coordinator opens the table from the menu, drills into one
indicator's numerator list, sets the year's target in the table and sees met / not met change."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from reports.indicators.models import AdoptedIndicator, Indicator, IndicatorTarget
from reports.indicators.services import recalculate
from support.models import EventSchool, SupportEvent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_coordinator_drills_into_an_indicator_and_changes_its_target(
    live_server, page, sign_in, coordinator, world, output_path
):
    # chemashi, the only school of the 2020 registry, had a seminar: METH_SUPPORT_SHARE = 1 / 1 = 100,0 %.
    event = SupportEvent.objects.create(
        municipality=world.municipality, type="seminar", start=dt.date(2020, 3, 1), topic="Семинар"
    )
    EventSchool.objects.create(event=event, school=world.school)
    adopted = AdoptedIndicator.objects.create(
        municipality=world.municipality, indicator=Indicator.objects.get(code="METH_SUPPORT_SHARE")
    )
    IndicatorTarget.objects.create(adopted=adopted, year=2020, target=90)
    recalculate([world.municipality.pk], [2020])

    sign_in("coordinator")
    page.get_by_role("link", name="Целевые показатели").first.click()
    expect(page.get_by_role("heading", name="Целевые показатели: Октябрьский район")).to_be_visible()
    page.get_by_label("Год").select_option("2020")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_role("heading", name="Целевые показатели: Октябрьский район, 2020")).to_be_visible()
    row = page.locator("#indicator-METH_SUPPORT_SHARE")
    expect(row).to_contain_text("100,0")
    expect(row.locator(".indicator-met")).to_have_text("✓ выполнен")

    row.get_by_role("link", name="METH_SUPPORT_SHARE").click()
    numerator = page.locator("#indicator-numerator")
    expect(numerator).to_contain_text("Учтено в числителе")
    expect(page.locator("svg[role=img]")).to_have_count(1)  # the dynamics chart
    page.screenshot(path=str(output_path / "indicator.png"), full_page=True)
    numerator.get_by_role("link", name="МКОУ «Чемашинская СОШ»").click()
    expect(page.get_by_role("heading", name="МКОУ «Чемашинская СОШ»").first).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="Целевые показатели: Октябрьский район, 2020").click()

    # A target above the actual value: not met, in the row itself (htmx), without a recalculation.
    row = page.locator("#indicator-METH_SUPPORT_SHARE")
    row.get_by_label("Цель показателя METH_SUPPORT_SHARE на 2020").fill("100,5")
    row.get_by_role("button", name="ОК").click()
    expect(page.locator("#indicator-METH_SUPPORT_SHARE .indicator-met")).to_have_text("✗ не выполнен")
    assert IndicatorTarget.objects.get(adopted=adopted, year=2020).target == 100.5

    # And back under it: met again; the table still says so after a reload.
    row = page.locator("#indicator-METH_SUPPORT_SHARE")
    row.get_by_label("Цель показателя METH_SUPPORT_SHARE на 2020").fill("100")
    row.get_by_role("button", name="ОК").click()
    expect(page.locator("#indicator-METH_SUPPORT_SHARE .indicator-met")).to_have_text("✓ выполнен")
    page.reload()
    expect(page.locator("#indicator-METH_SUPPORT_SHARE .indicator-met")).to_have_text("✓ выполнен")
    page.screenshot(path=str(output_path / "indicators.png"), full_page=True)
