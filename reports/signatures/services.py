"""Signing a document into the registry, revoking an entry, and verifying a file someone brings.

Views, the commands (`render_report --sign`, `verify_pdf`) and `load_demo` call these functions; the cryptography is
in reports/signing.py. The audit trail records every entry and revocation through the model's history (the
signer or revoker is the history user).
"""

import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Municipality, Region

from .. import signing
from .models import SignedDocument

logger = logging.getLogger(__name__)

NUMBER_PREFIX = "ШНОР"


class DocumentError(Exception):
    """A refusal the user reads (Russian)."""


def _person(user) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.get_username()


def next_number(year: int) -> str:
    """The next registry number of `year`: «ШНОР-2026-000123» (zero-padded, so the text orders as the number)."""
    prefix = f"{NUMBER_PREFIX}-{year}-"
    last = (
        SignedDocument.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
    ).first()
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def sign(document, user, *, signer=None) -> SignedDocument:
    """Render `document` (reports/documents: kind, title, unit, year, plan, pdf()), sign the PDF and register it.
    The caller has checked that `user` may sign for the document's unit (reports.access.may_sign_for); `user` may
    be None for the system (a command run without --user). Raises signing.SigningUnavailable without a usable
    certificate."""
    signer = signer or signing.load_signer()
    unit = document.unit
    pdf = document.pdf()
    for _attempt in range(5):
        signed_at = timezone.now()
        number = next_number(timezone.localtime(signed_at).year)
        signed = signing.sign_pdf(pdf, number=number, signed_at=signed_at, signer=signer)
        entry = SignedDocument(
            number=number,
            title=str(document.title)[:500],
            kind=str(document.kind),
            municipality=unit if isinstance(unit, Municipality) else None,
            region=unit if isinstance(unit, Region) else None,
            year=document.year,
            plan=getattr(document, "plan", None),
            sha256=signed.sha256,
            size=len(signed.data),
            certificate_serial=signed.certificate.serial,
            certificate_owner=signed.certificate.owner[:500],
            certificate_valid_from=signed.certificate.valid_from,
            certificate_valid_to=signed.certificate.valid_to,
            signer=user,
            signer_name=_person(user)[:300],
            signed_at=signed_at,
        )
        entry._history_user = user
        try:
            with transaction.atomic():
                entry.file.save("signed.pdf", ContentFile(signed.data), save=False)
                entry.save()
        except IntegrityError:
            # Another signature took the number meanwhile: sign again with the next one (the number is in the
            # stamp, so the file must be made anew).
            entry.file.delete(save=False)
            continue
        logger.info("Signed document %s (%s) registered by %s", entry.number, entry.kind, entry.signer_name)
        return entry
    raise DocumentError(_("The registry is busy: sign the document once more."))


def revoke(entry: SignedDocument, user, reason: str) -> SignedDocument:
    reason = (reason or "").strip()
    if not reason:
        raise DocumentError(_("Give the reason of the revocation."))
    with transaction.atomic():
        fresh = SignedDocument.objects.select_for_update().get(pk=entry.pk)
        if fresh.is_revoked:
            raise DocumentError(_("The document has already been revoked."))
        fresh.revoked_at = timezone.now()
        fresh.revoked_by = user
        fresh.revoke_reason = reason
        fresh._history_user = user
        fresh.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return fresh


# --- Verification ---------------------------------------------------------------------------------------------------

VALID = "valid"
REVOKED = "revoked"
NOT_VALID = "not_valid"


@dataclass
class Verification:
    status: str  # VALID, REVOKED or NOT_VALID
    message: str  # Russian, one sentence for whoever brought the file
    entry: SignedDocument | None = None
    check: signing.SignatureCheck | None = None
    reasons: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == VALID

    @property
    def certificate(self):
        return self.check.certificate if self.check else None


def lookup(number: str) -> SignedDocument | None:
    number = (number or "").strip().upper().replace("SHNOR", NUMBER_PREFIX)
    if not signing.NUMBER_RE.fullmatch(number):
        return None
    return SignedDocument.objects.select_related("municipality", "region").filter(number=number).first()


def verify(data: bytes) -> Verification:
    """What a file is worth: VALID when its signature is intact, covers the whole file, and the file is exactly a
    registered entry signed with the certificate recorded for it; REVOKED for such a file whose entry was revoked;
    NOT_VALID otherwise, with the reasons in Russian. Never raises on a bad file."""
    check = signing.check_signature(data)
    if check.problem:
        return Verification(NOT_VALID, check.problem, check=check)
    entry = SignedDocument.objects.select_related("municipality", "region").filter(sha256=check.sha256).first()
    claimed = entry or (lookup(check.number) if check.number else None)
    reasons = []
    if not check.intact:
        reasons.append(_("the signature does not match the content: the file was changed after signing"))
    elif not check.covers_whole_file:
        reasons.append(_("something was added to the file after signing"))
    if entry is None:
        if claimed is not None:
            reasons.append(
                _("the file differs from the one registered under number %(number)s") % {"number": claimed.number}
            )
        else:
            reasons.append(_("the document is not in the registry of this portal"))
    elif check.certificate is None or check.certificate.serial != entry.certificate_serial:
        reasons.append(_("it was signed with a certificate other than the one recorded in the registry"))
    if reasons:
        message = _("The document is NOT valid: %(reasons)s.") % {"reasons": "; ".join(reasons)}
        return Verification(NOT_VALID, message, entry=claimed, check=check, reasons=tuple(reasons))
    if entry.is_revoked:
        message = _("The signature is intact, but the document was revoked on %(date)s: %(reason)s") % {
            "date": timezone.localtime(entry.revoked_at).strftime("%d.%m.%Y"),
            "reason": entry.revoke_reason,
        }
        return Verification(REVOKED, message, entry=entry, check=check)
    return Verification(
        VALID,
        _("The signature is intact: the document is registered under number %(number)s and has not been changed.")
        % {"number": entry.number},
        entry=entry,
        check=check,
    )


def describe(entry: SignedDocument) -> dict:
    """The public facts of an entry (no file, no hash): what the number lookup and `verify_pdf` show."""
    return {
        "number": entry.number,
        "title": entry.title,
        "scope": str(entry.scope),
        "year": entry.year,
        "signed_at": timezone.localtime(entry.signed_at),
        "signer": entry.signer_name,
        "certificate_serial": entry.certificate_serial,
        "certificate_owner": entry.certificate_owner,
        "revoked_at": timezone.localtime(entry.revoked_at) if entry.revoked_at else None,
        "revoke_reason": entry.revoke_reason,
    }
