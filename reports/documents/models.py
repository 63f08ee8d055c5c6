"""A document rendered in a Celery task (a region, a long plan): the request, its progress and the file it produced.

The file is kept under MEDIA_ROOT with a random name and served only to the user who asked for it, through a view
that checks the scope again (reports/access.py `get_render_for`). Rows and files older than
DOCUMENT_RENDER_RETENTION_DAYS are removed by the outbox sweep (reports/documents/services.py).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Municipality, Region
from roadmaps.models import Plan
from shnor_portal.files.models import random_path


def render_path(instance, filename: str) -> str:
    return random_path("documents/rendered", filename)


class DocumentRender(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("document kind"), max_length=20)
    municipality = models.ForeignKey(
        Municipality, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("municipality")
    )
    region = models.ForeignKey(
        Region, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    plan = models.ForeignKey(Plan, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("plan"))
    output_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("error"), blank=True)
    title = models.CharField(_("title"), max_length=1000, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=render_path, max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size, bytes"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rendered document")
        verbose_name_plural = _("rendered documents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=True) ^ models.Q(region__isnull=True),
                name="document_render_one_unit",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.year} ({self.get_state_display()})"

    @property
    def unit(self):
        return self.municipality or self.region

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
