"""Inline editing of the plan table (htmx, and plain forms without JavaScript): activities, sections, order,
numbers and hand-set deadlines; who may edit and what a page costs."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from roadmaps.models import Activity, ActivityPeriod, Amendment, Level, Plan, PlanStatus, ProgressReport, Section

from .progress_builders import draft_roadmap, make_section

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(world):
    """A draft municipal plan: «1.» with three activities, «2.» (a stage with its own deadline) with one."""
    plan = draft_roadmap(world.municipality)
    first = make_section(plan)
    second = Section.objects.create(
        plan=plan, number="2.", title="Практический этап", order=2, deadline_text="март - декабрь 2021 год"
    )
    for order, (name, deadline) in enumerate(
        [("Создание рабочей группы", "Август 2020г."), ("Анализ", "когда получится"), ("Семинар", "Ежегодно")],
        start=1,
    ):
        Activity.objects.create(section=first, number=f"1.{order}", order=order, name=name, deadline_text=deadline)
    Activity.objects.create(section=second, number="2.1", order=1, name="Методический день", deadline_text="")
    return plan


def activity(name) -> Activity:
    return Activity.objects.select_related("section").get(name=name)


def url(name, plan, *args):
    return reverse(f"roadmaps:{name}", args=[plan.pk, *args])


def activity_data(item: Activity, **values):
    data = {
        "number": item.number,
        "name": item.name,
        "deadline_text": item.deadline_text,
        "responsible": item.responsible,
        "expected_result": item.expected_result,
        "section": item.section_id,
    }
    data.update(values)
    return data


def names(section: Section) -> list[str]:
    return list(section.activities.order_by("order", "pk").values_list("name", flat=True))


# --- The plan page -------------------------------------------------------------------------------------------------


def test_the_plan_page_shows_the_editing_controls_only_to_who_may_edit(plan, coordinator, inspector, client_for):
    edit = url("activity-edit", plan, activity("Анализ").pk)
    html = client_for(coordinator).get(plan.get_absolute_url()).content.decode()
    assert edit in html and "Перенумеровать" in html and "Добавить раздел" in html and "Задать сроки вручную" in html
    html = client_for(inspector).get(plan.get_absolute_url()).content.decode()
    assert "Создание рабочей группы" in html and edit not in html and "Перенумеровать" not in html
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)
    html = client_for(coordinator).get(plan.get_absolute_url()).content.decode()
    assert "Создание рабочей группы" in html and edit not in html


def test_the_plan_page_with_its_controls_costs_a_bounded_number_of_queries(
    plan, coordinator, client_for, django_assert_max_num_queries, world
):
    client = client_for(coordinator)
    client.get(plan.get_absolute_url())
    with django_assert_max_num_queries(14) as small:
        client.get(plan.get_absolute_url())
    sections = Section.objects.bulk_create(
        [Section(plan=plan, number=f"{n}.", title=f"Раздел {n}", order=n) for n in range(3, 13)]
    )
    created = Activity.objects.bulk_create(
        [
            Activity(section=s, number=f"{s.order}.{k}", order=k, name=f"Мероприятие {k}")
            for s in sections
            for k in (1, 2)
        ]
    )
    for item in created:
        item.executors.add(world.school, world.second_school)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(plan.get_absolute_url())
    assert response.content.decode().count('<tr id="activity-') == 4 + 20
    assert len(large.captured_queries) == len(small.captured_queries)


# --- Activities ----------------------------------------------------------------------------------------------------


def test_editing_swaps_the_row_for_a_form_and_back_with_the_reading(plan, coordinator, client_for, world):
    item = activity("Анализ")
    client = client_for(coordinator)
    form = client.get(url("activity-edit", plan, item.pk), **HTMX)
    html = form.content.decode()
    assert form.status_code == 200 and "<html" not in html and html.lstrip().startswith(f'<tr id="activity-{item.pk}"')
    assert "когда получится" in html and world.school.short_name in html and world.far_school.short_name not in html
    response = client.post(
        url("activity-edit", plan, item.pk),
        activity_data(item, deadline_text="Октябрь-ноябрь 2020г", responsible="УО", executors=[world.school.pk]),
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith(f'<tr id="activity-{item.pk}"')
    assert "01.10.2020–30.11.2020" in html and world.school.short_name in html
    assert 'id="plan-counts" hx-swap-oob="true"' in html  # the counts above the table follow
    item.refresh_from_db()
    assert (item.deadline_text, item.deadline_kind, item.responsible) == ("Октябрь-ноябрь 2020г", "dates", "УО")
    assert list(item.executors.all()) == [world.school]
    assert list(item.due_periods.values_list("start", "end")) == [(dt.date(2020, 10, 1), dt.date(2020, 11, 30))]
    cancel = client.get(url("activity-row", plan, item.pk), **HTMX).content.decode()
    assert cancel.lstrip().startswith(f'<tr id="activity-{item.pk}"') and "<form" in cancel  # the row's controls


def test_a_bad_activity_comes_back_with_its_errors_and_the_input_kept(plan, coordinator, client_for, world):
    item = activity("Анализ")
    response = client_for(coordinator).post(
        url("activity-edit", plan, item.pk),
        activity_data(item, name="", responsible="Новый ответственный", executors=[world.far_school.pk]),
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'class="table-info"' in html
    assert "Обязательное поле." in html and "Исполнителем может быть только школа" in html
    assert "Новый ответственный" in html
    item.refresh_from_db()
    assert item.name == "Анализ" and item.responsible == ""


def test_without_javascript_the_form_is_a_page_and_saving_goes_back_to_the_plan(plan, coordinator, client_for):
    item = activity("Семинар")
    client = client_for(coordinator)
    page = client.get(url("activity-edit", plan, item.pk)).content.decode()
    assert "<html" in page and "Изменить мероприятие" in page and "Ежегодно" in page
    response = client.post(url("activity-edit", plan, item.pk), activity_data(item, name="Семинар-практикум"))
    assert response.status_code == 302 and response["Location"] == f"{plan.get_absolute_url()}#activity-{item.pk}"
    item.refresh_from_db()
    assert item.name == "Семинар-практикум"


def test_an_activity_is_added_at_the_end_of_its_section(plan, coordinator, client_for, world):
    section = Section.objects.get(plan=plan, number="1.")
    client = client_for(coordinator)
    form = client.get(url("activity-create", plan, section.pk), **HTMX).content.decode()
    assert f'id="section-{section.pk}-add"' in form
    data = {"number": "1.4", "name": "Новое мероприятие", "deadline_text": "4 квартал 2020 года", "section": section.pk}
    response = client.post(url("activity-create", plan, section.pk), {**data, "executors": [world.school.pk]}, **HTMX)
    html = response.content.decode()
    assert response["HX-Retarget"] == f"#section-{section.pk}"
    assert html.lstrip().startswith(f'<tbody id="section-{section.pk}">') and "01.10.2020–31.12.2020" in html
    assert names(section)[-1] == "Новое мероприятие"
    created = Activity.objects.get(name="Новое мероприятие")
    assert created.order == 4 and list(created.executors.all()) == [world.school]


def test_moving_an_activity_up_and_down_within_its_section(
    plan, coordinator, client_for, django_assert_max_num_queries
):
    section = Section.objects.get(plan=plan, number="1.")
    client = client_for(coordinator)
    move = url("activity-move", plan, activity("Семинар").pk)
    client.post(move, {"direction": "up"}, **HTMX)  # warm the session and scope
    assert names(section) == ["Создание рабочей группы", "Семинар", "Анализ"]
    # 20 for the move, 4 for the audit-trail entries of the reordered rows (relations, new records, one insert).
    with django_assert_max_num_queries(24):
        response = client.post(move, {"direction": "up"}, **HTMX)
    assert response.status_code == 200 and names(section) == ["Семинар", "Создание рабочей группы", "Анализ"]
    client.post(move, {"direction": "up"}, **HTMX)  # the first stays first
    assert names(section) == ["Семинар", "Создание рабочей группы", "Анализ"]
    response = client.post(url("activity-move", plan, activity("Создание рабочей группы").pk), {"direction": "down"})
    assert response.status_code == 302 and names(section) == ["Семинар", "Анализ", "Создание рабочей группы"]


def test_moving_an_activity_to_another_section_puts_it_last_and_reads_the_stage_deadline(plan, coordinator, client_for):
    item = activity("Анализ")
    Activity.objects.filter(pk=item.pk).update(deadline_text="")
    second = Section.objects.get(plan=plan, number="2.")
    response = client_for(coordinator).post(url("activity-move", plan, item.pk), {"section": second.pk}, **HTMX)
    assert response["HX-Retarget"] == "#plan-activities" and 'id="plan-activities"' in response.content.decode()
    item.refresh_from_db()
    assert item.section == second and names(second) == ["Методический день", "Анализ"]
    assert item.deadline_periods == [["2021-03-01", "2021-12-31"]]  # «март - декабрь 2021 год» of the stage


def test_an_activity_cannot_move_to_a_section_of_another_plan(plan, coordinator, client_for, world):
    other = Plan.objects.create(
        level=Level.MUNICIPAL,
        municipality=world.municipality,
        title="Другой план",
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31),
    )
    foreign = Section.objects.create(plan=other, number="1.", title="Чужой раздел")
    item = activity("Анализ")
    client = client_for(coordinator)
    assert client.post(url("activity-move", plan, item.pk), {"section": foreign.pk}).status_code == 404
    data = activity_data(item, section=foreign.pk)
    response = client.post(url("activity-edit", plan, item.pk), data, **HTMX)
    assert "Выберите корректный вариант" in response.content.decode()
    item.refresh_from_db()
    assert item.section.plan == plan


def test_deleting_an_activity_and_the_refusal_when_it_has_reports(plan, coordinator, client_for, world):
    client = client_for(coordinator)
    gone = activity("Семинар")
    response = client.post(url("activity-delete", plan, gone.pk), **HTMX)
    assert response.status_code == 200 and not Activity.objects.filter(pk=gone.pk).exists()
    assert "Семинар" not in response.content.decode()

    kept = activity("Создание рабочей группы")
    ProgressReport.objects.create(activity=kept, school=world.school, period=kept.due_periods.get())
    response = client.post(url("activity-delete", plan, kept.pk), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "По мероприятию есть 1 отчёт об исполнении: удалить его нельзя." in html
    assert Activity.objects.filter(pk=kept.pk).exists() and ProgressReport.objects.filter(activity=kept).exists()
    response = client.post(url("activity-delete", plan, kept.pk), follow=True)
    assert "удалить его нельзя" in response.content.decode() and Activity.objects.filter(pk=kept.pk).exists()
    assert client.get(url("activity-delete", plan, kept.pk)).status_code == 405


# --- Hand-set deadlines --------------------------------------------------------------------------------------------


def test_an_unread_deadline_is_set_by_hand_and_returned_to_the_reader(plan, coordinator, client_for):
    item = activity("Анализ")
    assert item.deadline_kind == "unparsed"
    client = client_for(coordinator)
    form = client.get(url("activity-periods", plan, item.pk), **HTMX).content.decode()
    assert "когда получится" in form and 'name="periods-TOTAL_FORMS"' in form
    data = {
        "periods-TOTAL_FORMS": "3",
        "periods-INITIAL_FORMS": "0",
        "periods-0-start": "2020-03-01",
        "periods-0-end": "2020-03-31",
        "periods-1-start": "2020-09-15",
        "periods-1-end": "",
        "periods-2-start": "",
        "periods-2-end": "",
    }
    response = client.post(url("activity-periods", plan, item.pk), data, **HTMX)
    html = response.content.decode()
    assert "01.03.2020–31.03.2020" in html and "15.09.2020" in html and "заданные вручную" in html
    item.refresh_from_db()
    assert item.deadline_set_by_hand and item.deadline_kind == "dates" and item.deadline_text == "когда получится"
    assert item.deadline_periods == [["2020-03-01", "2020-03-31"], ["2020-09-15", "2020-09-15"]]
    assert ActivityPeriod.objects.filter(activity=item).count() == 2
    # Editing the text to something still unreadable keeps the hand-set dates; the form shows them again.
    client.post(url("activity-edit", plan, item.pk), activity_data(item, deadline_text="как получится"), **HTMX)
    item.refresh_from_db()
    assert item.deadline_set_by_hand and len(item.deadline_periods) == 2
    assert 'value="2020-09-15"' in client.get(url("activity-periods", plan, item.pk), **HTMX).content.decode()

    response = client.post(url("activity-periods", plan, item.pk), {**data, "clear": "1"}, **HTMX)
    item.refresh_from_db()
    assert not item.deadline_set_by_hand and item.deadline_kind == "unparsed" and item.deadline_periods == []
    assert not ActivityPeriod.objects.filter(activity=item).exists()


def test_bad_periods_are_refused_beside_the_field(plan, coordinator, client_for):
    item = activity("Анализ")
    data = {
        "periods-TOTAL_FORMS": "2",
        "periods-INITIAL_FORMS": "0",
        "periods-0-start": "2020-03-31",
        "periods-0-end": "2020-03-01",
        "periods-1-start": "завтра",
        "periods-1-end": "",
    }
    html = client_for(coordinator).post(url("activity-periods", plan, item.pk), data, **HTMX).content.decode()
    assert "Период не может закончиться раньше, чем начнётся." in html and "Введите правильную дату." in html
    assert 'value="завтра"' in html
    empty = {"periods-TOTAL_FORMS": "1", "periods-INITIAL_FORMS": "0", "periods-0-start": "", "periods-0-end": ""}
    html = client_for(coordinator).post(url("activity-periods", plan, item.pk), empty, **HTMX).content.decode()
    assert "Укажите хотя бы один период" in html
    item.refresh_from_db()
    assert not item.deadline_set_by_hand and item.deadline_periods == []


def test_a_read_deadline_becomes_read_again_when_its_new_text_is_readable(plan, coordinator, client_for):
    item = activity("Анализ")
    item.deadline_set_by_hand = True
    item.deadline_periods = [["2020-05-01", "2020-05-31"]]
    item.save()
    client = client_for(coordinator)
    client.post(url("activity-edit", plan, item.pk), activity_data(item, deadline_text="Июнь 2020 г."), **HTMX)
    item.refresh_from_db()
    assert not item.deadline_set_by_hand and item.deadline_periods == [["2020-06-01", "2020-06-30"]]
    # A deadline that was read is edited as its text, not by hand.
    assert client.get(url("activity-periods", plan, item.pk)).status_code == 403


# --- Sections ------------------------------------------------------------------------------------------------------


def test_a_nested_section_is_added_after_its_parent_and_numbered(plan, coordinator, client_for):
    first = Section.objects.get(plan=plan, number="1.")
    client = client_for(coordinator)
    form = client.get(url("section-create", plan), **HTMX).content.decode()
    assert 'id="section-form-new"' in form and "— верхний уровень —" in form
    response = client.post(
        url("section-create", plan),
        {"number": "", "title": "Подготовительный этап", "parent": first.pk, "deadline_text": "февраль 2020"},
        **HTMX,
    )
    assert response["HX-Retarget"] == "#plan-activities"
    nested = Section.objects.get(title="Подготовительный этап")
    assert list(plan.sections.order_by("order").values_list("title", flat=True)) == [
        "Организационные мероприятия",
        "Подготовительный этап",
        "Практический этап",
    ]
    client.post(url("plan-renumber", plan), **HTMX)
    nested.refresh_from_db()
    assert nested.number == "1.1"
    assert list(plan.sections.order_by("order").values_list("number", flat=True)) == ["1.", "1.1", "2."]


def test_a_section_needs_a_number_or_a_title_and_cannot_nest_in_itself(plan, coordinator, client_for):
    first = Section.objects.get(plan=plan, number="1.")
    nested = Section.objects.create(plan=plan, parent=first, number="1.1", title="Вложенный", order=3)
    client = client_for(coordinator)
    html = client.post(url("section-create", plan), {"number": " ", "title": "", "responsible": "УО"}, **HTMX)
    assert "Укажите номер или название раздела." in html.content.decode() and "УО" in html.content.decode()
    response = client.post(url("section-edit", plan, first.pk), {"title": "Первый", "parent": nested.pk}, **HTMX)
    assert "Выберите корректный вариант" in response.content.decode()
    first.refresh_from_db()
    assert first.parent is None and first.title == "Организационные мероприятия"


def test_a_changed_stage_deadline_is_read_again_for_the_activities_that_inherit_it(plan, coordinator, client_for):
    second = Section.objects.get(plan=plan, number="2.")
    response = client_for(coordinator).post(
        url("section-edit", plan, second.pk),
        {"number": "2.", "title": "Практический этап", "deadline_text": "сентябрь 2020 года"},
        **HTMX,
    )
    assert response["HX-Retarget"] == f"#section-{second.pk}"
    assert "01.09.2020–30.09.2020" in response.content.decode()
    inherited = activity("Методический день")
    assert inherited.deadline_periods == [["2020-09-01", "2020-09-30"]] and inherited.deadline_text == ""


def test_sections_move_with_what_is_nested_in_them(plan, coordinator, client_for):
    first, second = Section.objects.get(plan=plan, number="1."), Section.objects.get(plan=plan, number="2.")
    nested = Section.objects.create(plan=plan, parent=first, number="1.1", title="Вложенный", order=3)
    client = client_for(coordinator)
    client.post(url("section-move", plan, second.pk), {"direction": "up"}, **HTMX)
    assert list(plan.sections.order_by("order").values_list("pk", flat=True)) == [second.pk, first.pk, nested.pk]
    client.post(url("section-move", plan, nested.pk), {"direction": "up"})  # alone among its siblings
    assert list(plan.sections.order_by("order").values_list("pk", flat=True)) == [second.pk, first.pk, nested.pk]
    client.post(url("plan-renumber", plan))
    assert list(plan.sections.order_by("order").values_list("number", flat=True)) == ["1.", "2.", "2.1"]
    assert list(second.activities.values_list("number", flat=True)) == ["1.1"]
    assert list(first.activities.order_by("order").values_list("number", flat=True)) == ["2.1", "2.2", "2.3"]


def test_deleting_a_section_takes_its_activities_unless_they_have_reports(plan, coordinator, client_for, world):
    first, second = Section.objects.get(plan=plan, number="1."), Section.objects.get(plan=plan, number="2.")
    nested = Section.objects.create(plan=plan, parent=first, number="1.1", title="Вложенный", order=3)
    item = Activity.objects.create(section=nested, number="1.1.1", order=1, name="Вложенное", deadline_text="")
    ProgressReport.objects.create(activity=item, school=world.school)
    client = client_for(coordinator)
    response = client.post(url("section-delete", plan, first.pk), **HTMX)
    assert response["HX-Retarget"] == f"#section-{first.pk}"
    assert "удалить раздел нельзя" in response.content.decode()
    assert Section.objects.filter(pk__in=[first.pk, nested.pk]).count() == 2
    response = client.post(url("section-delete", plan, second.pk), **HTMX)
    assert response["HX-Retarget"] == "#plan-activities"
    assert not Section.objects.filter(pk=second.pk).exists() and not Activity.objects.filter(name="Методический день")


# --- Renumbering ---------------------------------------------------------------------------------------------------


def test_renumbering_from_the_page_keeps_the_plans_scheme(plan, coordinator, client_for):
    Activity.objects.filter(name="Семинар").update(number="1.7")
    Section.objects.filter(plan=plan, number="2.").update(number="5.")
    response = client_for(coordinator).post(url("plan-renumber", plan), **HTMX)
    html = response.content.decode()
    assert 'id="plan-activities"' in html and "Перенумеровано: изменено 2 номера." in html
    assert list(plan.sections.order_by("order").values_list("number", flat=True)) == ["1.", "2."]
    assert set(Activity.objects.filter(section__plan=plan).values_list("number", flat=True)) == {
        "1.1",
        "1.2",
        "1.3",
        "2.1",
    }
    response = client_for(coordinator).post(url("plan-renumber", plan), follow=True)
    assert "Номера уже были по порядку." in response.content.decode()


# --- Who may edit --------------------------------------------------------------------------------------------------


def edit_requests(plan):
    """(method, url, data) of every editing view of the plan."""
    first = Section.objects.get(plan=plan, number="1.")
    item = activity("Анализ")
    return [
        ("get", url("activity-edit", plan, item.pk), None),
        ("post", url("activity-edit", plan, item.pk), activity_data(item, name="Взлом")),
        ("get", url("activity-row", plan, item.pk), None),
        ("post", url("activity-create", plan, first.pk), {"name": "Взлом", "section": first.pk}),
        ("post", url("activity-delete", plan, item.pk), {}),
        ("post", url("activity-move", plan, item.pk), {"direction": "up"}),
        ("get", url("activity-periods", plan, item.pk), None),
        ("post", url("section-create", plan), {"title": "Взлом"}),
        ("get", url("section-fragment", plan, first.pk), None),
        ("post", url("section-edit", plan, first.pk), {"title": "Взлом"}),
        ("post", url("section-delete", plan, first.pk), {}),
        ("post", url("section-move", plan, first.pk), {"direction": "down"}),
        ("post", url("plan-renumber", plan), {}),
        ("post", url("plan-edit", plan), {"title": "Взлом"}),
    ]


def state(plan):
    return (
        list(Section.objects.filter(plan=plan).order_by("pk").values_list("number", "title", "order")),
        list(Activity.objects.filter(section__plan=plan).order_by("pk").values_list("number", "name", "order")),
        Plan.objects.get(pk=plan.pk).title,
    )


@pytest.mark.parametrize(
    "persona, status",
    [("inspector", 403), ("regional", 403), ("other_coordinator", 404), ("principal", 404), ("outsider", 404)],
)
def test_readers_and_outsiders_cannot_edit(request, plan, client_for, persona, status):
    client = client_for(request.getfixturevalue(persona))
    before = state(plan)
    for method, address, data in edit_requests(plan):
        response = getattr(client, method)(address, data or {}, **HTMX)
        assert response.status_code == status, (persona, address)
    assert state(plan) == before


def test_a_login_is_needed(plan, client):
    for method, address, data in edit_requests(plan):
        response = getattr(client, method)(address, data or {})
        assert response.status_code == 302 and "/login" in response["Location"]


def test_the_coordinator_edits_an_approved_plan_only_through_an_open_amendment(plan, coordinator, client_for):
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.APPROVED)
    client = client_for(coordinator)
    item = activity("Анализ")
    assert client.post(url("activity-edit", plan, item.pk), activity_data(item, name="Новое")).status_code == 403
    Amendment.objects.create(plan=plan, number=1, reason="Перенос сроков")
    assert client.post(url("activity-edit", plan, item.pk), activity_data(item, name="Новое")).status_code == 302
    assert activity("Новое").pk == item.pk


def test_a_refused_inline_edit_reloads_the_page_with_the_reason(plan, coordinator, client_for):
    """htmx swaps nothing on a 403 or a 404: the refusal keeps its status, asks htmx to reload the page, and the
    reloaded page says why nothing changed (found in the browser journey: the click seemed to do nothing)."""
    client = client_for(coordinator)
    item = activity("Анализ")
    gone = client.post(url("activity-delete", plan, item.pk + 1000), **HTMX)  # deleted in another window
    assert gone.status_code == 404 and gone["HX-Refresh"] == "true"
    client.get(plan.get_absolute_url())  # the reload shows that message
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.REVIEW)  # sent for approval in another window
    for method, address, data in [
        ("post", url("activity-edit", plan, item.pk), activity_data(item, name="Новое")),
        ("get", url("activity-create", plan, item.section_id), None),
        ("post", url("plan-renumber", plan), None),
    ]:
        response = getattr(client, method)(address, data or {}, **HTMX)
        assert response.status_code == 403 and response["HX-Refresh"] == "true", address
    assert activity("Анализ").pk == item.pk and not Activity.objects.filter(name="Новое").exists()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert page.count("Ничего не изменено: это действие здесь больше недоступно") == 3
    plain = client.post(url("activity-edit", plan, item.pk), activity_data(item, name="Новое"))
    assert plain.status_code == 403 and not plain.has_header("HX-Refresh")


def test_another_plans_rows_are_not_found_through_this_plan(plan, coordinator, client_for, world):
    other = Plan.objects.create(
        level=Level.MUNICIPAL,
        municipality=world.municipality,
        title="Другой план",
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31),
    )
    foreign_section = Section.objects.create(plan=other, number="1.", title="Чужой")
    foreign = Activity.objects.create(section=foreign_section, name="Чужое мероприятие")
    client = client_for(coordinator)
    assert client.get(url("activity-edit", plan, foreign.pk)).status_code == 404
    assert client.post(url("activity-delete", plan, foreign.pk)).status_code == 404
    assert client.get(url("section-edit", plan, foreign_section.pk)).status_code == 404
    assert client.post(url("activity-create", plan, foreign_section.pk), {"name": "x"}).status_code == 404
    assert Activity.objects.filter(pk=foreign.pk).exists()


def test_a_principal_edits_the_school_plan_only_as_a_draft(principal, mentor, client_for, world):
    plan = Plan.objects.create(
        level=Level.SCHOOL,
        municipality=world.municipality,
        school=world.school,
        title="Дорожная карта Чемашинской СОШ",
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31),
    )
    section = Section.objects.create(plan=plan, number="1.", title="Методическая работа", order=1)
    create = url("activity-create", plan, section.pk)
    data = {"name": "Педсовет", "deadline_text": "Май 2020", "section": section.pk}
    assert client_for(mentor).post(create, data).status_code == 403  # the mentor school reads the mentee's plan
    client = client_for(principal)
    assert client.post(create, data).status_code == 302
    assert Activity.objects.filter(section=section, name="Педсовет").exists()
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.REVIEW)
    assert client.post(create, {**data, "name": "Ещё"}).status_code == 403
    assert not Activity.objects.filter(name="Ещё").exists()


def test_posts_need_the_csrf_token(plan, coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    assert client.post(url("plan-renumber", plan)).status_code == 403
    page = client.get(plan.get_absolute_url()).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and "X-CSRFToken" in page


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_the_demo_users_edit_only_their_own_municipalitys_plans(demo):
    gorodets = Plan.objects.get(municipality__code="gorodets", level="municipal")
    item = Activity.objects.select_related("section").get(section__plan=gorodets, number="1.1")
    edit = url("activity-edit", gorodets, item.pk)
    client = Client()
    expected = {
        "coord-gorodets": 403,  # approved: only through an amendment
        "coord-oktyabrsky": 404,
        "inspector-oktyabrsky": 404,
        "director-chemashi": 404,
        "region-hmao": 404,
    }
    for username, status in expected.items():
        client.force_login(User.objects.get(username=username))
        assert client.get(edit).status_code == status, username
    Amendment.objects.create(plan=gorodets, number=1, reason="Уточнение сроков")
    client.force_login(User.objects.get(username="coord-gorodets"))
    response = client.post(edit, activity_data(item, name="Создание муниципальной рабочей группы (уточнено)"), **HTMX)
    assert response.status_code == 200 and "(уточнено)" in response.content.decode()
    assert "4.9" in client.get(gorodets.get_absolute_url()).content.decode()

    # An Октябрьский school plan: in draft its principal and its coordinator edit; its inspector and the mentor school
    # only read; under review nobody edits it.
    chemashi = User.objects.get(username="director-chemashi").role_assignments.get().school
    draft = Plan.objects.create(
        level=Level.SCHOOL,
        municipality=chemashi.municipality,
        school=chemashi,
        title="Проект дорожной карты",
        period_start=dt.date(2020, 9, 1),
        period_end=dt.date(2021, 8, 31),
    )
    section = Section.objects.create(plan=draft, number="1.", title="Раздел", order=1)
    create = url("activity-create", draft, section.pk)
    data = {"name": "Семинар", "section": section.pk}
    for username, status in {
        "inspector-oktyabrsky": 403,
        "mentor-peregrebnoe-1": 403,
        "coord-gorodets": 404,
        "director-chemashi": 302,
        "coord-oktyabrsky": 302,
    }.items():
        client.force_login(User.objects.get(username=username))
        assert client.post(create, data).status_code == status, username
    assert Activity.objects.filter(section=section).count() == 2
    Plan.objects.filter(pk=draft.pk).update(status=PlanStatus.REVIEW)
    for username in ("director-chemashi", "coord-oktyabrsky"):
        client.force_login(User.objects.get(username=username))
        assert client.post(create, data).status_code == 403, username
    assert Activity.objects.filter(section=section).count() == 2


# --- Funding (seed 003) --------------------------------------------------------------------------------------------


def test_a_plan_without_funding_has_no_funding_fields(plan, coordinator, client_for):
    html = client_for(coordinator).get(url("activity-edit", plan, activity("Анализ").pk), **HTMX).content.decode()
    assert "Источник финансирования" not in html and "funding_" not in html


def test_funding_is_shown_and_edited_where_the_plan_has_it(plan, coordinator, client_for):
    Activity.objects.filter(pk=activity("Семинар").pk).update(funding_source="местный бюджет", funding={"2020": "x"})
    item = activity("Анализ")
    client = client_for(coordinator)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Финансирование: местный бюджет; 2020: x" in page
    form = client.get(url("activity-edit", plan, item.pk), **HTMX).content.decode()
    assert "Источник финансирования" in form and 'name="funding_2020"' in form and 'name="funding_2021"' in form
    bad = client.post(
        url("activity-edit", plan, item.pk),
        activity_data(item, funding_source="внебюджетные средства", funding_2020="сто рублей", funding_2021="x"),
        **HTMX,
    ).content.decode()
    assert "Укажите сумму в рублях" in bad and "сто рублей" in bad  # next to the field, the input kept
    item.refresh_from_db()
    assert (item.funding_source, item.funding) == ("", {})
    row = client.post(
        url("activity-edit", plan, item.pk),
        activity_data(item, funding_source="внебюджетные средства", funding_2020="150 000,5", funding_2021="Х"),
        **HTMX,
    ).content.decode()
    item.refresh_from_db()
    assert (item.funding_source, item.funding) == ("внебюджетные средства", {"2020": "150000.50", "2021": "x"})
    assert "2020: 150\u00a0000,50" in row and "2021: x" in row
    assert item.history.first().funding == {"2020": "150000.50", "2021": "x"}  # the history keeps it


def test_the_plan_export_has_the_funding_columns_and_import_plan_reads_them_back(plan, coordinator, client_for):
    from roadmaps.imports import read_plan_file

    item = activity("Анализ")
    Activity.objects.filter(pk=item.pk).update(
        funding_source="внебюджетные средства", funding={"2020": "150000.50", "2021": "x"}
    )
    response = client_for(coordinator).get(plan.get_absolute_url(), {"export": "xlsx"})
    read = read_plan_file(response.content)
    found = {a.name: a for s in read.sections for a in s.activities}
    assert (found["Анализ"].funding_source, found["Анализ"].funding) == (
        "внебюджетные средства",
        {"2020": "150000.50", "2021": "x"},
    )
    assert (found["Семинар"].funding_source, found["Семинар"].funding) == ("", {})
    assert found["Семинар"].deadline_text == "Ежегодно"
