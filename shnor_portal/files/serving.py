"""Serving a kept file: always as a download under the name the user gave it, never rendered by the browser."""

from django.http import FileResponse

from .sniff import CONTENT_TYPES


def attachment_response(field_file, filename: str, kind: str) -> FileResponse:
    """The file of `field_file` as an attachment named `filename`, typed by its sniffed `kind`; FileNotFoundError
    when the storage no longer has it."""
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=CONTENT_TYPES.get(kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
