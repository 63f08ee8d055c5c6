"""Kind 1, the plan annex: numbering and sections exactly as in the plan, the seeds' columns and header blocks, a
PDF that is A4 landscape with repeated headers, page numbers and embedded Cyrillic fonts, and the same content in
.xlsx."""

import io

import pytest
from openpyxl import load_workbook

from reports.documents import DocumentUnavailable, document_for
from reports.documents.plan import PlanAnnex
from roadmaps.models import Level, PlanStatus, Section

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
