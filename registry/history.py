"""A school's change history: its own record, its listings and its pairings, newest first."""

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from django.utils.translation import gettext as _

from .models import Listing, Pairing, School


@dataclass
class HistoryEntry:
    when: object
    who: object
    action: str
    subject: str
    changes: list[tuple[str, str, str]]


def _entries(records, subject_of):
    """Historical records of several objects as entries, each diffed in memory against its predecessor.

    Changes are (field, old, new) with raw values; `_describe` turns them into text afterwards.
    """
    by_object: dict[int, list] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    for versions in by_object.values():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        for old, new in [(None, versions[0]), *pairwise(versions)]:
            changes = []
            if old is not None and new.history_type == "~":
                delta = new.diff_against(old, foreign_keys_are_objs=False)
                model_meta = new.instance_type._meta
                changes = [(model_meta.get_field(c.field), c.old, c.new) for c in delta.changes]
                if not changes:
                    continue
            yield HistoryEntry(new.history_date, new.history_user, new.history_type, subject_of(new), changes)


def _describe(entries: list[HistoryEntry]) -> None:
    """Turn raw changes into text, resolving foreign keys with one query per related model."""
    wanted: dict[type, set] = defaultdict(set)
    for entry in entries:
        for field, old, new in entry.changes:
            if field.is_relation:
                wanted[field.related_model].update(v for v in (old, new) if v is not None)
    objects = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}
    for entry in entries:
        entry.changes = [
            (str(field.verbose_name), _display(field, old, objects), _display(field, new, objects))
            for field, old, new in entry.changes
        ]


def _display(field, value, objects):
    if value in (None, ""):
        return "—"
    if field.is_relation:
        obj = objects.get(field.related_model, {}).get(value)
        return str(obj) if obj is not None else _("deleted object #%(id)s") % {"id": value}
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def school_history(school, limit: int = 200) -> list[HistoryEntry]:
    school_records = School.history.filter(id=school.pk).select_related("history_user")
    listing_records = Listing.history.filter(school_id=school.pk).select_related("history_user")
    pairing_records = Pairing.history.filter(mentee_id=school.pk).select_related(
        "history_user", "mentor", "mentee"
    ) | Pairing.history.filter(mentor_id=school.pk).select_related("history_user", "mentor", "mentee")
    entries = [
        *_entries(school_records, lambda r: _("School card")),
        *_entries(
            listing_records,
            lambda r: (
                _("Listing: %(status)s (from %(start)s)")
                % {"status": r.get_status_display(), "start": r.start.strftime("%d.%m.%Y")}
            ),
        ),
        *_entries(
            pairing_records,
            lambda r: _("Pairing: %(mentor)s → %(mentee)s") % {"mentor": r.mentor, "mentee": r.mentee},
        ),
    ]
    entries.sort(key=lambda e: e.when, reverse=True)
    entries = entries[:limit]
    _describe(entries)
    return entries
