"""The broker down: a web process whose CELERY_BROKER_URL points at a port nothing listens on, the real PostgreSQL,
and a real worker on the local Redis for when the broker is back. Nothing the web process committed is lost."""

import json
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reports.assessments.models import ParticipantResult, Recalculation, ResultImport
from reports.assessments.reader import Supplied
from reports.assessments.services import check_upload
from shnor_portal.celery import app as celery_app
from shnor_portal.outbox.models import OutboxMessage

from .celery_workers import ROOT, celery_beat, celery_worker, worker_env
from .test_celery_worker import PROTOCOL, PROTOCOL_AGGREGATES, aggregates, ended, wait_for_files, wait_until

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("broker")]


@pytest.fixture
def worker(tmp_path, settings):
    with celery_worker(tmp_path, settings.CELERY_BROKER_URL) as running:
        yield running


@pytest.fixture
def subjects():
    import importlib

    from django.apps import apps as django_apps

    importlib.import_module("reports.migrations.0002_subjects").load(django_apps, None)


def own_messages():
    """The outbox rows of the test's own requests: the fixtures' listings and pairings record recalculations of the
    target indicators too (reports/indicators/triggers.py), sent while the broker was still there."""
    return OutboxMessage.objects.exclude(task="reports.recalculate_indicators")


def closed_port() -> int:
    """A local port nothing listens on: bound by us a moment, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def web_without_broker(worker, requests: list[dict]) -> list[dict]:
    """Run the requests in a web process of its own whose broker is a closed port."""
    env = {
        **worker_env(f"redis://127.0.0.1:{closed_port()}/0", worker.queue, worker.mail_dir),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),  # the test's uploads
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.web_process", json.dumps(requests)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    print(done.stderr)  # the web process's log, shown when a test fails
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def sweep_in_the_worker():
    """What beat does every minute: the sweep task, taken by the worker now that the broker answers."""
    celery_app.send_task("outbox.sweep")


def test_an_import_commits_with_the_broker_down_and_recalculates_once_it_is_back(
    worker, subjects, coordinator, tmp_path
):
    record = check_upload(coordinator, SimpleUploadedFile("results.csv", PROTOCOL.encode()), Supplied())
    page = reverse("reports:results-import", kwargs={"pk": record.pk})
    confirm, status, retry = web_without_broker(
        worker,
        [
            {
                "method": "post",
                "path": reverse("reports:results-confirm", kwargs={"pk": record.pk}),
                "user": coordinator.pk,
            },
            {"path": page, "user": coordinator.pk, "headers": {"HX-Request": "true"}},
            {
                "method": "post",
                "path": reverse("reports:results-retry", kwargs={"pk": record.pk}),
                "user": coordinator.pk,
            },
        ],
    )
    assert confirm["status"] == 302 and confirm["location"] == page
    assert confirm["seconds"] < 5, "a dead broker must cost the request a moment, not Celery's retry loop"
    record.refresh_from_db()
    assert record.state == ResultImport.State.COMMITTED and ParticipantResult.objects.count() == 3
    assert status["status"] == 200 and "ожидает очереди" in status["body"] and 'hx-trigger="every 2s"' in status["body"]
    assert "Повторить" not in status["body"]  # a fresh job is not offered again at once
    assert retry["status"] == 302 and retry["seconds"] < 5
    job = Recalculation.objects.get()  # the retry sent the same job again, never a second one
    assert job.state == Recalculation.State.QUEUED
    message = own_messages().get()
    assert message.state == OutboxMessage.State.PENDING and message.attempts == 2
    assert message.task == "reports.tasks.recalculate_results" and message.args == [str(job.pk)]
    assert "OperationalError" in message.last_error or "Connection" in message.last_error

    # Minutes later, still no broker: the page offers «Повторить», which again re-sends the same job.
    Recalculation.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=4))
    (later,) = web_without_broker(worker, [{"path": page, "user": coordinator.pk}])
    assert "ожидает очереди" in later["body"] and "Повторить" in later["body"]

    # The broker is back and nobody clicks anything: beat's sweep (every second here) sends the recorded job, the
    # worker recalculates.
    with celery_beat(tmp_path, worker, OUTBOX_SWEEP_SECONDS="1"):
        job = ended(job)
    assert job.state == Recalculation.State.DONE, job.error
    assert aggregates() == PROTOCOL_AGGREGATES
    assert Recalculation.objects.count() == 1
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT and message.sent_at


def test_password_reset_answers_the_same_with_the_broker_down_and_the_letter_goes_when_it_is_back(worker, coordinator):
    reset = reverse("password-reset")
    known, unknown, again = web_without_broker(
        worker,
        [
            {"method": "post", "path": reset, "data": {"email": coordinator.email}},
            {"method": "post", "path": reset, "data": {"email": "nobody@example.org"}},
            {"method": "post", "path": reset, "data": {"email": coordinator.email}},
        ],
    )
    assert known["status"] == unknown["status"] == again["status"] == 302
    assert known["location"] == unknown["location"] == again["location"] == reverse("password-reset-done")
    assert known["body"] == unknown["body"] == again["body"]
    assert known["seconds"] < 5
    # One letter recorded for the account (the repeated request is throttled), none for the unknown address.
    message = own_messages().get()
    assert message.state == OutboxMessage.State.PENDING and message.args[0] == [coordinator.email]

    sweep_in_the_worker()
    letters = wait_for_files(worker.mail_dir)
    assert letters, worker.log()
    assert wait_until(lambda: own_messages().filter(state=OutboxMessage.State.SENT).exists())
    text = "".join(path.read_text() for path in letters)
    assert coordinator.email in text and "/accounts/password/reset/" in text
    assert "nobody@example.org" not in text
