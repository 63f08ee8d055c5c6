"""Mentor pairs (сетевое взаимодействие): a mentor school supporting another school under one agreement.

Why the pairing lives in `registry` and not in `support`, whose pages edit it: it is a relation between two
registry schools, and the layers below `support` need it. The registry list shows a school's mentors of the
year, the school's history lists its pairings, and `accounts` opens a mentor's supported schools from the
active pairings (through the hook in accounts/mentees.py, which `RegistryConfig.ready()` answers). Kept in
`support`, each of those would be an upward import. Its pages, forms, views, URLs (`support:pairing-*`) and
access rules stay in `support`, which, like `roadmaps` (pair plans), builds on it from above.

Imported by registry/models.py, so `from registry.models import Pairing` works as for every registry model.
The model moved from support with its rows (registry/migrations/0008_pairing_from_support.py and 0009).
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shnor_portal.periods import overlapping

from .models import School, SupportModel


class PairingStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")
    RENEWED = "renewed", _("renewed")


class PairingQuerySet(models.QuerySet):
    def active_on(self, day: dt.date):
        return self.filter(overlapping(day, day))

    def for_school(self, school):
        return self.filter(Q(mentor=school) | Q(mentee=school))


class Pairing(models.Model):
    """A mentor school supporting another school under one agreement (сетевое взаимодействие).

    One row is one agreement of a pair; a renewal ends the row (status «renewed») and starts a new one that
    points back to it, so every agreement of the pair stays readable.
    """

    mentor = models.ForeignKey(School, models.PROTECT, related_name="mentoring", verbose_name=_("mentor school"))
    mentee = models.ForeignKey(School, models.PROTECT, related_name="mentored_by", verbose_name=_("supported school"))
    agreement_number = models.CharField(_("agreement number"), max_length=50, blank=True)
    agreement_date = models.DateField(_("agreement date"), null=True, blank=True)
    basis = models.CharField(_("basis order"), max_length=500, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PairingStatus.choices, default=PairingStatus.ACTIVE)
    support_model = models.CharField(_("support model"), max_length=16, choices=SupportModel.choices, blank=True)
    cross_municipality = models.BooleanField(
        _("mentor from another municipality"),
        default=False,
        help_text=_("A regional leader school may mentor a school of another municipality of the same region."),
    )
    renewed_from = models.OneToOneField(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewal",
        verbose_name=_("renews the agreement"),
    )

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
            models.CheckConstraint(
                condition=Q(status="active") | Q(end__isnull=False),
                name="pairing_closed_has_end",
                violation_error_message=_("An ended or renewed agreement needs its end date."),
            ),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.mentee}"

    def get_absolute_url(self):
        return reverse("support:pairing-detail", kwargs={"pk": self.pk})

    @property
    def agreement_label(self) -> str:
        parts = [str(_("agreement"))]
        if self.agreement_number:
            parts.append(f"№{self.agreement_number}")
        if self.agreement_date:
            parts.append(_("of %(date)s") % {"date": self.agreement_date.strftime("%d.%m.%Y")})
        return " ".join(parts)

    @property
    def period_label(self) -> str:
        end = self.end.strftime("%d.%m.%Y") if self.end else "…"
        return f"{self.start.strftime('%d.%m.%Y')} – {end}"

    @property
    def is_open(self) -> bool:
        return self.status == PairingStatus.ACTIVE

    def clean(self):
        if self.mentor_id and self.mentor_id == self.mentee_id:
            raise ValidationError({"mentee": _("A school cannot mentor itself.")})
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("The pairing cannot end before it starts.")})
        if self.agreement_date and self.end and self.agreement_date > self.end:
            raise ValidationError({"agreement_date": _("The agreement cannot be dated after the end of its period.")})
        if not (self.mentor_id and self.mentee_id):
            return
        mentor, mentee = self.mentor, self.mentee
        if mentor.municipality_id != mentee.municipality_id:
            if not self.cross_municipality:
                raise ValidationError(
                    {
                        "mentor": _(
                            "The mentor school belongs to another municipality. Pair schools of one municipality, "
                            "or tick «mentor from another municipality» for a regional leader school."
                        )
                    }
                )
            if mentor.municipality.region_id != mentee.municipality.region_id:
                raise ValidationError({"mentor": _("A mentor from another municipality must be of the same region.")})
        if self.start:
            other = (
                Pairing.objects.filter(mentor_id=self.mentor_id, mentee_id=self.mentee_id)
                .exclude(pk=self.pk)
                .filter(overlapping(self.start, self.end))
                .order_by("start")
                .first()
            )
            if other:
                raise ValidationError(
                    {
                        "start": _(
                            "This pair already has an agreement for an overlapping period: %(period)s. "
                            "End or renew that agreement instead."
                        )
                        % {"period": other.period_label}
                    }
                )


def active_mentee_ids(mentor_ids: Iterable[int], day: dt.date) -> set[int]:
    """The schools the given mentor schools support on `day`, in one query: accounts' scope asks this
    (registered by RegistryConfig.ready() through accounts.mentees)."""
    return set(Pairing.objects.active_on(day).filter(mentor_id__in=mentor_ids).values_list("mentee_id", flat=True))
