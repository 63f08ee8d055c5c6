"""Kinds 3, 4 and 5 for the demo (load_demo): the analytical report, the registry list with mentors and the
assessment tables of Октябрьский район 2020 and Городецкий район 2021 open as PDF (text with the names and numbers
of the data, a sane number of A4 pages) and as .xlsx (opened back with openpyxl: the same content, number formats,
frozen header, print titles). One test: the demo takes a quarter of a minute to load."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from registry.models import Municipality, School
from reports.assessments.aggregates import results_rows
from reports.assessments.models import Procedure
from reports.documents import document_for

from .builders import pdf_info, pdf_text

pytestmark = pytest.mark.django_db


def words(content: bytes) -> str:
    """The PDF's text with every run of white space (line ends, layout gaps, no-break spaces) as one space."""
    return " ".join(pdf_text(content).replace("\u00a0", " ").split())


def sheet_values(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    ws = workbook.active
    return ws, [value for row in ws.iter_rows(values_only=True) for value in row if value is not None]


def pages(content: bytes) -> int:
    info = pdf_info(content)
    assert info["Page size"].startswith(("595", "841"))  # A4, portrait or landscape
    return int(info["Pages"])


def check_analytical(oktyabrsky, gorodets):
    document = document_for("analytical", oktyabrsky, 2020)
    html = document.html()
    assert html.count('class="chart chart-line"') >= 1  # the indicators' SVG, inline in the page WeasyPrint reads
    pdf = document.pdf()
    text = words(pdf)
    assert "АНАЛИТИЧЕСКАЯ СПРАВКА" in text and "Октябрьский район, 2020 год (по состоянию на 31.12.2020)" in text
    for expected in (
        "В 2020 году сопровождались 3 школы с низкими образовательными результатами",
        "МКОУ «Чемашинская СОШ» на 2020-2021 годы» на 31.12.2020 в 2020 году учтено 10 сроков исполнения",
        "выполнено 3 из 10 (30,0 %)",
        "Раздел «1. Нормативно-правовые мероприятия»: выполнено 2 из 5, не начато 1, просрочено 2.",
        "В 2020 году действовали 3 соглашения о сетевом взаимодействии",
        # …then «(школа-наставник)», which a line may break at its hyphen.
        "Соглашение от 25.05.2020 между МКОУ «Чемашинская СОШ» и МКОУ «Перегребинская СОШ №1»",
        "В 2020 году проведено 6 мероприятий поддержки",
        "Мероприятиями охвачено 3 из 3 школ с низкими образовательными результатами (100,0 %)",
        "МКОУ «Чемашинская СОШ» — 0,472 (2017), 0,473 (2018), 0,406 (2019)",
        "стр. 1 из",
    ):
        assert expected in text, expected
    assert 3 <= pages(pdf) <= 15
    ws, values = sheet_values(document.xlsx())
    title = next(cell for cell in ws["A"][:5] if cell.value == "АНАЛИТИЧЕСКАЯ СПРАВКА")
    assert any(str(r).startswith(f"A{title.row}:") for r in ws.merged_cells.ranges)  # the title across the sheet
    # Many tables, no one table header to repeat: the title row stays in view and heads every printed page.
    assert ws.freeze_panes == f"A{title.row + 1}" and ws.print_title_rows == f"${title.row}:${title.row}"
    texts = [value for value in values if isinstance(value, str)]
    assert "6. Результаты оценочных процедур" in texts
    assert "Мероприятиями охвачено 3 из 3 школ с низкими образовательными результатами (100,0\u00a0%)." in texts
    percent = [c for row in ws.iter_rows() for c in row if c.number_format == "0.0%" and c.value is not None]
    assert percent and all(0 <= c.value <= 1 for c in percent)
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)

    text = words(document_for("analytical", gorodets, 2021).pdf())
    assert "Городецкий район, 2021 год" in text and "В 2021 году сопровождались 14 школ" in text
    assert "Соглашения о наставничестве (сетевом взаимодействии) в 2021 году не действовали" in text
    assert "МБОУ «Средняя школа №18», ЕГЭ, русский язык: средний тестовый балл" in text


def check_registry(oktyabrsky, gorodets):
    document = document_for("registry", oktyabrsky, 2020)
    text = words(document.pdf())
    assert "СПИСОК «ПАРТНЁРОВ» СЕТЕВОГО ВЗАИМОДЕЙСТВИЯ" in text and "Октябрьский район, 2020 год" in text
    for name in ("Хургунова", "Кнотиков", "Воробьев", "Коржов", "Ткач", "Ахременко", "19.06.2020", "20.05.2020"):
        assert name in text, name
    ws, _values = sheet_values(document.xlsx())
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows and ws.freeze_panes
    row = next(row for row in ws.iter_rows(values_only=True) if row[0] == "2.")
    assert row[1] == (
        "Муниципальное казенное общеобразовательное учреждение «Чемашинская средняя общеобразовательная школа»"
    )
    assert row[4].startswith("Муниципальное казенное общеобразовательное учреждение «Перегребинская")
    assert (row[5], row[6], row[7]) == ("Ткач Елена Николаевна", "соглашение от 25.05.2020", "25.05.2020 – …")
    table = document_for("registry", gorodets, 2021).tables()[0]
    assert len(table.rows) == 14 and all(row.values[4] == "" for row in table.rows)  # no agreements in the seed


def check_results(oktyabrsky, gorodets):
    document = document_for("results", oktyabrsky, 2020)
    pdf = document.pdf()
    text = words(pdf)
    assert "1. Анализ результатов ВПР (по параллелям и классам)" in text
    assert "3. Сравнительный анализ результатов ЕГЭ по предметам" in text
    for school in ("МКОУ «Уньюганская СОШ №1»", "МКОУ «Шеркальская СОШ»", "МКОУ «Чемашинская СОШ»"):
        assert school in text
    assert "* — по данным источника" in text
    assert 2 <= pages(pdf) <= 10
    workbook = load_workbook(io.BytesIO(document.xlsx()))
    rows = [row for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)]
    # Таблица 7, Уньюганская, 2017, математика 5 класс: max 20, quality 60 %, success 90 %; class 5а: 22, 14, 4,2.
    assert ("2017*", "Математика", "5", None, 20, None, None, 0.6, 0.9) in rows
    assert ("2017*", "Математика", "5а", 22, None, 14, 4.2, None, None) in rows
    # Таблица 9, Шеркальская, русский язык 2018, 5 класс: 9 wrote it, 78 % confirmed, 0 raised, 22 lowered.
    assert ("2018*", "5", 9, 0.78, 0, 0.22) in [row[:6] for row in rows]
    # Таблица 12, Чемашинская, русский язык 2018: 2 graduates, mean 71, best 72.
    assert ("2018*", 2, 71, 72) in [row[:4] for row in rows]
    vpr = list(workbook["ВПР"].iter_rows(values_only=True))
    assert not any(row[0] == "2018*" and row[1] == "Математика" and row[2] == "6" and row[3] == 16 for row in vpr)

    document = document_for("results", gorodets, 2021)
    ws = load_workbook(io.BytesIO(document.xlsx()))["ВПР"]
    expected = results_rows(municipality=gorodets, year=2021, procedure=Procedure.VPR)
    first = next(row for row in expected if row["school"] == "sh-18")
    rows = list(ws.iter_rows(values_only=True))
    caption = rows.index((School.objects.get(code="sh-18").short_name,) + (None,) * 8)
    work = ("2021", first["subject"], str(first["grade"]))
    line = next(row for row in rows[caption:] if row[:3] == work)
    assert line[3] == first["participants"] and Decimal(str(line[6])) == Decimal(str(first["mean_mark"]))
    assert Decimal(str(line[7])) * 100 == Decimal(str(first["quality_pct"]))
    assert "2021" in words(document.pdf())


def test_the_demo_documents_of_kinds_3_to_5_open_as_pdf_and_xlsx():
    call_command("load_demo", stdout=io.StringIO())
    oktyabrsky, gorodets = Municipality.objects.get(code="oktyabrsky"), Municipality.objects.get(code="gorodets")
    check_analytical(oktyabrsky, gorodets)
    check_registry(oktyabrsky, gorodets)
    check_results(oktyabrsky, gorodets)
