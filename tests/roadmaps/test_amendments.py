"""Amendments of an approved plan (open, apply, withdraw), its versions read back, exported and compared."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from roadmaps import lifecycle
from roadmaps.access import can_edit_plan
from roadmaps.lifecycle import LifecycleError, NotPermitted
from roadmaps.models import Activity, ActivityPeriod, Amendment, Plan, PlanStatus, ProgressReport, Section
from roadmaps.versions import compare, take_snapshot

from .test_lifecycle import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(world, coordinator):
    """A plan approved through the lifecycle: version 1 is its approval."""
    plan = make_plan(world)
    lifecycle.submit(plan, coordinator)
    lifecycle.approve(plan, coordinator, "400а/п", dt.date(2020, 9, 4), "Управление образования")
    plan.refresh_from_db()
    return plan


def _activity(plan, number) -> Activity:
    return Activity.objects.get(section__plan=plan, number=number)


def _edit_during_amendment(plan, world):
    """What a coordinator does while the amendment is open: rename, re-date, add, delete, move, re-assign."""
    plan.goal = "Новая цель программы"
    plan.save()
    renamed = _activity(plan, "1.1")
    renamed.name = "Создание и работа муниципальной рабочей группы"
    renamed.deadline_text = "Сентябрь 2020г."
    renamed.save()
    renamed.executors.set([world.second_school])
    _activity(plan, "1.2").delete()
    moved = _activity(plan, "2.1")
    moved.section = Section.objects.get(plan=plan, number="1")
    moved.save()
    new_section = Section.objects.create(plan=plan, number="3", title="Мониторинг", order=3)
    added = Activity.objects.create(
        section=new_section, number="3.1", order=1, name="Мониторинг результатов", deadline_text="Декабрь 2020г."
    )
    return renamed, moved, added


# --- Opening -------------------------------------------------------------------------------------------------------


def test_an_open_amendment_lets_the_coordinator_edit_the_approved_plan(approved, coordinator, principal, inspector):
    assert not can_edit_plan(coordinator, approved)
    amendment = lifecycle.begin_amendment(approved, coordinator, "Изменение сроков по приказу департамента")
    assert (amendment.number, amendment.status, amendment.opened_by) == (1, Amendment.Status.OPEN, coordinator)
    assert lifecycle.open_amendment(approved) == amendment
    assert can_edit_plan(coordinator, approved)
    assert not can_edit_plan(principal, approved) and not can_edit_plan(inspector, approved)


def test_only_one_amendment_is_open_at_a_time(approved, coordinator):
    lifecycle.begin_amendment(approved, coordinator, "Первое")
    with pytest.raises(LifecycleError) as refused:
        lifecycle.begin_amendment(approved, coordinator, "Второе")
    assert "уже открыто" in refused.value.message
    assert approved.amendments.count() == 1


def test_the_database_constraint_is_turned_into_a_clean_error(approved, coordinator):
    """Two amendments raced past the check: the unique constraint answers, and the service says it in Russian."""
    Amendment.objects.create(plan=approved, number=7, reason="Открыто в другом окне", opened_by=coordinator)
    with pytest.raises(LifecycleError) as refused:
        lifecycle.begin_amendment(approved, coordinator, "Второе")
    assert "уже открыто" in refused.value.message
    assert approved.amendments.count() == 1


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.REVIEW, PlanStatus.RETURNED, PlanStatus.COMPLETED])
def test_a_plan_that_is_not_approved_is_not_amended(world, coordinator, status):
    plan = make_plan(world, status=status)
    with pytest.raises(LifecycleError):
        lifecycle.begin_amendment(plan, coordinator, "Причина")
    assert not plan.amendments.exists()


def test_an_amendment_needs_a_reason_and_a_coordinator(approved, coordinator, principal, inspector):
    with pytest.raises(LifecycleError) as refused:
        lifecycle.begin_amendment(approved, coordinator, "   ")
    assert refused.value.field == "reason"
    for user in (principal, inspector):
        with pytest.raises(NotPermitted):
            lifecycle.begin_amendment(approved, user, "Причина")
    assert not approved.amendments.exists()


def test_a_plan_approved_without_a_version_gets_its_version_as_approved_first(world, coordinator):
    plan = make_plan(world, status=PlanStatus.APPROVED, approval_number="158", approval_date=dt.date(2021, 3, 26))
    lifecycle.begin_amendment(plan, coordinator, "Уточнение")
    version = plan.versions.get()
    assert version.number == 1 and "158" in version.reason
    assert compare(version.snapshot, take_snapshot(plan)).same


# --- Applying ------------------------------------------------------------------------------------------------------


def test_applying_records_the_next_version_with_the_reason_and_the_order(approved, coordinator, world):
    amendment = lifecycle.begin_amendment(approved, coordinator, "Изменение сроков")
    renamed, moved, added = _edit_during_amendment(approved, world)
    version = lifecycle.apply_amendment(amendment, coordinator, "512", dt.date(2020, 12, 1))
    amendment.refresh_from_db()
    assert (version.number, amendment.status, amendment.version, amendment.closed_by) == (
        2,
        Amendment.Status.APPLIED,
        version,
        coordinator,
    )
    assert (amendment.order_number, amendment.order_date) == ("512", dt.date(2020, 12, 1))
    assert "Изменение сроков" in version.reason and "512" in version.reason and version.created_by == coordinator
    assert not can_edit_plan(coordinator, approved)
    assert lifecycle.open_amendment(approved) is None

    diff = compare(approved.versions.get(number=1).snapshot, version.snapshot)
    assert [item["pk"] for item in diff.added] == [added.pk]
    assert [item["number"] for item in diff.removed] == ["1.2"]
    changes = {item.pk: {change.label: (change.old, change.new) for change in item.changes} for item in diff.changed}
    assert set(changes) == {renamed.pk, moved.pk}
    assert changes[renamed.pk]["мероприятие"] == (
        "Создание муниципальной рабочей группы",
        "Создание и работа муниципальной рабочей группы",
    )
    assert changes[renamed.pk]["срок (как написано)"] == ("Август 2020г.", "Сентябрь 2020г.")
    assert changes[renamed.pk]["школы-исполнители"] == ("МКОУ «Чемашинская СОШ»", "МКОУ «Андринская СОШ»")
    assert changes[moved.pk]["раздел"] == ("2 Методическая поддержка", "1 Реализация вариативных моделей")
    assert [(c.old, c.new) for c in diff.passport] == [("Повышение качества образования", "Новая цель программы")]


def test_an_order_date_without_its_number_is_refused(approved, coordinator):
    amendment = lifecycle.begin_amendment(approved, coordinator, "Причина")
    with pytest.raises(LifecycleError) as refused:
        lifecycle.apply_amendment(amendment, coordinator, "", dt.date(2020, 12, 1))
    assert refused.value.field == "order_number"
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.OPEN and approved.versions.count() == 1


def test_a_closed_amendment_is_not_applied_or_withdrawn_again(approved, coordinator):
    amendment = lifecycle.begin_amendment(approved, coordinator, "Причина")
    lifecycle.apply_amendment(amendment, coordinator)
    with pytest.raises(LifecycleError):
        lifecycle.apply_amendment(amendment, coordinator)
    with pytest.raises(LifecycleError):
        lifecycle.withdraw_amendment(amendment, coordinator)
    assert approved.versions.count() == 2


# --- Withdrawing ---------------------------------------------------------------------------------------------------


def test_withdrawing_puts_the_plan_back_as_its_last_version(approved, coordinator, world):
    amendment = lifecycle.begin_amendment(approved, coordinator, "Попытка")
    before = approved.versions.get(number=1)
    deleted_pk = _activity(approved, "1.2").pk
    renamed, _moved, added = _edit_during_amendment(approved, world)
    Section.objects.get(plan=approved, number="2").delete()  # the section that 2.1 left behind

    lifecycle.withdraw_amendment(amendment, coordinator)
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.WITHDRAWN and amendment.version is None
    approved.refresh_from_db()
    assert approved.goal == "Повышение качества образования" and approved.status == PlanStatus.APPROVED
    assert approved.versions.count() == 1
    before.refresh_from_db()
    assert compare(before.snapshot, take_snapshot(approved)).same
    assert list(approved.sections.values_list("number", flat=True)) == ["1", "2"]
    renamed.refresh_from_db()
    assert (renamed.name, renamed.deadline_text, renamed.deadline_periods) == (
        "Создание муниципальной рабочей группы",
        "Август 2020г.",
        [["2020-08-01", "2020-08-31"]],
    )
    assert list(renamed.executors.values_list("code", flat=True)) == ["chemashi"]
    assert list(renamed.due_periods.values_list("start", "end")) == [(dt.date(2020, 8, 1), dt.date(2020, 8, 31))]
    assert not Activity.objects.filter(pk=added.pk).exists()
    # The activity deleted during the amendment is back, and the version knows it by its new key.
    restored = _activity(approved, "1.2")
    assert restored.pk != deleted_pk and restored.due_periods.count() == 1
    assert restored.pk in {a["pk"] for s in before.snapshot["sections"] for a in s["activities"]}
    assert not can_edit_plan(coordinator, approved)


def test_withdrawing_is_refused_when_an_added_activity_has_reports(approved, coordinator, principal, world):
    amendment = lifecycle.begin_amendment(approved, coordinator, "Новое мероприятие")
    added = Activity.objects.create(
        section=Section.objects.get(plan=approved, number="1"),
        number="1.3",
        order=3,
        name="Семинар для ШНОР",
        deadline_text="Ноябрь 2020г.",
    )
    added.executors.add(world.school)
    ProgressReport.objects.create(
        activity=added, school=world.school, period=added.due_periods.get(), done_text="Проведён", author=principal
    )
    with pytest.raises(LifecycleError) as refused:
        lifecycle.withdraw_amendment(amendment, coordinator)
    assert "1.3 Семинар для ШНОР" in refused.value.message
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.OPEN
    assert Activity.objects.filter(pk=added.pk).exists() and ProgressReport.objects.filter(activity=added).exists()


def test_withdrawing_keeps_reported_periods_of_a_restored_deadline(approved, coordinator, principal, world):
    amendment = lifecycle.begin_amendment(approved, coordinator, "Перенос срока")
    activity = _activity(approved, "1.1")
    activity.deadline_text = "Октябрь 2020г."
    activity.save()
    period = activity.due_periods.get()
    ProgressReport.objects.create(activity=activity, school=world.school, period=period, author=principal)
    lifecycle.withdraw_amendment(amendment, coordinator)
    activity.refresh_from_db()
    assert activity.deadline_text == "Август 2020г."
    periods = {(p.start, p.in_deadline) for p in ActivityPeriod.objects.filter(activity=activity)}
    assert periods == {(dt.date(2020, 8, 1), True), (dt.date(2020, 10, 1), False)}


# --- Views ---------------------------------------------------------------------------------------------------------


def test_the_coordinator_opens_applies_and_withdraws_through_the_pages(approved, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("roadmaps:amendment-open", args=[approved.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "Укажите основание изменения плана." in response.content.decode()
    assert client.post(url, {"reason": "Изменение сроков"}).status_code == 302
    html = client.get(approved.get_absolute_url()).content.decode()
    assert "Открыто изменение № 1" in html and "Изменение сроков" in html
    assert "Внести изменения" in html and "Отозвать" in html
    apply_url = reverse("roadmaps:amendment-apply", args=[approved.pk, 1])
    html = client.get(apply_url).content.decode()
    assert ">Основание</dt>" in html and ">Открыто</dt>" in html and ">Статус</dt>" in html  # labels start capitalised
    assert "Номер приказа о внесении изменений" in html
    response = client.post(apply_url, {"order_number": "", "order_date": "2020-12-01"})
    assert response.status_code == 200 and "Укажите не только дату, но и номер приказа." in response.content.decode()
    assert client.post(apply_url, {"order_number": "512", "order_date": "2020-12-01"}).status_code == 302
    assert approved.versions.count() == 2 and approved.amendments.get().status == Amendment.Status.APPLIED

    assert client.post(url, {"reason": "Ещё одно"}).status_code == 302
    withdraw_url = reverse("roadmaps:amendment-withdraw", args=[approved.pk, 2])
    assert "версии 2" in client.get(withdraw_url).content.decode()
    assert client.post(withdraw_url).status_code == 302
    assert approved.amendments.get(number=2).status == Amendment.Status.WITHDRAWN
    history = client.get(reverse("roadmaps:plan-history", args=[approved.pk])).content.decode()
    assert "<th>Основание</th><th>Статус</th><th>Открыто</th><th>Закрыто</th><th>Версия</th>" in history


@pytest.mark.parametrize("persona, expected", [("inspector", 403), ("principal", 403), ("other_coordinator", 404)])
def test_amendments_by_the_wrong_person_are_refused(request, approved, coordinator, client_for, persona, expected):
    lifecycle.begin_amendment(approved, coordinator, "Причина")
    client = client_for(request.getfixturevalue(persona))
    assert client.post(reverse("roadmaps:amendment-open", args=[approved.pk]), {"reason": "x"}).status_code == expected
    assert client.post(reverse("roadmaps:amendment-apply", args=[approved.pk, 1])).status_code == expected
    assert client.post(reverse("roadmaps:amendment-withdraw", args=[approved.pk, 1])).status_code == expected
    assert approved.amendments.get().status == Amendment.Status.OPEN and approved.versions.count() == 1


def test_an_unknown_amendment_is_a_404(approved, coordinator, client_for):
    assert client_for(coordinator).get(reverse("roadmaps:amendment-apply", args=[approved.pk, 9])).status_code == 404


def test_versions_are_listed_read_exported_and_compared(approved, coordinator, inspector, world, client_for):
    amendment = lifecycle.begin_amendment(approved, coordinator, "Изменение сроков")
    _edit_during_amendment(approved, world)
    lifecycle.apply_amendment(amendment, coordinator, "512", dt.date(2020, 12, 1))
    client = client_for(inspector)

    html = client.get(reverse("roadmaps:plan-versions", args=[approved.pk])).content.decode()
    assert "Утверждён приказом № 400а/п от 04.09.2020" in html and "Изменение № 1: Изменение сроков" in html
    response = client.get(reverse("roadmaps:plan-versions", args=[approved.pk]), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")

    first = reverse("roadmaps:plan-version", args=[approved.pk, 1])
    html = client.get(first).content.decode()
    assert "Определение механизмов выявления дефицитов" in html  # deleted since, still readable in version 1
    assert "Мониторинг результатов" not in html and "Повышение качества образования" in html
    assert "01.08.2020–31.08.2020" in html and "Исполнители: МКОУ «Чемашинская СОШ»" in html
    sheet = load_workbook(io.BytesIO(client.get(first, {"export": "xlsx"}).content)).active
    texts = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "Определение механизмов выявления дефицитов" in texts and "Мониторинг результатов" not in texts

    html = client.get(reverse("roadmaps:plan-version-compare", args=[approved.pk, 1])).content.decode()
    assert "Добавлено 1 мероприятие" in html and "Мониторинг результатов" in html
    assert "Удалено 1 мероприятие" in html and "Изменено 2 мероприятия" in html
    html = client.get(reverse("roadmaps:plan-version-compare", args=[approved.pk, 2])).content.decode()
    assert "Различий нет." in html
    html = client.get(reverse("roadmaps:plan-version-compare", args=[approved.pk, 1]), {"with": "2"}).content.decode()
    assert "Мониторинг результатов" in html and "Версия 1 в сравнении с версией 2" in html


def test_versions_are_404_outside_the_scope_or_when_missing(approved, other_coordinator, coordinator, client_for):
    client = client_for(other_coordinator)
    assert client.get(reverse("roadmaps:plan-versions", args=[approved.pk])).status_code == 404
    assert client.get(reverse("roadmaps:plan-version", args=[approved.pk, 1])).status_code == 404
    client = client_for(coordinator)
    assert client.get(reverse("roadmaps:plan-version", args=[approved.pk, 5])).status_code == 404
    assert client.post(reverse("roadmaps:plan-version", args=[approved.pk, 1])).status_code == 405


def test_a_version_page_costs_a_bounded_number_of_queries(
    world, coordinator, client_for, django_assert_max_num_queries
):
    plan = make_plan(world)
    section = plan.sections.first()
    for n in range(30):
        activity = Activity.objects.create(section=section, number=f"1.{n + 3}", order=n + 3, name=f"Мероприятие {n}")
        activity.executors.add(world.school, world.second_school)
    lifecycle.submit(plan, coordinator)
    lifecycle.approve(plan, coordinator, "1", dt.date(2020, 9, 1))
    client = client_for(coordinator)
    url = reverse("roadmaps:plan-version", args=[plan.pk, 1])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("roadmaps:plan-version-compare", args=[plan.pk, 1])).status_code == 200


def test_the_demo_coordinator_amends_the_demo_roadmap(db, client):
    call_command("load_demo", stdout=io.StringIO())
    plan = Plan.objects.get(municipality__code="gorodets", level="municipal")
    assert client.login(username="coord-gorodets", password="shnor-demo-2024")
    url = reverse("roadmaps:amendment-open", args=[plan.pk])
    assert client.post(url, {"reason": "Уточнение сроков раздела 4"}).status_code == 302
    version = plan.versions.get()
    assert "400а/п" in version.reason and len([a for s in version.snapshot["sections"] for a in s["activities"]]) == 40
    assert client.login(username="director-chemashi", password="shnor-demo-2024")
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert client.login(username="inspector-oktyabrsky", password="shnor-demo-2024")
    assert client.get(reverse("roadmaps:plan-versions", args=[plan.pk])).status_code == 404
