"""The analytical report's sentences and numbers on hand-built data: what is done, what is overdue (on the report
date), which indicators are met, the agreements, the events and how results moved — in Russian, from the selectors."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from registry.models import Status
from reports.documents.analytical import (
    AnalyticalReport,
    Counts,
    ResultLine,
    analytical_parts,
    event_sentences,
    execution_sentences,
    indicator_part,
    indicator_sentences,
    plan_execution,
    result_sentences,
    state_phrase,
)
from reports.documents.scope import document_scope
from reports.documents.text import counted, join_names
from reports.indicators.catalogue import ensure
from reports.indicators.models import AdoptedIndicator, Indicator, IndicatorTarget, IndicatorValue
from roadmaps.models import ReportStatus, Review
from support.models import EventSchool, EventType, SupportEvent
from tests.factories import ListingFactory, PairingFactory, SchoolFactory
from tests.reports.test_school_results_by_year import import_marks
from tests.roadmaps.progress_builders import day, make_activity, make_plan, make_report, make_section

pytestmark = pytest.mark.django_db
REPORT_DATE = dt.date(2020, 12, 31)
NOW = dt.datetime(2021, 1, 10, 9, 0, tzinfo=dt.UTC)


def test_counted_nouns_take_the_russian_forms():
    forms = ("мероприятие", "мероприятия", "мероприятий")
    assert [counted(n, *forms) for n in (1, 2, 5, 11, 12, 21, 22, 25, 111)] == [
        "1 мероприятие",
        "2 мероприятия",
        "5 мероприятий",
        "11 мероприятий",
        "12 мероприятий",
        "21 мероприятие",
        "22 мероприятия",
        "25 мероприятий",
        "111 мероприятий",
    ]
    assert join_names(["А", "Б", "В"]) == "А, Б и В" and join_names(["А"]) == "А" and join_names([]) == ""


def test_the_state_of_a_plan_says_done_of_total_with_the_share_and_what_is_overdue():
    counts = Counts("Итого", total=5, done=2, in_progress=1, overdue=1, not_started=1)
    assert state_phrase(counts, with_share=True) == (
        "выполнено 2 из 5 (40,0\u00a0%), в работе 1, не начато 1, просрочено 1"
    )
    assert state_phrase(Counts("1. Раздел", total=3, done=3)) == "выполнено 3 из 3, просроченных нет"
    texts = execution_sentences("Дорожная карта", [Counts("1. Раздел", total=3, done=3)], counts, 2020, REPORT_DATE)
    assert texts[0] == (
        "По плану «Дорожная карта» на 31.12.2020 в 2020 году учтено 5 сроков исполнения мероприятий (мероприятие, "
        "исполнитель, срок): выполнено 2 из 5 (40,0\u00a0%), в работе 1, не начато 1, просрочено 1."
    )
    assert texts[1] == "Раздел «1. Раздел»: выполнено 3 из 3, просроченных нет."
    nothing = execution_sentences("План", [], Counts("Итого"), 2020, REPORT_DATE)
    assert nothing == ["По плану «План» в 2020 году до 31.12.2020 сроков исполнения не было."]


@pytest.fixture
def plan_with_progress(world):
    """A plan of four dated activities of the world's school on 31.12.2020: one done and accepted, one overdue, one
    returned by the coordinator, one of the school year 2020/2021 (due in 2021); and one of 2019, outside the year."""
    plan = make_plan(world.municipality, title="Дорожная карта Октябрьского района")
    first = make_section(plan, number="1.", order=1, title="Организационные мероприятия")
    second = make_section(plan, number="2.", order=2, title="Методическое сопровождение")
    done = make_activity(first, day(dt.date(2020, 6, 30)), executors=[world.school], number="1.1")
    make_report(done, world.school, done_text="Положение утверждено приказом №5")
    make_activity(first, day(dt.date(2020, 10, 1)), executors=[world.school], number="1.2", name="Семинар")
    returned = make_activity(first, day(dt.date(2020, 9, 1)), executors=[world.school], number="1.3")
    make_report(returned, world.school, status=ReportStatus.DONE, review=Review.RETURNED)
    make_activity(second, "2020-2021 учебный год", executors=[world.school], number="2.1")
    make_activity(second, day(dt.date(2019, 5, 1)), executors=[world.school], number="2.2")
    return plan


def test_it_counts_done_and_overdue_on_the_report_date_per_section(world, plan_with_progress):
    scope = document_scope(world.municipality, 2020)
    (execution,) = plan_execution([plan_with_progress], scope, REPORT_DATE)
    # 2.1 (01.09.2020–31.08.2021) counts: its period runs in the year; 2.2 (2019) is another year's.
    assert (execution.total.total, execution.total.done, execution.total.overdue) == (4, 1, 2)
    assert [(c.label, c.total, c.done, c.overdue) for c in execution.sections] == [
        ("1. Организационные мероприятия", 3, 1, 2),
        ("2. Методическое сопровождение", 1, 0, 0),
    ]
    # A report returned by the coordinator is not «выполнено»: 1.3 is overdue like 1.2 with no report.
    assert [item.number for item in execution.overdue] == ["1.2", "1.3"]
    assert [item.done_text for item in execution.items[:2]] == ["Положение утверждено приказом №5", ""]
    assert "выполнено 1 из 4 (25,0\u00a0%)" in execution.sentences[0] and "просрочено 2" in execution.sentences[0]
    assert execution.sentences[2] == (
        "Раздел «2. Методическое сопровождение»: выполнено 0 из 1, не начато 1, просроченных нет."
    )
    # On 15.09.2020 the item due on 01.10.2020 has not started (a one-day period), and 1.3 is overdue alone.
    (earlier,) = plan_execution([plan_with_progress], scope, dt.date(2020, 9, 15))
    assert (earlier.total.total, earlier.total.overdue) == (3, 1)


def test_the_number_of_queries_does_not_grow_with_the_plans(world, plan_with_progress, django_assert_max_num_queries):
    other = make_plan(world.municipality, school=world.school, title="План школы")
    section = make_section(other)
    for number in range(1, 6):
        make_activity(section, day(dt.date(2020, 3, number)), executors=[world.school], number=f"1.{number}")
    scope = document_scope(world.municipality, 2020)
    with django_assert_max_num_queries(3):
        executions = plan_execution([plan_with_progress, other], scope, REPORT_DATE)
    assert [e.total.overdue for e in executions] == [2, 5]


def test_indicator_sentences_name_the_met_the_missed_and_those_without_data():
    texts = indicator_sentences([("Доля А", True), ("Доля Б", False), ("Доля В", None), ("Доля Г", True)], 2021)
    assert texts == [
        "На 2021 год принято 4 целевых показателя.",
        "Плановое значение достигнуто по 2 из них: «Доля А»; «Доля Г».",
        "Не достигнуто по 1: «Доля Б».",
        "Нет данных для оценки по 1: «Доля В».",
    ]
    none_met = "Плановое значение не достигнуто ни по одному показателю."
    assert indicator_sentences([("Доля А", False)], 2021)[1] == none_met
    assert indicator_sentences([("Доля А", True)], 2021)[0] == "На 2021 год принят 1 целевой показатель."
    assert indicator_sentences([], 2021) == ["Целевые показатели на 2021 год не приняты."]


def test_indicators_are_met_by_their_stored_values_and_drawn_as_charts(world, django_assert_max_num_queries):
    ensure()
    network, share = Indicator.objects.get(code="NETWORK_SHARE"), Indicator.objects.get(code="PROGRAM_SHARE")
    for indicator, actual in ((network, Decimal("100.0")), (share, Decimal("50.0"))):
        adopted = AdoptedIndicator.objects.create(
            municipality=world.municipality, indicator=indicator, baseline_value=Decimal(40), baseline_year=2019
        )
        IndicatorTarget.objects.create(adopted=adopted, year=2020, target=Decimal(100))
        IndicatorValue.objects.create(
            indicator=indicator, municipality=world.municipality, year=2020, value=actual, calculated_at=NOW
        )
    with django_assert_max_num_queries(6):
        (part,) = indicator_part(document_scope(world.municipality, 2020))
    assert [(line.name, line.met) for line in part.lines] == [(network.name, True), (share.name, False)]
    assert part.sentences[1] == f"Плановое значение достигнуто по 1 из них: «{network.name}»."
    assert part.sentences[2] == f"Не достигнуто по 1: «{share.name}»."
    assert len(part.charts) == 2 and 'class="chart chart-line"' in str(part.charts[0])


def test_events_and_results_are_told_in_words():
    assert event_sentences([("семинар", 3), ("консультация", 1)], 2, 3, 2020) == [
        "В 2020 году проведено 4 мероприятия поддержки: семинар — 3, консультация — 1.",
        "Мероприятиями охвачено 2 из 3 школ с низкими образовательными результатами (66,7\u00a0%).",
    ]
    assert event_sentences([], 0, 3, 2020) == ["Мероприятия поддержки в 2020 году не проводились."]
    lines = [
        ResultLine("МКОУ «А»", "ВПР", "Математика", 3.2, 3.45, 35.0, 40.0),
        ResultLine("МКОУ «А»", "ЕГЭ", "Русский язык", 70.0, 64.5, None, None),
        ResultLine("МКОУ «Б»", "ВПР", "Русский язык", None, 3.9, None, 30.0),
    ]
    assert result_sentences(lines, 2021) == [
        "По сравнению с 2020 годом результаты выросли по 1, снизились по 1 из 2 сопоставимых работ.",
        "МКОУ «А», ВПР, математика: средняя отметка выросла с 3,20 (2020) до 3,45 (2021), качество знаний "
        "35,0\u00a0% → 40,0\u00a0%.",
        "МКОУ «А», ЕГЭ, русский язык: средний тестовый балл снизился с 70,00 (2020) до 64,50 (2021).",
        "МКОУ «Б», ВПР, русский язык: средняя отметка 3,90 в 2021 году, данных за 2020 год для сравнения нет.",
    ]


def test_the_whole_report_reads_its_parts_from_the_data(world, plan_with_progress, tmp_path):
    mentee = SchoolFactory(code="sherkaly", short_name="МКОУ «Шеркальская СОШ»", municipality=world.municipality)
    ListingFactory(school=mentee, status=Status.SHNOR, start=dt.date(2020, 9, 1), end=dt.date(2021, 8, 31))
    event = SupportEvent.objects.create(
        municipality=world.municipality,
        type=EventType.SEMINAR,
        start=dt.date(2020, 10, 13),
        topic="Эффективные механизмы",
        organiser_text="МКУ «ЦРО»",
    )
    EventSchool.objects.create(event=event, school=world.school)
    import_marks(
        tmp_path,
        [(2019, "Математика", 5, "chemashi", [3, 3]), (2020, "Математика", 5, "chemashi", [4, 5])],
    )
    data = analytical_parts(document_scope(world.municipality, 2020), today=dt.date(2026, 1, 1))
    assert [school.code for school in data["schools"]] == ["chemashi", "sherkaly"]
    pairings = data["pairings"]
    assert pairings.sentences[1] == (
        "Соглашение №1 от 20.05.2020 между МКОУ «Чемашинская СОШ» и МКОУ «Перегребинская СОШ №1» "
        "(школа-наставник), действует с 20.05.2020, дата окончания не указана."
    )
    assert pairings.sentences[-1] == "Школа-наставник не закреплена: МКОУ «Шеркальская СОШ»."
    assert data["events"].sentences == [
        "В 2020 году проведено 1 мероприятие поддержки: семинар — 1.",
        "Мероприятиями охвачена 1 из 2 школ с низкими образовательными результатами (50,0\u00a0%).",
    ]
    assert data["results"].sentences[1] == (
        "МКОУ «Чемашинская СОШ», ВПР, математика: средняя отметка выросла с 3,00 (2019) до 4,50 (2020), "
        "качество знаний 0,0\u00a0% → 100,0\u00a0%."
    )
    headings = [part.heading for part in data["parts"]]
    assert headings[:2] == ["1. Общие сведения", "2. Выполнение мероприятий дорожной карты"]


def test_a_second_pairing_is_named_and_the_report_costs_a_bounded_number_of_queries(
    world, plan_with_progress, django_assert_max_num_queries
):
    PairingFactory(mentor=world.second_school, mentee=world.school, agreement_number="7", start=dt.date(2020, 9, 1))
    with django_assert_max_num_queries(20):
        data = analytical_parts(document_scope(world.municipality, 2020), today=dt.date(2026, 1, 1))
    assert data["pairings"].sentences[0] == (
        "В 2020 году действовали 2 соглашения о сетевом взаимодействии школ-наставников со школами с низкими "
        "образовательными результатами."
    )


def test_a_region_report_names_each_municipality_and_its_workbook_holds_values_not_formulas(world, plan_with_progress):
    make_activity(plan_with_progress.sections.get(order=1), day(dt.date(2020, 4, 1)), number="1.4", name="=SUM(A1:A9)")
    document = AnalyticalReport(world.region, 2020)
    parts = {part.heading: part for part in document.built["parts"]}
    indicators = parts["3. Достижение целевых показателей"].paragraphs
    assert indicators == [
        "Берёзовский район. Целевые показатели на 2020 год не приняты.",
        "Октябрьский район. Целевые показатели на 2020 год не приняты.",
    ]
    ws = load_workbook(io.BytesIO(document.xlsx())).active
    cells = [cell for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert "'=SUM(A1:A9)" in [cell.value for cell in cells]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert "2. Выполнение мероприятий дорожной карты" in [cell.value for cell in cells]
