"""`import_results` and `results --json` on the shared samples and on families of malformed files."""

import json
from pathlib import Path

import pytest
from django.db.models import Count
from openpyxl import Workbook

from registry.models import School
from reports.assessments.models import AggregatedResult, Campaign, ParticipantResult, ResultImport
from tests.commands import run

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "results"  # sample files: README there
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
pytestmark = pytest.mark.django_db
PROTOCOL = (
    "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Максимальный балл;Отметка;"
    "Отметка по журналу"
)
STATISTICS = "Год;Процедура;Предмет;Параллель;Код ОО;Количество участников;2;3;4;5"


def csv_file(tmp_path, text: str, encoding="utf-8", name="results.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def stored() -> tuple[int, int]:
    return ParticipantResult.objects.count(), AggregatedResult.objects.count()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_samples_give_the_expected_numbers(demo, name):
    case = EXPECTED[name]
    code, out, err = run("import_results", str(SAMPLES / name))
    assert code == 0, err
    args = case["results"].split()
    code, out, err = run(*args)
    assert json.loads(out) == case["rows"]


def test_importing_the_same_file_twice_changes_nothing(demo):
    sample = str(SAMPLES / "vpr_2021_gorodets_protocol.xlsx")
    run("import_results", sample)
    fields = ("campaign_id", "school_id", "participant", "mark", "journal_mark")
    first = sorted(ParticipantResult.objects.values_list(*fields))
    code, out, _err = run("import_results", sample)
    assert code == 0 and "заменено прежних строк — 781" in out
    assert sorted(ParticipantResult.objects.values_list(*fields)) == first
    assert ResultImport.objects.count() == 2  # both files are kept with their records


def test_a_new_file_replaces_only_the_campaign_and_school_it_contains(demo, tmp_path):
    run("import_results", str(SAMPLES / "vpr_2021_gorodets_protocol.xlsx"))
    before = ParticipantResult.objects.exclude(school__code="osh-16").count()
    path = csv_file(tmp_path, PROTOCOL + "\n2021;ВПР;Русский язык;5;osh-16;5а;NEW-1;30;45;4;4\n")
    assert run("import_results", path)[0] == 0
    osh = ParticipantResult.objects.filter(
        school__code="osh-16", campaign__subject__name="Русский язык", campaign__grade=5
    )
    assert list(osh.values_list("participant", flat=True)) == ["NEW-1"]
    assert ParticipantResult.objects.exclude(school__code="osh-16").count() == before


def test_dry_run_writes_nothing(demo):
    code, out, _err = run("import_results", str(SAMPLES / "ege_2021_gorodets_protocol.csv"), "--dry-run")
    assert code == 0 and "ничего не записано" in out
    assert stored() == (0, 0) and not ResultImport.objects.exists()


BAD_ROWS = [
    ("2021;ВПР;Русский язык;5;no-such-school;5а;A1;30;45;4;4", "Код ОО", "Неизвестный код школы"),
    ("2021;ВПР;Русский язык;5;osh-16;5а;A1;30;45;6;4", "Отметка", "вне диапазона 2–5"),
    ("2021;ВПР;Русский язык;5;osh-16;5а;A1;46;45;4;4", "Первичный балл", "вне диапазона 0…45"),
    ("2021;ВПР;Русский язык;5;osh-16;6а;A1;30;45;4;4", "Класс", "не относится к 5 классу"),
    ("2021;ВПР;Русский язык;5;osh-16;5а;A1;тридцать;45;4;4", "Первичный балл", "не целое число"),
    ("2021;ВПР;Русский язык;5;osh-16;5а;A1;30,5;45;4;4", "Первичный балл", "не целое число"),
    ("2021;ВПР;Санскрит;5;osh-16;5а;A1;30;45;4;4", "Предмет", "Неизвестный предмет"),
    ("2021;ВПРР;Русский язык;5;osh-16;5а;A1;30;45;4;4", "Процедура", "Неизвестная процедура"),
    ("2021;ВПР;Русский язык;5;osh-16;5а;;30;45;4;4", "Код участника", "Код участника не заполнен"),
    ("2021;ВПР;Русский язык;5;osh-16;5а;A1;30;45;;4", "Отметка", "Для ВПР нужна отметка"),
    ("2021;ВПР;Русский язык;5;osh-16;5а;A\x011;30;45;4;4", "Код участника", "управляющие символы"),
]


@pytest.mark.parametrize(("line", "column", "message"), BAD_ROWS)
def test_a_bad_row_is_reported_with_its_place_and_nothing_is_written(demo, tmp_path, line, column, message):
    good = "2021;ВПР;Русский язык;5;osh-16;5а;OK-1;30;45;4;4"
    path = csv_file(tmp_path, f"{PROTOCOL}\n{good}\n{line}\n")
    code, _out, err = run("import_results", path)
    assert code == 1
    assert f"строка 3, столбец «{column}»" in err and message in err, err
    assert stored() == (0, 0) and not ResultImport.objects.exists()


def test_a_duplicate_participant_is_an_error(demo, tmp_path):
    row = "2021;ВПР;Русский язык;5;osh-16;5а;A1;30;45;4;4"
    code, _out, err = run("import_results", csv_file(tmp_path, f"{PROTOCOL}\n{row}\n{row}\n"))
    assert code == 1 and "уже есть в строке 2" in err


def test_a_supplied_value_contradicted_by_the_row_is_an_error(demo, tmp_path):
    path = csv_file(tmp_path, PROTOCOL + "\n2021;ВПР;Русский язык;5;osh-16;5а;A1;30;45;4;4\n")
    code, _out, err = run("import_results", path, "--year", "2022")
    assert code == 1 and "строка 2, столбец «Год»" in err


def test_supplied_values_fill_missing_columns(demo, tmp_path):
    path = csv_file(tmp_path, "Код ОО,Класс,Код участника,Первичный балл,Отметка\n osh-16 ,5 А,A1, 30 ,4\n")
    code, _out, err = run(
        "import_results", path, "--procedure", "ВПР", "--year", "2021", "--subject", "рус. яз.", "--grade", "5"
    )
    assert code == 0, err
    result = ParticipantResult.objects.get()
    assert (result.class_name, result.campaign.subject.name, result.primary_score) == ("5а", "Русский язык", 30)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Файл пустой"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "старая книга Excel (.xls)"),
        ("<!DOCTYPE html><html><body>Ошибка</body></html>".encode(), "веб-страницу"),
        ("Год;Процедура\n2021;ВПР\n".encode(), "не найден столбец «Код ОО»"),
        (PROTOCOL.encode() + b"\n", "нет строк с результатами"),
        (
            "Год;Процедура;Предмет;Параллель;Код ОО;Код участника;Отметка\n".encode("cp1251")
            + "2021;ВПР;Русский язык;5;osh-16;A1;4\n".encode()
            + "2021;ВПР;Русский язык;5;osh-16;A2;4\n".encode("cp1251"),
            "Строка 2 в другой кодировке",
        ),
    ],
)
def test_files_that_are_not_results_are_refused(demo, tmp_path, content, message):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    code, _out, err = run("import_results", str(path))
    assert code == 1 and message in err, err


def test_windows_1251_comma_delimited_statistics_with_title_rows_are_read(demo, tmp_path):
    text = (
        "Статистика по отметкам, ВПР 2024\n\n"
        + STATISTICS.replace(";", ",")
        + "\r\n2024,ВПР,Математика,5,novopavshino,4,1,1,1,1\r\n\r\n"
    )
    code, _out, err = run("import_results", csv_file(tmp_path, text, "cp1251"))
    assert code == 0, err
    assert AggregatedResult.objects.get().marks_5 == 1


@pytest.mark.parametrize(
    ("marks", "ok"),
    [("25;25;25;25", True), ("33,3;33,3;33,3;0", True), ("30;30;30;10", False), ("33;33;33;1", False)],
)
def test_percentages_become_counts_only_when_exact(demo, tmp_path, marks, ok):
    participants = {"25;25;25;25": 4, "33,3;33,3;33,3;0": 3, "30;30;30;10": 7, "33;33;33;1": 10}[marks]
    text = (
        f"Год;Процедура;Предмет;Параллель;Код ОО;Количество участников;2 (%);3 (%);4 (%);5 (%)\n"
        f"2024;ВПР;Математика;5;novopavshino;{participants};{marks}\n"
    )
    code, _out, err = run("import_results", csv_file(tmp_path, text))
    assert (code == 0) is ok, err


def test_counts_that_do_not_add_up_are_refused(demo, tmp_path):
    text = STATISTICS + "\n2024;ВПР;Математика;5;novopavshino;5;1;1;1;1\n"
    code, _out, err = run("import_results", csv_file(tmp_path, text))
    assert code == 1 and "в сумме дают 4, а не 5" in err


def test_an_xlsx_with_a_hidden_sheet_title_rows_and_text_numbers_is_read(demo, tmp_path):
    wb = Workbook()
    hidden = wb.active
    hidden.title = "Служебный"
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("Результаты", 0)
    ws.append(["ВПР 2021. Протокол"])
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(
        [
            "Год",
            "Процедура",
            "Предмет",
            "Параллель",
            "Код ОО",
            "Код участника",
            "Отметка",
            "Первичный балл",
            "Лишний столбец",
        ]
    )
    ws.append(["2021", "впр", "Математика", " 5 ", "OSH-16 ", "X1", "4,0", 10.0, "что-то"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    code, out, err = run("import_results", str(path))
    assert code == 0, err
    assert "Неизвестные столбцы пропущены: Лишний столбец" in out
    assert ParticipantResult.objects.get().mark == 4


def test_an_xlsx_with_entity_declarations_is_refused(demo, tmp_path):
    import zipfile

    path = tmp_path / "evil.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><workbook/>')
    code, _out, err = run("import_results", str(path))
    assert code == 1 and "XML" in err


def test_generate_region_creates_schools_idempotently_and_writes_an_importable_file(db, tmp_path):
    from registry.models import School

    out = tmp_path / "synthetic.csv"
    assert (
        run("generate_region", "--schools", "7", "--participants", "300", "--year", "2024", "--out", str(out))[0] == 0
    )
    assert (
        run("generate_region", "--schools", "7", "--participants", "300", "--year", "2024", "--out", str(out))[0] == 0
    )
    assert School.objects.filter(municipality__code="synthetic").count() == 7
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 301 and lines[0].startswith("Год;Процедура;Предмет;Параллель;Код ОО")
    code, _out, err = run("import_results", str(out))
    assert code == 0, err
    assert ParticipantResult.objects.count() == 300


def protocol_rows(count: int, school="osh-16", grade=5, prefix="P") -> list[str]:
    subjects = ("Русский язык", "Математика")
    return [
        f"2021;ВПР;{subjects[n % 2]};{grade};{school};{grade}а;{prefix}{n:05d};{n % 40};45;{2 + n % 4};"
        f"{2 + (n + 1) % 4}"
        for n in range(count)
    ]


def test_rows_of_interleaved_campaigns_are_all_written_and_counted(demo, tmp_path):
    """Every new campaign ends one COPY and starts the next: no row may be lost at the seams."""
    lines = protocol_rows(3000) + protocol_rows(500, grade=6, prefix="Q")
    lines[1500], lines[-1] = lines[-1], lines[1500]  # a grade-6 row in the middle, a grade-5 row at the end
    code, out, err = run("import_results", csv_file(tmp_path, PROTOCOL + "\n" + "\n".join(lines) + "\n"))
    assert code == 0, err
    assert "строк участников — 3500" in out
    counts = dict(
        ParticipantResult.objects.values("campaign__grade")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("campaign__grade", "n")
    )
    assert counts == {5: 3000, 6: 500}
    stored_marks = sorted(ParticipantResult.objects.filter(participant="P00007").values_list("primary_score", "mark"))
    assert stored_marks == [(7, 5)]


def test_a_bad_row_after_thousands_of_good_ones_leaves_nothing_written(demo, tmp_path):
    lines = [*protocol_rows(5000), "2021;ВПР;Русский язык;5;osh-16;5а;LATE;30;45;7;4"]
    code, _out, err = run("import_results", csv_file(tmp_path, PROTOCOL + "\n" + "\n".join(lines) + "\n"))
    assert code == 1 and "строка 5002, столбец «Отметка»" in err
    assert stored() == (0, 0) and not ResultImport.objects.exists()
    assert not Campaign.objects.exists()


def test_a_participant_code_kept_for_another_school_is_refused(demo, tmp_path):
    assert run("import_results", csv_file(tmp_path, PROTOCOL + "\n" + "\n".join(protocol_rows(10)) + "\n"))[0] == 0
    before = sorted(ParticipantResult.objects.values_list("school__code", "participant"))
    clash = "2021;ВПР;Русский язык;5;sh-18;5а;P00002;30;45;4;4"
    code, _out, err = run("import_results", csv_file(tmp_path, f"{PROTOCOL}\n{clash}\n", name="clash.csv"))
    assert code == 1 and "«P00002»" in err and "уже загружен для другой школы" in err, err
    assert sorted(ParticipantResult.objects.values_list("school__code", "participant")) == before


def test_a_code_that_moves_to_its_new_school_within_one_file_is_accepted(demo, tmp_path):
    """Both schools are replaced by the file, so the code no longer clashes with anything kept."""
    assert run("import_results", csv_file(tmp_path, PROTOCOL + "\n" + "\n".join(protocol_rows(4)) + "\n"))[0] == 0
    moved = [
        "2021;ВПР;Русский язык;5;sh-18;5а;P00000;30;45;4;4",
        "2021;ВПР;Русский язык;5;osh-16;5а;OTHER;30;45;4;4",
    ]
    code, _out, err = run("import_results", csv_file(tmp_path, PROTOCOL + "\n" + "\n".join(moved) + "\n", name="m.csv"))
    assert code == 0, err
    assert ParticipantResult.objects.get(participant="P00000", campaign__subject__name="Русский язык").school.code == (
        "sh-18"
    )


def test_codes_with_backslashes_and_inner_spaces_survive_copy(demo, tmp_path):
    lines = ["2021;ВПР;Русский язык;5;osh-16;5а;A\\1;30;45;4;4", "2021;ВПР;Русский язык;5;osh-16;5а;B  2;30;45;4;4"]
    code, _out, err = run("import_results", csv_file(tmp_path, PROTOCOL + "\n" + "\n".join(lines) + "\n"))
    assert code == 0, err
    assert sorted(ParticipantResult.objects.values_list("participant", flat=True)) == ["A\\1", "B 2"]


def test_a_participant_code_longer_than_64_characters_is_refused(demo, tmp_path):
    line = f"2021;ВПР;Русский язык;5;osh-16;5а;{'X' * 65};30;45;4;4"
    code, _out, err = run("import_results", csv_file(tmp_path, f"{PROTOCOL}\n{line}\n"))
    assert code == 1 and "строка 2, столбец «Код участника»" in err and "64" in err, err


FAMILIES = [
    "2021;ВПР;Русский язык;5;osh-16;5а;{code};{n};45;4;4",
    "2021; ВПР ;русский язык;5; OSH-16 ;5 А;{code};{n} ;45;4,0;4",
    "2021;ВПР;Рус. яз.;5;osh-16;5-а; {code} ;{n}.0;;5;",
    "2021;ВПР;Математика;5;osh-16;5б;{code};{n};45;3;5",
    "2021;ВПР;Математика;5;osh-16;5б;{code};{n};45;;5",  # no mark: an error every time
    "2021;ВПР;Математика;5;osh-16;5б;{code};99;45;3;5",  # above the maximum: an error every time
    "2021;ВПР;Математика;5;sh-18;6б;{code};{n};45;3;5",  # class of another grade
]


@pytest.mark.parametrize("bad", [False, True])
def test_the_fast_path_reads_exactly_what_the_careful_path_reads(demo, tmp_path, monkeypatch, bad):
    """Remembered values must give the same rows and the same problems as checking every cell."""
    from reports.assessments import reader

    families = FAMILIES if bad else FAMILIES[:4]
    lines = [families[n % len(families)].format(code=f"C{n}", n=n % 30) for n in range(400)]
    if bad:
        lines.insert(200, lines[10])  # a duplicate participant
    path = csv_file(tmp_path, PROTOCOL + "\n" + "\n".join(lines) + "\n")
    schools = dict(School.objects.values_list("code", "pk"))

    def read():
        parsed = reader.Parsed()
        rows = [
            (place.campaign, place.school_id, place.class_name, code, scores, tasks)
            for place, code, scores, tasks in reader.iter_results(parsed, path, allowed_schools=schools)
        ]
        return rows, parsed

    fast_rows, fast = read()
    monkeypatch.setattr(reader, "REMEMBER_CHECKED_VALUES", False)
    slow_rows, slow = read()
    assert fast_rows == slow_rows
    assert fast.problems == slow.problems and fast.problem_count == slow.problem_count
    assert (fast.rows, fast.participant_rows, fast.touched) == (slow.rows, slow.participant_rows, slow.touched)
    assert fast.ok is not bad and fast.rows == 400 + bad
    assert len(fast_rows) == (400 if not bad else 4)  # nothing more is handed on after the first problem


def test_an_incredible_number_of_participants_is_refused_before_it_overflows_the_sums(demo, tmp_path):
    line = "2021;ВПР;Русский язык;5;osh-16;1000000000;0;0;0;1000000000"
    code, _out, err = run("import_results", csv_file(tmp_path, f"{STATISTICS}\n{line}\n"))
    assert code == 1 and "строка 2, столбец «Количество участников»" in err and "неправдоподобно" in err, err
    assert stored() == (0, 0)
