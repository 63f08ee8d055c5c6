"""The web wizard's use cases: upload and check, confirm and commit, retry a failed or stuck recalculation."""

import getpass
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from registry.access import schools_visible_to
from shnor_portal.files.limits import MAX_UPLOAD, too_large_message
from shnor_portal.files.refusals import ImportRefused
from shnor_portal.files.uploads import compress_stored, compressed, is_too_large, remove_with_files, save_packed

from ..access import may_open_import, schools_importable_by
from ..tasks import enqueue_recalculation, send_recalculation, waiting_for_queue
from .aggregates import recalculate
from .commit import import_file
from .models import AggregatedResult, Campaign, ParticipantResult, Recalculation, ResultImport, SchoolAggregate
from .problem_groups import mark_outside_schools
from .reader import Parsed, Supplied, read_results


def importer_schools(user) -> dict[str, int]:
    """Codes the user may import results for: the schools of the municipality they edit, or of their region."""
    return dict(schools_importable_by(user).values_list("code", "pk"))


def check_upload(user, uploaded, supplied: Supplied) -> ResultImport:
    """Check an upload and record the check. Only a file that passed is kept (for the confirmation): a refused one,
    and one over the limit before it is even read, leaves its problems on the record and nothing in media."""
    record = ResultImport(user=user, original_name=uploaded.name[:255])
    allowed = importer_schools(user)
    digest = ""
    if is_too_large(uploaded, MAX_UPLOAD):
        parsed = Parsed()
        parsed.problem(None, "", "", too_large_message(MAX_UPLOAD))
    else:
        digest = sha256_of_upload(uploaded)
        uploaded.seek(0)
        # The upload itself (a temporary file when large) is read in place: its name words a refusal of random bytes
        # named .xlsx, and nothing is copied before the check.
        parsed = read_results(uploaded.file, allowed_schools=allowed, supplied=supplied, name=uploaded.name)
    record.state = ResultImport.State.CHECKED if parsed.ok else ResultImport.State.REJECTED
    record.shape = parsed.shape
    record.rows = parsed.rows
    record.problems = mark_outside_schools([dict(problem.__dict__) for problem in parsed.problems], allowed)
    record.summary = {
        "sha256": digest,
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
        allowed = importer_schools(user)
        outcome = import_file(record.file.path, allowed_schools=allowed, record=record, supplied=supplied)
        if outcome.summary is None:
            record.state = ResultImport.State.REJECTED
            record.problems = mark_outside_schools(
                [dict(problem.__dict__) for problem in outcome.parsed.problems], allowed
            )
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

    A file given on disk is the operator's own: no upload limit; every other limit holds. The record has no portal
    user: it is the system's import, and `ran_by` says through what and by which account of the machine.
    """
    record = ResultImport(original_name=path.name[:255], state=ResultImport.State.COMMITTED)
    with path.open("rb") as handle:
        digest = sha256_of_upload(handle)
    summary = {"sha256": digest, "ran_by": ran_by(summary.get("demo") if summary else False), **(summary or {})}
    # The original is compressed in a thread while the import runs (most of it waits on PostgreSQL).
    with ThreadPoolExecutor(max_workers=1) as packing, path.open("rb") as handle:
        packed = packing.submit(compressed, handle)
        try:
            outcome = import_file(
                path, allowed_schools=allowed_schools, record=record, supplied=supplied, max_bytes=None
            )
        finally:
            packed = packed.result()
    with packed:
        if outcome.summary is None:
            return outcome, None
        record.shape, record.rows = outcome.parsed.shape, outcome.parsed.rows
        record.summary = {**outcome.summary, **summary}
        record.committed_at = timezone.now()
        save_packed(record.file, f"{record.pk}{path.suffix.lower()[:5]}", packed)
    record.save()
    recalculate(outcome.summary["campaign_ids"], outcome.summary["school_ids"])
    return outcome, record


def sha256_of_upload(handle) -> str:
    """SHA-256 of an upload or an open file, read in chunks (a large upload is a temporary file)."""
    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def ran_by(demo: bool = False) -> dict:
    """Who ran an import of the system: the command (`load_demo` or `import_results`) and the machine's account."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container's user): the number says enough
        account = str(os.getuid())
    return {"command": "load_demo" if demo else "import_results", "account": account}


def earlier_imports(user, record: ResultImport) -> list[ResultImport]:
    """Committed imports of the same file (same SHA-256) before this one, that the user may open, newest first."""
    digest = record.summary.get("sha256")
    if not digest:
        return []
    earlier = (
        ResultImport.objects.filter(state=ResultImport.State.COMMITTED, summary__sha256=digest)
        .exclude(pk=record.pk)
        .select_related("user")
        .order_by("-committed_at")
    )
    if user.is_superuser:
        return list(earlier[:5])
    importable = set(schools_importable_by(user).values_list("pk", flat=True))
    return [found for found in earlier[:50] if may_open_import(user, found, importable)][:5]


def imports_listed_for(user):
    """«Мои загрузки»: the user's own files, and the imports of the system (command line, demo) the user may open
    — a municipality's coordinators see the demo's file of their schools. Newest first."""
    system = ResultImport.objects.filter(user__isnull=True, state=ResultImport.State.COMMITTED).only(
        "user_id", "summary"
    )
    importable = set(schools_importable_by(user).values_list("pk", flat=True))
    shown = [record.pk for record in system if may_open_import(user, record, importable)] if importable else []
    return ResultImport.objects.filter(Q(user=user) | Q(pk__in=shown)).select_related("user").order_by("-created_at")


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


def what_was_written(user, record: ResultImport) -> dict:
    """The campaigns and schools a committed import wrote, as links the reader may follow: a school's results tab
    when the school is visible to them, a campaign's table when it has stored results of a visible school (before
    the recalculation has made them it would answer 404, so it is named without a link). Three queries."""
    campaign_ids = record.summary.get("campaign_ids", [])
    school_ids = record.summary.get("school_ids", [])
    visible = schools_visible_to(user)
    schools = list(visible.filter(pk__in=school_ids).select_related("municipality").order_by("short_name"))
    readable = set(
        SchoolAggregate.objects.filter(campaign_id__in=campaign_ids, school__in=visible)
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    campaigns = [
        (campaign, campaign.pk in readable)
        for campaign in Campaign.objects.filter(pk__in=campaign_ids).select_related("subject")
    ]
    return {"campaigns": campaigns, "schools": schools, "hidden_schools": len(school_ids) - len(schools)}
