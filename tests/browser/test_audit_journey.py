"""The audit trail in headless Chromium: a coordinator's edit shows in «Журнал изменений», filtered by kind."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_coordinator_finds_an_edit_in_the_audit_trail(live_server, page, sign_in, coordinator, world, output_path):
    sign_in("coordinator")
    page.goto(f"{live_server.url}/registry/schools/chemashi/edit/")
    page.get_by_label("Директор").fill("Петрова Анна Ивановна")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Изменения сохранены.")).to_be_visible()

    page.get_by_role("link", name="Журнал изменений").click()
    page.get_by_label("Вид объекта").select_option("registry.school")
    page.get_by_role("button", name="Показать").click()
    row = page.locator("#audit-entries tbody tr").first
    expect(row).to_contain_text("МКОУ «Чемашинская СОШ»")
    expect(row.locator("ins")).to_contain_text("Петрова Анна Ивановна")
    page.screenshot(path=str(output_path / "coordinator-audit-trail.png"), full_page=True)
