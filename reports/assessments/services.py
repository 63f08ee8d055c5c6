"""The web wizard's use cases: upload and check, confirm and commit, retry a failed recalculation."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.access import schools_importable_by

from ..tasks import enqueue_recalculation
from .commit import commit_results
from .files import MAX_UPLOAD
from .models import Recalculation, ResultImport
from .reader import Supplied, read_results


class ImportRefused(Exception):
    pass


def importer_schools(user) -> dict[str, int]:
    """Codes the user may import results for: the schools of the municipality they edit, or of their region."""
    return dict(schools_importable_by(user).values_list("code", "pk"))


def check_upload(user, uploaded, supplied: Supplied) -> ResultImport:
    content = uploaded.read(MAX_UPLOAD + 1)
    record = ResultImport(user=user, original_name=uploaded.name[:255])
    parsed = read_results(content, allowed_schools=importer_schools(user), supplied=supplied)
    record.state = ResultImport.State.CHECKED if parsed.ok else ResultImport.State.REJECTED
    record.shape = parsed.shape
    record.rows = parsed.rows
    record.problems = [problem.__dict__ for problem in parsed.problems]
    record.summary = {
        "supplied": supplied.__dict__,
        "problem_count": parsed.problem_count,
        "unknown_columns": parsed.unknown_columns,
        "campaigns": [
            f"{c['procedure']} {c['year']}. {c['subject']}, {c['grade']} класс" for c in parsed.campaigns.values()
        ],
        "schools": len(parsed.schools),
    }
    record.file.save(f"{record.pk}.upload", ContentFile(content[:MAX_UPLOAD]), save=False)
    record.save()
    return record


def confirm(user, record: ResultImport) -> ResultImport:
    """Check the kept file again with the same parameters and commit it; the recalculation starts on commit."""
    with transaction.atomic():
        record = ResultImport.objects.select_for_update().get(pk=record.pk)
        if record.state != ResultImport.State.CHECKED:
            raise ImportRefused
        with record.file.open("rb") as handle:
            content = handle.read()
        supplied = Supplied(**record.summary.get("supplied", {}))
        parsed = read_results(content, allowed_schools=importer_schools(user), supplied=supplied)
        if not parsed.ok:
            record.state = ResultImport.State.REJECTED
            record.problems = [problem.__dict__ for problem in parsed.problems]
            record.save(update_fields=["state", "problems"])
            return record
        summary = commit_results(parsed, source=record)
        record.state = ResultImport.State.COMMITTED
        record.committed_at = timezone.now()
        record.summary = {**record.summary, **summary}
        record.save(update_fields=["state", "committed_at", "summary"])
        enqueue_recalculation(record, summary["campaign_ids"], summary["school_ids"])
    return record


def retry(record: ResultImport) -> Recalculation:
    last = record.recalculations.first()
    with transaction.atomic():
        return enqueue_recalculation(record, last.campaigns if last else [], last.schools if last else [])
