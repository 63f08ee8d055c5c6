"""Nightly housekeeping of uploads: what was uploaded and never confirmed does not stay for ever."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from registry.services.imports import remove_stale_imports as remove_stale_registry_imports
from roadmaps.imports import remove_stale_uploads as remove_stale_plan_uploads

from .assessments.services import remove_stale_imports as remove_stale_result_imports


@shared_task(name="reports.remove_stale_uploads")
def remove_stale_uploads() -> dict[str, int]:
    """Remove the results and registry imports never committed, with their files, and the plan wizard's kept
    uploads, once older than IMPORT_UPLOAD_RETENTION_DAYS. Safe to run twice: what is gone is not found again."""
    before = timezone.now() - dt.timedelta(days=settings.IMPORT_UPLOAD_RETENTION_DAYS)
    return {
        "results": remove_stale_result_imports(before),
        "registry": remove_stale_registry_imports(before),
        "plans": remove_stale_plan_uploads(before),
    }
