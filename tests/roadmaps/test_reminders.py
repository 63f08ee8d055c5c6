"""Daily reminders: who gets what, the link in the mail, one e-mail per person per run, nothing sent twice, and a
daily run that reads only what is new."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from roadmaps.models import PlanStatus, Reminder, ReportStatus, Review
from roadmaps.reminders import _insert_new, collect, send_reminders
from roadmaps.tasks import send_reminders as send_reminders_task
from tests.factories import user_with_role
from tests.test_celery_worker import worker  # noqa: F401 — the real worker of the broker tests

from .progress_builders import day, make_activity, make_plan, make_report, make_section

pytestmark = pytest.mark.django_db
TODAY = dt.date(2021, 3, 15)


def on(days: int) -> str:
    return day(TODAY + dt.timedelta(days=days))


@pytest.fixture
def items(world):
    plan = make_plan(world.municipality, title="Дорожная карта Октябрьского района")
    section = make_section(plan)
    return {
        "overdue": make_activity(section, on(-3), executors=[world.school], number="1.1", name="Методический день"),
        "soon": make_activity(
            section, on(10), executors=[world.school, world.second_school], number="1.2", name="Семинар-практикум"
        ),
        "later": make_activity(section, on(30), executors=[world.school], number="1.3", name="Фестиваль"),
        "done": make_activity(section, on(-5), executors=[world.school], number="1.4", name="Графики занятий"),
        "owner": make_activity(section, on(2), number="1.5", name="Совещание руководителей"),
    }


@pytest.fixture
def andra_principal(world):
    return user_with_role(Role.PRINCIPAL, "andra-principal", school=world.second_school)


def run(django_capture_on_commit_callbacks, today=TODAY):
    with django_capture_on_commit_callbacks(execute=True):
        return send_reminders(today=today)


def mail_to(user):
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    return message


def test_principals_and_coordinators_get_one_mail_each_with_their_items(
    items, world, principal, coordinator, andra_principal, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://shnor.example.org"
    make_report(items["done"], world.school)  # accepted done: no reminder
    counts = run(django_capture_on_commit_callbacks)
    assert counts["emails"] == 3 and len(mail.outbox) == 3

    school = mail_to(principal)
    assert "Методический день" in school.body and "Семинар-практикум" in school.body
    assert "Совещание руководителей" not in school.body and "Фестиваль" not in school.body
    assert "Графики занятий" not in school.body
    assert school.body.index("Методический день") < school.body.index("Семинар-практикум")  # overdue first
    period = items["overdue"].due_periods.get()
    link = (
        f"https://shnor.example.org{reverse('roadmaps:activity-detail', args=[items['overdue'].pk])}?period={period.pk}"
    )
    assert link in school.body
    assert "просроченное мероприятие" in school.subject

    neighbour = mail_to(andra_principal)
    assert "Семинар-практикум" in neighbour.body and "Методический день" not in neighbour.body

    municipal = mail_to(coordinator)
    for name in ("Методический день", "Семинар-практикум", "Совещание руководителей"):
        assert name in municipal.body
    assert "МКОУ «Чемашинская СОШ», МКОУ «Андринская СОШ»" in municipal.body or (
        "МКОУ «Андринская СОШ», МКОУ «Чемашинская СОШ»" in municipal.body
    )
    assert set(Reminder.objects.values_list("kind", flat=True)) == {"overdue", "due_soon"}


def test_a_second_run_sends_nothing_new(items, principal, coordinator, django_capture_on_commit_callbacks):
    run(django_capture_on_commit_callbacks)
    sent, rows = len(mail.outbox), Reminder.objects.count()
    assert sent == 2 and rows == 7  # chemashi: 3 periods (1.1, 1.2, 1.4); the coordinator: those and 1.5
    assert run(django_capture_on_commit_callbacks) == {"reminders": 0, "emails": 0}
    assert len(mail.outbox) == sent and Reminder.objects.count() == rows


def test_a_period_mailed_as_due_soon_is_mailed_once_more_when_overdue_and_then_never_again(
    items, principal, django_capture_on_commit_callbacks
):
    """Two kinds on purpose: «скоро срок» once, then «просрочено» once if it is still not done."""
    run(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    run(django_capture_on_commit_callbacks, today=TODAY + dt.timedelta(days=11))  # «Семинар-практикум» is now late
    message = mail_to(principal)
    assert "Семинар-практикум" in message.body and "Методический день" not in message.body
    kinds = Reminder.objects.filter(period__activity=items["soon"], recipient=principal).values_list("kind", flat=True)
    assert sorted(kinds) == ["due_soon", "overdue"]
    mail.outbox.clear()
    run(django_capture_on_commit_callbacks, today=TODAY + dt.timedelta(days=40))
    assert "Семинар-практикум" not in "".join(m.body for m in mail.outbox)


def test_a_daily_run_reads_only_what_is_new(
    world, principal, coordinator, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Past overdue periods already reminded are left out by the query itself: the next day's run is one statement
    that returns nothing, and nothing is inserted again, however many periods the installation keeps."""
    plan = make_plan(world.municipality)
    section = make_section(plan)
    for number in range(40):
        make_activity(
            section, "Май, сентябрь, ноябрь 2021", executors=[world.school], number=f"1.{number + 1}", order=number + 1
        )
    counts = run(django_capture_on_commit_callbacks, today=dt.date(2021, 12, 1))
    assert counts == {"reminders": 240, "emails": 2}  # 120 overdue periods, for the principal and the coordinator
    rows = Reminder.objects.count()
    with django_assert_num_queries(1):
        assert collect(dt.date(2021, 12, 2)) == {}
    with django_assert_num_queries(1):
        assert run(django_capture_on_commit_callbacks, today=dt.date(2021, 12, 2)) == {"reminders": 0, "emails": 0}
    assert Reminder.objects.count() == rows


def test_a_new_recipient_is_reminded_of_what_it_has_not_had(
    items, world, principal, coordinator, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks)
    newcomer = user_with_role(Role.MUNICIPAL_COORDINATOR, "coordinator-2", municipality=world.municipality)
    wanted = collect(TODAY)
    assert {recipient for _period, recipient, _kind in wanted} == {newcomer.pk}  # the others' keys are not retried
    assert len(wanted) == 4  # 1.1 overdue, 1.2 and 1.5 due soon, 1.4 overdue
    mail.outbox.clear()
    assert run(django_capture_on_commit_callbacks) == {"reminders": 4, "emails": 1}
    assert mail_to(newcomer)


def test_reminders_already_taken_by_another_run_are_not_sent(items, principal, django_capture_on_commit_callbacks):
    overdue = items["overdue"].due_periods.get()
    Reminder.objects.create(period=overdue, recipient=principal, kind=Reminder.Kind.OVERDUE)
    run(django_capture_on_commit_callbacks)
    message = mail_to(principal)
    assert "Семинар-практикум" in message.body and "Методический день" not in message.body


def test_the_insert_reports_only_the_rows_it_inserted(items, principal):
    period = items["overdue"].due_periods.get()
    keys = {(period.pk, principal.pk, "overdue"), (period.pk, principal.pk, "due_soon")}
    assert _insert_new(keys, django_now()) == keys
    assert _insert_new(keys, django_now()) == set()  # a concurrent or repeated run gets nothing to send
    assert Reminder.objects.count() == 2


def django_now():
    from django.utils import timezone

    return timezone.now()


def test_nobody_without_an_address_or_inactive_is_mailed(
    items, principal, coordinator, django_capture_on_commit_callbacks
):
    principal.email = ""
    principal.save()
    coordinator.is_active = False
    coordinator.save()
    assert run(django_capture_on_commit_callbacks) == {"reminders": 0, "emails": 0}
    assert mail.outbox == []


def test_plans_not_being_carried_out_send_nothing(world, principal, django_capture_on_commit_callbacks):
    plan = make_plan(world.municipality, status=PlanStatus.DRAFT)
    make_activity(make_section(plan), on(-1), executors=[world.school])
    make_activity(make_section(plan, number="2.", order=2), "по мере необходимости", executors=[world.school])
    assert run(django_capture_on_commit_callbacks)["emails"] == 0


def test_a_school_plan_reminds_its_own_principal(world, principal, coordinator, django_capture_on_commit_callbacks):
    plan = make_plan(world.municipality, school=world.school)
    make_activity(make_section(plan), on(1), name="Собственное мероприятие школы")
    run(django_capture_on_commit_callbacks)
    assert "Собственное мероприятие школы" in mail_to(principal).body
    assert "Собственное мероприятие школы" in mail_to(coordinator).body


def test_a_report_returned_or_in_work_still_gets_reminded(items, world, principal, django_capture_on_commit_callbacks):
    make_report(items["overdue"], world.school, review=Review.RETURNED)
    make_report(items["soon"], world.school, status=ReportStatus.IN_WORK, review=Review.ACCEPTED)
    run(django_capture_on_commit_callbacks)
    body = mail_to(principal).body
    assert "Методический день" in body and "Семинар-практикум" in body


def test_the_celery_task_runs_it(items, principal, coordinator, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("roadmaps.reminders.timezone.localdate", lambda: TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        result = send_reminders_task.delay()
    assert result.get() == {"reminders": 7, "emails": 2}
    assert {tuple(m.to) for m in mail.outbox} == {(principal.email,), (coordinator.email,)}
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders_task.delay().get() == {"reminders": 0, "emails": 0}


def test_the_task_is_scheduled_daily():
    entry = next(e for e in django_settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "roadmaps.send_reminders")
    assert entry["schedule"].hour == {7} and entry["schedule"].day_of_week == set(range(7))


@pytest.mark.broker
@pytest.mark.xdist_group("broker")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_reminders_once(worker, world, principal):  # noqa: F811 — the imported fixture
    from django.utils import timezone

    from roadmaps.models import Reminder as Row
    from tests.test_celery_worker import wait_for_files, wait_until

    today = timezone.localdate()
    plan = make_plan(world.municipality)
    make_activity(make_section(plan), day(today - dt.timedelta(days=1)), executors=[world.school], name="Педсовет")
    send_reminders_task.delay()
    files = wait_for_files(worker.mail_dir)
    assert files, f"the worker sent no reminder within 30 s: {worker.log()}"
    text = "".join(path.read_text() for path in files)
    assert principal.email in text and "Педсовет" in text
    assert Row.objects.filter(recipient=principal).count() == 1
    send_reminders_task.delay()
    assert wait_until(lambda: worker.log().count("roadmaps.send_reminders") >= 4), (
        worker.log()
    )  # received, succeeded ×2
    assert len(list(worker.mail_dir.glob("*.log"))) == len(files) and Row.objects.count() == 1


def test_a_long_letter_lists_the_first_items_and_counts_the_rest(
    world, coordinator, django_capture_on_commit_callbacks, settings
):
    settings.ROADMAPS_REMINDER_MAX_LINES = 2
    section = make_section(make_plan(world.municipality))
    for n in range(1, 6):
        make_activity(section, on(-n), executors=[world.school], number=f"1.{n}", name=f"Просроченное {n}")
    counts = run(django_capture_on_commit_callbacks)
    assert counts["reminders"] == 5  # every item is recorded as reminded, listed or counted
    body = mail_to(coordinator).body
    assert body.count("Просроченное ") == 2
    assert "и ещё 3 просроченных мероприятия — на портале" in body
    assert "5 просроченных мероприятий" in mail_to(coordinator).subject
