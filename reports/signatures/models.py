"""The document registry: one entry per signed PDF (SPEC §2.5 «Signed PDF»).

An entry is a frozen record: the signed file exactly as it was handed out, its SHA-256, what it is (title, kind,
scope, year, plan) and who signed it with which certificate. Later changes of the data it was rendered from never
touch it; signing the same document again makes a new entry. Only the revocation fields are ever written after
the entry is created (`SignedDocument.save` enforces it).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Municipality, Region

REVOCATION_FIELDS = frozenset({"revoked_at", "revoked_by", "revoke_reason"})


def signed_path(entry, filename):
    # Not the registry number: a file name on disk tells nothing about the document, and numbers are Cyrillic.
    return f"signed-documents/{entry.signed_at:%Y}/{uuid.uuid4().hex}.pdf"


class SignedDocumentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def revoked(self):
        return self.filter(revoked_at__isnull=False)


class SignedDocument(models.Model):
    number = models.CharField(_("registry number"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind of document"), max_length=40)
    municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_documents",
        verbose_name=_("municipality"),
    )
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="signed_documents", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    plan = models.ForeignKey(
        "roadmaps.Plan", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("plan")
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    file = models.FileField(_("signed file"), upload_to=signed_path, max_length=200)
    size = models.PositiveIntegerField(_("size, bytes"))
    certificate_serial = models.CharField(_("certificate serial number"), max_length=80)
    certificate_owner = models.CharField(_("certificate owner"), max_length=500)
    certificate_valid_from = models.DateTimeField(_("certificate valid from"))
    certificate_valid_to = models.DateTimeField(_("certificate valid to"))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("signed by")
    )
    # The signer's name as it was at signing: the registry must say who signed even after the account is gone.
    signer_name = models.CharField(_("signed by"), max_length=300)
    signed_at = models.DateTimeField(_("signed at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.TextField(_("reason of revocation"), blank=True)

    history = HistoricalRecords(excluded_fields=["file"])
    objects = SignedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        ordering = ["-signed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="signed_document_has_one_scope",
                condition=Q(municipality__isnull=False, region__isnull=True)
                | Q(municipality__isnull=True, region__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["municipality", "-signed_at"]), models.Index(fields=["region", "-signed_at"])]

    def __str__(self):
        return f"{self.number} — {self.title}"

    def save(self, *args, **kwargs):
        # Frozen once written: an update may only set the revocation (services.revoke passes update_fields).
        if self.pk is not None and not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= REVOCATION_FIELDS:
                raise ValidationError(_("A signed document is never changed; sign the document again instead."))
        super().save(*args, **kwargs)

    @property
    def scope(self):
        return self.municipality or self.region

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class VerificationAttempt(models.Model):
    """One question asked of the public verification page (a number looked up or a file checked), per client
    address: the page allows DOCUMENT_VERIFY_ATTEMPTS of them per window so that registry numbers cannot be
    harvested by guessing. In the database, not in a per-process cache, so that every web worker counts the same."""

    client = models.CharField(max_length=64, db_index=True)  # SHA-256 of the address: no IP is kept in clear
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("verification attempt")
        verbose_name_plural = _("verification attempts")

    def __str__(self):
        return f"{self.client[:8]} {self.at:%Y-%m-%d %H:%M}"
