"""Reading plan tables laid out like the seeds' tables, and refusing what is not a plan table."""

import datetime as dt

import pytest

from roadmaps.imports import PlanFileRefused, read_plan_file

from .builders import docx_like, section_row, with_entity, workbook_bytes

P20 = (dt.date(2020, 1, 1), dt.date(2021, 12, 31))
P24 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))

SEED_001_HEADER = ["№ п/п", "Наименование мероприятия", "Сроки", "Ответственный", "Ожидаемый результат"]


def seed_001() -> bytes:
    rows = [
        SEED_001_HEADER,
        section_row(
            5, "Реализация вариативных моделей системы работы с ОО с низкими образовательными результатами", "1"
        ),
        [
            "1.1",
            "Создание муниципальной рабочей группы по вопросам адресной поддержки ШНОР",
            "Август 2020г.",
            "УОиМП",
            "Приказ управления",
        ],
        [
            "1.3",
            "Определение механизмов выявления дефицитов",
            "Сентябрь-октябрь 2020г",
            "УМЦ управления",
            "Алгоритм деятельности",
        ],
        [
            "1.6.",
            "Формирование плана мероприятий для оказания методической поддержки ШНОР",
            "Октябрь-ноябрь 2020г",
            "УОиМП",
            "План мероприятий",
        ],
        [
            "1.12",
            "Разработка муниципальной программы поддержки ШНОР на 2021-2022г",
            "Январь- февраль 2021г",
            "УОиМП",
            "Муниципальная программа",
        ],
        section_row(5, "Реализация практикоориентированной модели повышения качества образования в ШНОР", "2"),
        [
            "2.1",
            "Организация повышения квалификации руководящих работников ШНОР",
            "В течение года",
            "УМЦ управления",
            "Обучились 50% руководителей",
        ],
        [
            "2.6",
            "Активизация деятельности муниципальных опорных школ",
            "В течение года",
            "УМЦ управления",
            "Корректировка планирования",
        ],
        [
            "2.6",
            "Проведение муниципальных мероприятий по обмену опытом между ШНОР",
            "Январь- май 2021г",
            "УОиМП",
            "Представлен опыт 3 школ",
        ],
        section_row(5, "Реализация адресной модели методической поддержки учителей-предметников ШНОР", "4"),
        [
            4.6,
            "Разработка мер адресной поддержки конкретным педагогам методическими советами РМО",
            None,
            "Рабочая группа , УМЦ управления",
            "консультации",
        ],
    ]
    return workbook_bytes(
        rows,
        merges=["B2:E2", "B7:E7", "B11:E11"],
        title_rows=["План мероприятий («дорожная карта») по работе с ШНОР на 2020-2021 годы"],
    )


def test_it_reads_the_seed_001_roadmap_with_numbered_sections():
    plan = read_plan_file(seed_001())
    assert plan.title == "План мероприятий («дорожная карта») по работе с ШНОР на 2020-2021 годы"
    document = plan.as_json(*P20)
    assert [(s["number"], len(s["activities"])) for s in document["sections"]] == [("1", 4), ("2", 3), ("4", 1)]
    first = document["sections"][0]
    assert first["title"].startswith("Реализация вариативных моделей")
    assert first["activities"][0] == {
        "number": "1.1",
        "name": "Создание муниципальной рабочей группы по вопросам адресной поддержки ШНОР",
        "deadline_text": "Август 2020г.",
        "kind": "dates",
        "periods": [["2020-08-01", "2020-08-31"]],
        "responsible": "УОиМП",
        "expected_result": "Приказ управления",
    }
    assert first["activities"][2]["number"] == "1.6."
    assert first["activities"][3]["periods"] == [["2021-01-01", "2021-02-28"]]
    second = document["sections"][1]["activities"]
    assert [a["number"] for a in second] == ["2.1", "2.6", "2.6"]  # seed 001 repeats «2.6»
    assert second[0]["kind"] == "yearly" and second[0]["periods"] == [
        ["2020-01-01", "2020-12-31"],
        ["2021-01-01", "2021-12-31"],
    ]
    last = document["sections"][2]["activities"][0]
    assert (last["number"], last["deadline_text"], last["kind"], last["periods"]) == ("4.6", "", "unparsed", [])


def seed_000() -> bytes:
    rows = [
        ["Основные мероприятия", "Сроки исполнения", "Ответственные", "Ожидаемый результат"],
        section_row(4, "Научно–методическое сопровождение деятельности школ с низкими результатами обучения"),
        [
            "Организация сетевого взаимодействия образовательных организаций для обмена опытом",
            "Ежегодно",
            "- управление образования; - ОО",
            "Доля школ – участников сетевого взаимодействия – 100 %",
        ],
        [
            "Изучение методических рекомендаций по разработке программы",
            "Февраль, 2019 г.",
            "Управление образования",
            "Районный методический совет",
        ],
        [
            "Организация консультационной поддержки",
            "По отдельному графику",
            "Управление образования",
            "Журнал консультаций",
        ],
        section_row(4, "Обеспечение материально-технической и финансовой поддержки школ"),
        [
            "Развитие материально-технической базы школ",
            "Ежегодно",
            "- управление образования - ОО",
            "Доля школ, задействованных в мероприятиях по совершенствованию материально-технической базы – 100 %",
        ],
        ["Закрепление спонсоров за ОО", "Ежегодно", "- управление образования - ОО", None],
        ["Содействие развитию механизмов государственно-частного партнерства", "Ежегодно", None, None],
    ]
    return workbook_bytes(
        rows,
        merges=["A2:D2", "A6:D6", "D7:D9"],
        title_rows=[
            "7. План мероприятий",
            "по повышению качества образования в школах с низкими результатами обучения",
        ],
    )


def test_it_reads_the_seed_000_plan_without_numbers_and_fills_merged_cells_down():
    document = read_plan_file(seed_000()).as_json(dt.date(2021, 1, 1), dt.date(2024, 12, 31))
    sections = document["sections"]
    assert [(s["number"], s["title"][:20], len(s["activities"])) for s in sections] == [
        ("", "Научно–методическое ", 3),
        ("", "Обеспечение материал", 3),
    ]
    study = sections[0]["activities"][1]
    assert (study["number"], study["kind"], study["periods"]) == ("", "dates", [["2019-02-01", "2019-02-28"]])
    assert sections[0]["activities"][2]["kind"] == "on_demand"
    results = {a["expected_result"] for a in sections[1]["activities"]}
    assert results == {
        "Доля школ, задействованных в мероприятиях по совершенствованию материально-технической базы – 100 %"
    }
    assert sections[1]["activities"][2]["responsible"] == ""


def seed_002() -> bytes:
    rows = [
        ["№ п/п", "Мероприятие", "Сроки ", "Ответственные"],
        section_row(4, "I. Организационное обеспечение"),
        ["1.", "Назначение муниципального координатора рабочей группы", "февраль", "Комитет"],
        ["1. ", "Проведение мониторинга потребности в повышении квалификации", "4 квартал 2024 гола ", "Комитет, ОУ."],
        ["1. ", "Проведение мониторинга реализации программы", "Июнь-декабря 2024", "Комитет "],
        section_row(4, "Ш. Развитие кадрового потенциала"),
        ["1. ", "Организация наставничества в ОО", "В течение 2024 года", "Комитет, ОУ"],
        section_row(4, "IV.Совещание с руководителями ОО"),
        ["2.", "Совещание кураторов ШНОР", "Май, сентябрь, ноябрь 2024", "Муниципальный координатор, руководители ОУ"],
        ["4.", "Проведение оценки деятельности ШНОР по итогам написания ВПР", "Июнь и ноябрь 2024 года ", "Комитет"],
        section_row(4, "V Методическое обеспечение"),
        [
            "1. ",
            "Проведение муниципальных семинаров, мастер-классов по вопросам качества образования:",
            "В течение 2024 года",
            "Комитет, Руководители РМО",
        ],
    ]
    return workbook_bytes(
        rows, merges=["A2:D2", "A6:D6", "A8:D8", "A11:D11"], title_rows=["Раздел III. Комплекс мероприятий"]
    )


def test_it_reads_the_seed_002_programme_with_roman_sections_and_repeated_numbers():
    document = read_plan_file(seed_002()).as_json(*P24)
    sections = document["sections"]
    assert [(s["number"], s["title"]) for s in sections] == [
        ("I.", "Организационное обеспечение"),
        ("Ш.", "Развитие кадрового потенциала"),
        ("IV.", "Совещание с руководителями ОО"),
        ("V", "Методическое обеспечение"),
    ]
    first = sections[0]["activities"]
    assert [a["number"] for a in first] == ["1.", "1.", "1."]
    assert first[0]["periods"] == [["2024-02-01", "2024-02-29"]]
    assert first[1]["deadline_text"] == "4 квартал 2024 гола" and first[1]["periods"] == [["2024-10-01", "2024-12-31"]]
    assert first[2]["periods"] == [["2024-06-01", "2024-12-31"]]
    meeting = sections[2]["activities"][0]
    assert len(meeting["periods"]) == 3 and meeting["expected_result"] == ""


def test_it_reads_columns_in_any_order_under_other_headers():
    rows = [
        ["Сроки реализации", "Содержание деятельности", "Планируемый результат", "№", "Ответственные исполнители"],
        ["1. Диагностика", "", "", "", ""],
        ["Октябрь–декабрь 2023", "Диагностика профессиональных дефицитов", "Карты дефицитов", "1.1", "Методист"],
        ["ежегодно (апрель)", "Анкетирование родителей", "Справка", "1.2", "Завуч"],
    ]
    document = read_plan_file(workbook_bytes(rows, merges=["A2:E2"])).as_json(
        dt.date(2023, 1, 1), dt.date(2024, 12, 31)
    )
    section = document["sections"][0]
    assert (section["number"], section["title"]) == ("1.", "Диагностика")
    assert section["activities"][0] == {
        "number": "1.1",
        "name": "Диагностика профессиональных дефицитов",
        "deadline_text": "Октябрь–декабрь 2023",
        "kind": "dates",
        "periods": [["2023-10-01", "2023-12-31"]],
        "responsible": "Методист",
        "expected_result": "Карты дефицитов",
    }
    assert section["activities"][1]["kind"] == "yearly"
    assert section["activities"][1]["periods"] == [["2023-04-01", "2023-04-30"], ["2024-04-01", "2024-04-30"]]


def test_it_reads_the_seed_003_layout_with_stages_a_two_row_header_and_column_numbers():
    rows = [
        ["№ п/п", "Наименование", "Исполнитель мероприятия", "Источник финансирования", "Объем средств (рублей)", None],
        [None, None, None, None, 2018, 2021],
        [1, 2, 3, 4, 5, 6],
        ["Цель ведомственной целевой программы: Развитие муниципальной системы образования"] + [None] * 5,
        ["Основное мероприятие 1. организация деятельности Образовательного центра"] + [None] * 5,
        ["1.1. Подготовительный этап", None, None, None, "февраль – март 2018 год", None],
        ["1.", "Разработка, обсуждение и утверждение программы", "Комитет по образованию", None, "x", "x"],
        ["2.", "Издание приказа о создании Образовательного центра", "Комитет по образованию", None, "x", "x"],
        ["1.3. Этап обобщения и коррекции", None, None, None, "До 2021 года", None],
        ["1.", "Проведение анализа эффективности реализации программы", "Комитет, ОЦПРМСО", None, None, None],
        [None, "Разработка муниципальных заданий на оказание услуг школам", "Комитет по образованию", None, None, None],
    ]
    plan = read_plan_file(workbook_bytes(rows, merges=["E1:F1", "A4:F4", "A5:F5", "A6:D6", "A9:D9"]))
    sections = plan.sections
    assert [(s.number, s.title[:22]) for s in sections] == [
        ("", "Цель ведомственной цел"),
        ("Основное мероприятие 1.", "организация деятельнос"),
        ("1.1.", "Подготовительный этап"),
        ("1.3.", "Этап обобщения и корре"),
    ]
    assert sections[2].parent is sections[1] and sections[3].parent is sections[1]
    assert (sections[2].deadline_text, sections[3].deadline_text) == ("февраль – март 2018 год", "До 2021 года")
    assert [a.number for a in sections[2].activities] == ["1.", "2."]
    assert [a.number for a in sections[3].activities] == ["1.", ""]
    assert sections[3].activities[0].responsible == "Комитет, ОЦПРМСО"


def test_a_section_row_keeps_its_own_responsible_text():
    rows = [
        SEED_001_HEADER,
        ["I.", "Методическая поддержка", None, "УМЦ управления, рабочая группа", None],
        ["1", "Семинар для руководителей", "Май 2021", "УМЦ", "Программа семинара"],
        ["II.", "Работа с родителями", None, None, None],
        ["1", "Родительское собрание", "сентябрь 2021", "ОО", "Протокол"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [(s.number, s.responsible, len(s.activities)) for s in plan.sections] == [
        ("I.", "УМЦ управления, рабочая группа", 1),
        ("II.", "", 1),
    ]
    assert plan.sections[0].activities[0].responsible == "УМЦ"


def test_a_merged_section_row_with_responsible_is_still_a_section():
    rows = [
        SEED_001_HEADER,
        ["2", "Методическое сопровождение", None, "УМЦ", None],
        ["2.1", "Консультации", "В течение года", "УМЦ", "Журнал"],
    ]
    plan = read_plan_file(workbook_bytes(rows, merges=["B2:C2"]))
    assert [(s.number, s.title, s.responsible) for s in plan.sections] == [("2", "Методическое сопровождение", "УМЦ")]


def test_it_reads_the_first_visible_sheet_with_a_header_and_skips_hidden_ones():
    rows = [SEED_001_HEADER, ["1", "Семинар", "Май 2021", "УМЦ", "Программа"]]
    plan = read_plan_file(workbook_bytes(rows, hidden_first=True))
    assert plan.sheet == "План" and plan.activity_count == 1


def test_activities_before_any_section_go_to_an_unnamed_section():
    rows = [
        SEED_001_HEADER,
        ["1", "Семинар", "Май 2021", "УМЦ", "Программа"],
        ["2", "Совещание", "июнь 2021", "УМЦ", "Протокол"],
    ]
    plan = read_plan_file(workbook_bytes(rows))
    assert [(s.number, s.title, len(s.activities)) for s in plan.sections] == [("", "", 2)]


# --- Files that are not plan tables --------------------------------------------------------------------------------


def refused(data) -> str:
    with pytest.raises(PlanFileRefused) as info:
        read_plan_file(data)
    assert info.value.errors
    return " ".join(info.value.errors)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"", "empty", id="empty file"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls", id="old xls renamed"),
        pytest.param(b"<html><body><table><tr><td>1</td></tr></table></body></html>", "web page", id="html renamed"),
        pytest.param(b"\xef\xbb\xbf<!DOCTYPE html><html></html>", "web page", id="html with bom"),
        pytest.param("№;Мероприятие;Сроки\n1;Семинар;май\n".encode(), "not an Excel", id="csv renamed"),
        pytest.param(b"%PDF-1.7\n...", "document or a picture", id="pdf"),
        pytest.param(b"PK\x05\x06" + b"\x00" * 18, "damaged", id="empty zip"),
        pytest.param(b"PK\x03\x04\x14\x00\x00\x00garbage", "damaged", id="truncated zip"),
    ],
)
def test_it_refuses_files_that_are_not_xlsx(data, expected, settings):
    settings.LANGUAGE_CODE = "en-us"
    from django.utils import translation

    with translation.override("en"):
        assert expected in refused(data)


def test_it_refuses_a_damaged_xlsx():
    from django.utils import translation

    data = seed_001()
    with translation.override("en"):
        assert "damaged" in refused(data[: len(data) // 2])
        assert "damaged" in refused(data[:-30])


def test_it_refuses_xml_entity_declarations():
    from django.utils import translation

    with translation.override("en"):
        assert "entities" in refused(with_entity(seed_001()))


def test_it_refuses_a_word_document_and_an_empty_workbook_and_a_table_without_header():
    from django.utils import translation

    with translation.override("en"):
        assert "Word" in refused(docx_like())
        assert "empty" in refused(workbook_bytes([]))
        assert "No header row" in refused(workbook_bytes([["Показатель", "2020", "2021"], ["Доля", "10", "20"]]))
        assert "not a single activity" in refused(workbook_bytes([SEED_001_HEADER]))


def test_the_errors_are_in_russian():
    from django.utils import translation

    with translation.override("ru"):
        assert "пуст" in refused(b"")
        assert "заголов" in refused(workbook_bytes([["a", "b"], ["c", "d"]]))


def test_it_counts_the_real_unpacked_bytes_against_the_plan_limit(monkeypatch):
    from django.utils import translation

    import roadmaps.imports

    data = seed_001()
    monkeypatch.setattr(roadmaps.imports, "MAX_PLAN_UNPACKED", 2000)
    with translation.override("en"):
        assert "100 MB" in refused(data)


def test_the_kind_is_decided_by_content_not_by_the_name(tmp_path):
    path = tmp_path / "план.xls"
    path.write_bytes(seed_001())
    assert read_plan_file(str(path)).activity_count == 8


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("№ п/п", "number"),
        ("№", "number"),
        ("Наименование мероприятия", "name"),
        ("Мероприятие", "name"),
        ("Основные мероприятия", "name"),
        ("Содержание деятельности", "name"),
        ("Наименование", "name"),
        ("Сроки", "deadline"),
        ("Срок исполнения", "deadline"),
        ("Сроки реализации", "deadline"),
        ("Сроки исполнения", "deadline"),
        ("Ответственный", "responsible"),
        ("Ответственные", "responsible"),
        ("Ответственные исполнители", "responsible"),
        ("Исполнитель мероприятия", "responsible"),
        ("Ожидаемый результат", "result"),
        ("Планируемый результат", "result"),
        ("Результат", "result"),
        ("Конечный результат исполнения по мероприятиям", "result"),
        ("Источник финансирования", None),
    ],
)
def test_it_knows_the_seeds_column_headers(header, role):
    from roadmaps.imports import column_role

    assert column_role(header) == role
    assert column_role(header.upper() + " ") == role


def test_a_row_of_superscript_or_foreign_digits_under_the_header_is_read_as_a_row_not_a_crash():
    # «²» and «٢» pass str.isdigit() but int() refuses them: such a row is an ordinary (odd) row of the table.
    data = workbook_bytes(
        [
            SEED_001_HEADER,
            ["1", "²", "3", "4", "5"],
            ["1.1", "Создание рабочей группы", "Август 2020г.", "УОиМП", "Приказ управления"],
        ]
    )
    read = read_plan_file(data)
    names = [activity.name for section in read.sections for activity in section.activities]
    assert "Создание рабочей группы" in names
