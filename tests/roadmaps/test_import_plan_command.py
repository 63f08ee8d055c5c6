"""python manage.py import_plan: --json prints only what was read, a draft plan is created, bad input exits 1."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from roadmaps.models import Activity, Level, Plan, PlanStatus, Section

from .builders import workbook_bytes
from .test_imports import seed_001, seed_002

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_file(tmp_path):
    def write(data: bytes, name="plan.xlsx"):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def run(capsys, *args):
    """(exit code, stdout, stderr) of the command."""
    code = 0
    try:
        call_command("import_plan", *args)
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_it_prints_only_the_json_document_and_writes_nothing_on_a_dry_run(world, plan_file, capsys):
    code, out, err = run(
        capsys, plan_file(seed_001()), "--owner", "oktyabrsky", "--period", "2020-2021", "--dry-run", "--json"
    )
    assert code == 0
    document = json.loads(out)
    assert list(document) == ["sections"]
    assert document["sections"][0]["activities"][0]["periods"] == [["2020-08-01", "2020-08-31"]]
    assert set(document["sections"][0]["activities"][0]) == {
        "number",
        "name",
        "deadline_text",
        "kind",
        "periods",
        "responsible",
        "expected_result",
    }
    assert "Пробный запуск" in err
    assert not Plan.objects.exists()


def test_it_creates_a_draft_municipal_plan_for_the_period(world, plan_file, capsys):
    code, out, _err = run(capsys, plan_file(seed_001()), "--owner", "oktyabrsky", "--period", "2020-2021")
    assert code == 0 and "Создан" in out
    plan = Plan.objects.get()
    assert (plan.level, plan.municipality, plan.school, plan.status) == (
        Level.MUNICIPAL,
        world.municipality,
        None,
        PlanStatus.DRAFT,
    )
    assert (str(plan.period_start), str(plan.period_end)) == ("2020-01-01", "2021-12-31")
    assert plan.title.startswith("План мероприятий («дорожная карта»)")
    assert list(plan.sections.values_list("number", flat=True)) == ["1", "2", "4"]
    first = Activity.objects.get(section__plan=plan, number="1.1")
    assert (first.deadline_text, first.deadline_kind, first.deadline_periods) == (
        "Август 2020г.",
        "dates",
        [["2020-08-01", "2020-08-31"]],
    )
    assert Activity.objects.filter(section__plan=plan, number="2.6").count() == 2
    assert plan.history.count() == 1 and Section.history.filter(plan_id=plan.pk).count() == 3


def test_a_school_code_makes_a_school_plan_and_a_pair_level_finds_the_pairing(world, plan_file, capsys):
    assert run(capsys, plan_file(seed_002()), "--owner", "chemashi", "--period", "2024-2024")[0] == 0
    plan = Plan.objects.get()
    assert (plan.level, plan.school, plan.municipality) == (Level.SCHOOL, world.school, world.municipality)
    assert Activity.objects.filter(section__plan=plan, deadline_text="4 квартал 2024 гола").get().deadline_periods == [
        ["2024-10-01", "2024-12-31"]
    ]
    code, _out, err = run(
        capsys, plan_file(seed_002()), "--owner", "chemashi", "--period", "2024-2024", "--level", "pair"
    )
    assert code == 0, err
    pair = Plan.objects.get(level=Level.PAIR)
    assert (pair.pairing.mentor, pair.pairing.mentee, pair.school) == (world.mentor_school, world.school, world.school)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--owner", "nowhere", "--period", "2020-2021"], "Нет муниципалитета или школы с кодом «nowhere»"),
        (["--owner", "oktyabrsky", "--period", "2021-2020"], "Y1-Y2"),
        (["--owner", "oktyabrsky", "--period", "двадцатый"], "Y1-Y2"),
        (["--owner", "oktyabrsky", "--period", "2020-2021", "--level", "school"], "муниципалитет"),
        (["--owner", "andra", "--period", "2020-2021", "--level", "pair"], "нет пары"),
        (["--owner", "oktyabrsky", "--period", "1999-2000"], "Укажите год от 2000 до 2100."),
        (["--owner", "oktyabrsky", "--period", "2020-9999"], "Укажите год от 2000 до 2100."),
        (["--owner", "oktyabrsky", "--period", "2020-2030"], "План рассчитывается не более чем на 10 лет."),
        (["--owner", "oktyabrsky", "--period", "２０２０-２０２１"], "Y1-Y2"),
    ],
)
def test_bad_arguments_exit_1_with_a_russian_error_and_nothing_written(world, plan_file, capsys, args, message):
    code, out, err = run(capsys, plan_file(seed_001()), *args)
    assert code == 1 and message in err and "План не импортирован" in err
    assert out == "" and not Plan.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><body>plan</body></html>",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        b"PK\x03\x04broken",
        "№;Мероприятие\n1;x\n".encode("cp1251"),
    ],
    ids=["empty", "html", "xls", "damaged zip", "csv"],
)
def test_a_file_that_is_not_a_plan_table_exits_1_with_nothing_written(world, plan_file, capsys, data):
    code, out, err = run(capsys, plan_file(data), "--owner", "oktyabrsky", "--period", "2020-2021", "--json")
    assert code == 1 and out == "" and "План не импортирован" in err
    assert not Plan.objects.exists()


def test_a_missing_file_and_a_table_without_header_exit_1(world, plan_file, capsys, tmp_path):
    code, _out, err = run(capsys, str(tmp_path / "nope.xlsx"), "--owner", "oktyabrsky", "--period", "2020-2021")
    assert code == 1 and "не существует" in err
    headerless = plan_file(workbook_bytes([["Показатель", "Значение"], ["Доля", "10"]]))
    code, _out, err = run(capsys, headerless, "--owner", "oktyabrsky", "--period", "2020-2021")
    assert code == 1 and "заголов" in err
    assert not Plan.objects.exists()


def test_ten_years_are_the_longest_plan(world, plan_file, capsys):
    code, _out, err = run(capsys, plan_file(seed_001()), "--owner", "oktyabrsky", "--period", "2020-2029")
    assert code == 0, err
    plan = Plan.objects.get()
    assert (plan.period_start.isoformat(), plan.period_end.isoformat()) == ("2020-01-01", "2029-12-31")


def test_a_pair_plan_named_by_the_mentor_belongs_to_the_supported_schools_municipality(world, plan_file, capsys):
    from tests.factories import PairingFactory

    pairing = PairingFactory(mentor=world.neighbour_school, mentee=world.second_school)
    code, _out, err = run(
        capsys, plan_file(seed_001()), "--owner", "berezovo", "--period", "2020-2021", "--level", "pair"
    )
    assert code == 0, err
    plan = Plan.objects.get()
    assert (plan.pairing, plan.school, plan.municipality) == (pairing, world.second_school, world.municipality)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2020-2021"], "не указаны обязательные аргументы: --owner"),
        (["--owner", "oktyabrsky", "--period", "2020-2021", "--level", "region"], "«region» — не одно из значений"),
        (["--owner", "oktyabrsky", "--period", "2020-2021", "--colour"], "неизвестные аргументы: --colour"),
        (["--owner", "oktyabrsky", "--period"], "аргументу --period нужно значение"),
    ],
)
def test_argument_errors_are_in_russian(world, plan_file, args, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as info:
        call_command("import_plan", plan_file(seed_001()), *args)
    assert message in str(info.value) and str(info.value).startswith("Ошибка:")
    assert not Plan.objects.exists()


def test_the_json_reads_stage_deadlines_exactly_as_the_imported_plan(world, plan_file, capsys):
    from .test_import_layouts import HEADER

    rows = [
        HEADER,
        ["Основное мероприятие 1.", "Организация деятельности центра"],
        [None, "1.1. Подготовительный этап", "февраль – март 2025 год", None, None],
        ["1.", "Разработка программы", None, "Комитет", "Программа"],
        ["2.", "Издание приказа", "апрель 2025", "Комитет", "Приказ"],
    ]
    path = plan_file(workbook_bytes(rows))
    code, out, _err = run(capsys, path, "--owner", "oktyabrsky", "--period", "2025-2025", "--json")
    assert code == 0
    printed = [
        (a["number"], a["deadline_text"], a["kind"], a["periods"])
        for s in json.loads(out)["sections"]
        for a in s["activities"]
    ]
    stored = [
        (a.number, a.deadline_text, a.deadline_kind, a.deadline_periods)
        for a in Activity.objects.order_by("section__order", "order")
    ]
    assert printed == stored
    assert printed[0] == ("1.", "", "dates", [["2025-02-01", "2025-03-31"]])


def test_a_file_refused_for_a_long_deadline_writes_nothing(world, plan_file, capsys):
    from .test_import_layouts import HEADER

    path = plan_file(workbook_bytes([HEADER, ["1", "Семинар", "ежемесячно, " * 60, "УМЦ", "Программа"]]))
    code, _out, err = run(capsys, path, "--owner", "oktyabrsky", "--period", "2025-2025")
    assert code == 1 and "Строка 2: срок длиннее 500 знаков" in err
    assert not Plan.objects.exists()


def test_an_import_writes_activities_their_periods_and_history_in_a_bounded_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from roadmaps.imports import read_plan_file
    from roadmaps.models import ActivityPeriod
    from roadmaps.services import create_plan_from_table, resolve_owner

    from .test_import_layouts import HEADER

    rows = [HEADER]
    for section in range(1, 4):
        rows.append([str(section), f"Раздел {section}"])
        rows += [[f"{section}.{n}", f"Мероприятие {n}", "ежемесячно", "УМЦ", "Справка"] for n in range(1, 41)]
    read = read_plan_file(workbook_bytes(rows))
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    owner = resolve_owner("oktyabrsky", None, start, end)
    with CaptureQueriesContext(connection) as queries:
        plan = create_plan_from_table(read, owner, start, end)
    assert len(queries) <= 20  # not three per activity
    activities = Activity.objects.filter(section__plan=plan)
    assert activities.count() == 120
    assert ActivityPeriod.objects.filter(activity__section__plan=plan).count() == 120 * 12
    assert Activity.history.filter(section_id__in=plan.sections.values("pk")).count() == 120


def test_what_the_reader_left_out_is_said_on_standard_error_and_the_json_stays_clean(world, plan_file, capsys):
    from .test_import_layouts import HEADER

    rows = [
        [*HEADER, "Примечание"],
        ["1", "Семинар", "май 2025", "УМЦ", "Программа", "перенесён"],
        [None, "Итого по программе", None, None, "1"],
    ]
    code, out, err = run(
        capsys, plan_file(workbook_bytes(rows)), "--owner", "oktyabrsky", "--period", "2025-2025", "--json"
    )
    assert code == 0 and json.loads(out)["sections"][0]["activities"][0]["name"] == "Семинар"
    assert "Пропущено или стоит проверить:" in err
    assert "Столбец «Примечание» (F) не прочитан" in err and "Итого по программе" in err


def test_the_command_says_what_the_preview_says_of_deadlines_it_cannot_read(world, plan_file, capsys):
    from .test_import_layouts import HEADER

    rows = [HEADER, ["1", "Мониторинг", "после проведения ВПР", "МОЦ", "Справка"]]
    code, _out, err = run(
        capsys, plan_file(workbook_bytes(rows)), "--owner", "oktyabrsky", "--period", "2024-2024", "--json"
    )
    assert code == 0 and "срок «после проведения ВПР» не распознан" in err
