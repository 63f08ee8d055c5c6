"""The school's results year by year on its «Results» tab: a table per work with the differences, and the
distribution of marks per campaign as a chart."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.assessments.school_years import school_results_by_year
from tests.test_csp import assert_csp_clean

pytestmark = pytest.mark.django_db
HEAD = "Год;Процедура;Предмет;Параллель;Код ОО;Код участника;Первичный балл;Отметка;Отметка по журналу\n"


def tab(code="chemashi"):
    return reverse("reports:school-results-tab", kwargs={"code": code})


def import_marks(tmp_path, rows):
    """rows: (year, subject, grade, school, [marks])."""
    lines = [HEAD]
    for year, subject, grade, school, marks in rows:
        for number, mark in enumerate(marks):
            lines.append(f"{year};ВПР;{subject};{grade};{school};{school}{year}{grade}{number};10;{mark};{mark}\n")
    path = tmp_path / f"vpr-{len(lines)}.csv"
    path.write_text("".join(lines), encoding="utf-8")
    call_command("import_results", str(path), stdout=io.StringIO())


@pytest.fixture
def three_years(world, tmp_path):
    import_marks(
        tmp_path,
        [
            (2021, "Математика", 5, "chemashi", [4, 2]),  # 2: mean 3,00; успеваемость 50,0; качество 50,0
            (2022, "Математика", 5, "chemashi", [5, 5, 3]),  # 3: mean 4,33; 100,0; 66,7
            (2023, "Математика", 5, "chemashi", [2]),  # 1: mean 2,00; 0,0; 0,0
            (2022, "Русский язык", 6, "chemashi", [3, 4]),  # one year only: nothing to compare with
            (2022, "Математика", 5, "andra", [5, 5, 5, 5]),  # another school: not counted here
        ],
    )


def test_it_counts_each_work_year_by_year_with_the_differences(world, three_years):
    works = school_results_by_year(world.school)
    assert [(w.procedure, w.subject, w.grade) for w in works] == [("ВПР", "Математика", 5), ("ВПР", "Русский язык", 6)]
    maths = works[0]
    assert [row.year for row in maths.rows] == [2021, 2022, 2023]
    assert [row.participants.text for row in maths.rows] == ["2", "3", "1"]
    assert [row.participants.delta for row in maths.rows] == [None, 1, -2]
    assert [row.mean.text for row in maths.rows] == ["3,00", "4,33", "2,00"]
    assert [row.mean.delta_text for row in maths.rows] == ["", "+1,33", "−2,33"]
    assert [row.success.text for row in maths.rows] == ["50,0", "100,0", "0,0"]
    assert [row.success.delta_text for row in maths.rows] == ["", "+50,0", "−100,0"]
    assert [row.quality.text for row in maths.rows] == ["50,0", "66,7", "0,0"]
    assert [row.quality.delta_text for row in maths.rows] == ["", "+16,7", "−66,7"]
    assert [row.marks for row in maths.rows] == [(1, 0, 1, 0), (0, 1, 0, 2), (1, 0, 0, 0)]
    (russian,) = works[1].rows
    assert russian.participants.direction is None and russian.mean.text == "3,50"


def test_the_tab_shows_the_table_with_arrows_and_words(client_for, principal, three_years):
    body = client_for(principal).get(tab(), headers={"HX-Request": "true"}).content.decode()
    assert "Результаты по годам" in body and "ВПР. Математика, 5 класс" in body
    assert (
        '<span aria-hidden="true">▲ +1,33</span><span class="visually-hidden">больше на 1,33, чем в 2021</span>' in body
    )
    assert (
        '<span aria-hidden="true">▼ −66,7</span><span class="visually-hidden">меньше на 66,7, чем в 2022</span>' in body
    )


def test_the_tab_draws_the_marks_of_each_campaign(client_for, principal, three_years):
    assert_csp_clean(client_for(principal).get(tab()))  # the whole school page with the inlined SVGs
    body = client_for(principal).get(tab(), headers={"HX-Request": "true"}).content.decode()
    assert body.count('class="chart chart-distribution"') == 2  # Математика and Русский язык
    assert "ВПР, Математика: отметки по работам" in body
    assert "2022, 5 класс: отметка 2 — 0,0 %, отметка 3 — 33,3 %, отметка 4 — 0,0 %, отметка 5 — 66,7 %" in body
    assert ">67 %<" in body and ">33 %<" in body  # the shares written in the bars
    assert "отметка 5" in body


def test_the_tab_costs_a_bounded_number_of_queries(
    client_for, coordinator, world, tmp_path, django_assert_max_num_queries
):
    client = client_for(coordinator)
    client.get(tab())  # warm the session
    import_marks(
        tmp_path,
        [
            (year, subject, grade, "chemashi", [3, 4, 5])
            for year in (2019, 2020, 2021, 2022)
            for subject in (
                "Математика",
                "Русский язык",
                "История",
            )
            for grade in (5, 6, 7)
        ],
    )
    with django_assert_max_num_queries(8):
        response = client.get(tab(), headers={"HX-Request": "true"})
    # A table per procedure and subject, beside its chart; the grades of one subject are row groups of it.
    assert response.content.decode().count('class="table table-sm table-hover w-auto results-by-year"') == 3
    assert len(response.context["works"]) == 9


def test_without_results_there_is_no_table(client_for, principal):
    body = client_for(principal).get(tab(), headers={"HX-Request": "true"}).content.decode()
    assert "Результаты по годам" not in body and "Нет данных" in body


def test_a_hostile_subject_name_stays_text_in_the_table_and_the_charts(client_for, principal, world):
    """Subjects are a reference list an administrator edits: their names reach the charts' titles and bars."""
    from django.utils.html import escape

    from reports.assessments.models import Campaign, SchoolAggregate, Subject

    hostile = "<img src=x onerror=alert(1)>"
    subject = Subject.objects.create(name=hostile)
    for year, marks in ((2021, (1, 1, 0, 0)), (2022, (0, 1, 1, 0))):
        campaign = Campaign.objects.create(procedure="ВПР", year=year, subject=subject, grade=5)
        SchoolAggregate.objects.create(
            campaign=campaign,
            school=world.school,
            participants=sum(marks),
            marks_2=marks[0],
            marks_3=marks[1],
            marks_4=marks[2],
            marks_5=marks[3],
            mark_sum=2 * marks[0] + 3 * marks[1] + 4 * marks[2] + 5 * marks[3],
            marked=sum(marks),
        )
    for headers in ({}, {"HX-Request": "true"}):
        body = client_for(principal).get(tab(), headers=headers).content.decode()
        assert "<img src=x" not in body
        assert escape(hostile) in body
        assert body.count('class="chart chart-distribution"') == 1 and "▲ +1,00" in body


def test_the_numbers_stand_beside_the_chart_of_their_subject(client_for, principal, three_years):
    body = client_for(principal).get(tab(), headers={"HX-Request": "true"}).content.decode()
    sections = body.split('<section class="result-section')[1:]
    assert len(sections) == 2
    maths, russian = sections
    # Математика: three years drawn as a line with captioned axes, and the table of the same years beside it.
    assert "ВПР. Математика, 5 класс" in maths and 'class="chart chart-line"' in maths
    assert ">Год</text>" in maths and ">Средняя отметка</text>" in maths
    for year, mean, success, quality in (("2021", "3,00", "50,0", "50,0"), ("2023", "2,00", "0,0", "0,0")):
        assert f'<th scope="row" class="fw-normal">{year}</th>' in maths
        assert mean in maths and success in maths and quality in maths
    # Русский язык: one year only — said in words, no lone point.
    assert 'class="chart chart-line"' not in russian
    assert "Результаты только за один год (2022): средняя отметка — 3,50" in russian
    assert '<th scope="row" class="fw-normal">2022</th>' in russian
