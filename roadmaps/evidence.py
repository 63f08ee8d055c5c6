"""Evidence files of progress reports: checked by content, kept under MEDIA_ROOT (outside the web root), served only
through a permission-checked view.

The type check is the one of support materials (support/materials.py): the name and the content must agree on one of
pdf, docx, xlsx, jpg, png.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from support.materials import CONTENT_TYPES, sniff_material

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
        return sniff_material(upload)
    except ValidationError as error:
        raise ValidationError(f"«{upload.name}»: {' '.join(error.messages)}") from error


def evidence_response(evidence) -> FileResponse:
    """The file as an attachment under its original name, never rendered by the browser."""
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=CONTENT_TYPES.get(evidence.kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
