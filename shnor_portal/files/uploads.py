"""Uploads: checked for size before anything is stored, and kept compressed once they are part of the record.

Django streams an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file (TemporaryUploadedFile) and
counts the bytes it received (`size`), so the limit is checked without reading the file into memory; a refused file
leaves nothing under MEDIA_ROOT — the temporary file goes with the request.
"""

import gzip
import shutil
import tempfile
from pathlib import PurePosixPath

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

GZIP_SUFFIX = ".gz"
COPY_CHUNK = 1 << 20


def is_too_large(uploaded, limit: int) -> bool:
    """Whether the upload has more than `limit` bytes (the bytes received, not a size the client declared)."""
    return uploaded.size is None or uploaded.size > limit


def save_compressed(field_file, name: str, source) -> None:
    """Store the binary stream `source` gzip-compressed in `field_file` under `name` + ".gz" (the model is not saved):
    the originals kept with committed imports are tables, which compress about fivefold even at the fastest level.
    Level 1, not 6: on a million-row results file level 6 took about 15 % of the whole import for a 7× rather than
    5× smaller file (bench/results_import.py), and nothing but a person looking back reads the original again."""
    with compressed(source) as packed:
        save_packed(field_file, name, packed)


def compressed(source):
    """A temporary file holding `source` gzip-compressed, at its start (close it when done). zlib leaves the GIL
    while it works, so a caller may compress in a thread while it waits on something else."""
    packed = tempfile.TemporaryFile()
    try:
        with gzip.GzipFile(fileobj=packed, mode="wb", compresslevel=1, mtime=0) as archive:
            shutil.copyfileobj(source, archive, COPY_CHUNK)
        packed.seek(0)
    except BaseException:
        packed.close()
        raise
    return packed


def save_packed(field_file, name: str, packed) -> None:
    """Store a file made by `compressed` in `field_file` under `name` + ".gz" (the model is not saved)."""
    field_file.save(name + GZIP_SUFFIX, File(packed), save=False)


def compress_stored(field_file) -> bool:
    """Replace a kept file by its gzip-compressed copy (the model is not saved); False when there is nothing to do
    (no file, already compressed or gone)."""
    if not field_file or field_file.name.endswith(GZIP_SUFFIX) or not default_storage.exists(field_file.name):
        return False
    old = field_file.name
    with default_storage.open(old, "rb") as source:
        save_compressed(field_file, old.rsplit("/", 1)[-1], source)
    default_storage.delete(old)
    return True


def open_original(field_file):
    """The original bytes of a kept file, whether it was stored compressed (".gz") or, before, as it came."""
    if field_file.name.endswith(GZIP_SUFFIX):
        return gzip.open(default_storage.path(field_file.name), "rb")
    return default_storage.open(field_file.name, "rb")


def remove_with_files(records, file_field: str = "file") -> int:
    """Delete each record of the queryset `records` and the file it kept; the number removed.

    The files go at once, not after the commit (`delete_after_commit`): this clears stale imports in a nightly task
    that runs outside any transaction, where both would do the same."""
    removed = 0
    for record in records.iterator():
        getattr(record, file_field).delete(save=False)
        record.delete()
        removed += 1
    return removed


def delete_after_commit(field_file, name: str | None = None) -> None:
    """Remove a file from the storage of `field_file` once the current transaction commits (at once outside one):
    `name`, or the file the field holds now. A rolled-back deletion or replacement keeps its file."""
    name = name if name is not None else field_file.name
    if not name:
        return
    storage = field_file.storage
    transaction.on_commit(lambda: storage.delete(name))


def shortened_name(name: str, limit: int = 200) -> str:
    """The uploaded file's name cut to `limit` characters without losing its suffix («….pdf» stays a pdf)."""
    if len(name) <= limit:
        return name
    suffix = PurePosixPath(name).suffix
    if not suffix or len(suffix) >= limit:
        return name[:limit]
    return name[: limit - len(suffix)] + suffix
