"""The registry import use case: upload → check (preview) → confirm → atomic commit."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..imports.commit import commit_workbook
from ..imports.reader import read_workbook
from ..imports.records import RegistryImport

MAX_UPLOAD = 10 * 1024 * 1024


class ImportRefused(Exception):
    pass


def check_upload(user, municipality, uploaded) -> tuple[RegistryImport, object, object]:
    """Store the file with its import record and check it; returns (record, workbook, dry-run outcome or None)."""
    content = uploaded.read(MAX_UPLOAD + 1)
    record = RegistryImport(municipality=municipality, user=user, original_name=uploaded.name[:255])
    book = read_workbook(content if len(content) <= MAX_UPLOAD else b"", municipality)
    if len(content) > MAX_UPLOAD:
        book.problems.clear()
        book.problem("", None, "", _("The file is larger than 10 MB."))
    outcome = _dry_run(book, municipality) if book.ok else None
    record.state = RegistryImport.State.CHECKED if book.ok else RegistryImport.State.REJECTED
    record.problems = [problem.__dict__ for problem in book.problems]
    record.outcome = {**(outcome.as_dict() if outcome else {}), "notes": book.notes}
    record.file.save(f"{record.pk}.xlsx", ContentFile(content[:MAX_UPLOAD]), save=False)
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
            raise ImportRefused(_("This file has already been committed or has problems."))
        with record.file.open("rb") as handle:
            book = read_workbook(handle.read(), record.municipality)
        if not book.ok:
            record.state = RegistryImport.State.REJECTED
            record.problems = [problem.__dict__ for problem in book.problems]
            record.save(update_fields=["state", "problems"])
            return record, book, None
        try:
            with transaction.atomic():
                outcome = commit_workbook(book, record.municipality)
        except (DatabaseError, ValidationError) as error:
            book.problem("", None, "", _("The data cannot be written: %(error)s") % {"error": _reason(error)})
            record.state = RegistryImport.State.REJECTED
            record.problems = [problem.__dict__ for problem in book.problems]
            record.save(update_fields=["state", "problems"])
            return record, book, None
        record.state = RegistryImport.State.COMMITTED
        record.outcome = {**outcome.as_dict(), "notes": book.notes}
        record.committed_at = timezone.now()
        record.save(update_fields=["state", "outcome", "committed_at"])
        return record, book, outcome
