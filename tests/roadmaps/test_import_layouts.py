"""Plan tables as municipalities really lay them out: passports above and beside the table, two-row headers, section
rows with their own cells, stages with deadlines, numbers and dates as Excel formats them, lines under the table."""

import datetime as dt
import re

import pytest

from roadmaps.imports import PlanFileRefused, read_plan_file

from .builders import inline_row, raw_workbook, workbook_bytes

P25 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
HEADER = ["№ п/п", "Наименование мероприятия", "Сроки", "Ответственный", "Ожидаемый результат"]


def activities(plan):
    return [(a.number, a.name) for s in plan.sections for a in s.activities]


def refusal(data) -> str:
    with pytest.raises(PlanFileRefused) as info:
        read_plan_file(data)
    return " ".join(info.value.errors)


# --- Rows that look like headers -------------------------------------------------------------------------------------


def test_activities_whose_text_starts_like_a_header_word_are_read():
    rows = [
        HEADER,
        ["1", "Организационное обеспечение"],
        ["1.1", "Мероприятия по повышению мотивации обучающихся", "май 2025", "ОО", "Результаты ВПР выше"],
        ["1.2", "Наименование и утверждение школьных кураторов", "июнь 2025", "Ответственный за УВР", "Приказ"],
        ["1.3", "Содержание работы с родителями", "сентябрь 2025", "Классные руководители", "Результаты ОГЭ"],
        ["1.4", "Результаты ОГЭ: анализ на педсовете", "август 2025", "Ответственный за ГИА", "Протокол"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [n for n, _name in activities(plan)] == ["1.1", "1.2", "1.3", "1.4"]


def test_the_header_repeated_on_a_new_page_is_skipped():
    rows = [
        HEADER,
        ["1", "Семинар", "май 2025", "УМЦ", "Программа"],
        HEADER,
        ["2", "Совещание", "июнь 2025", "УМЦ", "Протокол"],
    ]
    assert activities(read_plan_file(workbook_bytes(rows))) == [("1", "Семинар"), ("2", "Совещание")]


def test_a_passport_on_the_first_sheet_does_not_hide_the_plan_on_the_second():
    passport = [
        ["Паспорт программы"],
        ["Наименование программы", "Программа поддержки школ с низкими образовательными результатами"],
        ["Сроки реализации", "2025 год"],
        ["Ожидаемые результаты", "Снижение доли школ с низкими результатами"],
    ]
    rows = [HEADER, ["1", "Семинар", "май 2025", "УМЦ", "Программа"]]
    plan = read_plan_file(workbook_bytes(rows, before=passport))
    assert plan.sheet == "План" and activities(plan) == [("1", "Семинар")]


def test_a_passport_above_the_table_is_neither_the_header_nor_the_title():
    rows = [
        ["Наименование программы", "Программа повышения качества образования в школах с низкими результатами"],
        ["Исполнители", "Управление образования, ОО"],
        ["Сроки реализации", "2025 год"],
        [None],
        ["План мероприятий («дорожная карта»)"],
        HEADER,
        ["1", "Семинар", "май 2025", "УМЦ", "Программа"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert activities(plan) == [("1", "Семинар")]
    assert plan.title == "План мероприятий («дорожная карта»)"


def test_a_two_row_header_under_a_group_cell():
    rows = [
        ["№", "Мероприятие", "Исполнение", None, "Показатели"],
        [None, None, "Срок", "Ответственный", None],
        ["1", "Семинар для учителей", "март 2025", "Методист", "Доля учителей 80 %"],
    ]
    plan = read_plan_file(workbook_bytes(rows, merges=["C1:D1", "A1:A2", "B1:B2", "E1:E2"]))
    activity = plan.sections[0].activities[0]
    assert (activity.deadline_text, activity.responsible, activity.expected_result) == (
        "март 2025",
        "Методист",
        "Доля учителей 80 %",
    )


def test_an_unlabelled_number_column_keeps_its_numbers():
    # seed 004, Приложение 5: «| Выполненные и реализуемые мероприятия | Конечный результат исполнения по мероприятиям»
    rows = [
        [None, "Выполненные и реализуемые мероприятия", "Конечный результат исполнения по мероприятиям"],
        ["2.19.", "Сформирована группа руководителей для курсов", "Обучены 12 человек"],
        ["2.20", "Реализация индивидуальных планов профессионального развития", "Реализуются 40 планов"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [n for n, _name in activities(plan)] == ["2.19.", "2.20"]


# --- Section rows and stages ------------------------------------------------------------------------------------------


def test_arabic_section_rows_with_their_own_responsible():
    rows = [
        HEADER,
        ["1.", "Организационное обеспечение", None, "Управление образования", None],
        ["1.1", "Приказ о рабочей группе", "январь 2025", "Начальник отдела", "Приказ"],
        ["1.2", "Положение о рабочей группе", "февраль 2025", "Методист", "Положение"],
        ["2.", "Методическое сопровождение", None, "МКУ ЦРО", None],
        ["2.1", "Семинар", "март 2025", "МКУ ЦРО", "Программа"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [(s.number, s.responsible, len(s.activities)) for s in plan.sections] == [
        ("1.", "Управление образования", 2),
        ("2.", "МКУ ЦРО", 1),
    ]


def test_an_activity_with_its_other_cells_blank_in_a_roman_section():
    rows = [
        HEADER,
        ["I.", "Организационное обеспечение"],
        ["1.", "Назначение координатора", "январь 2025", "Комитет", "Приказ"],
        ["2.", "Создание рабочей группы"],
        ["3.", "Мониторинг", "июнь 2025", "Комитет", "Справка"],
        ["ІІ.", "Кадровый потенциал"],  # Cyrillic «І» (U+0406), as Word's autocorrection leaves it
        ["1.", "Наставничество", "в течение года", "ОО", "Пары"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [(s.number, [a.number for a in s.activities]) for s in plan.sections] == [
        ("I.", ["1.", "2.", "3."]),
        ("ІІ.", ["1."]),
    ]


def test_a_stage_row_with_its_deadline_in_the_deadline_column():
    rows = [
        HEADER,
        ["Основное мероприятие 1.", "Организация деятельности центра"],
        [None, "1.1. Подготовительный этап", "февраль – март 2025 год", None, None],
        ["1.", "Разработка программы", None, "Комитет", "Программа"],
        ["2.", "Издание приказа", None, "Комитет", "Приказ"],
        [None, "1.2. Основной этап", "апрель – декабрь 2025 года", None, None],
        ["1.", "Проведение семинаров", "октябрь 2025", "Комитет", "Программы"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    stages = [s for s in plan.sections if s.parent is not None]
    assert [(s.number, s.title, s.deadline_text, len(s.activities)) for s in stages] == [
        ("1.1.", "Подготовительный этап", "февраль – март 2025 год", 2),
        ("1.2.", "Основной этап", "апрель – декабрь 2025 года", 1),
    ]
    document = plan.as_json(*P25)
    first = document["sections"][1]["activities"][0]
    # An activity without a deadline of its own is read by its stage's, in the JSON as in the imported plan.
    assert (first["deadline_text"], first["kind"], first["periods"]) == ("", "dates", [["2025-02-01", "2025-03-31"]])
    own = document["sections"][2]["activities"][0]
    assert own["periods"] == [["2025-10-01", "2025-10-31"]]


def test_a_cyrillic_letter_at_the_start_of_a_title_is_not_a_roman_number():
    rows = [
        HEADER,
        ["С целью повышения качества образования"],
        ["1", "Семинар", "май 2025", "УМЦ", "Программа"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert (plan.sections[0].number, plan.sections[0].title) == ("", "С целью повышения качества образования")


# --- Cells as Excel shows them ----------------------------------------------------------------------------------------


def test_numbers_are_read_as_their_format_shows_them():
    rows = [
        HEADER,
        ["2", "Методическое сопровождение"],
        [2.1, "Семинар", "май 2025", "УМЦ", 0.5],
        [2.1, "Консультации", "июнь 2025", "УМЦ", None],
    ]
    data = workbook_bytes(rows, formats={"A3": "0.0", "A4": "0.00", "E3": "0%"})
    plan = read_plan_file(data)
    assert [(a.number, a.expected_result) for a in plan.sections[0].activities] == [("2.1", "50%"), ("2.10", "")]


def test_a_date_formatted_as_a_month_is_the_whole_month():
    rows = [
        HEADER,
        ["1", "Семинар", dt.datetime(2025, 11, 1), "УМЦ", "Программа"],
        ["2", "Совещание", dt.datetime(2025, 11, 14), "УМЦ", "Протокол"],
        ["3", "Отчёт", dt.datetime(2025, 12, 1), "УМЦ", "Отчёт"],
    ]
    data = workbook_bytes(rows, formats={"C2": "MMMM YYYY", "C3": "DD.MM.YYYY", "C4": "mmm-yy"})
    document = read_plan_file(data).as_json(*P25)
    read = [(a["deadline_text"], a["periods"]) for a in document["sections"][0]["activities"]]
    assert read == [
        ("ноябрь 2025", [["2025-11-01", "2025-11-30"]]),
        ("14.11.2025", [["2025-11-14", "2025-11-14"]]),
        ("декабрь 2025", [["2025-12-01", "2025-12-31"]]),
    ]


def test_formulas_without_saved_values_are_refused_with_their_cells():
    rows = [HEADER, ["1", "Семинар", "май 2025", "УМЦ", '=CONCAT("Про","грамма")'], ["2", "=B2", None, None, None]]
    message = refusal(workbook_bytes(rows))
    assert "E2" in message and "B3" in message and "формул" in message


# --- Lines under and across the table ---------------------------------------------------------------------------------


def test_the_signature_under_the_table_is_not_an_activity():
    rows = [
        HEADER,
        ["1", "Семинар", "май 2025", "УМЦ", "Программа"],
        [None],
        [None, "Начальник управления образования ____________ И.И. Иванов"],
        [None, "Исполнитель: Петрова А.А., тел. 8(3467)2-11-11"],
    ]
    assert activities(read_plan_file(workbook_bytes(rows))) == [("1", "Семинар")]


def test_a_row_continued_across_a_page_break_is_one_activity():
    rows = [
        HEADER,
        ["1", "Проведение семинаров для руководителей", "май 2025", "УМЦ", "Программа"],
        [None, "и заместителей директоров по УВР", None, "управления", None],
        ["2", "Совещание", "июнь 2025", "УМЦ", "Протокол"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    first = plan.sections[0].activities[0]
    assert (first.name, first.responsible) == (
        "Проведение семинаров для руководителей и заместителей директоров по УВР",
        "УМЦ управления",
    )
    assert len(plan.sections[0].activities) == 2


def test_a_deadline_longer_than_the_plan_keeps_is_refused_with_its_row():
    rows = [HEADER, ["1", "Семинар", "в течение года " * 40, "УМЦ", "Программа"]]
    message = refusal(workbook_bytes(rows))
    assert "Строка 2" in message and "500" in message


# --- Sheets -----------------------------------------------------------------------------------------------------------


def test_a_plan_only_on_a_hidden_sheet_says_so():
    rows = [HEADER, ["1", "Семинар", "май 2025", "УМЦ", "Программа"]]
    message = refusal(workbook_bytes(rows, hidden=True))
    assert "скрытом листе «План»" in message


def test_borders_drawn_far_below_a_small_table_do_not_make_it_too_large():
    from openpyxl import Workbook
    from openpyxl.styles import Border, Side

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["1", "Семинар", "май 2025", "УМЦ", "Программа"])
    thin = Border(left=Side("thin"))
    for row in range(3, 6001):
        ws.cell(row, 1).border = thin
    import io

    out = io.BytesIO()
    wb.save(out)
    assert activities(read_plan_file(out.getvalue())) == [("1", "Семинар")]


# --- Files built to exhaust the reader: refused at the bound, in seconds ----------------------------------------------

PLAN_HEADER = inline_row("Мероприятие", "Сроки")


def test_a_million_empty_cells_without_references_are_refused_at_the_bound():
    data = raw_workbook([PLAN_HEADER] + ["<row>" + "<c/>" * 1000 + "</row>"] * 1100)
    assert "больше таблицы плана" in refusal(data)


def test_one_long_shared_string_referenced_everywhere_is_refused_by_its_total_text():
    cells = '<c t="s"><v>0</v></c>' * 200
    data = raw_workbook([PLAN_HEADER] + [f"<row>{cells}</row>"] * 2000, strings=["я" * 32767])
    assert "больше текста" in refusal(data)


def test_more_rows_of_text_than_a_plan_has_are_refused_at_the_bound():
    rows = (inline_row(f"Мероприятие {i}", "май 2025") for i in range(200_000))
    data = raw_workbook(iter([PLAN_HEADER, *rows]))
    assert "5000 строк" in refusal(data)


def test_text_beyond_the_200th_column_is_refused():
    far = (
        '<row r="3"><c r="A3" t="inlineStr"><is><t>Семинар</t></is></c>'
        '<c r="HZ3" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    data = raw_workbook([PLAN_HEADER, far])
    assert "200 столбцов" in refusal(data)


def test_cells_without_references_take_the_next_column_and_row():
    data = raw_workbook([PLAN_HEADER, inline_row("Семинар", "май 2025"), inline_row("Совещание", "июнь 2025")])
    plan = read_plan_file(data)
    assert [(a.name, a.deadline_text, a.row) for a in plan.sections[0].activities] == [
        ("Семинар", "май 2025", 2),
        ("Совещание", "июнь 2025", 3),
    ]


def test_a_deadline_group_over_start_and_end_columns_is_read_as_one_period():
    rows = [
        ["№", "Мероприятие", "Сроки", None, "Ответственный"],
        [None, None, "начало", "окончание", None],
        ["1", "Курсы повышения квалификации", dt.datetime(2025, 2, 1), dt.datetime(2025, 3, 31), "ЦРО"],
    ]
    data = workbook_bytes(
        rows, merges=["C1:D1", "A1:A2", "B1:B2", "E1:E2"], formats={"C3": "DD.MM.YYYY", "D3": "DD.MM.YYYY"}
    )
    document = read_plan_file(data).as_json(*P25)
    activity = document["sections"][0]["activities"][0]
    assert (activity["deadline_text"], activity["periods"], activity["responsible"]) == (
        "01.02.2025 – 31.03.2025",
        [["2025-02-01", "2025-03-31"]],
        "ЦРО",
    )


def test_two_columns_of_one_role_are_both_kept():
    rows = [
        ["№", "Мероприятие", "Срок", "Ответственные", "Соисполнители", "Ожидаемый результат", "Показатели"],
        ["1", "Семинар", "май 2025", "УМЦ", "ОО", "Программа", "80 % участников"],
    ]
    activity = read_plan_file(workbook_bytes(rows)).sections[0].activities[0]
    assert (activity.responsible, activity.expected_result) == ("УМЦ; ОО", "Программа; 80 % участников")


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Показатели", "result"),
        ("Контрольные показатели", "result"),
        ("Индикаторы", "result"),
        ("Отчетный документ", "result"),
        ("Период", "deadline"),
        ("Вид деятельности", "name"),
        ("Наименование мероприятий программы", "name"),
        ("Наименование программы", None),
        ("Наименование муниципальной программы", None),
        ("Наименование ОО", None),
        ("Программа повышения качества образования в школах с низкими образовательными результатами", None),
    ],
)
def test_more_column_labels(header, role):
    from roadmaps.imports import column_role

    assert column_role(header) == role


def test_an_unnumbered_activity_naming_a_person_is_not_a_signature_and_one_in_lower_case_keeps_its_deadline():
    rows = [
        ["Основные мероприятия", "Сроки исполнения", "Ответственные", "Ожидаемый результат"],
        ["Руководитель РМО Иванова И.И. проводит открытые уроки", "март 2025", "РМО", "Уроки"],
        ["Семинар для учителей", "апрель 2025", "УМЦ", "Программа"],
        ["обучающий семинар для родителей", "май 2025", "УМЦ", "Программа"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [(a.name, a.deadline_text) for a in plan.sections[0].activities] == [
        ("Руководитель РМО Иванова И.И. проводит открытые уроки", "март 2025"),
        ("Семинар для учителей", "апрель 2025"),
        ("обучающий семинар для родителей", "май 2025"),
    ]


# --- Found by the outside acceptance of 2026-12-01 ----------------------------------------------------------------


def test_activity_names_starting_with_a_roman_looking_word_stay_activities():
    rows = [
        ["Основные мероприятия", "Сроки исполнения", "Ответственные", "Ожидаемый результат"],
        ["Работа с одарёнными детьми"],
        ["I этап Всероссийской олимпиады школьников", "сентябрь-октябрь 2024", "ОО", "Протоколы"],
        ["II этап Всероссийской олимпиады школьников", "ноябрь 2024", "УО", "Протоколы"],
        ["IT-марафон для старшеклассников", "декабрь 2024", "ЦРО", "Сертификаты"],
    ]
    plan = read_plan_file(workbook_bytes(rows, merges=["A2:D2"]))
    assert [(s.title, len(s.activities)) for s in plan.sections] == [("Работа с одарёнными детьми", 3)]
    assert plan.sections[0].activities[0].name == "I этап Всероссийской олимпиады школьников"
    assert plan.sections[0].activities[0].expected_result == "Протоколы"


def test_a_row_of_activities_naming_more_columns_than_the_header_does_not_replace_it():
    rows = [
        ["Мероприятие", "Срок", "Ответственный", "Примечание"],
        ["Назначение координатора", "январь 2024", "УО", None],
        ["Семинар", "март 2024", "МОЦ", None],
        ["Мероприятия по подготовке к ВПР", "Сроки проведения ВПР", "Ответственные за ВПР", "Результаты ВПР"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [a.name for a in plan.sections[0].activities] == [
        "Назначение координатора",
        "Семинар",
        "Мероприятия по подготовке к ВПР",
    ]
    assert any("«Примечание» (D)" in warning for warning in plan.warnings)


def test_a_passport_line_of_labels_above_the_table_loses_to_the_table_header():
    rows = [
        ["Основные мероприятия программы", "Сроки и этапы реализации программы: 2024-2025"],
        ["Основные мероприятия", "Сроки"],
        [None],
        HEADER,
        ["1.", "Организационные мероприятия"],
        ["1.1.", "Назначение координатора", "январь 2024", "УО", "Приказ"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [(s.number, [a.number for a in s.activities]) for s in plan.sections] == [("1.", ["1.1."])]


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Планируемые сроки", "deadline"),
        ("Плановый срок", "deadline"),
        ("Ориентировочный срок исполнения", "deadline"),
        ("Отв.", "responsible"),
        ("Ответств. исполнитель", "responsible"),
        ("Кто отвечает", "responsible"),
        ("Ожидаемые эффекты", "result"),
        ("Планируемый продукт", "result"),
        ("Критерии эффективности", "result"),
        ("Срок (факт)", None),
        ("Достигнутый результат", None),
        ("Отметка о выполнении", None),
        ("Срок выполнения", "deadline"),
        ("Сроки реализации программы: 2024-2025", None),
        ("План мероприятий", None),
    ],
)
def test_column_labels_found_in_real_plans(header, role):
    from roadmaps.imports import column_role

    assert column_role(header) == role


def test_plan_and_fact_columns_are_not_joined_and_a_hidden_column_is_not_read():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["№", "Мероприятие", "Старый срок", "Срок (план)", "Срок (факт)", "Ответственный"])
    ws.append(["1", "Семинар", "2023", "март 2024", "апрель 2024", "УО"])
    ws.column_dimensions["C"].hidden = True
    import io

    out = io.BytesIO()
    wb.save(out)
    plan = read_plan_file(out.getvalue())
    activity = plan.sections[0].activities[0]
    assert (activity.deadline_text, activity.responsible) == ("март 2024", "УО")
    assert [w for w in plan.warnings if "«Срок (факт)» (E)" in w]


def test_a_numbered_activity_merged_over_its_blank_deadline_is_an_activity():
    rows = [
        HEADER,
        ["1.", "Работа с ОО"],
        ["1.1.", "Проведение информационной кампании", None, "МОЦ", "Публикации"],
        ["1.2.", "Семинар", "май 2024", "МОЦ", "Программа"],
    ]
    plan = read_plan_file(workbook_bytes(rows, merges=["B2:E2", "B3:C3"]))
    assert [(s.number, [(a.number, a.expected_result) for a in s.activities]) for s in plan.sections] == [
        ("1.", [("1.1.", "Публикации"), ("1.2.", "Программа")])
    ]


def test_a_signature_spread_over_cells_and_notes_under_the_table_are_left_out_and_said():
    rows = [
        HEADER,
        ["1.", "Организационные мероприятия"],
        ["1.1.", "Семинар", "май 2024", "МОЦ", "Программа"],
        [None, "Итого по программе", None, None, "80"],
        [None],
        [None, "Начальник управления образования", None, None, "И.И. Иванов"],
        [None, "Согласовано:", None, "Директор МОЦ", "Сидорова Е.В."],
        ["Примечание: ОО – образовательные организации"],
        ["* по согласованию"],
        [None, "Список используемых сокращений"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [(s.number, [a.number for a in s.activities]) for s in plan.sections] == [("1.", ["1.1."])]
    said = " ".join(plan.warnings)
    assert "Итого по программе" in said and "Примечание" in said and "Список используемых сокращений" in said


def test_continuations_after_a_page_break_and_sub_items_with_their_own_deadlines():
    rows = [
        HEADER,
        ["1.1.", "Организация работы со", "март 2024", "МОЦ", None],
        [None, "ШНОР по внедрению методических рекомендаций", None, None, "Рекомендации"],
        ["1.2.", "Методические мероприятия:", "апрель 2024", "МОЦ", "Семинары"],
        [None, "- конференция педагогов ШНОР", "май 2024", "УО", "Конференция"],
    ]
    activities_read = read_plan_file(workbook_bytes(rows)).sections[0].activities
    assert [(a.number, a.name, a.deadline_text, a.expected_result) for a in activities_read] == [
        ("1.1.", "Организация работы со ШНОР по внедрению методических рекомендаций", "март 2024", "Рекомендации"),
        ("1.2.", "Методические мероприятия:", "апрель 2024", "Семинары"),
        ("", "- конференция педагогов ШНОР", "май 2024", "Конференция"),
    ]


def test_a_number_formatted_with_its_dot_keeps_it():
    rows = [HEADER, [1, "Раздел"], [1.1, "Семинар", "май 2024", "МОЦ", "Программа"]]
    plan = read_plan_file(workbook_bytes(rows, formats={"A2": '0"."', "A3": "0.0."}))
    assert (plan.sections[0].number, plan.sections[0].activities[0].number) == ("1.", "1.1.")


def test_another_plan_like_sheet_is_said_and_a_header_deep_below_a_long_preamble_is_found():
    rows = [HEADER, ["1", "Семинар", "май 2024", "МОЦ", "Программа"]]
    preamble = [[f"Пункт {n} пояснительной записки к плану"] for n in range(60)]
    plan = read_plan_file(
        workbook_bytes(preamble + rows, before=[HEADER, ["1", "Совещание", "июнь 2025", "УО", "Протокол"]])
    )
    assert plan.sheet == "Паспорт" and [w for w in plan.warnings if "«План»" in w]
    deep = read_plan_file(workbook_bytes(preamble + rows))
    assert [a.name for a in deep.sections[0].activities] == ["Семинар"]


def test_a_stray_cell_far_to_the_right_is_named_in_the_refusal():
    far = (
        '<row r="3"><c r="A3" t="inlineStr"><is><t>Семинар</t></is></c>'
        '<c r="KN3" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    assert "KN3" in refusal(raw_workbook([PLAN_HEADER, far]))


def test_one_merged_range_repeated_fifty_thousand_times_is_read_once():
    merges = "".join('<mergeCell ref="C2:D5000"/>' for _ in range(50_000))
    rows = [PLAN_HEADER] + [inline_row(f"Мероприятие {n}", "май 2025", number=n) for n in range(2, 4000)]
    data = raw_workbook(rows, tail=f'<mergeCells count="50000">{merges}</mergeCells>')
    assert read_plan_file(data).activity_count == 3998


# --- Found by the second acceptance and the review of 2026-12-01 ----------------------------------------------------


def test_a_grouping_column_merged_down_gives_the_sections():
    rows = [
        ["№", "Направление", "Мероприятие", "Сроки", "Ответственный"],
        ["1", "Организационно-управленческое", "Назначение координатора", "январь 2024", "УО"],
        ["2", None, "Создание рабочей группы", "февраль 2024", "УО"],
        ["3", "Методическое сопровождение", "Семинар", "март 2024", "МОЦ"],
    ]
    plan = read_plan_file(workbook_bytes(rows, merges=["B2:B3"]))
    assert [(s.title, [a.name for a in s.activities]) for s in plan.sections] == [
        ("Организационно-управленческое", ["Назначение координатора", "Создание рабочей группы"]),
        ("Методическое сопровождение", ["Семинар"]),
    ]


def test_two_grouping_columns_give_sections_and_their_sub_sections():
    rows = [
        ["Фактор риска", "Задача", "Мероприятие", "Сроки", "Ответственные", "Показатели"],
        ["Низкая учебная мотивация", "Выявить причины", "Анкетирование", "октябрь 2024", "Психолог", "100 %"],
        [None, None, "Анализ анкет", "ноябрь 2024", "Психолог", "Справка"],
        [None, "Повысить мотивацию", "Предметные недели", "в течение года", "ШМО", "Охват 80 %"],
    ]
    plan = read_plan_file(workbook_bytes(rows, merges=["A2:A4", "B2:B3"]))
    assert [(s.title, s.parent.title if s.parent else None, len(s.activities)) for s in plan.sections] == [
        ("Низкая учебная мотивация", None, 0),
        ("Выявить причины", "Низкая учебная мотивация", 2),
        ("Повысить мотивацию", "Низкая учебная мотивация", 1),
    ]


def test_quarters_and_months_marked_in_columns_are_the_deadline():
    quarters = [
        ["№", "Мероприятие", "Сроки исполнения", None, None, None, "Ответственный"],
        [None, None, "I кв.", "II кв.", "III кв.", "IV кв.", None],
        ["1", "Мониторинг", "+", None, "+", None, "МОЦ"],
        ["2", "Отчёт", None, None, None, "х", "УО"],
    ]
    plan = read_plan_file(workbook_bytes(quarters, merges=["C1:F1", "A1:A2", "B1:B2", "G1:G2"]))
    assert [(a.deadline_text, a.responsible) for a in plan.sections[0].activities] == [
        ("I кв., III кв.", "МОЦ"),
        ("IV кв.", "УО"),
    ]
    months = [
        ["№", "Мероприятие", "Ответственный", "2024 год"] + [None] * 11,
        [None, None, None, "янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"],
        ["1", "Пробные ОГЭ", "ОО", None, None, "■"] + [None] * 7 + ["■"],
    ]
    document = read_plan_file(workbook_bytes(months, merges=["D1:O1", "A1:A2", "B1:B2", "C1:C2"])).as_json(
        dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    )
    activity = document["sections"][0]["activities"][0]
    assert activity["deadline_text"] == "март, ноябрь 2024"
    assert activity["periods"] == [["2024-03-01", "2024-03-31"], ["2024-11-01", "2024-11-30"]]


def test_participants_beside_the_responsible_are_not_the_responsible():
    rows = [
        ["№", "Мероприятие", "Участники", "Сроки", "Ответственный"],
        ["1", "Семинар", "Учителя ШНОР", "май 2024", "МОЦ"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert plan.sections[0].activities[0].responsible == "МОЦ"
    assert [w for w in plan.warnings if "«Участники» (C)" in w]


def test_header_labels_hyphenated_in_narrow_cells_are_labels():
    rows = [
        ["№", "Наимено-\nвание меро-\nприятия", "Сро-\nки", "Ответ\u00adствен\u00adные"],
        ["1", "Семинар", "май 2024", "МОЦ"],
    ]
    activity = read_plan_file(workbook_bytes(rows)).sections[0].activities[0]
    assert (activity.name, activity.deadline_text, activity.responsible) == ("Семинар", "май 2024", "МОЦ")


def test_signature_blocks_over_many_cells_are_left_out_and_said():
    rows = [
        HEADER,
        ["1", "Формирование перечня ШНОР", "январь 2024", "УО", "Перечень"],
        ["Заместитель начальника управления", "________", "(подпись)", "О.М. Дамба", "(расшифровка подписи)"],
        [None, "(подпись)", None, "(расшифровка подписи)"],
        ["Исполнитель:", "Петрова Анна Андреевна", "методист МОЦ", "тел. 2-11-11"],
        ["СОГЛАСОВАНО:", "Директор МБОУ СОШ № 1", "Иванов", "12.01.2024"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert activities(plan) == [("1", "Формирование перечня ШНОР")]
    assert len([w for w in plan.warnings if "подпись" in w]) == 4


def test_a_lower_case_row_with_its_own_cells_is_an_activity_not_a_continuation():
    rows = [
        HEADER,
        ["1", "Назначение куратора", "январь 2024", "Директор", "Приказ"],
        [None, "организация наставничества", None, "Зам. директора по УВР", "Приказ о наставничестве"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [(a.name, a.responsible) for a in plan.sections[0].activities] == [
        ("Назначение куратора", "Директор"),
        ("организация наставничества", "Зам. директора по УВР"),
    ]


def test_unlabelled_columns_hidden_rows_and_an_oversized_other_sheet_are_said():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "План"
    ws.append(["№", "Мероприятие", "Сроки", "Ответственный", None])
    ws.append(["1", "Семинар", "май 2024", "УО", "Иванова И.И."])
    ws.append(["2", "Отменённое совещание", "июнь 2024", "УО", None])
    ws.row_dimensions[3].hidden = True
    ws.append(["3", "Консультации", "июль 2024", "МОЦ", None])
    other = wb.create_sheet("Расчёты")
    other.cell(1, 300, "x")
    import io

    out = io.BytesIO()
    wb.save(out)
    plan = read_plan_file(out.getvalue())
    assert [a.name for a in plan.sections[0].activities] == ["Семинар", "Консультации"]
    said = " ".join(plan.warnings)
    assert "Столбец E без заголовка" in said and "Скрытые строки не прочитаны: 3" in said and "«Расчёты»" in said


def test_numbers_excel_turned_into_dates_are_read_back_and_said():
    rows = [
        HEADER,
        ["1", "Раздел"],
        [dt.datetime(2024, 1, 1), "Семинар", "май 2024", "УО", "Программа"],
        [dt.datetime(2024, 2, 1), "Совещание", "июнь 2024", "УО", "Протокол"],
    ]
    plan = read_plan_file(workbook_bytes(rows, formats={"A3": "dd.mmm", "A4": "dd.mmm"}))
    assert [a.number for a in plan.sections[0].activities] == ["1.1", "1.2"]
    assert [w for w in plan.warnings if "Excel" in w and "«1.1»" in w]


def test_escaped_and_invisible_characters_are_read_as_excel_shows_them():
    data = raw_workbook(
        [
            inline_row("№", "Мероприятие", "Сроки"),
            inline_row("1.\u200b1", "Семинар_x000D_\nдля учителей", "март_x000D_\n2024"),
        ]
    )
    activity = read_plan_file(data).sections[0].activities[0]
    assert (activity.number, activity.name, activity.deadline_text) == ("1.1", "Семинар\nдля учителей", "март\n2024")


def test_sections_numbered_with_a_parenthesis():
    rows = [
        ["Мероприятие", "Сроки", "Ответственный"],
        ["1) Нормативное обеспечение"],
        ["Приказ о рабочей группе", "январь 2024", "УО"],
    ]
    plan = read_plan_file(workbook_bytes(rows, merges=["A2:C2"]))
    assert (plan.sections[0].number, plan.sections[0].title) == ("1)", "Нормативное обеспечение")


@pytest.mark.parametrize(
    "row",
    [
        '<row r="²"><c r="A2" t="inlineStr"><is><t>Семинар</t></is></c></row>',
        '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "9" * 5000 + ". Семинар</t></is></c></row>",
        '<row r="2"><c r="A2" t="s"><v>-1</v></c></row>',
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Семинар</t></is></c>'
        '<c r="A2" t="inlineStr"><is><t>Совещание</t></is></c></row>',
        '<row r="2"><c r="A2" s="²"><v>5</v></c></row>',
        '<row r="2"><c r="A2"><v>1e308</v></c><c r="B2"><v>nan</v></c></row>',
        "<row>" + "<x>" * 100 + "</x>" * 100 + "</row>",
    ],
    ids=["superscript row", "5,000 digits", "negative string", "two cells at A2", "odd style", "odd numbers", "deep"],
)
def test_crafted_cells_are_refused_or_read_never_a_traceback(row):
    data = raw_workbook([PLAN_HEADER, row], strings=["Семинар"])
    try:
        read_plan_file(data)
    except PlanFileRefused as refused:
        assert refused.errors and all(re.search("[а-я]", e) for e in refused.errors)


def test_cells_with_excel_errors_are_read_as_they_show_and_said():
    row = (
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Семинар</t></is></c>'
        '<c r="B2" t="e"><f>VLOOKUP(A2,Лист2!A:B,2,0)</f><v>#N/A</v></c></row>'
    )
    plan = read_plan_file(raw_workbook([PLAN_HEADER, row]))
    assert plan.sections[0].activities[0].deadline_text == "#N/A"
    assert [w for w in plan.warnings if "B2 «#N/A»" in w]


# --- Found by the third acceptance (wizard and command line) ----------------------------------------------------------


def test_a_continued_table_label_at_a_page_break_is_neither_a_section_nor_a_break_of_the_row():
    rows = [
        HEADER,
        ["1.", "Работа с кадрами"],
        ["1.1.", "Семинар", "май 2024", "МОЦ", "Программа"],
        ["1.2.", "Занятия с обучающимися, имеющими", "в течение года", "Учителя-", "Журнал"],
        ["Продолжение таблицы"],
        HEADER,
        [1, 2, 3, 4, 5],
        [None, "трудности в обучении", None, "предметники", None],
        ["1.3.", "Консультации", "июнь 2024", "МОЦ", "Журнал"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [(s.number, [a.number for a in s.activities]) for s in plan.sections] == [("1.", ["1.1.", "1.2.", "1.3."])]
    joined = plan.sections[0].activities[1]
    assert (joined.name, joined.responsible) == (
        "Занятия с обучающимися, имеющими трудности в обучении",
        "Учителя-предметники",
    )


def test_an_activity_with_its_result_stays_an_activity_when_sub_items_follow():
    rows = [
        HEADER,
        ["1", "Методическая работа"],
        ["1.2", "Семинары для руководителей", "в течение года", "МОЦ", "3 семинара"],
        ["1.2.1", "Семинар по ВПР", "март 2024", "МОЦ", "Программа"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [(a.number, a.expected_result) for s in plan.sections for a in s.activities] == [
        ("1.2", "3 семинара"),
        ("1.2.1", "Программа"),
    ]


def test_stages_written_in_words_nest_under_the_section_above():
    rows = [
        HEADER,
        ["I.", "Организационно-управленческие мероприятия"],
        [None, "1 этап (подготовительный)", "январь – март 2024", None, None],
        ["1.", "Приказ о рабочей группе", None, "УО", "Приказ"],
        [None, "2 этап (основной)", "апрель – декабрь 2024", None, None],
        ["1.", "Семинары", None, "МОЦ", "Программы"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [(s.number, s.title, s.parent.number if s.parent else None) for s in plan.sections] == [
        ("I.", "Организационно-управленческие мероприятия", None),
        ("", "1 этап (подготовительный)", "I."),
        ("", "2 этап (основной)", "I."),
    ]


def test_the_approval_stamp_above_the_title_is_not_the_title():
    rows = [
        [None, None, None, "Приложение 1"],
        [None, None, None, "к приказу управления образования"],
        [None, None, None, "№ 12-од от 10.01.2024"],
        [None],
        ["ДОРОЖНАЯ КАРТА по повышению качества образования в ШНОР"],
        HEADER,
        ["1", "Семинар", "май 2024", "МОЦ", "Программа"],
    ]
    assert read_plan_file(workbook_bytes(rows)).title == "ДОРОЖНАЯ КАРТА по повышению качества образования в ШНОР"
