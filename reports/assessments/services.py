"""The web wizard's use cases: upload and check, confirm and commit, retry a failed or stuck recalculation."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from shnor_portal.files.limits import MAX_UPLOAD, too_large_message
from shnor_portal.files.refusals import ImportRefused
from shnor_portal.files.uploads import compress_stored, is_too_large, remove_with_files, save_compressed

from ..access import schools_importable_by
from ..tasks import enqueue_recalculation, send_recalculation, waiting_for_queue
from .aggregates import recalculate
from .commit import import_file
from .models import AggregatedResult, Campaign, ParticipantResult, Recalculation, ResultImport
from .reader import Parsed, Supplied, read_results


def importer_schools(user) -> dict[str, int]:
    """Codes the user may import results for: the schools of the municipality they edit, or of their region."""
    return dict(schools_importable_by(user).values_list("code", "pk"))


def check_upload(user, uploaded, supplied: Supplied) -> ResultImport:
    """Check an upload and record the check. Only a file that passed is kept (for the confirmation): a refused one,
    and one over the limit before it is even read, leaves its problems on the record and nothing in media."""
    record = ResultImport(user=user, original_name=uploaded.name[:255])
    if is_too_large(uploaded, MAX_UPLOAD):
        parsed = Parsed()
        parsed.problem(None, "", "", too_large_message(MAX_UPLOAD))
    else:
        uploaded.seek(0)
        # The upload itself (a temporary file when large) is read in place: its name words a refusal of random bytes
        # named .xlsx, and nothing is copied before the check.
        parsed = read_results(
            uploaded.file, allowed_schools=importer_schools(user), supplied=supplied, name=uploaded.name
        )
    record.state = ResultImport.State.CHECKED if parsed.ok else ResultImport.State.REJECTED
    record.shape = parsed.shape
    record.rows = parsed.rows
    record.problems = [problem.__dict__ for problem in parsed.problems]
    record.summary = {
        "supplied": supplied.__dict__,
        "problem_count": parsed.problem_count,
        "unknown_columns": parsed.unknown_columns,
        "tasks": parsed.tasks,  # the task labels in the order of the file (stored scores are a JSON object)
        "references": [reference["name"] for reference in parsed.references],  # ФИС ОКО rows kept for comparison
        "title": parsed.title,
        "campaigns": [
            f"{c['procedure']} {c['year']}. {c['subject']}, {c['grade']} класс" for c in parsed.campaigns.values()
        ],
        "schools": len(parsed.schools),
        "replaces": what_a_commit_replaces(parsed) if parsed.ok else [],
    }
    if parsed.ok:
        uploaded.seek(0)
        record.file.save(f"{record.pk}.upload", File(uploaded), save=False)
    record.save()
    return record


def confirm(user, record: ResultImport) -> ResultImport:
    """Check the kept file again with the same parameters and commit it; the recalculation starts on commit."""
    with transaction.atomic():
        record = ResultImport.objects.select_for_update().get(pk=record.pk)
        if record.state != ResultImport.State.CHECKED:
            raise ImportRefused
        supplied = Supplied(**record.summary.get("supplied", {}))
        outcome = import_file(
            record.file.path, allowed_schools=importer_schools(user), record=record, supplied=supplied
        )
        if outcome.summary is None:
            record.state = ResultImport.State.REJECTED
            record.problems = [problem.__dict__ for problem in outcome.parsed.problems]
            record.file.delete(save=False)  # refused now: its problems are recorded, the file is not kept
            record.save(update_fields=["state", "problems", "file"])
            return record
        summary = outcome.summary
        record.state = ResultImport.State.COMMITTED
        record.committed_at = timezone.now()
        record.summary = {**record.summary, **summary}
        record.save(update_fields=["state", "committed_at", "summary"])
        enqueue_recalculation(record, summary["campaign_ids"], summary["school_ids"])
    # The original stays with the committed import, compressed: nothing reads it again but a person looking back.
    if compress_stored(record.file):
        record.save(update_fields=["file"])
    return record


def import_path(path: Path, *, allowed_schools: dict[str, int], supplied: Supplied | None = None, summary=None):
    """Import a file from disk at once (command line, demo): write it, keep it with its record and recalculate
    synchronously, so that results read right after show the new numbers. (outcome, record); record None if refused.

    A file given on disk is the operator's own: no upload limit; every other limit holds.
    """
    record = ResultImport(original_name=path.name[:255], state=ResultImport.State.COMMITTED)
    outcome = import_file(path, allowed_schools=allowed_schools, record=record, supplied=supplied, max_bytes=None)
    if outcome.summary is None:
        return outcome, None
    record.shape, record.rows = outcome.parsed.shape, outcome.parsed.rows
    record.summary = {**outcome.summary, **(summary or {})}
    record.committed_at = timezone.now()
    with path.open("rb") as handle:
        save_compressed(record.file, f"{record.pk}{path.suffix.lower()[:5]}", handle)
    record.save()
    recalculate(outcome.summary["campaign_ids"], outcome.summary["school_ids"])
    return outcome, record


def what_a_commit_replaces(parsed) -> list[dict]:
    """Per campaign of the file, the stored rows that a commit would replace: two grouped queries and one lookup."""
    by_key: dict[tuple, set[int]] = {}
    for key, school_id in parsed.touched:
        by_key.setdefault(key, set()).add(school_id)
    if not by_key:
        return []
    lookup = Q()
    for procedure, year, subject_id, grade in by_key:
        lookup |= Q(procedure=procedure, year=year, subject_id=subject_id, grade=grade)
    campaigns = {(c.procedure, c.year, c.subject_id, c.grade): c for c in Campaign.objects.filter(lookup)}
    rows = Q()
    for key, schools in by_key.items():
        if key in campaigns:
            rows |= Q(campaign=campaigns[key], school_id__in=schools)
    kept: dict[int, dict] = {}
    if rows:
        for model in (ParticipantResult, AggregatedResult):
            grouped = (
                model.objects.filter(rows)
                .values("campaign_id")
                .annotate(rows=Count("id"), schools=Count("school_id", distinct=True))
                .order_by()
            )
            for group in grouped:
                entry = kept.setdefault(group["campaign_id"], {"rows": 0, "schools": 0})
                entry["rows"] += group["rows"]
                entry["schools"] = max(entry["schools"], group["schools"])
    return [
        {
            "campaign": str(campaign),
            "rows": kept[campaign.pk]["rows"],
            "schools": kept[campaign.pk]["schools"],
        }
        for key, campaign in sorted(campaigns.items(), key=lambda item: str(item[1]))
        if campaign.pk in kept
    ]


def retry(record: ResultImport) -> Recalculation:
    """A job not started yet is sent again (the same job, never a second one for the import); a job that ended
    is followed by a new one over the same campaigns and schools; a running one is left to its worker (or to the
    sweep, when its heartbeat stops)."""
    with transaction.atomic():
        # Two clicks at once: the second waits for the first and finds its job.
        ResultImport.objects.select_for_update().filter(pk=record.pk).first()
        last = record.recalculations.first()
        if last is not None and last.state == Recalculation.State.QUEUED:
            send_recalculation(last.pk, asked=True)
            return last
        if last is not None and last.state == Recalculation.State.RUNNING:
            return last
        return enqueue_recalculation(record, last.campaigns if last else [], last.schools if last else [])


def remove_stale_imports(before) -> int:
    """Imports checked before `before` and never committed (waiting for a confirmation that did not come, or
    refused): their rows and kept files go. Committed imports stay. Returns how many were removed."""
    return remove_with_files(
        ResultImport.objects.exclude(state=ResultImport.State.COMMITTED).filter(created_at__lt=before)
    )


def recalculation_status(record: ResultImport) -> dict:
    """What the import page says about the recalculation: the latest job, the last good one, whether the job still
    waits for the queue (the broker was away) and whether «Повторить» is offered."""
    job = record.recalculations.first()
    # The values date from the last run that succeeded, not from a later one still running or failed.
    last_done = record.recalculations.filter(state=Recalculation.State.DONE).first()
    waiting = job is not None and waiting_for_queue(job)
    retry_after = timezone.now() - timedelta(minutes=settings.RECALCULATION_RETRY_AFTER_MINUTES)
    can_retry = job is not None and (
        job.state == Recalculation.State.FAILED
        or (job.state == Recalculation.State.QUEUED and job.created_at <= retry_after)
    )
    return {"recalculation": job, "last_done": last_done, "waiting": waiting, "can_retry": can_retry}
