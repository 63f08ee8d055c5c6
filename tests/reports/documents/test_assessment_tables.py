"""Kind 5, the assessment tables per school (seed 004 Таблицы 7, 9, 10, 12) from the stored aggregates, with the
published results of works the portal has none of, marked «*»: a bounded number of queries."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from registry.models import Status
from reports.assessments.models import Procedure, PublishedResult, Subject
from reports.documents.assessment_tables import AssessmentTables, school_results
from tests.factories import ListingFactory
from tests.reports.test_school_results_by_year import import_marks

pytestmark = pytest.mark.django_db


@pytest.fixture
def results(world, tmp_path):
    ListingFactory(school=world.school, status=Status.SHNOR, start=dt.date(2020, 9, 1), end=dt.date(2021, 8, 31))
    import_marks(
        tmp_path,
        [
            (2020, "Математика", 5, "chemashi", [3, 3, 4, 2]),  # 4 wrote: mean 3,00, quality 25,0, success 75,0
            (2021, "Математика", 6, "chemashi", [5, 4]),
        ],
    )
    russian = Subject.objects.get(name="Русский язык")
    PublishedResult.objects.create(
        school=world.school,
        procedure=Procedure.EGE,
        year=2019,
        subject=russian,
        grade=11,
        participants=4,
        mean_score=Decimal(49),
        best_score=59,
        source="seed 004, Таблица 12",
    )
    # A published figure of a work the portal has computed is not shown twice.
    maths = Subject.objects.get(name="Математика")
    PublishedResult.objects.create(
        school=world.school,
        procedure=Procedure.VPR,
        year=2020,
        subject=maths,
        grade=5,
        participants=99,
        source="a document",
    )


def test_it_builds_the_vpr_confirmation_and_ege_tables_of_each_school(world, results, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        rows = school_results([world.school], 2021)[world.school.pk]
    assert [(r.procedure, r.year, r.grade, r.participants, r.published) for r in rows] == [
        ("ВПР", 2020, 5, 4, False),
        ("ВПР", 2021, 6, 2, False),
        ("ЕГЭ", 2019, 11, 4, True),
    ]
    assert (rows[0].mean_mark, rows[0].quality, rows[0].success, rows[0].confirmed) == (3.0, 25.0, 75.0, 100.0)
    document = AssessmentTables(world.municipality, 2021)
    vpr, confirmation, ege = document.tables()
    assert [t.caption for t in (vpr, confirmation, ege)] == [
        "1. Анализ результатов ВПР (по параллелям и классам)",
        "2. Результаты ВПР и отметки по журналу: подтвердили, повысили, понизили",
        "3. Сравнительный анализ результатов ЕГЭ по предметам",
    ]
    assert vpr.rows[0].section and vpr.rows[0].values == ["", "МКОУ «Чемашинская СОШ»"]
    assert vpr.rows[1].values[:4] == ["2020", "Математика", "5", 4]
    assert [row.values for row in confirmation.rows[:3]] == [
        ["", "МКОУ «Чемашинская СОШ»"],
        ["", "Математика"],
        ["2020", "5", 4, 100.0, 0.0, 0.0],
    ]
    assert [row.values for row in ege.rows] == [
        ["", "МКОУ «Чемашинская СОШ»"],
        ["", "Русский язык"],
        ["2019*", 4, Decimal(49), 59],
    ]
    assert "* — по данным источника (результаты, опубликованные в документах)" in document.built["subtitle_lines"]
    workbook = load_workbook(io.BytesIO(document.xlsx()))
    assert workbook.sheetnames == ["ВПР", "ВПР, отметки", "ЕГЭ"]
    for ws in workbook.worksheets:  # each sheet freezes and prints its own header
        assert ws.freeze_panes and ws.print_title_rows and ws.page_setup.orientation == "landscape"
        assert ws["A1"].value == "РЕЗУЛЬТАТЫ ОЦЕНОЧНЫХ ПРОЦЕДУР"
    ws = workbook["ВПР"]
    values = list(ws.iter_rows(values_only=True))
    line = next(row for row in values if row[:3] == ("2020", "Математика", "5"))
    assert (line[3], line[6], line[7], line[8]) == (4, 3, 0.25, 0.75)
    formats = {cell.number_format for row in ws.iter_rows() for cell in row if isinstance(cell.value, float)}
    assert "0.0%" in formats
    assert ("МКОУ «Чемашинская СОШ»",) + (None,) * 8 in values  # the school's row, merged across the sheet


def test_a_year_without_results_says_so(world):
    (table,) = AssessmentTables(world.municipality, 2030).tables()
    assert table.rows == [] and "нет" in table.empty_text
