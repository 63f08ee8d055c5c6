"""Competency diagnostics by the card of seed 004 Приложение 3: scores 0–2, % of the maximum, levels at their edges."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError

from support.competency import Level, Result, level_of, results_of
from support.models import Competency, Criterion, Diagnostic, Rater, Score, Teacher
from support.selectors import competency_summary, staff_with_completed_development, teachers_at_critical_level

pytestmark = pytest.mark.django_db


def diagnose(teacher, date, value_for) -> Diagnostic:
    """A diagnostic whose score of (criterion, rater) is value_for(criterion, rater)."""
    diagnostic = Diagnostic.objects.create(teacher=teacher, date=date)
    Score.objects.bulk_create(
        Score(diagnostic=diagnostic, criterion=c, rater=r, value=value_for(c, r))
        for c in Criterion.objects.all()
        for r in Rater.values
    )
    return diagnostic


def test_the_card_has_the_five_competencies_and_sixteen_criteria_of_the_seed(db):
    assert [c.name for c in Competency.objects.all()] == [
        "Предметно - методологическая компетенция",
        "Психолого - педагогическая компетенция",
        "Валеологическая компетенция",
        "Коммуникативная компетенция",
        "Управленческая компетенция",
    ]
    assert [c.criteria.count() for c in Competency.objects.all()] == [5, 2, 2, 2, 5]
    assert Criterion.objects.get(competency__number=3, number=2).text == "Организация обучения детей с ОВЗ"


@pytest.mark.parametrize(
    ("points", "maximum", "level"),
    [
        (100, 100, Level.OPTIMAL),
        (80, 100, Level.OPTIMAL),
        (799, 1000, Level.SUFFICIENT),  # 79.9 % is still «достаточный»
        (79, 100, Level.SUFFICIENT),
        (70, 100, Level.SUFFICIENT),
        (699, 1000, Level.CRITICAL),
        (69, 100, Level.CRITICAL),
        (0, 100, Level.CRITICAL),
        (24, 30, Level.OPTIMAL),  # 80.0 % of a competency with five criteria and three raters
        (23, 30, Level.SUFFICIENT),  # 76.7 %
        (21, 30, Level.SUFFICIENT),  # 70.0 %
        (20, 30, Level.CRITICAL),  # 66.7 %
    ],
)
def test_levels_at_their_edges(points, maximum, level):
    assert level_of(points, maximum) == level


def test_the_percent_is_of_the_maximum_of_all_raters(db):
    assert Result(23, 30).percent == Decimal("76.7") and Result(67, 96).percent == Decimal("69.8")


def test_scores_outside_0_to_2_are_refused_by_the_database(world):
    teacher = Teacher.objects.create(school=world.school, full_name="Иванова И. И.")
    diagnostic = Diagnostic.objects.create(teacher=teacher, date=dt.date(2020, 9, 1))
    with pytest.raises(IntegrityError):
        Score.objects.create(diagnostic=diagnostic, criterion=Criterion.objects.first(), rater="self", value=3)


def test_results_per_competency_and_in_total(world):
    teacher = Teacher.objects.create(school=world.school, full_name="Петрова П. П.")
    # Everything 2 except the managerial competency (5 criteria × 3 raters = 30 points max) scored 1 throughout.
    diagnostic = diagnose(teacher, dt.date(2020, 9, 1), lambda c, r: 1 if c.competency.number == 5 else 2)
    result = results_of([diagnostic.pk])[diagnostic.pk]
    managerial = Competency.objects.get(number=5)
    assert (result[managerial.pk].points, result[managerial.pk].maximum) == (15, 30)
    assert result[managerial.pk].level == Level.CRITICAL
    assert (result["total"].points, result["total"].maximum) == (81, 96)  # 84.4 %
    assert result["total"].level == Level.OPTIMAL


def test_the_school_summary_counts_levels_and_lists_the_critical_group(world, django_assert_max_num_queries):
    good = Teacher.objects.create(school=world.school, full_name="Ахметова А. А.")
    weak = Teacher.objects.create(school=world.school, full_name="Борисов Б. Б.")
    Teacher.objects.create(school=world.school, full_name="Не диагностирован")
    diagnose(good, dt.date(2020, 9, 1), lambda c, r: 0)  # an old result: only the latest counts
    diagnose(good, dt.date(2021, 5, 1), lambda c, r: 2)
    diagnose(weak, dt.date(2021, 5, 1), lambda c, r: 2 if c.competency.number in (1, 2) else 0)
    with django_assert_max_num_queries(5):
        summary = competency_summary(world.school)
    assert (summary["diagnosed"], summary["teachers"]) == (2, 3)
    assert summary["total"] == [1, 0, 1]  # optimal, sufficient, critical
    assert summary["rows"][0]["counts"] == [2, 0, 0] and summary["rows"][4]["counts"] == [1, 0, 1]
    [row] = summary["critical"]
    assert row["teacher"] == weak and [c.number for c in row["deficits"]] == [3, 4, 5]
    assert teachers_at_critical_level([world.school]) == 1


def test_staff_with_completed_development_counts_each_teacher_once(world):
    teacher = Teacher.objects.create(school=world.school, full_name="Иванова И. И.")
    other = Teacher.objects.create(school=world.school, full_name="Сидорова С. С.")
    teacher.development.create(programme="ФГОС", completed=True, end=dt.date(2020, 8, 28))
    teacher.development.create(programme="ЕГЭ", completed=True, end=dt.date(2020, 10, 1))
    other.development.create(programme="ИКТ", completed=False, end=dt.date(2020, 10, 1))
    assert staff_with_completed_development([world.school], dt.date(2020, 1, 1), dt.date(2020, 12, 31)) == 1


def scored(points: int):
    """value_for giving exactly `points` of the card's 96 (48 scores): 2s first, then 1s, then 0s."""
    cells = [(c.pk, r) for c in Criterion.objects.order_by("competency__number", "number") for r in Rater.values]
    twos, ones = divmod(points, 2)
    values = {cell: 2 if i < twos else 1 if i < twos + ones else 0 for i, cell in enumerate(cells)}
    return lambda c, r: values[(c.pk, r)]


@pytest.mark.parametrize(
    ("points", "percent", "level"),
    [
        (67, "69.8", Level.CRITICAL),  # the last total below 70 %
        (68, "70.8", Level.SUFFICIENT),
        (76, "79.2", Level.SUFFICIENT),  # the last total below 80 %
        (77, "80.2", Level.OPTIMAL),
        (96, "100.0", Level.OPTIMAL),
        (0, "0.0", Level.CRITICAL),
    ],
)
def test_the_level_edges_of_the_real_card(world, points, percent, level):
    teacher = Teacher.objects.create(school=world.school, full_name="Граница Г. Г.")
    diagnostic = diagnose(teacher, dt.date(2021, 5, 14), scored(points))
    total = results_of([diagnostic.pk])[diagnostic.pk]["total"]
    assert (total.points, total.maximum, str(total.percent), total.level) == (points, 96, percent, level)


@pytest.mark.parametrize(
    ("points", "level"),
    [(8, Level.CRITICAL), (9, Level.SUFFICIENT), (10, Level.OPTIMAL)],  # 66.7 / 75.0 / 83.3 % of 12
)
def test_the_level_edges_of_a_competency_of_two_criteria(world, points, level):
    teacher = Teacher.objects.create(school=world.school, full_name="Граница Г. Г.")
    cells = [(c.pk, r) for c in Criterion.objects.filter(competency__number=2) for r in Rater.values]
    twos, ones = divmod(points, 2)
    values = {cell: 2 if i < twos else 1 if i < twos + ones else 0 for i, cell in enumerate(cells)}
    diagnostic = diagnose(teacher, dt.date(2021, 5, 14), lambda c, r: values.get((c.pk, r), 2))
    result = results_of([diagnostic.pk])[diagnostic.pk][Competency.objects.get(number=2).pk]
    assert (result.points, result.maximum, result.level) == (points, 12, level)


@pytest.mark.parametrize("count", [3, 30])
def test_the_staff_aggregates_cost_the_same_queries_for_3_and_30_teachers(world, count, django_assert_max_num_queries):
    for index in range(count):
        teacher = Teacher.objects.create(school=world.school, full_name=f"Педагог {index:02d}")
        diagnose(teacher, dt.date(2020, 9, 15), lambda c, r: 2)
        diagnose(teacher, dt.date(2021, 5, 14), lambda c, r, i=index: 0 if i % 2 else 2)
        teacher.development.create(programme="ФГОС", completed=index % 3 == 0, end=dt.date(2021, 3, 1))
        teacher.route.create(description="Курсы", due=dt.date(2021, 10, 1), done=index % 4 == 0)
    with django_assert_max_num_queries(5):
        summary = competency_summary(world.school)
    with django_assert_max_num_queries(3):
        critical = teachers_at_critical_level([world.school])
    with django_assert_max_num_queries(1):
        completed = staff_with_completed_development([world.school], dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert critical == len(summary["critical"]) == count // 2
    assert completed == len(range(0, count, 3))
    assert [row["counts"] for row in summary["dynamics"]] == [[count, 0, 0], [count - count // 2, 0, count // 2]]
    assert all(row["route_steps"] == 1 for row in summary["critical"])


def test_a_teacher_who_left_is_not_counted_now_but_stays_in_the_year_dynamics(world):
    teacher = Teacher.objects.create(school=world.school, full_name="Фанова В.Г.", is_active=False)
    diagnose(teacher, dt.date(2020, 9, 15), lambda c, r: 0)
    summary = competency_summary(world.school)
    assert (summary["diagnosed"], summary["critical"], summary["total"]) == (0, [], [0, 0, 0])
    assert [(row["year"], row["diagnosed"], row["counts"]) for row in summary["dynamics"]] == [(2020, 1, [0, 0, 1])]
    assert teachers_at_critical_level([world.school]) == 0
