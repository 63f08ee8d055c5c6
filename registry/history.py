"""A school's change history: its own record, its listings and its pairings, newest first."""

from dataclasses import dataclass
from itertools import pairwise

from django.utils.translation import gettext as _

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass
class HistoryEntry:
    when: object
    who: object
    action: str
    subject: str
    changes: list[tuple[str, str, str]]


def _entries(records, subject_of):
    """Historical records of several objects as entries, each diffed in memory against its predecessor."""
    by_object: dict[int, list] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    for versions in by_object.values():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        previous_and_current = [(None, versions[0]), *pairwise(versions)]
        for old, new in previous_and_current:
            changes = []
            if old is not None and new.history_type == "~":
                delta = new.diff_against(old, foreign_keys_are_objs=False)
                for change in delta.changes:
                    field = new.instance_type._meta.get_field(change.field)
                    changes.append(
                        (str(field.verbose_name), _display(field, change.old), _display(field, change.new))
                    )
                if not changes:
                    continue
            yield HistoryEntry(
                when=new.history_date,
                who=new.history_user,
                action=new.history_type,
                subject=subject_of(new),
                changes=changes,
            )


def _display(field, value):
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def school_history(school, limit: int = 200) -> list[HistoryEntry]:
    from support.models import Pairing

    from .models import Listing, School

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
    return entries[:limit]
