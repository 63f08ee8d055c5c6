"""Writing a results file: its rows stream into the table while the file is read, in one transaction.

The reader checks every row and yields the participant rows of a file that is clean so far; they go straight into
COPY on PostgreSQL (batched inserts elsewhere), so a million rows never sit in Python at once and the database
works while Python reads. A file found bad anywhere — or a participant code already stored for another school of
the campaign — rolls the whole transaction back: nothing is written. A clean file then replaces, for every
(campaign, school) it holds, all rows kept before (docs/import-formats.md «Replacement»).
"""

import io
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from registry.models import Municipality, School
from shnor_portal.files.limits import MAX_UPLOAD

from .models import (
    AggregatedResult,
    Campaign,
    ParticipantResult,
    ReferenceDistribution,
    ReferenceLevel,
    ResultImport,
)
from .partitions import open_for_import, refresh_statistics, replace_rows
from .reader import NO_TASKS, Parsed, Supplied, iter_results, prepare

BATCH = 5000
COPY_CHUNK = 1 << 20  # what psycopg2 asks for per read; a read hands over ROWS_PER_READ rows instead
ROWS_PER_READ = 10_000
CLASHES_SHOWN = 20
ANALYZE_AFTER = 100_000  # rows loaded at once that change the table's statistics
# From this size a CSV protocol takes the columnar lane (columnar.py); below it the row-by-row path is as quick, and
# a process that never sees such a file never loads Arrow (some 65 MiB).
COLUMNS_FROM_BYTES = 4 * 1024 * 1024
PARTICIPANT_COLUMNS = (
    "campaign_id",
    "school_id",
    "class_name",
    "participant",
    "primary_score",
    "max_score",
    "mark",
    "test_score",
    "journal_mark",
    "task_scores",
    "source_id",
)


@dataclass
class Outcome:
    parsed: Parsed
    summary: dict | None  # None when nothing was written


def import_file(
    source,
    *,
    allowed_schools: dict[str, int],
    record: ResultImport,
    supplied: Supplied | None = None,
    max_bytes: int | None = MAX_UPLOAD,
) -> Outcome:
    """Check and write a file as one transaction; `record` (saved here) is the import the rows belong to."""
    parsed = Parsed()
    with transaction.atomic():
        record.save()
        campaigns = _Campaigns(record.pk)
        opened = None
        if connection.vendor == "postgresql":
            opened = _write_in_columns(source, allowed_schools, supplied, max_bytes, record)
        if opened is not None and opened[1] is None:  # written in columns
            parsed, _rows, campaigns = opened
        else:
            if opened is not None:  # opened and its header read already: read on from there
                parsed, rows, _campaigns = opened
            else:
                rows = iter_results(
                    parsed, source, allowed_schools=allowed_schools, supplied=supplied, max_bytes=max_bytes
                )
            if connection.vendor == "postgresql":
                _copy(rows, campaigns, record.pk)
            else:
                _insert(rows, campaigns, record.pk)
        if parsed.ok and parsed.participant_rows >= ANALYZE_AFTER and connection.vendor == "postgresql":
            refresh_statistics(campaigns.ids(), record.pk)
        for key in parsed.campaigns:  # campaigns of shape 2, or of rows whose participants were all refused
            if parsed.ok:
                campaigns.get(key)
        if parsed.ok:
            replaced = _replace(parsed, campaigns, record)
            _refuse_codes_of_other_schools(parsed, campaigns, record)
        if not parsed.ok:
            transaction.set_rollback(True)
            return Outcome(parsed, None)
        AggregatedResult.objects.bulk_create(
            (
                AggregatedResult(
                    campaign=campaigns.get(key),
                    school_id=school,
                    class_name=class_name,
                    participants=n,
                    marks_2=m2,
                    marks_3=m3,
                    marks_4=m4,
                    marks_5=m5,
                    mean_primary=mean,
                    lowered=lowered,
                    confirmed=confirmed,
                    raised=raised,
                    source=record,
                )
                for key, school, class_name, n, m2, m3, m4, m5, mean, lowered, confirmed, raised in parsed.aggregates
            ),
            batch_size=BATCH,
        )
        references = _store_references(parsed, campaigns, record, allowed_schools)
    return Outcome(
        parsed,
        {
            "campaign_ids": sorted(campaigns.ids()),
            "school_ids": sorted(parsed.schools),
            "campaign_count": len(parsed.campaigns),
            "school_count": len(parsed.schools),
            "participant_rows": parsed.participant_rows,
            "aggregate_rows": len(parsed.aggregates),
            "replaced_rows": replaced,
            "reference_rows": references,
            "tasks": parsed.tasks,
        },
    )


def _write_in_columns(source, allowed_schools, supplied, max_bytes, record) -> tuple | None:
    """A large clean CSV protocol checked and written in columns (columnar.py).

    (parsed, None, campaigns) when it was; (parsed, rows, None) when the file was opened and its header read but it
    is not one for columns — the caller reads on from there, so nothing is read twice; None when the file is to be
    read from its start (small, or handed back by the lane: what the lane wrote is gone with its savepoint)."""
    size = _size(source)
    if size is None or size < COLUMNS_FROM_BYTES:
        return None
    from . import columnar  # here: Arrow is loaded only by a process that imports a large file

    scratch = Parsed()
    prepared = prepare(scratch, source, allowed_schools=allowed_schools, supplied=supplied, max_bytes=max_bytes)
    if prepared is None:  # refused at its header: the problems are in `scratch`
        return scratch, iter(()), None
    if not columnar.applies(prepared):
        return scratch, prepared.checked_rows(), None
    prepared.rows.close()  # the rows are read again, in columns
    campaigns = _Campaigns(record.pk)
    sql = f"COPY {ParticipantResult._meta.db_table} ({', '.join(PARTICIPANT_COLUMNS)}) FROM STDIN"
    # A batch's COPY runs in a thread while the next batch is checked: PostgreSQL writes while Arrow reads (both
    # leave the GIL). The connection is used by one of them at a time: a query waits for the COPY before it.
    copying = ThreadPoolExecutor(max_workers=1)
    pending = []

    def settle():
        while pending:
            pending.pop().result()

    def copy(data):
        settle()
        pending.append(copying.submit(cursor.copy_expert, sql, io.BytesIO(data), COPY_CHUNK))

    def campaign_id(key):
        settle()
        return campaigns.get(key).pk

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if hasattr(source, "seek"):
                source.seek(0)
            try:
                columnar.write(prepared, source, campaign_id=campaign_id, copy=copy, suffix=f"\t{record.pk}\n")
            finally:
                settle()
    except columnar.NotForColumns:
        return None
    finally:
        copying.shutdown()
    return scratch, None, campaigns


def _size(source) -> int | None:
    if isinstance(source, str | os.PathLike):
        return os.path.getsize(source)
    if hasattr(source, "seek") and hasattr(source, "tell"):
        here = source.tell()
        size = source.seek(0, os.SEEK_END)
        source.seek(here)
        return size
    return None


class _Campaigns:
    """Campaign rows by the reader's key, created on first sight and locked for the rest of the transaction, so
    that two imports of the same campaign run one after the other."""

    def __init__(self, source_id):
        self._source_id = source_id
        self._by_key: dict[tuple, Campaign] = {}
        self.created: set[int] = set()  # ids of campaigns this import created: nothing else is stored for them

    def get(self, key) -> Campaign:
        campaign = self._by_key.get(key)
        if campaign is None:
            procedure, year, subject_id, grade = key
            campaign, created = Campaign.objects.get_or_create(
                procedure=procedure, year=year, subject_id=subject_id, grade=grade
            )
            if created:
                self.created.add(campaign.pk)
            Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
            open_for_import(campaign.pk, self._source_id)  # before the campaign's first row is written
            self._by_key[key] = campaign
        return campaign

    def ids(self) -> list[int]:
        return [campaign.pk for campaign in self._by_key.values()]

    def items(self):
        return self._by_key.items()


def _copy(rows, campaigns: _Campaigns, source_id) -> None:
    """COPY the rows; a row of a campaign not yet created ends one COPY, the campaign is created, the next starts."""
    # The reader's queries run before it returns its rows: no query is left for the time COPY is in progress.
    stream = _CopyStream(rows, f"\t{source_id}\n")
    table = ParticipantResult._meta.db_table
    sql = f"COPY {table} ({', '.join(PARTICIPANT_COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor:
        while True:
            cursor.copy_expert(sql, stream, COPY_CHUNK)
            if stream.waiting is None:
                return
            stream.learn(stream.waiting, campaigns.get(stream.waiting.campaign).pk)


class _CopyStream:
    """A file-like object over the reader's rows in COPY's text format, built a chunk of rows at a time."""

    def __init__(self, rows, suffix: str):
        self._rows = rows
        self._suffix = suffix
        self._held = None  # the row that ended the previous COPY, written first in the next one
        self._prefixes: list[str | None] = []  # by the campaign's number in the file: "id\t"
        self.waiting = None  # the place whose campaign a COPY stopped for

    def learn(self, place, campaign_id: int) -> None:
        missing = place.number + 1 - len(self._prefixes)
        if missing > 0:
            self._prefixes.extend([None] * missing)
        self._prefixes[place.number] = f"{campaign_id}\t"
        self.waiting = None

    def read(self, size=COPY_CHUNK) -> bytes:
        if self.waiting is not None:
            return b""
        prefixes, suffix = self._prefixes, self._suffix
        known = len(prefixes)
        lines = []
        rows = self._rows
        if self._held is not None:
            # itertools.chain, not a generator with `yield from`: dropping that would close the reader.
            rows = chain((self._held,), rows)
            self._held = None
        for place, code, scores, tasks in islice(rows, ROWS_PER_READ):
            start = place.written_as
            if start is None:
                prefix = prefixes[place.number] if place.number < known else None
                if prefix is None:
                    self.waiting = place
                    self._held = (place, code, scores, tasks)
                    break
                start = place.written_as = prefix + place.head
            if "\\" in code:
                code = code.replace("\\", "\\\\")
            lines.append(f"{start}{code}\t{scores.copy_text}\t{tasks}{suffix}")
        return "".join(lines).encode()

    def readline(self, size=-1):  # psycopg2 asks for it only when COPY's format is not text
        return self.read(size)


def _insert(rows, campaigns: _Campaigns, source_id) -> None:
    """The embedded (SQLite) way: batched inserts of the same rows."""
    batch = []
    for place, code, scores, tasks in rows:
        batch.append(
            ParticipantResult(
                campaign=campaigns.get(place.campaign),
                school_id=place.school_id,
                class_name=place.class_name,
                participant=code,
                primary_score=scores.primary,
                max_score=scores.maximum,
                mark=scores.mark,
                test_score=scores.test,
                journal_mark=scores.journal,
                task_scores=None if tasks == NO_TASKS else json.loads(tasks),
                source_id=source_id,
            )
        )
        if len(batch) >= BATCH:
            ParticipantResult.objects.bulk_create(batch)
            batch = []
    ParticipantResult.objects.bulk_create(batch)


def _replace(parsed: Parsed, campaigns: _Campaigns, record: ResultImport) -> int:
    """Delete what was kept for the (campaign, school) pairs of the file, except the rows just written."""
    by_campaign: dict[tuple, set[int]] = {}
    for key, school_id in parsed.touched:
        by_campaign.setdefault(key, set()).add(school_id)
    replaced = 0
    pairs = []
    for key, school_ids in by_campaign.items():
        campaign = campaigns.get(key)
        if campaign.pk in campaigns.created:
            continue
        pairs += [(campaign.pk, school_id) for school_id in school_ids]
        if connection.vendor != "postgresql":
            replaced += (
                ParticipantResult.objects.filter(campaign=campaign, school_id__in=school_ids)
                .exclude(source_id=record.pk)
                .delete()[0]
            )
        replaced += AggregatedResult.objects.filter(campaign=campaign, school_id__in=school_ids).delete()[0]
    if connection.vendor == "postgresql":
        replaced += replace_rows(pairs, record.pk)
    return replaced


def _store_references(parsed: Parsed, campaigns: _Campaigns, record: ResultImport, allowed: dict[str, int]) -> int:
    """The country, region and municipality rows of a ФИС ОКО report, kept for the unit the report came from (the
    municipality of its schools, else the importer's own): they replace those of an earlier import of the same
    report for the same unit."""
    if not parsed.references:
        return 0
    ids = parsed.schools or set(allowed.values())
    units = set(School.objects.filter(pk__in=ids).values_list("municipality_id", "municipality__region_id").distinct())
    if not parsed.schools:
        # A report of the country, region and municipality rows alone: its municipality row names the unit.
        named = _municipalities_named(
            [r["name"] for r in parsed.references if r["level"] == ReferenceLevel.MUNICIPALITY], units
        )
        if len(named) == 1:
            units = named
    municipality_id = next(iter(units))[0] if len({unit[0] for unit in units}) == 1 else None
    regions = {unit[1] for unit in units}
    region_id = next(iter(regions)) if len(regions) == 1 else None
    rows = []
    for reference in parsed.references:
        campaign = campaigns.get(reference["campaign"])
        described = municipality_id
        if reference["level"] == ReferenceLevel.MUNICIPALITY:
            described = reference.get("municipality_id") or municipality_id
        rows.append(
            ReferenceDistribution(
                campaign=campaign,
                level=reference["level"],
                region_id=region_id,
                municipality_id=described,
                name=reference["name"],
                schools=reference["schools"],
                participants=reference["participants"],
                pct_2=reference["pct"][0],
                pct_3=reference["pct"][1],
                pct_4=reference["pct"][2],
                pct_5=reference["pct"][3],
                source=record,
            )
        )
    for row in rows:
        ReferenceDistribution.objects.filter(
            campaign=row.campaign, level=row.level, region_id=row.region_id, municipality_id=row.municipality_id
        ).delete()
    ReferenceDistribution.objects.bulk_create(rows)
    return len(rows)


def _municipalities_named(names: list[str], units: set[tuple]) -> set[tuple]:
    """(municipality, region) of the importer's municipalities whose name or short name is one of `names`."""
    wanted = {" ".join(name.lower().replace("ё", "е").split()) for name in names}
    found = set()
    for pk, region_id, name, short_name in Municipality.objects.filter(pk__in={unit[0] for unit in units}).values_list(
        "pk", "region_id", "name", "short_name"
    ):
        spellings = {" ".join(str(text).lower().replace("ё", "е").split()) for text in (name, short_name) if text}
        if spellings & wanted:
            found.add((pk, region_id))
    return found


def _refuse_codes_of_other_schools(parsed: Parsed, campaigns: _Campaigns, record: ResultImport) -> None:
    """A participant code is unique in its campaign: one kept for a school the file does not replace is a clash."""
    ids = [pk for pk in campaigns.ids() if pk not in campaigns.created]
    if not ids:
        return
    others = set(
        ParticipantResult.objects.filter(campaign_id__in=ids)
        .exclude(source_id=record.pk)
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    if not others:
        return
    kept = ParticipantResult.objects.filter(
        campaign_id=OuterRef("campaign_id"), participant=OuterRef("participant")
    ).exclude(source_id=record.pk)
    clashes = (
        ParticipantResult.objects.filter(source_id=record.pk, campaign_id__in=others)
        .filter(Exists(kept))
        .select_related("campaign__subject", "school")
        .order_by("campaign_id", "participant")[:CLASHES_SHOWN]
    )
    for clash in clashes:
        parsed.problem(
            None,
            "participant",
            clash.participant,
            _("The participant «%(code)s» of %(campaign)s is already stored for another school.")
            % {"code": clash.participant, "campaign": clash.campaign},
        )
