"""Real Celery worker processes on the local Redis, for the tests that prove the broker path and its faults."""

import os
import signal
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from shnor_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Worker:
    mail_dir: Path
    log_file: Path
    queue: str
    env: dict = field(repr=False, default_factory=dict)
    process: subprocess.Popen | None = None

    def log(self) -> str:
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    def start(self, **extra_env) -> None:
        """Start the worker process (again, after `kill`), appending to the same log."""
        with self.log_file.open("a") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "shnor_portal",
                    "worker",
                    "-Q",
                    self.queue,
                    "--pool",
                    "solo",
                    "--loglevel",
                    "INFO",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env={**self.env, **extra_env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a pulled plug: no clean-up, no acknowledgement, no rollback by Python."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def worker_env(broker_url: str, queue: str, mail_dir: Path) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def celery_worker(tmp_path: Path, broker_url: str, *, start: bool = True, **extra_env):
    """A worker on a queue of its own, with a file e-mail backend we can look into and a log we can read; this
    process sends its tasks to that queue for real (not eagerly) meanwhile."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    worker = Worker(mail_dir, tmp_path / "worker.log", queue, worker_env(broker_url, queue, mail_dir))
    if start:
        worker.start(**extra_env)
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield worker
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
        worker.stop()
        print(worker.log())


@contextmanager
def celery_beat(tmp_path: Path, worker: Worker, **extra_env):
    """Celery beat sending its schedule to the worker's queue, as in production (docker-compose.yml)."""
    with (tmp_path / "beat.log").open("a") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "shnor_portal",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(tmp_path / "beat-schedule"),
            ],
            cwd=ROOT,
            env={**worker.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print((tmp_path / "beat.log").read_text(errors="replace"))
