"""Celery tasks of roadmaps: the daily reminders (CELERY_BEAT_SCHEDULE in settings)."""

import logging

from celery import shared_task

from .reminders import send_reminders as send

logger = logging.getLogger(__name__)


@shared_task(name="roadmaps.send_reminders")
def send_reminders() -> dict:
    """E-mail principals and coordinators about due-soon and overdue items; safe to run twice (nothing is resent)."""
    counts = send()
    logger.info("roadmaps reminders: %(reminders)d new, %(emails)d e-mail(s)", counts)
    return counts
