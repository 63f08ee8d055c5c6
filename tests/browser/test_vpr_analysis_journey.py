"""The ВПР analysis in headless Chromium: the coordinator uploads a ФИС ОКО «Статистика по отметкам» report in the
wizard, opens the campaign's analysis, sorts the schools by the dynamics of «2» and opens one school's histogram."""

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from reports.assessments.aggregates import recalculate
from reports.assessments.models import AggregatedResult, Campaign, ParticipantResult, Subject

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def statistics_report(path):
    """A report as ФИС ОКО gives it: title rows, the country, region and municipality, then schools by login."""
    book = Workbook()
    sheet = book.active
    for row in [
        ["Всероссийские проверочные работы 2025 (6 класс)"],
        ["Предмет: История"],
        ["Дата: 22.04.2025"],
        ["Статистика по отметкам"],
        ["Максимальный первичный балл: 20"],
        ["Группы участников", "Кол-во ОО", "Кол-во уч.", "Распределение групп баллов в %", None, None, None],
        [None, None, None, "2", "3", "4", "5"],
        ["Вся выборка", 30512, 1234567, "11,52", "40,31", "35,12", "13,05"],
        ["Ханты-Мансийский автономный округ — Югра", 287, 20433, "9,8", "41,2", "36,4", "12,6"],
        ["Октябрьский район", 11, 412, "14,08", "44,9", "31,55", "9,47"],
        ["   (sch860125) МКОУ «Чемашинская СОШ»", 1, 8, "12,5", "50", "25", "12,5"],
        ["   (sch860130) МКОУ «Андринская СОШ»", 1, 8, "37,5", "50", "12,5", "0"],
    ]:
        sheet.append(row)
    sheet.merge_cells("D6:G6")
    book.save(path)
    return str(path)


@pytest.fixture
def last_year_and_a_protocol(world):
    """Last year: one «2» in ten at each school. This year the mentor school has a protocol with primary scores."""
    world.school.__class__.objects.filter(pk=world.school.pk).update(fis_oko_login="sch860125")
    world.school.__class__.objects.filter(pk=world.second_school.pk).update(fis_oko_login="sch860130")
    history = Subject.objects.get(name="История")
    before = Campaign.objects.create(procedure="ВПР", year=2024, subject=history, grade=6)
    for school in (world.school, world.second_school, world.mentor_school):
        AggregatedResult.objects.create(
            campaign=before, school=school, participants=10, marks_2=1, marks_3=5, marks_4=3, marks_5=1
        )
    now = Campaign.objects.create(procedure="ВПР", year=2025, subject=history, grade=6, scale_3=6, scale_4=11)
    works = [(5, 2, 1), (6, 3, 4), (8, 3, 2), (11, 4, 3), (15, 5, 1)]
    ParticipantResult.objects.bulk_create(
        ParticipantResult(
            campaign=now, school=world.mentor_school, participant=f"p-{score}-{n}", primary_score=score, mark=mark
        )
        for score, mark, count in works
        for n in range(count)
    )
    recalculate([before.pk, now.pk])
    return now


def test_coordinator_sorts_schools_by_the_dynamics_and_opens_a_histogram(
    live_server, page, sign_in, coordinator, last_year_and_a_protocol, tmp_path, output_path
):
    report = statistics_report(tmp_path / "statistika.xlsx")
    sign_in("coordinator")
    page.goto(f"{live_server.url}/reports/results/import/")
    page.get_by_label("Файл результатов (.xlsx или .csv)").set_input_files(report)
    page.get_by_role("button", name="Проверить файл").click()
    page.get_by_role("button", name="Подтвердить и записать").click()
    expect(page.get_by_text("последний пересчёт")).to_be_visible(timeout=15_000)

    page.goto(f"{live_server.url}/reports/results/")
    page.get_by_role("link", name="История").first.click()
    page.get_by_role("link", name="Анализ ВПР").click()
    expect(
        page.get_by_role("heading", name="Анализ ВПР: ВПР 2025. История, 6 класс, Октябрьский район")
    ).to_be_visible()

    table = page.locator("table.vpr-schools")
    page.get_by_role("link", name="Динамика «2», п. п.").click()  # ascending first
    expect(table.locator("tbody tr").first).to_contain_text("Перегребинская")  # 11.1 − 10.0 = +1.1
    page.get_by_role("link", name="Динамика «2», п. п. ▲").click()  # the same column again: descending
    first = table.locator("tbody tr").first
    expect(first).to_contain_text("Андринская")  # 37.5 − 10.0 = +27.5
    expect(first).to_contain_text("отрицательная динамика")
    assert "sort=dynamics" in page.url and "dir=desc" in page.url  # htmx pushed the sorted address

    page.get_by_role("link", name="МКОУ «Перегребинская СОШ №1»").click()
    expect(page.get_by_role("heading", name="Распределение первичных баллов")).to_be_visible()
    histogram = page.locator("svg.chart-histogram")
    expect(histogram).to_be_visible()
    expect(page.locator("table.boundary-peaks")).to_contain_text("4")  # n(6) = 4 against n(5) = 1
    expect(page.get_by_role("rowheader", name="Россия (ФИС ОКО)")).to_be_visible()  # the references beside it
    page.screenshot(path=str(output_path / "vpr-analysis-school.png"), full_page=True)
