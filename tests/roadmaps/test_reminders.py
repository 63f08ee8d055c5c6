"""Daily reminders: who gets what, the link in the mail, one e-mail per person per run, nothing sent twice."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from roadmaps.models import PlanStatus, Reminder, ReportStatus, Review
from roadmaps.reminders import _insert_new, send_reminders
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


def test_an_item_due_soon_is_reminded_again_once_it_is_overdue(items, principal, django_capture_on_commit_callbacks):
    run(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    run(django_capture_on_commit_callbacks, today=TODAY + dt.timedelta(days=11))  # «Семинар-практикум» is now late
    message = mail_to(principal)
    assert "Семинар-практикум" in message.body and "Методический день" not in message.body
    assert Reminder.objects.filter(period__activity=items["soon"], recipient=principal).count() == 2


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
