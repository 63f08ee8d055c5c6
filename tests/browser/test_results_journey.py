"""The results wizard in headless Chromium: a bad file is shown with its problems, a good one is previewed,
confirmed, recalculated and appears on the campaign page."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]
HEADER = "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Отметка;Отметка по журналу"


def test_coordinator_imports_results_after_fixing_the_file(live_server, page, sign_in, coordinator, world, tmp_path):
    bad = tmp_path / "vpr-bad.csv"
    bad.write_text(f"{HEADER}\n2021;ВПР;Русский язык;5;chemashi;5а;A1;30;7;4\n", encoding="utf-8")
    good = tmp_path / "vpr.csv"
    good.write_text(
        f"{HEADER}\n2021;ВПР;Русский язык;5;chemashi;5а;A1;30;4;4\n2021;ВПР;Русский язык;5;chemashi;5б;A2;9;2;3\n",
        encoding="windows-1251",
    )
    sign_in("coordinator")
    page.goto(f"{live_server.url}/reports/results/import/")
    page.get_by_label("Файл результатов (.xlsx или .csv)").set_input_files(str(bad))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_text("вне диапазона 2–5").first).to_be_visible()  # the grouped line; the fold holds the row
    expect(page.get_by_role("button", name="Подтвердить и записать")).to_have_count(0)

    page.goto(f"{live_server.url}/reports/results/import/")
    page.get_by_label("Файл результатов (.xlsx или .csv)").set_input_files(str(good))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_text("ВПР 2021. Русский язык, 5 класс").first).to_be_visible()
    page.get_by_role("button", name="Подтвердить и записать").click()
    expect(page.get_by_text("последний пересчёт")).to_be_visible(timeout=15_000)
    # What the file wrote, as links: the campaign's table once recalculated, the school's results.
    written = page.locator(".written")
    expect(written.get_by_role("link", name="ВПР 2021. Русский язык, 5 класс")).to_be_visible(timeout=15_000)
    expect(written.get_by_role("link", name="МКОУ «Чемашинская СОШ»")).to_be_visible()

    page.goto(f"{live_server.url}/reports/results/")
    page.get_by_role("link", name="Русский язык").first.click()
    expect(page.get_by_role("link", name="МКОУ «Чемашинская СОШ»")).to_be_visible()
    expect(page.get_by_text("5б класс")).to_be_visible()
