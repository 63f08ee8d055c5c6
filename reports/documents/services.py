"""Rendering a document for a user: in the request when it is small, in a Celery task when it is not.

A municipality's document of up to DOCUMENT_RENDER_INLINE_MAX_ROWS table rows is rendered in the request (WeasyPrint
lays out about three dense pages a second here, so that is a few seconds at most); a region's, or a longer one, is
recorded as a DocumentRender with its task in the outbox in the same transaction (a broker outage loses nothing),
like the results recalculation (reports/tasks.py). The task is safe to run twice: only a queued (or stale) job is
claimed, by one UPDATE.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from registry.models import Municipality
from shnor_portal.outbox import services as outbox

from .base import Document, DocumentUnavailable
from .kinds import document_for
from .models import DocumentRender

logger = logging.getLogger(__name__)

RENDER_TASK = "reports.render_document"


def in_request(document: Document) -> bool:
    """Whether the document is rendered while the user waits: a municipality's, of a bounded number of rows."""
    if not isinstance(document.unit, Municipality):
        return False
    return document.row_count() <= settings.DOCUMENT_RENDER_INLINE_MAX_ROWS


def render(document: Document, output_format: str) -> bytes:
    return document.pdf() if output_format == DocumentRender.Format.PDF else document.xlsx()


def enqueue_render(user, document: Document, output_format: str) -> DocumentRender:
    """Record the job and its task in one transaction; the task is sent once that commits."""
    unit = document.unit
    with transaction.atomic():
        job = DocumentRender.objects.create(
            kind=document.kind,
            municipality=unit if isinstance(unit, Municipality) else None,
            region=None if isinstance(unit, Municipality) else unit,
            year=document.year,
            plan=document.plan,
            output_format=output_format,
            requested_by=user,
            title=document.title[:1000],
        )
        send_render(job.pk)
    return job


def send_render(job_pk) -> None:
    outbox.enqueue(RENDER_TASK, [str(job_pk)], dedupe_key=render_key(job_pk))


def render_key(job_pk) -> str:
    return f"render-document:{job_pk}"


def waiting_for_queue(job: DocumentRender) -> bool:
    return job.state == DocumentRender.State.QUEUED and outbox.is_pending(render_key(job.pk))


def _stale() -> Q:
    since = timezone.now() - timedelta(minutes=settings.DOCUMENT_RENDER_STALE_MINUTES)
    return Q(state=DocumentRender.State.RUNNING, started_at__lt=since)


def _progress(pk, value: int) -> None:
    DocumentRender.objects.filter(pk=pk, state=DocumentRender.State.RUNNING).update(progress=value)


def run_render(job_pk) -> str:
    """The task's body: claim the job, build the document, render it, keep the file."""
    claimed = DocumentRender.objects.filter(Q(state=DocumentRender.State.QUEUED) | _stale(), pk=job_pk).update(
        state=DocumentRender.State.RUNNING, progress=0, error="", started_at=timezone.now()
    )
    if not claimed:
        return "skipped"  # done, failed, running elsewhere, or gone
    job = DocumentRender.objects.select_related("municipality", "region", "plan").get(pk=job_pk)
    try:
        document = document_for(job.kind, job.unit, job.year, job.plan)
        document.built  # noqa: B018 — reads the data now, so that the progress says so
        _progress(job.pk, 20)
        content = render(document, job.output_format)
        _progress(job.pk, 90)
        name = document.filename(job.output_format)
        with transaction.atomic():
            job.file.save(name, ContentFile(content), save=False)
            DocumentRender.objects.filter(pk=job.pk).update(
                state=DocumentRender.State.DONE,
                progress=100,
                file=job.file.name,
                filename=name,
                size=len(content),
                title=document.title[:1000],
                finished_at=timezone.now(),
            )
    except DocumentUnavailable as exc:
        _fail(job.pk, str(exc))
        return "failed"
    except Exception as exc:
        logger.exception("document render %s failed", job.pk)
        _fail(job.pk, f"{type(exc).__name__}: {exc}")
        return "failed"
    return "done"


def _fail(pk, error: str) -> None:
    DocumentRender.objects.filter(pk=pk).update(
        state=DocumentRender.State.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def sweep_renders() -> int:
    """The outbox sweep's part: re-queue jobs whose worker died, remove jobs (and files) past their retention."""
    requeued = 0
    for pk in list(DocumentRender.objects.filter(_stale()).values_list("pk", flat=True)):
        with transaction.atomic():
            if DocumentRender.objects.filter(_stale(), pk=pk).update(state=DocumentRender.State.QUEUED, progress=0):
                send_render(pk)
                requeued += 1
    expired = timezone.now() - timedelta(days=settings.DOCUMENT_RENDER_RETENTION_DAYS)
    for job in DocumentRender.objects.filter(created_at__lt=expired).only("pk", "file"):
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return requeued
