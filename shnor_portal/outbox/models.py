from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One Celery task that must run: recorded in the caller's transaction, sent to the broker when it answers."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the queue")
        SENT = "sent", _("sent")

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    # Two rows with one key are never pending together: a retry re-sends the waiting row instead of adding one.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True, db_index=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state="pending") & ~Q(dedupe_key=""),
                name="outbox_one_pending_per_key",
            )
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_state_created")]

    def __str__(self):
        return f"{self.task} ({self.get_state_display()})"
