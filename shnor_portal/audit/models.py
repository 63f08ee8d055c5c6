from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Action(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    DELETED = "deleted", _("deleted")


# simple-history's history_type → our action.
ACTION_OF_HISTORY_TYPE = {"+": Action.CREATED, "~": Action.CHANGED, "-": Action.DELETED}


class AuditEntry(models.Model):
    """One change of one object, as its historical record says, placed in a municipality (and a school) so that a
    reader's scope is one condition on this table."""

    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+", verbose_name=_("object kind"))
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    # The historical record this entry was made from: backfills skip what is already there.
    history_id = models.BigIntegerField()
    municipality_id = models.BigIntegerField(_("municipality"), null=True, blank=True, db_index=True)
    school_id = models.BigIntegerField(_("school"), null=True, blank=True, db_index=True)
    # Personal data (teachers, their diagnostics, named participants): only the school and its coordinators read it.
    personal = models.BooleanField(default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("who")
    )
    actor_name = models.CharField(_("who"), max_length=300, blank=True)
    timestamp = models.DateTimeField(_("when"), db_index=True)
    action = models.CharField(pgettext_lazy("audit", "action"), max_length=8, choices=Action.choices)
    # [{"field": name, "label": verbose name, "before": text, "after": text}, …]
    changes = models.JSONField(_("changes"), default=list)
    # Where the object opens; emptied when the object is deleted.
    url = models.CharField(max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-timestamp", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "history_id"], name="audit_entry_once_per_record")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_entry_object")]

    def __str__(self):
        return f"{self.timestamp:%d.%m.%Y %H:%M} {self.get_action_display()} {self.object_repr}"

    @property
    def kind(self) -> str:
        model = self.content_type.model_class()
        return str(model._meta.verbose_name) if model else self.content_type.model
