"""What one indicator counted, for its page: the numerator's and the denominator's objects as links — only those the
user may see (teachers are personal data: the school's principal and the municipality's coordinators) — and, for a
formula that counts no list of objects, its details as readable tables.

Each list costs one query whatever its length: the stored ids are read through the owning app's access queryset.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


# Names of the keys the formulas write into the details (results.py: the ГИА gap's pairs, TOP_MARK_SHARE's per-school
# counts; services.py: a manual value's source); an unknown key is shown as it is.
LABELS = {
    "pairs": gettext_lazy("Pairs (procedure, subject)"),
    "procedure": gettext_lazy("Procedure"),
    "subject": gettext_lazy("Subject"),
    "used": gettext_lazy("counted in both years"),
    "gap": gettext_lazy("gap"),
    "gap_previous": gettext_lazy("gap of the previous year"),
    "n": gettext_lazy("schools with a result"),
    "k": gettext_lazy("schools in each tenth (k)"),
    "schools": gettext_lazy("Schools"),
    "school": gettext_lazy("School"),
    "fives": gettext_lazy("marks «5»"),
    "works": gettext_lazy("participants' works"),
    "source": gettext_lazy("Source"),
    "date": gettext_lazy("Date of the source"),
    "entered_by": gettext_lazy("Entered by"),
}


# The order of the keys in a table: PostgreSQL's jsonb keeps no order of its own (shorter keys first).
ORDER = [
    "procedure",
    "subject",
    "school",
    "gap",
    "gap_previous",
    "n",
    "k",
    "fives",
    "works",
    "used",
    "pairs",
    "schools",
]


def _ordered(keys) -> list:
    """Known keys in ORDER, years (descending) after the pair's names, the rest as they come, «used» last."""
    keys = list(dict.fromkeys(keys))

    def rank(key):
        text = str(key)
        if text.isdigit():
            return (2, -int(text), "")
        if text in ORDER:
            position = ORDER.index(text)
            return (0 if position < 2 else 3, position, "")
        return (4, 0, text)

    return sorted(keys, key=rank)


def _label(key) -> str:
    return str(LABELS.get(key, key))


def _cell(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{_label(key)}: {_text(value[key])}" for key in _ordered(value))
    return _text(value)


def detail_tables(details, school_names=None) -> list[DetailTable]:
    """A value's details as tables: scalars together as «name — value»; each list of records (the ГИА gap's pairs)
    as a table of its own with the records' keys as columns; records keyed by school id (TOP_MARK_SHARE's counts) as
    a table with the school's name — `school_names(ids)` gives the names of those the user may see, the others are
    «школа не в вашей области». All text is escaped by the template."""
    if not isinstance(details, dict) or not details:
        return []
    tables = []
    scalars = []
    for key in _ordered(details):
        value = details[key]
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            columns = _ordered(name for item in value for name in item)
            rows = [[_cell(item.get(name)) for name in columns] for item in value]
            tables.append(DetailTable(_label(key), [_label(name) for name in columns], rows))
        elif isinstance(value, dict) and value and all(isinstance(item, dict) for item in value.values()):
            columns = _ordered(name for item in value.values() for name in item)
            names = {}
            by_school = key == "schools" and school_names is not None
            if by_school:
                names = school_names([int(pk) for pk in value if str(pk).isdigit()])
            rows = [
                [names.get(int(pk), _("a school outside your scope")) if by_school and str(pk).isdigit() else str(pk)]
                + [_cell(item.get(name)) for name in columns]
                for pk, item in value.items()
            ]
            first = _label("school") if key == "schools" else ""
            tables.append(DetailTable(_label(key), [first, *[_label(name) for name in columns]], rows))
        elif isinstance(value, dict) and value:
            tables.append(
                DetailTable(
                    _label(key), [_("name"), _("value")], [[_label(k), _cell(value[k])] for k in _ordered(value)]
                )
            )
        else:
            scalars.append([_label(key), _text(value)])
    if scalars:
        tables.insert(0, DetailTable("", [_("name"), _("value")], scalars))
    return tables


def school_names_for(user):
    """`school_names` of `detail_tables`: the short names of the schools among `ids` the user may see (one query)."""

    def names(ids):
        return dict(schools_visible_to(user).filter(pk__in=ids).values_list("pk", "short_name"))

    return names
