"""Readers who may not see names (mentor, inspector, region) get no group of numbers of fewer than three teachers:
otherwise a year, a competency or the total of one or two diagnosed teachers gives away a person's result."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from support.models import Teacher
from support.selectors import competency_summary

from .test_competency import diagnose

pytestmark = pytest.mark.django_db

HIDDEN = "скрыто: менее 3 педагогов"
URL = reverse("support:school-competencies", args=["chemashi"])


@pytest.fixture
def staff(world):
    """2020: one teacher diagnosed (a score of 50 %); 2021: all three, all at 100 %."""
    a = Teacher.objects.create(school=world.school, full_name="Секретова А.А.")
    b = Teacher.objects.create(school=world.school, full_name="Тайнова Б.Б.")
    c = Teacher.objects.create(school=world.school, full_name="Скрытова В.В.")
    diagnose(a, dt.date(2020, 5, 1), lambda cr, r: 1)
    for teacher in (a, b, c):
        diagnose(teacher, dt.date(2021, 5, 1), lambda cr, r: 2)
    return a, b, c


def test_the_dynamics_of_a_year_do_not_change_when_a_teacher_leaves(world, staff, django_assert_max_num_queries):
    before = competency_summary(world.school)["dynamics"]
    staff[2].is_active = False
    staff[2].save()
    with django_assert_max_num_queries(5):
        after = competency_summary(world.school)
    assert [(y["year"], y["diagnosed"], y["counts"], y["mean"]) for y in after["dynamics"]] == [
        (y["year"], y["diagnosed"], y["counts"], y["mean"]) for y in before
    ]
    assert [y["diagnosed"] for y in after["dynamics"]] == [1, 3]
    assert (after["diagnosed"], after["teachers"]) == (2, 2)  # the current picture is still of the current staff


@pytest.mark.parametrize("persona", ["mentor", "inspector", "regional"])
def test_readers_without_names_get_no_year_of_one_teacher(client_for, request, persona, staff):
    client = client_for(request.getfixturevalue(persona))
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    y2020, y2021 = page.context["summary"]["dynamics"]
    assert y2020["hidden"] and y2020["counts"] is None and y2020["mean"] is None
    assert not y2021.get("hidden") and y2021["counts"] == [3, 0, 0] and str(y2021["mean"].percent) == "100.0"
    assert HIDDEN in html and "50.0" not in html
    rows = list(load_workbook(io.BytesIO(client.get(URL, {"export": "xlsx"}).content)).active.values)
    [row2020] = [row for row in rows if row[0] and str(row[0]).startswith("Диагностика 2020")]
    assert row2020[1] == HIDDEN and set(row2020[2:]) == {None}
    assert not any(50 in row or 50.0 in row for row in rows)


@pytest.mark.parametrize("persona", ["mentor", "inspector", "regional"])
def test_readers_without_names_get_no_competency_table_of_two_teachers(client_for, request, persona, staff):
    staff[2].is_active = False
    staff[2].save()
    page = client_for(request.getfixturevalue(persona)).get(URL)
    summary = page.context["summary"]
    assert summary["total_hidden"] and summary["total"] is None and summary["critical"] == []
    assert all(row["hidden"] and row["counts"] is None for row in summary["rows"])
    html = page.content.decode()
    assert html.count(HIDDEN) == len(summary["rows"]) + 1 + 1 + 1  # competencies, total, 2020, risk group size
    assert "менее 3" in html and "на критическом уровне." not in html
    rows = list(
        load_workbook(
            io.BytesIO(client_for(request.getfixturevalue(persona)).get(URL, {"export": "xlsx"}).content)
        ).active.values
    )
    assert sum(1 for row in rows if HIDDEN in row) == len(summary["rows"]) + 1 + 1


@pytest.mark.parametrize("persona", ["principal", "coordinator"])
def test_the_school_and_its_coordinators_still_see_everything(client_for, request, persona, staff):
    staff[2].is_active = False
    staff[2].save()
    page = client_for(request.getfixturevalue(persona)).get(URL)
    summary = page.context["summary"]
    assert summary["total"] == [2, 0, 0] and not summary["total_hidden"]
    assert [(y["counts"], str(y["mean"].percent)) for y in summary["dynamics"]] == [
        ([0, 0, 1], "50.0"),
        ([3, 0, 0], "100.0"),
    ]
    assert HIDDEN not in page.content.decode()
