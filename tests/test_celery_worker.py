"""A real Celery worker on the local Redis: tasks run after commit, and not at all after a rollback."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction

from accounts.emails import send_portal_email
from shnor_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("broker")]


@pytest.fixture
def worker(tmp_path, settings):
    """Start a worker on a queue of its own, with a file e-mail backend we can look into."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "shnor_portal",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield mail_dir
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output)


def wait_for_files(folder: Path, seconds: float = 30) -> list[Path]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.log")) if folder.exists() else []
        if files:
            return files
        time.sleep(0.2)
    return []


def test_a_real_worker_sends_the_letter_after_commit_and_never_after_rollback(worker):
    try:
        with transaction.atomic():
            send_portal_email(["rolled-back@example.org"], "Откат", "Это письмо не должно уйти")
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    with transaction.atomic():
        send_portal_email(["coordinator@example.org"], "Напоминание", "Срок мероприятия 1.1 истекает")
    files = wait_for_files(worker)
    assert files, "the worker did not send the letter within 30 s"
    time.sleep(1)  # give a wrongly queued rollback letter time to show up too
    text = "".join(path.read_text() for path in sorted(worker.glob("*.log")))
    assert "coordinator@example.org" in text
    assert "rolled-back@example.org" not in text
