"""Size limits shared by the readers of uploaded tables, and the wording of a refusal for size."""

import re

from django.utils.translation import gettext as _

MAX_UPLOAD = 50 * 1024 * 1024  # a results table (the largest upload the portal reads)
MAX_CELL = 10_000  # characters in one cell
MAX_LINE = 2**20  # bytes in one CSV record
MAX_COLUMNS = 16_384  # as many as Excel has; a row wider than that is not a table
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def too_large_message(max_bytes: int) -> str:
    if max_bytes == MAX_UPLOAD:
        return _("The file is larger than 50 MB.")
    return _("The file is larger than %(mb)s MB.") % {"mb": max(1, max_bytes // (1024 * 1024))}
