"""Evidence files of progress reports: checked by content, kept under MEDIA_ROOT (outside the web root), served only
through a permission-checked view (Evidence.download, shnor_portal/files/models.py).

The type check is the one of every attachment (shnor_portal/files/sniff.py): the name and the content must agree on
one of pdf, docx, xlsx, jpg, png.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from shnor_portal.files.sniff import sniff_attachment

# At most this many files on one report: the form says so before anything is stored.
MAX_FILES_PER_REPORT = 20


def max_bytes() -> int:
    return int(getattr(settings, "ROADMAPS_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def check_evidence(upload) -> str:
    """The file's kind when it is small enough and its content is an allowed type; ValidationError otherwise."""
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("«%(name)s» is too large: at most %(size)s.") % {"name": upload.name, "size": filesizeformat(limit)}
        )
    try:
        return sniff_attachment(upload)
    except ValidationError as error:
        raise ValidationError(f"«{upload.name}»: {' '.join(error.messages)}") from error


def content_sha256(upload) -> str:
    """The SHA-256 of an upload's content, read in chunks (a large file is a temporary file, not kept in memory)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
