"""Kind 1, the plan annex: numbering and sections exactly as in the plan, the seeds' columns and header blocks, a
PDF that is A4 landscape with repeated headers, page numbers and embedded Cyrillic fonts, and the same content in
.xlsx."""

import io
import re

import pytest
from openpyxl import load_workbook

from reports.documents import DocumentUnavailable, document_for
from reports.documents.plan import AMOUNTS_GROUP, PlanAnnex
from roadmaps.models import Activity, Level, PlanStatus, Section

from .builders import make_plan, pdf_fonts, pdf_info, pdf_text

pytestmark = pytest.mark.django_db


def test_it_prints_sections_and_activities_with_their_numbers_as_written(world, django_assert_max_num_queries):
    plan = make_plan(world.municipality, sections=2, per_section=2)
    Section.objects.filter(plan=plan, order=2).update(number="II.")  # a Roman section after an Arabic one
    document = PlanAnnex(world.municipality, 2021, plan)
    with django_assert_max_num_queries(3):
        table = document.tables()[0]
    assert [column.title for column in table.columns] == [
        "№ п/п",
        "Наименование мероприятия",
        "Сроки исполнения",
        "Ответственные",
        "Ожидаемый результат",
    ]
    assert [(row.section, row.values[0]) for row in table.rows] == [
        (True, "1."),
        (False, "1.1"),
        (False, "1.2"),
        (True, "II."),
        (False, "2.1"),
        (False, "2.2"),
    ]
    assert table.rows[1].values[2:] == [
        "Октябрь-ноябрь 2020г",
        "УМЦ управления образования",
        "Обучились 10 % руководителей",
    ]


def test_a_plan_without_numbers_has_no_number_column(world):
    plan = make_plan(world.municipality, numbered=False)
    table = PlanAnnex(world.municipality, 2021, plan).tables()[0]
    assert table.columns[0].title == "Наименование мероприятия"
    assert table.rows[0].values == ["", "Раздел 1: поддержка школ"] and table.rows[0].section


def test_a_stage_row_keeps_its_own_deadline_and_responsible(world):
    plan = make_plan(world.municipality, sections=1, per_section=1)
    Section.objects.filter(plan=plan).update(deadline_text="февраль – март 2018 год", responsible="Комитет")
    row = PlanAnnex(world.municipality, 2021, plan).tables()[0].rows[0]
    assert row.section and row.values == ["1.", "Раздел 1: поддержка школ", "февраль – март 2018 год", "Комитет", ""]


def test_the_header_names_the_order_and_the_approval(world):
    plan = make_plan(world.municipality)
    html = PlanAnnex(world.municipality, 2021, plan).html()
    assert "Приложение 1" in html
    assert "к приказу от 04.09.2020 № 400а/п" in html
    assert "УТВЕРЖДЕНО" in html and "Управление образования администрации района" in html
    assert "Руководитель органа управления образованием" in html  # the signature lines


def test_a_draft_is_printed_as_a_draft(world):
    plan = make_plan(world.municipality, status=PlanStatus.DRAFT)
    html = PlanAnnex(world.municipality, 2021, plan).html()
    assert "ПРОЕКТ" in html and "УТВЕРЖДЕНО" not in html


def test_the_pdf_is_a4_landscape_with_the_plan_text_repeated_headers_and_page_numbers(world):
    plan = make_plan(world.municipality, sections=4, per_section=12)
    content = PlanAnnex(world.municipality, 2021, plan).pdf()
    info = pdf_info(content)
    pages = int(info["Pages"])
    assert pages >= 2
    assert info["Page size"] == "841.89 x 595.276 pts (A4)"  # landscape: wider than high
    text = pdf_text(content)
    for number in ("1.1", "2.7", "4.12"):
        assert number in text
    assert "Проведение семинара-практикума «Формирующее оценивание" in text
    for page in range(1, pages + 1):
        page_text = pdf_text(content, page)
        assert "Наименование мероприятия" in page_text  # the header on every page
        assert f"стр. {page} из {pages}" in page_text
    fonts = pdf_fonts(content)
    assert fonts and all(font[-5] == "yes" for font in fonts)  # every font embedded («emb»)
    assert any("PT-Sans" in font[0] for font in fonts)


def test_a_row_is_never_split_across_pages(world):
    plan = make_plan(world.municipality, sections=3, per_section=15)
    content = PlanAnnex(world.municipality, 2021, plan).pdf()
    pages = int(pdf_info(content)["Pages"])
    seen = []
    for page in range(1, pages + 1):
        text = pdf_text(content, page)
        # Each activity's result sits on its row's first line: a row cut in two would leave its number on one page
        # and the rest of its name («(s.a)») on the next.
        seen.extend(number for number in (f"({s}.{a})" for s in range(1, 4) for a in range(1, 16)) if number in text)
    assert len(seen) == len(set(seen)) == 45


def test_the_workbook_has_the_same_rows(world):
    plan = make_plan(world.municipality, sections=2, per_section=2)
    workbook = load_workbook(io.BytesIO(PlanAnnex(world.municipality, 2021, plan).xlsx()))
    ws = workbook.active
    values = [[cell for cell in row] for row in ws.iter_rows(values_only=True)]
    numbers = [row[0] for row in values]
    assert ["1.", "1.1", "1.2", "2.", "2.1", "2.2"] == [n for n in numbers if n and n[0].isdigit()]
    assert ws.page_setup.orientation == "landscape"
    header = numbers.index("№ п/п") + 1
    assert ws.freeze_panes == f"A{header + 1}" and ws.print_title_rows == f"${header}:${header}"
    section = numbers.index("1.") + 1
    assert f"B{section}:E{section}" in {str(r) for r in ws.merged_cells.ranges}


def test_it_picks_the_approved_plan_of_the_highest_level_covering_the_year(world):
    make_plan(world.municipality, title="Школьный", level=Level.SCHOOL, school=world.school)
    municipal = make_plan(world.municipality, title="Муниципальный")
    make_plan(world.municipality, title="Черновик", status=PlanStatus.DRAFT)
    make_plan(world.municipality, title="Другой период", period=(2023, 2024))
    assert document_for("plan", world.municipality, 2021).plan == municipal
    assert document_for("plan", world.region, 2021).plan == municipal
    with pytest.raises(DocumentUnavailable, match="нет утверждённого плана, действующего в 2022 году"):
        document_for("plan", world.municipality, 2022)


def test_a_plan_of_another_unit_is_refused(world):
    plan = make_plan(world.far)
    with pytest.raises(DocumentUnavailable, match="не относится"):
        document_for("plan", world.municipality, 2021, plan)
    with pytest.raises(DocumentUnavailable, match="Неизвестный вид документа"):
        document_for("poster", world.municipality, 2021)


def funded_plan(world):
    """Seed 003's plan annex: a funding source and amounts per year, «x» where the year does not apply."""
    plan = make_plan(world.municipality, sections=1, per_section=3, period=(2018, 2021))
    first, second, _third = Activity.objects.filter(section__plan=plan).order_by("order")
    first.funding_source = "внебюджетные средства"
    first.funding = {"2018": "150000.50", "2019": "x", "2021": "1200.00"}
    first.save()
    second.funding = {"2018": "x", "2019": "x", "2021": "x"}
    second.save()
    return plan


def test_a_plan_with_funding_has_the_funding_columns_under_a_grouped_header(world):
    table = PlanAnnex(world.municipality, 2021, funded_plan(world)).tables()[0]
    assert [column.title for column in table.columns] == [
        "№ п/п",
        "Наименование мероприятия",
        "Сроки исполнения",
        "Ответственные",
        "Источник финансирования",
        "2018",
        "2019",
        "2021",
        "Ожидаемый результат",
    ]
    top, years = table.header_rows()
    assert [(cell.title, cell.colspan) for cell in top][5] == (AMOUNTS_GROUP, 3)
    assert [cell.title for cell in years] == ["2018", "2019", "2021"]
    html = str(table.html())
    assert re.search(r"150\s000,50", html) and re.search(r"1\s200,00", html)  # with a thin space between thousands


def test_the_funding_columns_are_in_the_pdf_and_the_workbook(world):
    document = PlanAnnex(world.municipality, 2021, funded_plan(world))
    content = document.pdf()
    assert pdf_info(content)["Page size"] == "841.89 x 595.276 pts (A4)"
    text = " ".join(pdf_text(content).split())
    # Header cells wrap in their narrow columns: their words, then the years and each row's cells in order.
    for expected in ("Источник", "финансирования", "Объем средств", "(рублей)", "2018 2019 2021", "внебюджетные"):
        assert expected in text
    assert "150 000,50 x 1 200,00" in text and "x x x" in text
    ws = load_workbook(io.BytesIO(document.xlsx())).active
    values = [list(row) for row in ws.iter_rows(values_only=True)]
    top = next(index for index, row in enumerate(values) if row[0] == "№ п/п")
    assert values[top][4:6] == ["Источник финансирования", AMOUNTS_GROUP]
    assert values[top + 1][5:8] == ["2018", "2019", "2021"]
    assert f"F{top + 1}:H{top + 1}" in {str(r) for r in ws.merged_cells.ranges}
    first = next(row for row in values if row[0] == "1.1")
    assert first[4:8] == ["внебюджетные средства", 150000.5, "x", 1200]
    assert ws.page_setup.orientation == "landscape"


def test_a_plan_without_funding_keeps_the_plain_layout(world):
    table = PlanAnnex(world.municipality, 2021, make_plan(world.municipality)).tables()[0]
    assert table.header is None and len(table.columns) == 5
