"""Uploaded files of the support app (event materials, certificates of professional development): the type is decided
by the content, not by the name the browser sends (shnor_portal/files/sniff.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shnor_portal.files.sniff import agreed_kind, attachment_kind, kind_by_name

CERTIFICATE_KINDS = ("pdf", "jpg", "png")


def sniff_certificate(upload) -> str:
    """A certificate of professional development: a scan or a PDF (pdf, jpg, png), name and content agreeing."""
    by_name = kind_by_name(upload.name)
    if by_name not in CERTIFICATE_KINDS:
        raise ValidationError(_("A certificate is a pdf, jpg or png file."))
    by_content = attachment_kind(upload)
    if by_content not in CERTIFICATE_KINDS:
        raise ValidationError(_("The file's content is not a pdf, jpg or png document."))
    return agreed_kind(by_name, by_content)


def check_size(upload) -> None:
    """The portal's limit for uploads of the support app (SUPPORT_MATERIAL_MAX_BYTES, 10 MB by default)."""
    limit = getattr(settings, "SUPPORT_MATERIAL_MAX_BYTES", 10 * 1024 * 1024)
    if upload.size > limit:
        raise ValidationError(_("The file is too large: at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
