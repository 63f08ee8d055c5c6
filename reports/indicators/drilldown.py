"""What one indicator counted, for its page: the numerator's and the denominator's objects as links — only those the
user may see (teachers are personal data: the school's principal and the municipality's coordinators) — and, for a
formula that counts no list of objects, its details as readable tables.

Each list costs one query whatever its length: the stored ids are read through the owning app's access queryset.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from registry.access import schools_visible_to
from roadmaps.access import plans_visible_to
from roadmaps.models import Activity
from support.access import events_visible_to, pairings_visible_to, teachers_visible_to

from .base import ACTIVITY, EVENT, PAIRING, SCHOOL, STAFF, TEACHER


@dataclass
class Member:
    label: str
    url: str
    note: str = ""


@dataclass
class MemberList:
    ids: list[int]
    members: list[Member] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def hidden(self) -> int:
        """Objects counted that the user may not see (named only by their number)."""
        return len(self.ids) - len(self.members)


def _schools(user, ids):
    rows = schools_visible_to(user).filter(pk__in=ids).select_related("municipality").order_by("short_name")
    return [Member(school.short_name, school.get_absolute_url()) for school in rows]


def _teachers(user, ids):
    rows = teachers_visible_to(user).filter(pk__in=ids).select_related("school").order_by("full_name", "pk")
    return [Member(teacher.full_name, teacher.get_absolute_url(), teacher.school.short_name) for teacher in rows]


def _events(user, ids):
    rows = events_visible_to(user).filter(pk__in=ids).distinct().order_by("start", "pk")
    return [Member(event.topic, event.get_absolute_url(), event.start.strftime("%d.%m.%Y")) for event in rows]


def _activities(user, ids):
    rows = (
        Activity.objects.filter(pk__in=ids, section__plan__in=plans_visible_to(user))
        .select_related("section__plan")
        .order_by("section__plan__title", "section__order", "order", "pk")
    )
    return [
        Member(
            f"{activity.number} {activity.name}".strip(),
            reverse("roadmaps:activity-detail", args=[activity.pk]),
            activity.section.plan.title,
        )
        for activity in rows
    ]


def _pairings(user, ids):
    rows = pairings_visible_to(user).filter(pk__in=ids).select_related("mentor", "mentee").order_by("pk")
    return [
        Member(
            f"{pairing.mentor.short_name} → {pairing.mentee.short_name}",
            reverse("support:pairing-detail", args=[pairing.pk]),
        )
        for pairing in rows
    ]


READERS = {
    SCHOOL: _schools,
    TEACHER: _teachers,
    STAFF: _teachers,
    EVENT: _events,
    ACTIVITY: _activities,
    PAIRING: _pairings,
}


def member_list(user, kind: str | None, ids) -> MemberList | None:
    """The objects of `kind` among `ids` that the user sees, or None when the formula keeps no such list."""
    if kind is None or ids is None or kind not in READERS:
        return None
    ids = [int(pk) for pk in ids]
    return MemberList(ids, READERS[kind](user, ids) if ids else [])


@dataclass
class DetailTable:
    title: str
    columns: list[str]
    rows: list[list[str]]


def _text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float | int):
        return str(value).replace(".", ",")
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_text(item)}" for key, item in value.items())
    return str(value).replace(".", ",") if _is_number(str(value)) else str(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def detail_tables(details) -> list[DetailTable]:
    """A value's details as tables: scalars together as «name — value», each list of records (the ГИА gap's pairs)
    as a table of its own with the records' keys as columns, nested records as name — value tables. All text is
    escaped by the template."""
    if not isinstance(details, dict) or not details:
        return []
    tables = []
    scalars = []
    for key, value in details.items():
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            columns = list(dict.fromkeys(name for item in value for name in item))
            rows = [[_text(item.get(name)) for name in columns] for item in value]
            tables.append(DetailTable(str(key), columns, rows))
        elif isinstance(value, dict) and value:
            tables.append(
                DetailTable(str(key), [_("name"), _("value")], [[str(k), _text(v)] for k, v in value.items()])
            )
        else:
            scalars.append([str(key), _text(value)])
    if scalars:
        tables.insert(0, DetailTable("", [_("name"), _("value")], scalars))
    return tables
