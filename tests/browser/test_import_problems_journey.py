"""A file of another municipality's schools in headless Chromium: one grouped line naming the school and its
municipality, the per-row list behind «показать все», the problems as .xlsx; and the school's results tab with its
table of numbers beside the charts."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]
HEADER = "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Отметка;Отметка по журналу"


def test_a_file_of_another_municipality_says_it_once(
    live_server, page, sign_in, coordinator, world, tmp_path, output_path
):
    far = tmp_path / "dubensky.csv"
    far.write_text(
        HEADER + "\n" + "".join(f"2021;ВПР;Русский язык;5;novopavshino;5а;P{n};20;3;3\n" for n in range(120)),
        encoding="utf-8",
    )
    sign_in("coordinator")
    page.goto(f"{live_server.url}/reports/results/import/")
    page.get_by_label("Файл результатов (.xlsx или .csv)").set_input_files(str(far))
    page.get_by_role("button", name="Проверить файл").click()

    expect(page.locator("#all-outside")).to_contain_text("Все строки файла (120) относятся к школам вне вашей зоны")
    expect(page.locator("#all-outside")).to_contain_text("Дубенский район")
    groups = page.locator(".problem-groups li")
    expect(groups).to_have_count(1)
    expect(groups).to_have_text(
        "Код ОО: Школа МКОУ Новопавшинская ООШ (Дубенский район) не входит в вашу зону: 120 строк, строки 2–121"
    )
    # The rows are folded away until asked for: the page is one screen, not 120 lines.
    rows = page.locator("details.all-problems tbody tr")
    expect(rows.first).to_be_hidden()
    page.screenshot(path=str(output_path / "grouped-problems.png"), full_page=True)
    assert page.evaluate("document.body.scrollHeight") < 1500
    page.get_by_text("показать все (120)").click()
    expect(rows).to_have_count(120)
    expect(rows.first).to_be_visible()
    # The problems as .xlsx, every row.
    with page.expect_download() as info:
        page.get_by_role("link", name="Ошибки в .xlsx").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    numbered = [row for row in sheet.iter_rows(values_only=True) if isinstance(row[2], int)]
    assert len(numbered) == 120 and numbered[0][2] == 2 and "Новопавшинская" in numbered[0][0]


def test_the_results_tab_shows_the_numbers_beside_the_charts(
    live_server, page, sign_in, principal, world, tmp_path, output_path
):
    path = tmp_path / "vpr.csv"
    lines = [HEADER.replace("Класс;", "")]
    for year, marks in ((2021, (4, 2)), (2022, (5, 5, 3))):
        lines += [f"{year};ВПР;Математика;5;chemashi;M{year}{n};10;{m};{m}" for n, m in enumerate(marks)]
    lines.append("2022;ВПР;Русский язык;6;chemashi;R1;10;4;4")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("import_results", str(path), stdout=io.StringIO())

    sign_in("principal")
    page.goto(f"{live_server.url}/reports/schools/chemashi/results/")
    maths = page.locator("section.result-section").filter(has_text="ВПР. Математика")
    table = maths.locator("table.results-by-year")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(3)  # the grade's heading and two years
    expect(table).to_contain_text("3,00")  # 2021: mean mark
    expect(table).to_contain_text("4,33")  # 2022
    expect(maths.locator("svg.chart-line")).to_be_visible()
    expect(maths.locator("svg.chart-line text.axis-caption")).to_have_count(2)
    # Beside, not below: the table and the chart share a row on a wide screen.
    table_box, chart_box = table.bounding_box(), maths.locator("svg.chart-line").bounding_box()
    assert chart_box["x"] > table_box["x"] + table_box["width"] - 1 and abs(chart_box["y"] - table_box["y"]) < 200
    russian = page.locator("section.result-section").filter(has_text="ВПР. Русский язык")
    expect(russian.locator(".single-year")).to_contain_text("Результаты только за один год (2022)")
    expect(russian.locator("svg.chart-line")).to_have_count(0)
    page.screenshot(path=str(output_path / "results-tab.png"), full_page=True)
