"""Record a task in the caller's transaction; send it to the broker once that commits, or later when it answers.

`enqueue` never raises because the broker is away: the row stays pending and is sent again by the next attempt
(a retry enqueues the same key) or by `sweep`, which beat runs every minute. Tasks are known by their Celery
names only, so this module imports no domain app; apps add their own checks to the sweep with `register_sweeper`.
"""

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from celery import signature
from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from shnor_portal.celery import app as celery_app

from .models import OutboxMessage

logger = logging.getLogger(__name__)

# After a failed send, the same process does not try the broker again for this long: a loop of letters (reminders)
# must not pay the connection timeout once per letter. The sweep ignores the pause.
BROKER_PAUSE_SECONDS = 10.0
_broker_down_until = 0.0

_sweepers: list[Callable[[], object]] = []

SENT, SKIPPED, FAILED = "sent", "skipped", "failed"


def enqueue(
    task: str,
    args: list | tuple = (),
    kwargs: dict | None = None,
    *,
    dedupe_key: str = "",
    not_within: timedelta | None = None,
    using: str | None = None,
    pause_after_failure: bool = True,
) -> OutboxMessage | None:
    """Record `task` (a Celery task name) in the current transaction and try to send it once that commits.

    With `dedupe_key`, a row with that key still waiting is reused (and tried again), never doubled. With
    `not_within` too, nothing is recorded when a row with the key was created that recently (a throttle): None.
    `pause_after_failure=False` tries the broker even if it failed a moment ago (a user asked to retry).
    """
    using = using or router.db_for_write(OutboxMessage)
    with transaction.atomic(using=using):
        rows = OutboxMessage.objects.using(using)
        if dedupe_key and not_within is not None:
            _lock_key(using, dedupe_key)  # two requests at once: the second sees the first's row
            if rows.filter(dedupe_key=dedupe_key, created_at__gte=timezone.now() - not_within).exists():
                return None
        message = rows.filter(dedupe_key=dedupe_key, state=OutboxMessage.State.PENDING).first() if dedupe_key else None
        if message is None:
            fields = {"task": task, "args": list(args), "kwargs": kwargs or {}, "dedupe_key": dedupe_key}
            try:
                with transaction.atomic(using=using):
                    message = rows.create(**fields)
            except IntegrityError:
                # Another transaction recorded the same key a moment ago: that row runs the task.
                message = rows.get(dedupe_key=dedupe_key, state=OutboxMessage.State.PENDING)
    pk = message.pk
    transaction.on_commit(lambda: send(pk, using=using, pause_after_failure=pause_after_failure), using=using)
    return message


def send(pk: int, *, using: str | None = None, pause_after_failure: bool = True) -> bool:
    """Send one pending row to the broker; True when it went (or ran, in eager mode)."""
    return _send(pk, using=using, pause_after_failure=pause_after_failure) == SENT


def is_pending(dedupe_key: str) -> bool:
    return OutboxMessage.objects.filter(dedupe_key=dedupe_key, state=OutboxMessage.State.PENDING).exists()


def register_sweeper(function: Callable[[], object]) -> Callable[[], object]:
    """Run `function` at every sweep, before the pending rows are sent (it may enqueue some)."""
    if function not in _sweepers:
        _sweepers.append(function)
    return function


def sweep(limit: int = 500) -> dict:
    """Run the apps' checks, send pending rows oldest first (stopping at the first broker failure: the rest would
    fail the same way) and forget rows sent more than OUTBOX_KEEP_DAYS ago."""
    for sweeper in list(_sweepers):
        try:
            sweeper()
        except Exception:
            logger.exception("outbox: sweeper %s failed", getattr(sweeper, "__name__", sweeper))
    counts = {SENT: 0, SKIPPED: 0, FAILED: 0}
    pending = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).order_by("created_at", "pk")
    for pk in list(pending.values_list("pk", flat=True)[:limit]):
        outcome = _send(pk, pause_after_failure=False)
        counts[outcome] += 1
        if outcome == FAILED:
            break
    keep = timezone.now() - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    purged, _ = OutboxMessage.objects.filter(state=OutboxMessage.State.SENT, sent_at__lt=keep).delete()
    counts["waiting"] = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).count()
    counts["purged"] = purged
    if counts[SENT] or counts[FAILED]:
        logger.info("outbox sweep: %s", counts)
    return counts


def _send(pk: int, *, using: str | None = None, pause_after_failure: bool) -> str:
    global _broker_down_until
    eager = celery_app.conf.task_always_eager
    if not eager and pause_after_failure and time.monotonic() < _broker_down_until:
        return FAILED  # the broker failed a moment ago: the sweep sends this row
    using = using or router.db_for_write(OutboxMessage)
    with transaction.atomic(using=using):
        # The row stays locked while it is sent: a sweep in another process skips it instead of sending it twice.
        message = (
            OutboxMessage.objects.using(using)
            .select_for_update(skip_locked=True)
            .filter(pk=pk, state=OutboxMessage.State.PENDING)
            .first()
        )
        if message is None:
            return SKIPPED
        now = timezone.now()
        message.attempts += 1
        message.last_attempt_at = now
        if not eager:
            try:
                _dispatch(message)
            except Exception as exc:  # kombu OperationalError, refused or timed-out connections, …
                _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                message.save(update_fields=["attempts", "last_attempt_at", "last_error"])
                logger.warning("outbox: %s [%s] stays pending, the broker refused it: %s", message.task, pk, exc)
                return FAILED
        message.state = OutboxMessage.State.SENT
        message.sent_at = now
        message.last_error = ""
        message.save(update_fields=["state", "attempts", "last_attempt_at", "sent_at", "last_error"])
    if eager:
        # Embedded mode and unit tests: the task runs here and now, after its row is marked, as `delay` would.
        _dispatch(message)
    return SENT


def _dispatch(message: OutboxMessage) -> None:
    # A registered task is sent with its own options (and runs in place in eager mode); an unknown name goes to
    # the broker as is, for a worker that knows it. A web process imports the apps' tasks modules only when asked.
    if message.task not in celery_app.tasks:
        celery_app.loader.import_default_modules()
    signature(message.task, args=message.args, kwargs=message.kwargs, app=celery_app).apply_async()


def _lock_key(using: str, key: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"outbox:{key}"])
