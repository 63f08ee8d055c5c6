"""Recalculation after edits of the data the formulas read: listings, pairings, events with their target schools
and participants, plans and progress reports, teachers' diagnostics (and scores), professional development records,
yearly school profiles and manual values.

The lower apps know nothing of this: `connect()`, called from ReportsConfig.ready(), hooks receivers to their
models' post_save / post_delete. A receiver runs no query: it notes what changed (a school, a teacher, an event,
a report … and the years its dates touch) for the current transaction. Once that commits, one callback resolves the
notes to (municipality, year) pairs in a few queries and records one outbox task per pair
(`reports.recalculate_indicators`), deduplicated by the key `indicators:<municipality>:<year>` and throttled for
INDICATORS_DEBOUNCE_SECONDS: a burst of edits gives one recalculation, which runs when the burst is over (the task
waits out the debounce window before it reads). In eager mode (the embedded demo, the tests) there is no queue:
the recalculation runs right after the commit, without an outbox row. The task recalculates Y and Y+1, since some
formulas compare a year with the one before. A change the callback cannot place (its object deleted since) is
caught by the nightly recalculation (CELERY_BEAT_SCHEDULE «indicators-nightly»).

Instances loaded from the database remember the places of their old dates (post_init), so that moving a listing
out of a year recalculates that year too.
"""

import contextlib
import datetime as dt
import logging
import threading
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

from registry.models import Listing, Pairing, School, SchoolYearProfile
from roadmaps.models import Activity, Plan, ProgressReport
from shnor_portal.celery import app as celery_app
from shnor_portal.outbox import services as outbox
from support.models import (
    DevelopmentRecord,
    Diagnostic,
    EventParticipant,
    EventSchool,
    Score,
    SupportEvent,
    Teacher,
)

from ..tasks import recalculate_indicators
from .models import ManualValue

logger = logging.getLogger(__name__)

TASK = "reports.recalculate_indicators"

# A note: (kind, object id, first year, last year); years None: taken from the object when the note is resolved.
MUNICIPALITY, SCHOOL, TEACHER, EVENT, REPORT, DIAGNOSTIC = "m", "s", "t", "e", "r", "d"

_state = threading.local()


def _day(value) -> dt.date | None:
    """A date field's value as the instance holds it: a date, or a string a caller assigned and Django parsed on
    the way to the database only."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _years(start, end) -> tuple[int, int] | None:
    start, end = _day(start), _day(end)
    if start is None and end is None:
        return None
    start = start or end
    last = end or timezone.localdate()  # an open period runs until today
    return start.year, max(start.year, min(last.year, timezone.localdate().year + 1))


def _note(kind, pk, years):
    if pk is None:
        return []
    return [(kind, pk, *(years or (None, None)))]


def _listing(o):
    return _note(SCHOOL, o.school_id, _years(o.start, o.end))


def _pairing(o):
    years = _years(o.start, o.end)
    return _note(SCHOOL, o.mentor_id, years) + _note(SCHOOL, o.mentee_id, years)


def _event(o):
    years = _years(o.start, o.end or o.start)
    return _note(MUNICIPALITY, o.municipality_id, years) + _note(EVENT, o.pk, years)


def _event_school(o):
    return [*_note(EVENT, o.event_id, None), (EVENT + SCHOOL, o.event_id, o.school_id, None)]


def _report(o):
    submitted = o.submitted_at
    if isinstance(submitted, dt.datetime) and timezone.is_aware(submitted):
        submitted = timezone.localtime(submitted)
    year = submitted.year if isinstance(submitted, dt.datetime) else None
    return _note(REPORT, o.pk, None) + _note(REPORT + "a", o.activity_id, (year, year) if year else None)


def _plan(o):
    return _note(MUNICIPALITY, o.municipality_id, _years(o.period_start, o.period_end))


def _diagnostic(o):
    return _note(TEACHER, o.teacher_id, _years(o.date, o.date))


def _development(o):
    return _note(TEACHER, o.teacher_id, _years(o.start or o.end, o.end or o.start))


def _year(value) -> tuple[int, int] | None:
    try:
        return int(value), int(value)
    except (TypeError, ValueError):
        return None


def _profile(o):
    return _note(SCHOOL, o.school_id, _year(o.year))


def _manual(o):
    return _note(MUNICIPALITY, o.municipality_id, _year(o.year))


def _score(o):
    return _note(DIAGNOSTIC, o.diagnostic_id, None)


WATCHED = {
    Listing: (_listing, ("school_id", "start", "end")),
    Pairing: (_pairing, ("mentor_id", "mentee_id", "start", "end")),
    SupportEvent: (_event, ("municipality_id", "start", "end")),
    EventSchool: (_event_school, ()),
    EventParticipant: (_event_school, ()),
    Plan: (_plan, ("municipality_id", "period_start", "period_end")),
    ProgressReport: (_report, ()),
    Diagnostic: (_diagnostic, ("teacher_id", "date")),
    Score: (_score, ()),
    DevelopmentRecord: (_development, ("teacher_id", "start", "end")),
    SchoolYearProfile: (_profile, ()),
    ManualValue: (_manual, ()),
}


class _Batch:
    """The notes of one transaction, resolved and enqueued by its on_commit callback (the batch itself)."""

    def __init__(self):
        self.notes: set = set()
        self.done = False

    def __call__(self) -> int:
        self.done = True
        notes, self.notes = self.notes, set()
        return enqueue_notes(notes)


def _batch() -> _Batch:
    """The batch of the current transaction: a new one when the last was flushed or its transaction rolled back
    (its callback then left the connection's list)."""
    batch = getattr(_state, "batch", None)
    connection = transaction.get_connection()
    if batch is None or batch.done or not any(item[1] is batch for item in connection.run_on_commit):
        batch = _state.batch = _Batch()
        transaction.on_commit(batch, robust=True)  # a failure is logged; the edit it follows stays committed
    return batch


def _remember_old(sender, instance, **kwargs):
    note, fields = WATCHED[sender]
    if fields and instance.pk is not None and not (set(fields) & instance.get_deferred_fields()):
        try:
            instance._indicator_notes_before = note(instance)
        except (TypeError, ValueError, AttributeError):
            pass  # placed from the new values only


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw") or getattr(_state, "suspended", 0):
        return  # fixtures being loaded, or load_demo
    note, _fields = WATCHED[sender]
    try:
        found = note(instance) + getattr(instance, "_indicator_notes_before", [])
    except (TypeError, ValueError, AttributeError):
        # Never let the bookkeeping break a save: the nightly recalculation covers what cannot be placed.
        logger.warning("indicators: cannot place a change of %s %s", sender.__name__, instance.pk, exc_info=True)
        return
    if not found:
        return
    if transaction.get_connection().in_atomic_block:
        _batch().notes.update(found)
    else:
        try:
            enqueue_notes(found)  # autocommit: the change is committed already
        except Exception:
            logger.exception(
                "indicators: the recalculation after a change of %s %s failed", sender.__name__, instance.pk
            )


def connect() -> None:
    for model in WATCHED:
        uid = f"indicators-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
        if WATCHED[model][1]:
            post_init.connect(_remember_old, sender=model, dispatch_uid=f"{uid}-init")


@contextlib.contextmanager
def suspended():
    """No recalculation is enqueued for the edits made inside (load_demo recalculates everything at its end)."""
    _state.suspended = getattr(_state, "suspended", 0) + 1
    try:
        yield
    finally:
        _state.suspended -= 1


def flush() -> int:
    """Run the current transaction's batch now (what its commit does); the number of (municipality, year) pairs."""
    batch = getattr(_state, "batch", None)
    if batch is None or batch.done or not any(item[1] is batch for item in transaction.get_connection().run_on_commit):
        return 0
    return batch()


def enqueue_notes(notes) -> int:
    """Resolve notes and enqueue one debounced task per municipality and year; return the number of pairs."""
    if not notes:
        return 0
    places = resolve(notes)
    for municipality_id, year in sorted(places):
        enqueue(municipality_id, year)
    return len(places)


def resolve(notes) -> set[tuple[int, int]]:
    """(municipality id, year) of every note, in one query per kind of object noted."""
    by_kind = defaultdict(list)
    for note in notes:
        by_kind[note[0]].append(note)
    places: set[tuple[int, int]] = set()
    this_year = timezone.localdate().year

    def add(municipality_id, first, last):
        if municipality_id is None or first is None:
            return
        for year in range(first, min(last, this_year + 1) + 1):
            places.add((municipality_id, year))

    for _kind, pk, first, last in by_kind[MUNICIPALITY]:
        add(pk, first, last)
    schools = dict(
        School.objects.filter(
            pk__in={n[1] for n in by_kind[SCHOOL]} | {n[2] for n in by_kind[EVENT + SCHOOL]}
        ).values_list("pk", "municipality_id")
    )
    for _kind, pk, first, last in by_kind[SCHOOL]:
        add(schools.get(pk), first, last)
    teachers = dict(
        Teacher.objects.filter(pk__in={n[1] for n in by_kind[TEACHER]}).values_list("pk", "school__municipality_id")
    )
    for _kind, pk, first, last in by_kind[TEACHER]:
        add(teachers.get(pk), first, last)
    event_ids = {n[1] for n in by_kind[EVENT]} | {n[1] for n in by_kind[EVENT + SCHOOL]}
    if event_ids:
        events = {
            pk: (municipality_id, *_years(start, end or start))
            for pk, municipality_id, start, end in SupportEvent.objects.filter(pk__in=event_ids).values_list(
                "pk", "municipality_id", "start", "end"
            )
        }
        targets = EventSchool.objects.filter(event_id__in=event_ids).values_list("event_id", "school__municipality_id")
        for event_id, municipality_id in targets:
            if event_id in events:
                add(municipality_id, *events[event_id][1:])
        for municipality_id, first, last in events.values():
            add(municipality_id, first, last)
        for _kind, event_id, school_id, _last in by_kind[EVENT + SCHOOL]:
            if event_id in events:
                add(schools.get(school_id), *events[event_id][1:])
    if by_kind[REPORT] or by_kind[REPORT + "a"]:
        reports = ProgressReport.objects.filter(pk__in={n[1] for n in by_kind[REPORT]}).values_list(
            "activity__section__plan__municipality_id", "submitted_at", "period__end"
        )
        for municipality_id, submitted_at, due in reports:
            for day in (timezone.localtime(submitted_at).date() if submitted_at else None, due):
                if day is not None:
                    add(municipality_id, day.year, day.year)
        activities = dict(
            Activity.objects.filter(pk__in={n[1] for n in by_kind[REPORT + "a"]}).values_list(
                "pk", "section__plan__municipality_id"
            )
        )
        for _kind, pk, first, last in by_kind[REPORT + "a"]:
            add(activities.get(pk), first, last)
    if by_kind[DIAGNOSTIC]:
        for municipality_id, date in Diagnostic.objects.filter(pk__in={n[1] for n in by_kind[DIAGNOSTIC]}).values_list(
            "teacher__school__municipality_id", "date"
        ):
            add(municipality_id, date.year, date.year)
    return places


def dedupe_key(municipality_id: int, year: int) -> str:
    return f"indicators:{municipality_id}:{year}"


def enqueue(municipality_id: int, year: int):
    """Record the recalculation of (municipality, year): a task waiting with the same key, or one recorded within
    the debounce window, takes this change too (it runs only once the window is over). Eager mode (the embedded
    demo, the tests) has no queue to wait in: the change is committed, so the recalculation runs here and now."""
    if celery_app.conf.task_always_eager:
        recalculate_indicators(municipality_id, year)
        return None
    window = timedelta(seconds=settings.INDICATORS_DEBOUNCE_SECONDS)
    return outbox.enqueue(
        TASK,
        [municipality_id, year],
        {"due": (timezone.now() + window).isoformat()},
        dedupe_key=dedupe_key(municipality_id, year),
        not_within=window,
    )
