"""The plan list and the plan page: read-only for now, scoped by the access service (404 outside the scope)."""

import datetime as dt

import pytest
from django.urls import reverse

from roadmaps.models import Activity, Level, Plan, PlanStatus, Section

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(world):
    """A municipal plan of `municipality`, a school plan of `school`, a municipal plan far away."""
    municipal = Plan.objects.create(
        level=Level.MUNICIPAL,
        municipality=world.municipality,
        title="План мероприятий («дорожная карта») Октябрьского района",
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2021, 12, 31),
        status=PlanStatus.APPROVED,
        approval_number="400а/п",
        approval_date=dt.date(2020, 9, 4),
        approved_by="Управление образования",
        goal="Повышение качества образования",
    )
    section = Section.objects.create(plan=municipal, number="1", title="Реализация вариативных моделей", order=1)
    Activity.objects.create(
        section=section,
        number="1.1",
        order=1,
        name="Создание рабочей группы",
        deadline_text="Август 2020г.",
        responsible="УОиМП",
        expected_result="Приказ управления",
    )
    Activity.objects.create(
        section=section,
        number="1.2",
        order=2,
        name="Анализ кадрового состава",
        deadline_text="когда получится",
        responsible="Рабочая группа",
        expected_result="Справка",
    )
    Activity.objects.create(
        section=section,
        number="1.3",
        order=3,
        name="Изучение рекомендаций",
        deadline_text="Февраль, 2019 г.",
    )
    school_plan = Plan.objects.create(
        level=Level.SCHOOL,
        municipality=world.municipality,
        school=world.school,
        title="Дорожная карта Чемашинской СОШ",
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31),
    )
    other_school_plan = Plan.objects.create(
        level=Level.SCHOOL,
        municipality=world.municipality,
        school=world.second_school,
        title="Дорожная карта Андринской СОШ",
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31),
    )
    far = Plan.objects.create(
        level=Level.MUNICIPAL,
        municipality=world.far,
        title="Программа Дубенского района",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    return {"municipal": municipal, "school": school_plan, "other_school": other_school_plan, "far": far}


VISIBLE = {
    "coordinator": {"municipal", "school", "other_school"},
    "other_coordinator": {"far"},
    "principal": {"school"},
    "mentor": {"school"},
    "inspector": {"municipal", "school", "other_school"},
    "regional": {"municipal", "school", "other_school"},
    "administrator": {"municipal", "school", "other_school", "far"},
    "outsider": set(),
}


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_it_lists_only_the_plans_of_the_scope(request, plans, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse("roadmaps:plan-list"))
    assert response.status_code == 200
    shown = {key for key, plan in plans.items() if plan.title in response.content.decode()}
    assert shown == VISIBLE[persona]


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_the_plan_page_is_a_404_outside_the_scope(request, plans, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    for key, plan in plans.items():
        status = client.get(reverse("roadmaps:plan-detail", args=[plan.pk])).status_code
        assert status == (200 if key in VISIBLE[persona] else 404), key


def test_a_principal_sees_a_municipal_plan_where_the_school_is_an_executor(plans, principal, client_for, world):
    url = reverse("roadmaps:plan-detail", args=[plans["municipal"].pk])
    client = client_for(principal)
    assert client.get(url).status_code == 404
    Activity.objects.get(number="1.1").executors.add(world.school)
    assert client.get(url).status_code == 200


def test_the_plan_page_shows_the_seed_layout_the_readings_and_the_flags(plans, coordinator, client_for):
    response = client_for(coordinator).get(reverse("roadmaps:plan-detail", args=[plans["municipal"].pk]))
    html = response.content.decode()
    for header in ("№", "Наименование мероприятия", "Сроки", "Ответственный", "Ожидаемый результат"):
        assert f">{header}<" in html
    assert "Август 2020г." in html and "01.08.2020–31.08.2020" in html
    assert "когда получится" in html and "не распознано" in html
    assert "вне периода плана" in html
    assert "400а/п" in html and "от 04.09.2020" in html and "Утверждён" in html
    assert "Паспорт плана" in html and "Повышение качества образования" in html


def test_the_list_filters_and_tells_nothing_found_from_no_data(plans, coordinator, outsider, client_for):
    client = client_for(coordinator)
    html = client.get(reverse("roadmaps:plan-list"), {"level": "school"}).content.decode()
    assert "Дорожная карта Чемашинской СОШ" in html and "Октябрьского района" not in html
    html = client.get(reverse("roadmaps:plan-list"), {"status": "completed"}).content.decode()
    assert "Ничего не найдено" in html
    html = client_for(outsider).get(reverse("roadmaps:plan-list")).content.decode()
    assert "пока нет планов" in html


def test_an_htmx_request_gets_the_table_fragment(plans, coordinator, client_for):
    response = client_for(coordinator).get(reverse("roadmaps:plan-list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"<html" not in response.content and b"<table" in response.content


def test_the_pages_are_read_only_and_need_a_login(plans, coordinator, client_for, client):
    url = reverse("roadmaps:plan-detail", args=[plans["municipal"].pk])
    assert client.get(url).status_code == 302
    client = client_for(coordinator)
    assert client.post(url).status_code == 405
    assert client.post(reverse("roadmaps:plan-list")).status_code == 405
    plans["municipal"].refresh_from_db()
    assert plans["municipal"].status == PlanStatus.APPROVED


def test_the_plan_page_costs_a_bounded_number_of_queries(plans, coordinator, client_for, django_assert_max_num_queries):
    client = client_for(coordinator)
    url = reverse("roadmaps:plan-detail", args=[plans["municipal"].pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        client.get(url)


def test_the_list_exports_the_filtered_plans_to_excel(plans, coordinator, client_for):
    from openpyxl import load_workbook

    response = client_for(coordinator).get(reverse("roadmaps:plan-list"), {"level": "school", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    ws = load_workbook(io.BytesIO(response.content)).active
    titles = {row[0] for row in ws.iter_rows(min_row=5, values_only=True)}
    assert titles == {"Дорожная карта Чемашинской СОШ", "Дорожная карта Андринской СОШ"}


def test_a_plan_exports_in_the_seed_layout_that_import_plan_reads_back(plans, coordinator, client_for):
    from roadmaps.imports import read_plan_file

    plan = plans["municipal"]
    response = client_for(coordinator).get(reverse("roadmaps:plan-detail", args=[plan.pk]), {"export": "xlsx"})
    assert response.status_code == 200
    document = read_plan_file(response.content).as_json(plan.period_start, plan.period_end)
    section = document["sections"][0]
    assert (section["number"], section["title"]) == ("1", "Реализация вариативных моделей")
    assert [(a["number"], a["deadline_text"], a["kind"]) for a in section["activities"]] == [
        ("1.1", "Август 2020г.", "dates"),
        ("1.2", "когда получится", "unparsed"),
        ("1.3", "Февраль, 2019 г.", "dates"),
    ]


def test_an_outsider_cannot_export_a_plan(plans, outsider, client_for):
    url = reverse("roadmaps:plan-detail", args=[plans["municipal"].pk])
    assert client_for(outsider).get(url, {"export": "xlsx"}).status_code == 404
