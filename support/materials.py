"""Uploaded files of the support app (event materials, certificates of professional development): the type is decided
by the content, not by the name the browser sends."""

import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".jpg": "jpg", ".jpeg": "jpg", ".png": "png"}
# An OOXML package names its main part in [Content_Types].xml and keeps it at a fixed place.
OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _kind_by_content(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" not in names:
            return None
        for kind, part in OOXML_PARTS.items():
            if part in names:
                return kind
    return None


def sniff_material(upload) -> str:
    """The file's kind (pdf, docx, xlsx, jpg, png) when its name and its content agree; ValidationError otherwise."""
    by_name = SUFFIXES.get(PurePosixPath(upload.name or "").suffix.lower())
    if by_name is None:
        raise ValidationError(_("Allowed file types: pdf, docx, xlsx, jpg, png."))
    by_content = _kind_by_content(upload)
    if by_content is None:
        raise ValidationError(_("The file's content is not a pdf, docx, xlsx, jpg or png document."))
    return _agree(by_name, by_content)


CERTIFICATE_KINDS = ("pdf", "jpg", "png")


def sniff_certificate(upload) -> str:
    """A certificate of professional development: a scan or a PDF (pdf, jpg, png), name and content agreeing."""
    by_name = SUFFIXES.get(PurePosixPath(upload.name or "").suffix.lower())
    if by_name not in CERTIFICATE_KINDS:
        raise ValidationError(_("A certificate is a pdf, jpg or png file."))
    by_content = _kind_by_content(upload)
    if by_content not in CERTIFICATE_KINDS:
        raise ValidationError(_("The file's content is not a pdf, jpg or png document."))
    return _agree(by_name, by_content)


def check_size(upload) -> None:
    """The portal's limit for uploads of the support app (SUPPORT_MATERIAL_MAX_BYTES, 10 MB by default)."""
    limit = getattr(settings, "SUPPORT_MATERIAL_MAX_BYTES", 10 * 1024 * 1024)
    if upload.size > limit:
        raise ValidationError(_("The file is too large: at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)})


def _agree(by_name: str, by_content: str) -> str:
    if by_content != by_name:
        raise ValidationError(
            _("The file is named .%(name)s but its content is %(content)s.") % {"name": by_name, "content": by_content}
        )
    return by_content


def shortened_name(name: str, limit: int = 200) -> str:
    """The uploaded file's name cut to `limit` characters without losing its suffix («….pdf» stays a pdf)."""
    if len(name) <= limit:
        return name
    suffix = PurePosixPath(name).suffix
    if not suffix or len(suffix) >= limit:
        return name[:limit]
    return name[: limit - len(suffix)] + suffix
