"""The outbox in eager mode (tests/test_broker_outage.py has the broker down for real): rows recorded in the
caller's transaction, sent on commit, never doubled for one key, throttled, swept."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from shnor_portal.outbox import services as outbox
from shnor_portal.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
SEND = "accounts.tasks.send_email"


def letter(to="a@example.org"):
    return [[to], "Тема", "Текст", None]


def test_it_sends_the_task_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            message = outbox.enqueue(SEND, letter())
            assert message.state == OutboxMessage.State.PENDING and mail.outbox == []
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT and message.sent_at and message.attempts == 1
    assert [sent.to for sent in mail.outbox] == [["a@example.org"]]


def test_it_records_nothing_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            outbox.enqueue(SEND, letter())
            raise RuntimeError("roll back")
    assert callbacks == [] and not OutboxMessage.objects.exists() and mail.outbox == []


def test_a_key_still_waiting_is_reused_never_doubled(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:  # the broker has not taken them
        first = outbox.enqueue(SEND, letter(), dedupe_key="k")
        second = outbox.enqueue(SEND, letter(), dedupe_key="k")
    assert first.pk == second.pk and OutboxMessage.objects.count() == 1 and len(callbacks) == 2
    for callback in callbacks:  # both attempts run; the row is sent once
        callback()
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().state == OutboxMessage.State.SENT
    with django_capture_on_commit_callbacks(execute=True):  # once sent, the key is free for the next task
        third = outbox.enqueue(SEND, letter(), dedupe_key="k")
    assert third.pk != first.pk and len(mail.outbox) == 2


def test_not_within_throttles_a_key_for_its_window(django_capture_on_commit_callbacks):
    window = timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.enqueue(SEND, letter(), dedupe_key="reset:1", not_within=window)
        assert outbox.enqueue(SEND, letter(), dedupe_key="reset:1", not_within=window) is None
        assert outbox.enqueue(SEND, letter("b@example.org"), dedupe_key="reset:2", not_within=window)
    assert len(mail.outbox) == 2
    OutboxMessage.objects.update(created_at=timezone.now() - window - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.enqueue(SEND, letter(), dedupe_key="reset:1", not_within=window)
    assert len(mail.outbox) == 3


def test_the_sweep_sends_what_waits_runs_the_apps_checks_and_forgets_old_sent_rows(
    django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=False):
        waiting = outbox.enqueue(SEND, letter())
    old = OutboxMessage.objects.create(task=SEND, args=letter(), state=OutboxMessage.State.SENT)
    OutboxMessage.objects.filter(pk=old.pk).update(
        sent_at=timezone.now() - timedelta(days=settings.OUTBOX_KEEP_DAYS, hours=1)
    )
    counts = outbox.sweep()
    assert counts["sent"] == 1 and counts["waiting"] == 0 and counts["purged"] == 1
    waiting.refresh_from_db()
    assert waiting.state == OutboxMessage.State.SENT and len(mail.outbox) == 1
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()


def test_the_sweep_runs_the_registered_checks_first(monkeypatch):
    monkeypatch.setattr(outbox, "_sweepers", [])
    outbox.register_sweeper(lambda: outbox.enqueue(SEND, letter("swept@example.org")))
    outbox.sweep()
    assert [sent.to for sent in mail.outbox] == [["swept@example.org"]]


def test_beat_runs_the_sweep_and_redis_keeps_a_task_longer_than_a_recalculation_may_go_silent(settings):
    from shnor_portal.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]
    assert entry["task"] in app.tasks and entry["schedule"] <= 60
    # Redis must not hand a running recalculation to a second worker before the sweep could tell it was dead.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.RECALCULATION_STALE_MINUTES * 60
