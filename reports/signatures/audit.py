"""Signed documents in the audit trail (shnor_portal/audit): an entry belongs to its municipality; a regional one to
no municipality (the administrator reads it). Signing and revoking show as the entry's creation and change."""

from django.urls import reverse

from shnor_portal.audit.registry import register


def register_models():
    from .models import SignedDocument

    register(
        SignedDocument,
        place=lambda entry: (entry.municipality_id, None),
        url=lambda entry: reverse("reports:document-detail", args=[entry.pk]),
    )
