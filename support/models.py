from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import School

from .querysets import PairingQuerySet


class Pairing(models.Model):
    """A mentor school supporting another school under an agreement (сетевое взаимодействие)."""

    mentor = models.ForeignKey(School, models.PROTECT, related_name="mentoring", verbose_name=_("mentor school"))
    mentee = models.ForeignKey(School, models.PROTECT, related_name="mentored_by", verbose_name=_("supported school"))
    agreement_number = models.CharField(_("agreement number"), max_length=50, blank=True)
    agreement_date = models.DateField(_("agreement date"), null=True, blank=True)
    basis = models.CharField(_("basis order"), max_length=500, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    goals = models.TextField(_("goals"), blank=True)

    objects = PairingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["mentee__short_name", "-start"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")),
                name="pairing_two_different_schools",
                violation_error_message=_("A school cannot mentor itself."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="pairing_end_not_before_start",
                violation_error_message=_("The pairing cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.mentee}"

    @property
    def agreement_label(self) -> str:
        parts = [str(_("agreement"))]
        if self.agreement_number:
            parts.append(f"№{self.agreement_number}")
        if self.agreement_date:
            parts.append(_("of %(date)s") % {"date": self.agreement_date.strftime("%d.%m.%Y")})
        return " ".join(parts)

    def clean(self):
        if self.mentor_id and self.mentor_id == self.mentee_id:
            raise ValidationError({"mentee": _("A school cannot mentor itself.")})
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("The pairing cannot end before it starts.")})
