"""Task scores of protocols and ФИС ОКО reports read as they are downloaded (issue 16, IMPORT_FORMATS «Task scores»,
«Shape 3»): small hand-built files of a subject and a form that are not among the samples."""

import pytest
from django.utils import translation
from openpyxl import Workbook

from registry.models import School
from reports.assessments import reader
from reports.assessments.models import (
    AggregatedResult,
    Campaign,
    ParticipantResult,
    ReferenceDistribution,
    ResultImport,
)
from reports.assessments.reader import Supplied, read_results
from tests.commands import run

pytestmark = pytest.mark.django_db

# A municipal protocol of ВПР История 6 with «З»-labelled task columns and a «Макс» row (maxima 2, 1, 3, 2).
MUNICIPAL = [
    "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;З1;Зад. 2;Задание 3(1);З 4;Первичный балл;Отметка;"
    "Отметка по журналу",
    "Макс. балл;;;;;;;2;1;3;2;8;;",
    "2025;ВПР;История;6;osh-16;6а;H-1;2;1;3;2;8;5;5",
    "2025;ВПР;История;6;osh-16;6а;H-2;Х;-;1;;1;2;4",
    "2025;ВПР;История;6;osh-16;6б;H-3;1;X;2;1;4;3;3",
    "2025;ВПР;История;6;sh-18;6а;H-4;2;0;2;2;6;4;4",
]


@pytest.fixture(autouse=True)
def _russian():
    with translation.override("ru"):
        yield


def write(tmp_path, lines, name="protocol.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return str(path)


def workbook(tmp_path, rows, name="report.xlsx", merge=None):
    book = Workbook()
    sheet = book.active
    sheet.title = "Отчёт"
    for row in rows:
        sheet.append(row)
    for cells in merge or []:
        sheet.merge_cells(cells)
    path = tmp_path / name
    book.save(path)
    return str(path)


def scores_of(campaign_filter=None):
    rows = ParticipantResult.objects.order_by("participant")
    if campaign_filter:
        rows = rows.filter(**campaign_filter)
    return {row.participant: row.task_scores for row in rows}


def test_a_municipal_protocol_in_windows_1251_keeps_task_scores_by_normalised_label(demo, tmp_path):
    path = write(tmp_path, MUNICIPAL, encoding="cp1251")
    code, out, err = run("import_results", path)
    assert code == 0, err
    assert "Баллы за задания: 1, 2, 3(1), 4" in out
    stored = scores_of()
    assert stored == {
        "H-1": {"1": 2, "2": 1, "3(1)": 3, "4": 2},
        "H-2": {"1": 0, "2": 0, "3(1)": 1, "4": 0},  # Х, - and an empty cell earned nothing
        "H-3": {"1": 1, "2": 0, "3(1)": 2, "4": 1},
        "H-4": {"1": 2, "2": 0, "3(1)": 2, "4": 2},
    }
    # The «Макс» row is not a participant, and the labels keep the file's order.
    assert ParticipantResult.objects.count() == 4
    # jsonb keeps keys in its own order: the order of the file stays with the import.
    assert ResultImport.objects.get().summary["tasks"] == ["1", "2", "3(1)", "4"]


def test_a_score_above_the_tasks_maximum_is_an_error_naming_the_cell(demo, tmp_path):
    lines = [*MUNICIPAL[:2], "2025;ВПР;История;6;osh-16;6а;H-9;2;2;3;1;8;5;5"]
    code, _out, err = run("import_results", write(tmp_path, lines))
    assert code == 1
    # «Зад. 2» is column I; the participant is on line 3 of the file.
    assert "строка 3, столбец «Зад. 2», значение «2»: Ячейка I3: 2 балла за задание 2 — вне 0…1." in err, err
    assert ParticipantResult.objects.count() == 0


def test_task_scores_that_do_not_add_up_to_the_primary_score_are_a_row_error(demo, tmp_path):
    lines = [*MUNICIPAL[:2], "2025;ВПР;История;6;osh-16;6а;H-9;2;1;3;1;8;5;5"]
    code, _out, err = run("import_results", write(tmp_path, lines))
    assert code == 1
    assert "строка 3, столбец «Первичный балл», значение «8»: Сумма баллов за задания — 7, а первичный балл — 8." in err
    assert ParticipantResult.objects.count() == 0


def test_without_a_max_row_the_task_table_gives_the_maxima(demo, tmp_path):
    from reports.assessments.models import Subject, Task

    campaign = Campaign.objects.create(procedure="ВПР", year=2025, subject=Subject.objects.get(name="История"), grade=6)
    for position, (label, maximum) in enumerate([("1", 2), ("2", 1), ("3(1)", 3), ("4", 2)], start=1):
        Task.objects.create(campaign=campaign, position=position, label=label, max_points=maximum, level="Б")
    lines = [MUNICIPAL[0], MUNICIPAL[2], "2025;ВПР;История;6;osh-16;6а;H-9;2;1;4;1;8;5;5"]
    code, _out, err = run("import_results", write(tmp_path, lines))
    assert code == 1 and "Ячейка J3: 4 балла за задание 3(1) — вне 0…3." in err, err


def test_the_fast_path_reads_task_scores_exactly_as_the_careful_path(demo, tmp_path, monkeypatch):
    lines = [MUNICIPAL[0], MUNICIPAL[1]]
    for n in range(300):
        points = [n % 3, n % 2, (n // 3) % 4, (n // 7) % 3]
        cells = [str(p) if p or n % 5 else "Х" for p in points]
        primary = sum(points) if n != 150 else sum(points) + 1  # one row that does not add up
        lines.append(f"2025;ВПР;История;6;osh-16;6а;P-{n};{';'.join(cells)};{primary};3;3")
    path = write(tmp_path, lines)
    schools = dict(School.objects.values_list("code", "pk"))

    def read():
        parsed = reader.Parsed()
        found = reader.iter_results(parsed, path, allowed_schools=schools)
        rows = [(code, tasks) for _place, code, _scores, tasks in found]
        return rows, parsed

    fast_rows, fast = read()
    monkeypatch.setattr(reader, "REMEMBER_CHECKED_VALUES", False)
    slow_rows, slow = read()
    assert fast_rows == slow_rows
    seen = [(p.row, p.column, p.message) for p in fast.problems]
    assert seen == [(p.row, p.column, p.message) for p in slow.problems]
    assert fast.problem_count == 1 and fast.problems[0].row == 153


def _school_protocol_rows(title_school="(sch860125) МКОУ «Чемашинская СОШ»"):
    rows = [
        ["Всероссийские проверочные работы 2025 (4 класс)"],
        ["Предмет: Окружающий мир"],
        ["Дата: 17.04.2025"],
        ["Результаты участников"],
    ]
    if title_school:
        rows.append([title_school])
    rows += [
        ["Код", "Вариант", "1", "2", "3(1)", "3(2)", "Первичный балл", "Отметка", "Отметка по журналу"],
        ["Макс. балл", None, 2, 2, 1, 1, 6, None, None],
        ["40001", 1, 2, 1, 1, 0, 4, 4, 4],
        ["40002", 2, 0, "X", 0, 1, 1, 2, 4],
        ["40003", 1, 2, 2, 1, 1, 6, 5, 5],
    ]
    return rows


def test_a_school_protocol_from_fis_oko_takes_its_school_from_the_title_row(demo, tmp_path):
    path = workbook(tmp_path, _school_protocol_rows())
    code, out, err = run("import_results", path)
    assert code == 0, err
    campaign = Campaign.objects.get()
    work = (campaign.procedure, campaign.year, campaign.subject.name, campaign.grade)
    assert work == ("ВПР", 2025, "Окружающий мир", 4)
    rows = ParticipantResult.objects.order_by("participant")
    assert {row.school.code for row in rows.select_related("school")} == {"chemashi"}
    assert [(r.participant, r.primary_score, r.mark, r.journal_mark) for r in rows] == [
        ("40001", 4, 4, 4),
        ("40002", 1, 2, 4),
        ("40003", 6, 5, 5),
    ]
    assert rows[1].task_scores == {"1": 0, "2": 0, "3(1)": 0, "3(2)": 1}
    assert "Вариант" not in out  # a known column, not listed as unknown


def test_a_school_protocol_without_a_school_row_needs_the_school_given(demo, tmp_path):
    path = workbook(tmp_path, _school_protocol_rows(title_school=None))
    code, _out, err = run("import_results", path)
    assert code == 1 and "нет строки «(schNNNNNN) название школы»" in err, err
    code, _out, err = run("import_results", path, "--school", "chemashi")
    assert code == 0, err
    assert set(ParticipantResult.objects.values_list("school__code", flat=True)) == {"chemashi"}


def test_a_school_given_that_contradicts_the_title_row_is_refused(demo, tmp_path):
    path = workbook(tmp_path, _school_protocol_rows())
    code, _out, err = run("import_results", path, "--school", "sherkaly")
    assert code == 1 and "sch860125" in err and "sherkaly" in err, err
    code, _out, err = run("import_results", path, "--subject", "Математика")
    assert code == 1 and "В заголовке файла «Окружающий мир», а для загрузки указано «Математика»" in err, err
    assert ParticipantResult.objects.count() == 0


def _statistics_rows(schools):
    return [
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
        *schools,
    ]


def test_a_statistics_report_gives_references_and_counts_by_login(demo, tmp_path):
    schools = [
        ["   (sch860125) МКОУ «Чемашинская СОШ»", 1, 8, "12,5", "50", "25", "12,5"],
        ["   (sch860122) МКОУ «Шеркальская СОШ»", 1, 3, "33,33", "33,33", "33,33", "0"],
    ]
    path = workbook(tmp_path, _statistics_rows(schools), merge=["D6:G6"])
    code, out, err = run("import_results", path)
    assert code == 0, err
    counts = {
        a.school.code: (a.participants, a.marks_2, a.marks_3, a.marks_4, a.marks_5)
        for a in AggregatedResult.objects.select_related("school")
    }
    assert counts == {"chemashi": (8, 1, 4, 2, 1), "sherkaly": (3, 1, 1, 1, 0)}
    references = {r.level: r for r in ReferenceDistribution.objects.all()}
    assert set(references) == {"russia", "region", "municipality"}
    assert references["russia"].participants == 1234567 and str(references["russia"].pct_2) == "11.52"
    assert references["municipality"].municipality.code == "oktyabrsky"
    assert references["region"].name == "Ханты-Мансийский автономный округ — Югра"
    assert {r.campaign.subject.name for r in references.values()} == {"История"}
    # The same report again replaces the references of the unit, it does not add to them.
    assert run("import_results", path)[0] == 0
    assert ReferenceDistribution.objects.count() == 3
    assert "Распределения отметок страны, региона, муниципалитета — 3." in out


def test_an_unknown_login_is_named_with_the_school_as_written_and_a_suggestion(demo, tmp_path):
    schools = [["(sch869999) МКОУ «Чемашинская средняя школа»", 1, 8, "12,5", "50", "25", "12,5"]]
    code, _out, err = run("import_results", workbook(tmp_path, _statistics_rows(schools)))
    assert code == 1
    assert "sch869999" in err and "«МКОУ «Чемашинская средняя школа»» в файле" in err, err
    assert "МКОУ «Чемашинская СОШ»" in err and "chemashi" in err
    assert ReferenceDistribution.objects.count() == 0 and AggregatedResult.objects.count() == 0


def test_percentages_that_do_not_give_whole_counts_are_refused(demo, tmp_path):
    schools = [["(sch860125) МКОУ «Чемашинская СОШ»", 1, 7, "12,5", "50", "25", "12,5"]]
    code, _out, err = run("import_results", workbook(tmp_path, _statistics_rows(schools)))
    assert code == 1 and "Проценты отметок не дают целого числа участников" in err, err
    assert ReferenceDistribution.objects.count() == 0


def test_a_login_of_a_school_outside_the_importers_scope_is_an_error(demo, tmp_path):
    schools = [["(sch860125) МКОУ «Чемашинская СОШ»", 1, 8, "12,5", "50", "25", "12,5"]]
    path = workbook(tmp_path, _statistics_rows(schools))
    others = dict(School.objects.exclude(code="chemashi").values_list("code", "pk"))
    parsed = read_results(path, allowed_schools=others, supplied=Supplied())
    assert [p.message for p in parsed.problems] == [
        "Школа sch860125 («МКОУ «Чемашинская СОШ»») вне вашей зоны ответственности."
    ]


def test_a_statistics_report_without_its_marks_row_names_what_is_missing(demo, tmp_path):
    rows = [row for row in _statistics_rows([]) if row[:1] != [None]]
    parsed = read_results(workbook(tmp_path, rows), allowed_schools={}, supplied=Supplied())
    assert (not parsed.ok and "«2»" in parsed.problems[0].message) or "2" in parsed.problems[0].column
    assert ResultImport.objects.count() == 0


@pytest.mark.parametrize(
    ("cell", "column", "message"),
    [
        ("1\x00", "З1", "управляющие символы"),
        ("1e999999999", "З1", "вне допустимого диапазона"),
        ("-1", "З1", "Ячейка H3: -1 балла за задание 1 — вне 0…2."),
        ("½", "З1", "не целое число"),
        ("9" * 30, "З1", "вне допустимого диапазона"),
    ],
)
def test_hostile_task_cells_are_errors_naming_the_cell(demo, tmp_path, cell, column, message):
    lines = [*MUNICIPAL[:2], f"2025;ВПР;История;6;osh-16;6а;H-9;{cell};1;3;2;8;5;5"]
    code, _out, err = run("import_results", write(tmp_path, lines))
    assert code == 1
    assert f"строка 3, столбец «{column}»" in err and message in err, err
    assert ParticipantResult.objects.count() == 0


def test_a_task_twice_under_two_spellings_is_refused(demo, tmp_path):
    lines = [MUNICIPAL[0].replace("Зад. 2", "1"), MUNICIPAL[2]]
    code, _out, err = run("import_results", write(tmp_path, lines))
    assert code == 1 and "У задания 1 два столбца." in err, err


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["150", "0", "0", "0"], "не процент"),
        (["NaN", "50", "25", "25"], "не процент"),
        (["=1/0", "50", "25", "25"], "формула без сохранённого значения"),
    ],
)
def test_hostile_percentages_of_a_reference_row_are_errors(demo, tmp_path, values, message):
    rows = _statistics_rows([])
    rows[7] = ["Вся выборка", 1, 100, *values]
    code, _out, err = run("import_results", workbook(tmp_path, rows))
    assert code == 1 and message in err, err
    assert ReferenceDistribution.objects.count() == 0


def test_a_huge_title_cell_is_ignored_not_read(demo, tmp_path):
    rows = _statistics_rows([["(sch860125) МКОУ «Чемашинская СОШ»", 1, 8, "12,5", "50", "25", "12,5"]])
    rows.insert(0, ["Предмет: " + "Я" * 9000])
    code, _out, err = run("import_results", workbook(tmp_path, rows))
    assert code == 0, err
    assert Campaign.objects.get().subject.name == "История"


def test_a_generic_title_gives_no_grade_and_a_school_outside_the_scope_is_refused_once(demo, tmp_path):
    rows = _school_protocol_rows()
    rows.insert(0, ["Протоколы 4–11 классов"])
    path = workbook(tmp_path, rows)
    others = dict(School.objects.exclude(code="chemashi").values_list("code", "pk"))
    parsed = read_results(path, allowed_schools=others, supplied=Supplied())
    assert parsed.title["grade"] == 4  # from «… работы 2025 (4 класс)», not from «4–11 классов»
    assert [p.message for p in parsed.problems] == ["Школа «chemashi» вне вашей зоны ответственности."]


def test_a_dry_run_of_a_school_protocol_writes_nothing(demo, tmp_path):
    path = workbook(tmp_path, _school_protocol_rows(title_school=None))
    code, out, err = run("import_results", path, "--school", "chemashi", "--dry-run")
    assert code == 0, err
    assert "Баллы за задания: 1, 2, 3(1), 3(2)" in out and ParticipantResult.objects.count() == 0
