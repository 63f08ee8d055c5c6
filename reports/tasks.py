"""Recalculation after an import: runs in a Celery worker (eagerly in the embedded demo), safe to run twice."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .assessments.aggregates import recalculate
from .assessments.models import Recalculation

logger = logging.getLogger(__name__)


@shared_task
def recalculate_results(recalculation_id: str) -> str:
    job = Recalculation.objects.filter(pk=recalculation_id).first()
    if job is None:
        return "missing"
    Recalculation.objects.filter(pk=job.pk).update(state=Recalculation.State.RUNNING, progress=0, error="")
    try:
        campaigns = job.campaigns
        for index, campaign_id in enumerate(campaigns, start=1):
            recalculate([campaign_id], job.schools or None)
            Recalculation.objects.filter(pk=job.pk).update(progress=int(index * 100 / len(campaigns)))
        # The indicators module (a later part) recalculates here, after the aggregates it reads.
    except Exception as exc:
        logger.exception("recalculation %s failed", job.pk)
        Recalculation.objects.filter(pk=job.pk).update(
            state=Recalculation.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        return "failed"
    Recalculation.objects.filter(pk=job.pk).update(
        state=Recalculation.State.DONE, progress=100, finished_at=timezone.now()
    )
    return "done"


def enqueue_recalculation(source, campaign_ids, school_ids) -> Recalculation:
    """Record a recalculation and start it once the surrounding transaction has committed."""
    job = Recalculation.objects.create(source=source, campaigns=sorted(campaign_ids), schools=sorted(school_ids))
    transaction.on_commit(lambda: recalculate_results.delay(str(job.pk)))
    return job
