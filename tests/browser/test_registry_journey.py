"""Main journeys in headless Chromium: sign in, find a school, edit it; an outsider gets 404."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_coordinator_filters_the_registry_and_edits_a_school(
    live_server, page, sign_in, coordinator, world, output_path
):
    sign_in("coordinator")
    expect(page.get_by_role("heading", name="Реестр года")).to_be_visible()
    page.get_by_role("link", name="Реестр", exact=True).click()
    expect(page.get_by_role("heading", name="Реестр школ")).to_be_visible()

    page.get_by_label("Учебный год").select_option("2019")
    page.get_by_label("Статус").select_option("shnor")
    expect(page.locator("#registry-table tbody tr")).to_have_count(1)  # htmx swapped the table in
    assert "status=shnor" in page.url
    page.get_by_role("link", name="МКОУ «Чемашинская СОШ»").click()
    expect(page.get_by_text("приказ №1576 от 02.12.2019").first).to_be_visible()

    page.get_by_role("link", name="Редактировать").click()
    page.get_by_label("Электронная почта").fill("не адрес")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Введите правильный адрес электронной почты.")).to_be_visible()
    page.get_by_label("Электронная почта").fill("chemashi@example.org")
    page.get_by_label("Директор").fill("Петрова Анна Ивановна")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Изменения сохранены.")).to_be_visible()
    page.get_by_role("link", name="История изменений").click()
    expect(page.get_by_text("Петрова Анна Ивановна")).to_be_visible()
    page.screenshot(path=str(output_path / "coordinator-history.png"), full_page=True)

    world.school.refresh_from_db()
    assert world.school.director == "Петрова Анна Ивановна"


def test_principal_sees_only_their_school(live_server, page, sign_in, principal, world, output_path):
    sign_in("principal")
    expect(page.get_by_role("heading", name="Моя школа")).to_be_visible()
    page.screenshot(path=str(output_path / "principal-dashboard.png"), full_page=True)
    response = page.goto(f"{live_server.url}/registry/schools/andra/")
    assert response.status == 404
