"""The attachment base: a file a user attached to a record (an event's material, a progress report's evidence).

An abstract model needs no app of its own, so it lives here, below every app. Each concrete model adds the record
it belongs to and its own `file` field (each keeps its folder, the `upload_to` its migrations name), its Meta and
its history.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .serving import attachment_response


def random_path(folder: str, filename: str) -> str:
    """A random name under `folder`: the original name is kept in the row, never in the path."""
    suffix = PurePosixPath(filename).suffix.lower()[:6]
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """The file's original name, its kind decided by content (sniff.py), its size, who attached it and when; the
    file is served only as a download through a permission-checked view."""

    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("file type"), max_length=8)
    size = models.PositiveIntegerField(_("size, bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def download(self):
        """The file as an attachment under its original name; FileNotFoundError when the storage lost it."""
        return attachment_response(self.file, self.name, self.kind)
