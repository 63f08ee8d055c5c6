"""The two refusals of the file-safety package, which mean different things.

`FileRefused`: the file itself cannot be read safely (its kind, size, encoding or archive is wrong); raised while
a file is opened, before any app interprets it. `ImportRefused`: a checked import cannot be confirmed any more (it
was committed or refused in the meantime); raised by the registry and results wizards when a confirmation comes
for a record that is no longer waiting for one.
"""

from django.utils.translation import gettext as _


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why, in Russian."""


class ImportRefused(Exception):
    """A checked import is no longer waiting for its confirmation; the message says so, in Russian."""

    def __init__(self, message: str | None = None):
        super().__init__(message if message is not None else _("This file has already been committed or has problems."))
