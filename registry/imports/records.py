import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models import Municipality


def import_path(instance, filename):
    # The name is the import's id; a committed import keeps its original compressed (".xlsx.gz").
    return f"registry-imports/{instance.pk}.xlsx" + (".gz" if filename.endswith(".gz") else "")


class RegistryImport(models.Model):
    """One uploaded registry workbook: kept with who uploaded it, what it held and whether it was committed."""

    class State(models.TextChoices):
        CHECKED = "checked", _("checked, waiting for confirmation")
        REJECTED = "rejected", _("has problems")
        COMMITTED = "committed", _("committed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="+", verbose_name=_("municipality"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user"))
    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to=import_path)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    problems = models.JSONField(_("problems"), default=list)
    outcome = models.JSONField(_("outcome"), default=dict)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("registry import")
        verbose_name_plural = _("registry imports")

    def __str__(self):
        return f"{self.original_name} ({self.municipality}, {self.created_at:%d.%m.%Y %H:%M})"
