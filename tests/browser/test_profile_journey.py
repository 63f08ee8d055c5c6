"""A principal fills in the school's profile of the year in the browser and sees the derived percentages."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def test_principal_fills_in_the_profile_and_copies_it_forward(
    live_server, page, sign_in, principal, world, output_path
):
    sign_in("principal")
    page.get_by_role("link", name="МКОУ «Чемашинская СОШ»").first.click()
    page.get_by_role("link", name="Профиль года").click()
    expect(page.get_by_text("Профиль за этот год ещё не заполнен.")).to_be_visible()
    page.locator("main").get_by_role("link", name="Редактировать").click()
    page.get_by_label("Общая численность педагогических работников").fill("11")
    page.get_by_label("имеют высшее образование", exact=True).fill("12")
    page.locator("main").get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Больше общей численности педагогов (11).")).to_be_visible()
    page.get_by_label("имеют высшее образование", exact=True).fill("7")
    page.get_by_label("Индекс образовательных результатов (ИОР)").fill("0,406")
    page.locator("main").get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("сохранён")).to_be_visible()
    expect(page.get_by_role("cell", name="63,6")).to_be_visible()
    page.get_by_role("button", name="Скопировать в следующий год").click()
    expect(page.get_by_text("Скопировано в")).to_be_visible()
    page.screenshot(path=str(output_path / "principal-profile.png"), full_page=True)
