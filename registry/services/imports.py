"""The registry import use case: upload → check (preview) → confirm → atomic commit."""

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shnor_portal.files.limits import too_large_message
from shnor_portal.files.refusals import ImportRefused
from shnor_portal.files.uploads import compress_stored, is_too_large, open_original, remove_with_files

from ..imports.commit import commit_workbook
from ..imports.reader import read_workbook
from ..imports.records import RegistryImport

MAX_UPLOAD = 10 * 1024 * 1024


def check_upload(user, municipality, uploaded) -> tuple[RegistryImport, object, object]:
    """Check an upload and record the check; returns (record, workbook, dry-run outcome or None). Only a workbook
    that passed is kept (for the confirmation): one over the limit is refused before it is read, and a refused one
    leaves its problems on the record and nothing in media."""
    record = RegistryImport(municipality=municipality, user=user, original_name=uploaded.name[:255])
    if is_too_large(uploaded, MAX_UPLOAD):
        book = read_workbook(b"", municipality)
        book.problems.clear()
        book.problem("", None, "", too_large_message(MAX_UPLOAD))
    else:
        uploaded.seek(0)
        book = read_workbook(uploaded.read(), municipality)
    outcome = _dry_run(book, municipality) if book.ok else None
    record.state = RegistryImport.State.CHECKED if book.ok else RegistryImport.State.REJECTED
    record.problems = [problem.__dict__ for problem in book.problems]
    record.outcome = {**(outcome.as_dict() if outcome else {}), "notes": book.notes}
    if record.state == RegistryImport.State.CHECKED:
        uploaded.seek(0)
        record.file.save(f"{record.pk}.xlsx", File(uploaded), save=False)
    record.save()
    return record, book, outcome


def _dry_run(book, municipality):
    try:
        return commit_workbook(book, municipality, dry_run=True)
    except (DatabaseError, ValidationError) as error:
        book.problem("", None, "", _("The data cannot be written: %(error)s") % {"error": _reason(error)})
        return None


def _reason(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)[:300]
    return str(error).splitlines()[0][:300]


def confirm_import(record: RegistryImport):
    """Check the stored file again (the registry may have changed since) and commit it atomically."""
    with transaction.atomic():
        record = RegistryImport.objects.select_for_update().get(pk=record.pk)
        if record.state != RegistryImport.State.CHECKED:
            raise ImportRefused
        with open_original(record.file) as handle:
            book = read_workbook(handle.read(), record.municipality)
        if not book.ok:
            _refuse(record, book)
            return record, book, None
        try:
            with transaction.atomic():
                outcome = commit_workbook(book, record.municipality)
        except (DatabaseError, ValidationError) as error:
            book.problem("", None, "", _("The data cannot be written: %(error)s") % {"error": _reason(error)})
            _refuse(record, book)
            return record, book, None
        record.state = RegistryImport.State.COMMITTED
        record.outcome = {**outcome.as_dict(), "notes": book.notes}
        record.committed_at = timezone.now()
        record.save(update_fields=["state", "outcome", "committed_at"])
    # The original stays with the committed import, compressed: nothing reads it again but a person looking back.
    if compress_stored(record.file):
        record.save(update_fields=["file"])
    return record, book, outcome


def _refuse(record: RegistryImport, book) -> None:
    """The registry changed since the check and the file now has problems: they are recorded, the file is not kept."""
    record.state = RegistryImport.State.REJECTED
    record.problems = [problem.__dict__ for problem in book.problems]
    record.file.delete(save=False)
    record.save(update_fields=["state", "problems", "file"])


def remove_stale_imports(before) -> int:
    """Registry imports checked before `before` and never committed: their rows and kept files go. Committed imports
    stay. Returns how many were removed."""
    return remove_with_files(
        RegistryImport.objects.exclude(state=RegistryImport.State.COMMITTED).filter(created_at__lt=before)
    )
