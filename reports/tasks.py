"""Recalculation after an import: runs in a Celery worker (eagerly in the embedded demo), safe to run twice.

A job is recorded in the database and its task in the outbox in the caller's transaction, so a broker outage loses
nothing; the task writes all its aggregates in one transaction, so a killed worker leaves the old numbers; its
heartbeat lets the outbox sweep re-queue a job whose worker died.
"""

import datetime as dt
import logging
import threading
import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from registry.models import Municipality, School
from shnor_portal.celery import app as celery_app
from shnor_portal.outbox import services as outbox

from .assessments.aggregates import recalculate
from .assessments.models import Campaign, Recalculation
from .documents import services as documents
from .indicators import services as indicators

logger = logging.getLogger(__name__)

RECALCULATE_TASK = "reports.tasks.recalculate_results"
# How often a running job says it is alive; well under RECALCULATION_STALE_MINUTES.
HEARTBEAT_SECONDS = 15


@shared_task
def recalculate_results(recalculation_id: str) -> str:
    job = Recalculation.objects.filter(pk=recalculation_id).first()
    if job is None:
        return "missing"
    if not _claim(job.pk):
        # Done, failed, or running in a worker that is alive: a second message of the job (a retry, a redelivery)
        # changes nothing.
        return "skipped"
    campaigns = job.campaigns
    try:
        with _Reporter(job.pk) as reporter, transaction.atomic():
            # One transaction for every campaign of the job: readers see the old numbers or the new, never a mix,
            # and a worker killed midway leaves the old ones.
            # The aggregates take the progress bar up to 90 %, the indicators that read them the rest.
            for index, campaign_id in enumerate(campaigns, start=1):
                recalculate([campaign_id], job.schools or None)
                reporter.report(int(index * 90 / len(campaigns)))
                if settings.RECALCULATION_PAUSE_SECONDS:
                    time.sleep(settings.RECALCULATION_PAUSE_SECONDS)
            municipality_ids, years = indicator_scope(campaigns, job.schools)
            indicators.recalculate(municipality_ids, years)
            indicators_at = timezone.now()
    except Exception as exc:
        logger.exception("recalculation %s failed", job.pk)
        Recalculation.objects.filter(pk=job.pk).update(
            state=Recalculation.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        return "failed"
    Recalculation.objects.filter(pk=job.pk).update(
        state=Recalculation.State.DONE,
        progress=100,
        heartbeat_at=timezone.now(),
        finished_at=timezone.now(),
        indicators_at=indicators_at,
    )
    return "done"


def indicator_scope(campaign_ids, school_ids) -> tuple[list[int] | None, list[int]]:
    """The municipalities (None: all) and years whose indicators an import of `campaign_ids` changes: the campaigns'
    years and the years after them up to the current one, since some formulas compare Y with Y−1."""
    years = set(Campaign.objects.filter(pk__in=campaign_ids).values_list("year", flat=True))
    years |= {year + 1 for year in years if year + 1 <= timezone.localdate().year}
    if not school_ids:
        return None, sorted(years)
    municipality_ids = School.objects.filter(pk__in=school_ids).values_list("municipality_id", flat=True).distinct()
    return sorted(municipality_ids), sorted(years)


@shared_task(name="reports.render_document")
def render_document(render_id: str) -> str:
    """A document too long for a page request (reports/documents/services.py); safe to run twice."""
    return documents.run_render(render_id)


@shared_task(name="reports.recalculate_indicators")
def recalculate_indicators(municipality_id: int, year: int, due: str | None = None) -> str:
    """The debounced recalculation of one municipality's indicators after edits (reports/indicators/triggers.py):
    year Y and Y+1 (up to the current year). Sent at the first edit of a burst, it waits until `due`, the end of
    the debounce window, so that it reads every edit of the burst. Safe to run twice."""
    if due and not celery_app.conf.task_always_eager:
        wait = (dt.datetime.fromisoformat(due) - timezone.now()).total_seconds()
        if wait > 1:
            recalculate_indicators.apply_async((municipality_id, year), {"due": due}, countdown=wait)
            return "deferred"
    if not Municipality.objects.filter(pk=municipality_id).exists():
        return "missing"
    years = [y for y in (year, year + 1) if y <= max(year, timezone.localdate().year)]
    indicators.recalculate([municipality_id], years)
    return "done"


@shared_task(name="reports.recalculate_all_indicators")
def recalculate_all_indicators() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): every municipality, every year with data — catches what no edit announced."""
    return indicators.recalculate()


def enqueue_recalculation(source, campaign_ids, school_ids) -> Recalculation:
    """Record a recalculation and its task in the current transaction; the task is sent once that commits."""
    job = Recalculation.objects.create(source=source, campaigns=sorted(campaign_ids), schools=sorted(school_ids))
    send_recalculation(job.pk)
    return job


def send_recalculation(job_pk, *, asked: bool = False) -> None:
    """Send the job's task (again): a row still waiting in the outbox is reused, never a second one. `asked`: a
    user asked for it, so the broker is tried even if it failed a moment ago."""
    outbox.enqueue(RECALCULATE_TASK, [str(job_pk)], dedupe_key=recalculation_key(job_pk), pause_after_failure=not asked)


def recalculation_key(job_pk) -> str:
    return f"recalculate:{job_pk}"


def waiting_for_queue(job: Recalculation) -> bool:
    """The job's task has not reached the broker yet (it was away when the job was recorded)."""
    return job.state == Recalculation.State.QUEUED and outbox.is_pending(recalculation_key(job.pk))


def _stale() -> Q:
    since = timezone.now() - timedelta(minutes=settings.RECALCULATION_STALE_MINUTES)
    return Q(state=Recalculation.State.RUNNING) & (
        Q(heartbeat_at__lt=since) | Q(heartbeat_at__isnull=True, created_at__lt=since)
    )


def _claim(pk) -> bool:
    """Mark the job running unless it ended or a live worker runs it; one UPDATE, so two workers never both win."""
    claimable = Q(state=Recalculation.State.QUEUED) | _stale()
    updated = Recalculation.objects.filter(claimable, pk=pk).update(
        state=Recalculation.State.RUNNING, progress=0, error="", heartbeat_at=timezone.now()
    )
    return bool(updated)


def requeue_stale_recalculations() -> int:
    """Jobs «running» without a heartbeat for RECALCULATION_STALE_MINUTES lost their worker: queue them again."""
    requeued = 0
    for pk in list(Recalculation.objects.filter(_stale()).values_list("pk", flat=True)):
        with transaction.atomic():
            if Recalculation.objects.filter(_stale(), pk=pk).update(state=Recalculation.State.QUEUED, progress=0):
                send_recalculation(pk)
                requeued += 1
                logger.warning("recalculation %s lost its worker (no heartbeat): queued again", pk)
    return requeued


class _Reporter:
    """Progress and heartbeat of a running job, written by a thread with its own database connection: the job's
    work is one transaction, and what it writes there is invisible to the status page until the end.

    SQLite (the embedded demo) allows one writer at a time, so there the job reports only when it ends."""

    def __init__(self, pk):
        self.pk = pk
        self.progress: int | None = None
        self._changed = threading.Event()
        self._stopped = threading.Event()
        self._thread = None
        if connection.vendor == "postgresql":
            self._thread = threading.Thread(target=self._run, name=f"recalculation-{pk}", daemon=True)

    def __enter__(self):
        if self._thread:
            self._thread.start()
        return self

    def __exit__(self, *exc_info):
        if self._thread:
            self._stopped.set()
            self._changed.set()
            self._thread.join()

    def report(self, progress: int) -> None:
        self.progress = progress
        self._changed.set()

    def _run(self):
        try:
            while not self._stopped.is_set():
                self._changed.wait(HEARTBEAT_SECONDS)
                self._changed.clear()
                if self._stopped.is_set():
                    break
                fields = {"heartbeat_at": timezone.now()}
                if self.progress is not None:
                    fields["progress"] = self.progress
                Recalculation.objects.filter(pk=self.pk, state=Recalculation.State.RUNNING).update(**fields)
        except Exception:
            logger.exception("recalculation %s: heartbeat failed", self.pk)
        finally:
            connection.close()  # this thread's own connection (Django keeps one per thread)
