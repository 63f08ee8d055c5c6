"""Renumbering a plan in its own scheme, the way the seeds number their tables.

The seeds use a few schemes, and a renumbered plan keeps the one it already uses:

- sections «1.», «2.» (or «1», «2»), nested sections «1.1», activities «1.1», «1.2» under section 1 (seed 001);
- Roman sections «I.», «II.» with activities restarting «1.», «2.» under each of them (seed 002);
- a prefixed main section «Основное мероприятие 1.» with stages «1.1.», «1.2.» and activities restarting «1.» under
  each stage (seed 003);
- activities numbered «1, 2, 3 …» straight through the plan, whatever the sections.

The style is detected from the numbers as written, by majority (seed 001 writes «3.» among «1», «2», «4» and «1.6.»
among «1.5», «1.7»; seed 002 writes «Ш.» for «III.»). A plan without a single number gets the default scheme «1.»,
«1.1». A section row without number and title (activities read above the first section) is not a section of the
numbering: its activities are numbered «1», «2» … on their own.

`number_plan` is pure (rows in, numbers out); `renumber` reads a plan in two queries and writes what changed with
bulk updates (history rows included), whatever the size of the plan.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from shnor_portal.audit.recording import record_bulk

from .models import Activity, Plan, Section

HIERARCHICAL = "hierarchical"  # «1.1», «1.2» under section «1»
RESTART = "restart"  # «1.», «2.» under every section
CONTINUOUS = "continuous"  # «1», «2» … «25» through the whole plan

ROMAN_LETTERS = "IVXLCDMІШХ"  # with the Cyrillic look-alikes that the seeds type (seed 002: «Ш.» for «III.»)
SECTION_NUMBER = re.compile(rf"^(?P<prefix>(?:.*\s)?)(?P<core>\d+(?:\.\d+)*|[{ROMAN_LETTERS}]+)(?P<dot>\.?)$", re.S)
HIERARCHICAL_NUMBER = re.compile(r"^\d+(?:\.\d+)+\.?$")
PLAIN_NUMBER = re.compile(r"^\d+\.?$")


@dataclass(frozen=True)
class Scheme:
    """How a plan writes its numbers."""

    sections_numbered: bool = True
    roman: bool = False
    section_dot: bool = True  # «1.» rather than «1»
    prefix: str = ""  # «Основное мероприятие »
    nested_dot: bool = False  # «1.1.» rather than «1.1»
    activities: str = HIERARCHICAL
    activity_dot: bool = False  # «1.1.» / «1.» rather than «1.1» / «1»


@dataclass(frozen=True)
class SectionRow:
    pk: int
    parent_id: int | None
    number: str
    title: str

    @property
    def anonymous(self) -> bool:
        return not self.number.strip() and not self.title.strip()


@dataclass(frozen=True)
class ActivityRow:
    pk: int
    section_id: int
    number: str


def roman(value: int) -> str:
    result = []
    for amount, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while value >= amount:
            result.append(letters)
            value -= amount
    return "".join(result)


def _majority(flags: list[bool], *, tie: bool) -> bool:
    yes = sum(flags)
    no = len(flags) - yes
    return tie if yes == no else yes > no


def _tree_order(sections: list[SectionRow]) -> list[SectionRow]:
    """Sections depth first, children after their parent, siblings in the order given."""
    known = {s.pk for s in sections}
    children: dict[int | None, list[SectionRow]] = defaultdict(list)
    for section in sections:
        children[section.parent_id if section.parent_id in known else None].append(section)
    ordered: list[SectionRow] = []
    seen: set[int] = set()

    def walk(parent_id):
        for child in children.get(parent_id, []):
            if child.pk not in seen:  # a cycle in bad data must not loop forever
                seen.add(child.pk)
                ordered.append(child)
                walk(child.pk)

    walk(None)
    ordered.extend(s for s in sections if s.pk not in seen)
    return ordered


def detect_scheme(sections: list[SectionRow], activities: list[ActivityRow]) -> Scheme:
    """The plan's scheme, read from its numbers as written (see the module's docstring)."""
    sections = _tree_order(sections)
    known = {s.pk for s in sections}
    top, nested = [], []
    for section in sections:
        match = SECTION_NUMBER.match(section.number.strip())
        if match:
            (nested if section.parent_id in known else top).append(match)
    activity_numbers = [a.number.strip() for a in activities if a.number.strip()]
    if not activity_numbers and not any(s.number.strip() for s in sections):
        return Scheme()

    scheme = {"sections_numbered": any(s.number.strip() for s in sections)}
    if top:
        romans = [not m["core"][0].isdigit() for m in top]
        scheme["roman"] = _majority(romans, tie=False)
        scheme["section_dot"] = _majority([bool(m["dot"]) for m in top], tie=True)
        prefix, count = Counter(m["prefix"] for m in top).most_common(1)[0]
        scheme["prefix"] = prefix if count * 2 > len(top) else ""
    if nested:
        scheme["nested_dot"] = _majority([bool(m["dot"]) for m in nested], tie=False)

    hierarchical = [n for n in activity_numbers if HIERARCHICAL_NUMBER.match(n)]
    plain = [n for n in activity_numbers if PLAIN_NUMBER.match(n)]
    if len(hierarchical) >= len(plain):
        scheme["activities"] = HIERARCHICAL
        scheme["activity_dot"] = _majority([n.endswith(".") for n in hierarchical], tie=False)
    else:
        scheme["activity_dot"] = _majority([n.endswith(".") for n in plain], tie=True)
        firsts = []
        by_section: dict[int, list[str]] = defaultdict(list)
        for activity in activities:
            if PLAIN_NUMBER.match(activity.number.strip()):
                by_section[activity.section_id].append(activity.number.strip())
        for section in sections:
            if by_section.get(section.pk):
                firsts.append(int(by_section[section.pk][0].rstrip(".")))
        later = firsts[1:]
        restarts = sum(1 for value in later if value == 1)
        scheme["activities"] = RESTART if restarts * 2 >= len(later) else CONTINUOUS
    return Scheme(**scheme)


def number_plan(
    sections: list[SectionRow], activities: list[ActivityRow], scheme: Scheme | None = None
) -> tuple[dict[int, str], dict[int, str]]:
    """The numbers of every section and activity in the plan's scheme: ({section pk: number}, {activity pk: number}).

    `sections` come in the plan's order (parents need not precede their children), `activities` in their order
    within each section.
    """
    scheme = scheme or detect_scheme(sections, activities)
    ordered = _tree_order(sections)
    known = {s.pk for s in ordered}
    by_section: dict[int, list[ActivityRow]] = defaultdict(list)
    for activity in activities:
        by_section[activity.section_id].append(activity)

    section_numbers: dict[int, str] = {}
    activity_numbers: dict[int, str] = {}
    paths: dict[int, list[int]] = {}
    counters: dict[int | None, int] = defaultdict(int)
    running = 0
    activity_dot = "." if scheme.activity_dot else ""
    for section in ordered:
        parent_id = section.parent_id if section.parent_id in known else None
        if section.anonymous:
            section_numbers[section.pk] = ""
            path = None
        else:
            counters[parent_id] += 1
            path = [*paths.get(parent_id, []), counters[parent_id]]
            paths[section.pk] = path
            section_numbers[section.pk] = _section_number(path, scheme) if scheme.sections_numbered else ""
        for position, activity in enumerate(by_section.get(section.pk, []), start=1):
            running += 1
            if scheme.activities == CONTINUOUS:
                number = f"{running}{activity_dot}"
            elif scheme.activities == HIERARCHICAL and path is not None:
                number = ".".join(str(part) for part in [*path, position]) + activity_dot
            else:
                number = f"{position}{activity_dot}"
            activity_numbers[activity.pk] = number
    return section_numbers, activity_numbers


def _section_number(path: list[int], scheme: Scheme) -> str:
    if len(path) == 1:
        core = roman(path[0]) if scheme.roman else str(path[0])
        return f"{scheme.prefix}{core}{'.' if scheme.section_dot else ''}"
    return ".".join(str(part) for part in path) + ("." if scheme.nested_dot else "")


def plan_rows(plan: Plan) -> tuple[list[Section], list[Activity]]:
    """The plan's sections and activities in their order: two queries."""
    sections = list(Section.objects.filter(plan=plan).order_by("order", "pk"))
    activities = list(
        Activity.objects.filter(section__plan=plan).order_by("section__order", "section_id", "order", "pk")
    )
    return sections, activities


def as_rows(sections, activities) -> tuple[list[SectionRow], list[ActivityRow]]:
    return (
        [SectionRow(s.pk, s.parent_id, s.number, s.title) for s in sections],
        [ActivityRow(a.pk, a.section_id, a.number) for a in activities],
    )


@transaction.atomic
def renumber(plan: Plan, *, user=None) -> int:
    """Renumber the plan in its own scheme; how many rows changed. A bounded number of queries."""
    sections, activities = plan_rows(plan)
    section_numbers, activity_numbers = number_plan(*as_rows(sections, activities))
    changed_sections = [s for s in sections if s.number != section_numbers[s.pk]]
    changed_activities = [a for a in activities if a.number != activity_numbers[a.pk]]
    for section in changed_sections:
        section.number = section_numbers[section.pk]
    for activity in changed_activities:
        activity.number = activity_numbers[activity.pk]
    if changed_sections:
        bulk_update_with_history(changed_sections, Section, ["number"], batch_size=500, default_user=user)
        record_bulk(Section, changed_sections, fields=["number"])  # bulk writes send no signal
    if changed_activities:
        bulk_update_with_history(changed_activities, Activity, ["number"], batch_size=500, default_user=user)
        record_bulk(Activity, changed_activities, fields=["number"])
    return len(changed_sections) + len(changed_activities)
