"""The document registry as .xlsx: exactly the filtered entries, one row each."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shnor_portal.xlsx import Column, build_workbook

from .forms import kind_label


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else ""


def documents_workbook(entries, subtitle: str = "") -> bytes:
    columns = [
        Column(_("Registry number"), 20),
        Column(_("Title"), 50),
        Column(_("Kind of document"), 26),
        Column(_("Scope"), 28),
        Column(_("Year"), 8),
        Column(_("Signed at"), 17),
        Column(_("Signed by"), 28),
        Column(pgettext("signature", "Certificate"), 44),
        Column(_("Revoked at"), 17),
        Column(_("Reason of revocation"), 40),
    ]

    def rows():
        for entry in entries:
            yield [
                entry.number,
                entry.title,
                kind_label(entry.kind),
                str(entry.scope),
                entry.year,
                _when(entry.signed_at),
                entry.signer_name,
                f"{entry.certificate_serial} ({entry.certificate_owner})",
                _when(entry.revoked_at),
                entry.revoke_reason,
            ]

    return build_workbook(_("Document registry"), columns, rows(), subtitle=subtitle)
