"""Seed 003's plan annex with funding columns: «Источник финансирования (расшифровать)» and «Объем средств …
(рублей)» over one column per year, read into the activities; a table without them reads as before."""

import datetime as dt
import json

from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation

from roadmaps.imports import funding_amount, read_plan_file
from roadmaps.models import Activity
from roadmaps.previews import build_preview

from .builders import workbook_bytes

AMOUNTS = "Объем средств на реализацию муниципальной программы на очередной финансовый год и плановый период (рублей)"
SEED_003 = [
    [
        "№ п/п",
        "Наименование",
        "Исполнитель мероприятия",
        "Источник финансирования (расшифровать)",
        AMOUNTS,
        None,
        None,
        None,
        "Планируемое значение показателя реализации муниципальной программы",
    ],
    [None, None, None, None, "2018", "2019", "2020", "2021", None],
    ["1", "2", "3", "4", "5", "6", "7", "8", "9"],
    ["1.1. Подготовительный этап", None, None, None, "февраль – март 2018 год", None, None, None, None],
    ["1.", "Разработка программы", "Комитет по образованию", None, "x", "X", "х", "x", "x"],
    [
        "2.",
        "Организация и проведение курсов",
        "ГАУ ДПО СОИРО",
        "внебюджетные средства",
        "150 000,50",
        "1200",
        "",
        "x",
        "50%",
    ],
    ["3.", "Определение школ с", "Комитет по образованию и", None, None, None, None, None, None],
    [None, "низкими результатами обучения", "молодежной политике", None, "X", "X", None, None, "X"],
]
MERGES = ["E1:H1", "A1:A2", "B1:B2", "C1:C2", "D1:D2", "I1:I2"]


def test_funding_source_and_amounts_per_year_are_read_in_seed_003_layout():
    plan = read_plan_file(workbook_bytes(SEED_003, merges=MERGES))
    (stage,) = plan.sections
    assert (stage.number, stage.title, stage.deadline_text) == (
        "1.1.",
        "Подготовительный этап",
        "февраль – март 2018 год",
    )
    first, second, third = stage.activities
    assert first.funding == {"2018": "x", "2019": "x", "2020": "x", "2021": "x"}
    assert first.funding_source == ""
    assert first.expected_result == "x"
    assert second.funding_source == "внебюджетные средства"
    assert second.funding == {"2018": "150000.50", "2019": "1200.00", "2021": "x"}
    assert second.expected_result == "50%"
    # The activity broken over two lines keeps the amounts of its second line.
    assert third.name == "Определение школ с низкими результатами обучения"
    assert third.funding == {"2018": "x", "2019": "x"}
    assert not any("not read" in w or "не прочитан" in w for w in plan.warnings), plan.warnings


def test_a_table_without_funding_columns_reads_as_before():
    rows = [
        ["№ п/п", "Наименование мероприятия", "Сроки", "Ответственный", "Ожидаемый результат"],
        ["1.", "Семинар", "март 2025", "Методист", "Протокол"],
    ]
    (activity,) = read_plan_file(workbook_bytes(rows)).sections[0].activities
    assert (activity.name, activity.deadline_text, activity.responsible, activity.expected_result) == (
        "Семинар",
        "март 2025",
        "Методист",
        "Протокол",
    )
    assert (activity.funding_source, activity.funding) == ("", {})


def test_amounts_as_written_become_decimals():
    assert funding_amount("1 234 567,8") == "1234567.80"
    assert funding_amount("\u00a0150\u00a0000 руб.") == "150000.00"
    assert funding_amount("Х") == "x"
    assert funding_amount("по смете") == "по смете"


def test_import_plan_json_shows_the_funding_and_the_import_keeps_it(world, tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook_bytes(SEED_003, merges=MERGES))
    call_command("import_plan", str(path), "--owner", "oktyabrsky", "--period", "2018-2021", "--json")
    document = json.loads(capsys.readouterr().out)
    second = document["sections"][0]["activities"][1]
    assert second["funding_source"] == "внебюджетные средства"
    assert second["funding"] == {"2018": "150000.50", "2019": "1200.00", "2021": "x"}
    activity = Activity.objects.get(section__plan__municipality__code="oktyabrsky", number="2.")
    assert (activity.funding_source, activity.funding) == ("внебюджетные средства", second["funding"])
    assert activity.history.get().funding == second["funding"]  # the import's history row holds it as well


def test_the_json_of_a_table_without_funding_columns_has_no_funding_keys():
    rows = [["№ п/п", "Наименование мероприятия", "Сроки", "Ответственный"], ["1.", "Семинар", "март 2025", "Методист"]]
    document = read_plan_file(workbook_bytes(rows)).as_json(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert set(document["sections"][0]["activities"][0]) == {
        "number",
        "name",
        "deadline_text",
        "kind",
        "periods",
        "responsible",
        "expected_result",
    }


def test_the_wizard_preview_shows_the_funding_as_the_plan_will_keep_it():
    read = read_plan_file(workbook_bytes(SEED_003, merges=MERGES))
    preview = build_preview(read, dt.date(2018, 1, 1), dt.date(2021, 12, 31))
    second = preview.sections[0].activities[1]
    assert second.funding_source == "внебюджетные средства"
    assert second.funding_shown == [("2018", "150\u00a0000,50"), ("2019", "1\u00a0200,00"), ("2021", "x")]
    with translation.override("ru"):
        html = render_to_string("roadmaps/plan/_funding.html", {"activity": second})
    assert "Финансирование:" in html
    assert "внебюджетные средства; 2018: 150\u00a0000,50, 2019: 1\u00a0200,00, 2021: x" in html
