"""The number column of a plan table under the headers legal-database exports of orders write, with a Latin «N» for
«№» (and a Cyrillic «Н» before «п/п»): its cells are the activities' numbers, not a column the reader ignores."""

import pytest

from roadmaps.imports import NUMBER, column_role, read_plan_file

from .builders import workbook_bytes

SPELLINGS = ["N п/п", "N N п.п", "NN", "N N", "NN п/п", "N п.п.", "№ п/п", "№№ п/п", "Н п/п", "Н Н п.п"]


@pytest.mark.parametrize("header", SPELLINGS)
def test_a_plan_table_numbered_under_the_header_is_read_with_its_numbers(header):
    rows = [
        [header, "Наименование мероприятия", "Сроки", "Ответственный", "Ожидаемый результат"],
        ["1", "Организационное обеспечение"],
        ["1.1", "Создание рабочей группы", "май 2025", "УО", "Приказ"],
        ["1.2", "Семинар для учителей", "июнь 2025", "УМЦ", "Программа семинара"],
        ["2", "Работа с родителями"],
        ["2.1", "Родительское собрание", "сентябрь 2025", "ОО", "Протокол"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [(s.number, s.title) for s in plan.sections] == [
        ("1", "Организационное обеспечение"),
        ("2", "Работа с родителями"),
    ]
    assert [(a.number, a.name) for s in plan.sections for a in s.activities] == [
        ("1.1", "Создание рабочей группы"),
        ("1.2", "Семинар для учителей"),
        ("2.1", "Родительское собрание"),
    ]


@pytest.mark.parametrize("header", SPELLINGS)
def test_the_header_names_the_number_column(header):
    assert column_role(header) == NUMBER
    assert column_role(header.lower()) == NUMBER


@pytest.mark.parametrize("header", ["Н", "НН", "Наименование", "Нормативная база", "NNN", "N мероприятия"])
def test_other_headers_starting_with_n_are_not_the_number_column(header):
    assert column_role(header) != NUMBER
