"""Plan versions: the snapshot of a whole plan, restoring a plan from one, reading one back in the plan's table
layout, and comparing two of them activity by activity.

Snapshot (PlanVersion.snapshot, format 1)::

    {"format": 1,
     "plan": {title, period_start, period_end, passport fields…, status, approval_number, approval_date, approved_by},
     "sections": [{"pk", "parent", "number", "title", "order", "responsible", "deadline_text",
                   "activities": [{"pk", "number", "order", "name", "deadline_text", "deadline_kind",
                                   "deadline_periods", "outside_period", "deadline_set_by_hand", "responsible",
                                   "expected_result", "executors": [school codes]}]}]}

Activities and sections are identified by their primary keys, which is what a comparison matches on. When a
withdrawal recreates a row that an amendment deleted, the versions that named the old row are told its new key,
so that the same activity stays the same across versions.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import School

from .models import Activity, Plan, PlanVersion, ProgressReport, Section

SNAPSHOT_FORMAT = 1
PASSPORT_FIELDS = [
    "normative_basis",
    "developers",
    "executors",
    "goal",
    "tasks",
    "expected_results",
    "timeframe",
    "control",
]
# Restored by a withdrawal (the status is the lifecycle's, never taken from a snapshot).
RESTORED_PLAN_FIELDS = ["title", "period_start", "period_end", *PASSPORT_FIELDS, "approved_by"]
PLAN_FIELDS = [*RESTORED_PLAN_FIELDS, "status", "approval_number", "approval_date"]
DATE_FIELDS = {"period_start", "period_end", "approval_date"}
SECTION_FIELDS = ["number", "title", "order", "responsible", "deadline_text"]
ACTIVITY_FIELDS = [
    "number",
    "order",
    "name",
    "deadline_text",
    "deadline_kind",
    "deadline_periods",
    "outside_period",
    "deadline_set_by_hand",
    "responsible",
    "expected_result",
    "funding_source",
    "funding",
]
# Snapshots taken before the funding fields existed lack them: read as none.
MISSING_DEFAULTS = {"funding_source": "", "funding": {}}
# What a withdrawal writes back; the reading (kind, periods, outside) follows from the text, unless set by hand.
RESTORED_ACTIVITY_FIELDS = [
    "number",
    "order",
    "name",
    "deadline_text",
    "deadline_set_by_hand",
    "responsible",
    "expected_result",
    "funding_source",
    "funding",
]
# What a comparison looks at, in the order it lists the changes.
COMPARED_ACTIVITY_FIELDS = ["number", "name", "deadline_text", "responsible", "expected_result", "funding_source"]


class RestoreRefused(Exception):
    """Restoring the snapshot would lose something; the message says what, in Russian."""


# --- Taking a snapshot ---------------------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def take_snapshot(plan: Plan) -> dict:
    """The whole plan as JSON: three queries whatever its size."""
    activities = Activity.objects.order_by("order", "pk").prefetch_related(
        Prefetch("executors", queryset=School.objects.only("pk", "code").order_by("code"))
    )
    sections = (
        Section.objects.filter(plan=plan)
        .order_by("order", "pk")
        .prefetch_related(Prefetch("activities", queryset=activities))
    )
    return {
        "format": SNAPSHOT_FORMAT,
        "plan": {name: _plain(getattr(plan, name)) for name in PLAN_FIELDS},
        "sections": [
            {
                "pk": section.pk,
                "parent": section.parent_id,
                **{name: getattr(section, name) for name in SECTION_FIELDS},
                "activities": [
                    {
                        "pk": activity.pk,
                        **{name: getattr(activity, name) for name in ACTIVITY_FIELDS},
                        "executors": [school.code for school in activity.executors.all()],
                    }
                    for activity in section.activities.all()
                ],
            }
            for section in sections
        ],
    }


def record_version(plan: Plan, user, reason: str) -> PlanVersion:
    """The next version of the plan with a snapshot of it as it stands. The caller holds the plan's row lock."""
    number = (plan.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        created_at=timezone.now(),
        created_by=user if getattr(user, "is_authenticated", False) else None,
        reason=reason,
        snapshot=take_snapshot(plan),
    )


def activities_of(snapshot: dict) -> dict[int, dict]:
    """pk → the activity's snapshot, with the section it sits in under "section"."""
    found = {}
    for section in snapshot.get("sections", []):
        for activity in section.get("activities", []):
            found[activity["pk"]] = {**activity, "section": section}
    return found


# --- Restoring a snapshot ------------------------------------------------------------------------------------------


def _assign(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def restore_snapshot(plan: Plan, snapshot: dict, *, user=None) -> None:
    """Put the plan's content back as the snapshot has it: passport, sections, activities with their executors and
    deadlines. Refused (nothing written) if it would delete activities that have progress reports.

    Rows that the snapshot names are updated in place (their reports and periods stay theirs); rows it does not name
    are deleted; rows it names that are gone are created again. The caller runs this in a transaction.
    """
    wanted_sections = snapshot.get("sections", [])
    wanted_activities = activities_of(snapshot)
    current_sections = {section.pk: section for section in plan.sections.all()}
    current_activities = {
        activity.pk: activity
        for activity in Activity.objects.filter(section__plan=plan).prefetch_related(
            Prefetch("executors", queryset=School.objects.only("pk", "code"))
        )
    }
    doomed = [pk for pk in current_activities if pk not in wanted_activities]
    reported = list(
        Activity.objects.filter(
            pk__in=ProgressReport.objects.filter(activity_id__in=doomed).values("activity_id")
        ).order_by("section__order", "order", "pk")
    )
    if reported:
        names = "; ".join(" ".join(part for part in (a.number, a.name[:80]) if part) for a in reported)
        raise RestoreRefused(
            _(
                "The plan cannot be put back as it was: these activities were added since and already have progress "
                "reports: %(activities)s."
            )
            % {"activities": names}
        )

    def as_user(obj):
        if user is not None:
            obj._history_user = user
        return obj

    plan_values = {
        name: (dt.date.fromisoformat(value) if name in DATE_FIELDS and value else value)
        for name, value in snapshot.get("plan", {}).items()
        if name in RESTORED_PLAN_FIELDS
    }
    period_changed = (plan.period_start, plan.period_end) != (
        plan_values.get("period_start", plan.period_start),
        plan_values.get("period_end", plan.period_end),
    )
    if _assign(plan, plan_values):
        as_user(plan).save()

    # Sections: first as rows (new ones without a parent), then their parents, once every row exists.
    sections: dict[int, Section] = {}
    recreated_sections: dict[int, int] = {}
    for wanted in wanted_sections:
        section = current_sections.get(wanted["pk"])
        values = {name: wanted.get(name, "") if name != "order" else wanted.get(name, 0) for name in SECTION_FIELDS}
        if section is None:
            section = Section(plan=plan, **values)
            as_user(section).save()
            recreated_sections[wanted["pk"]] = section.pk
        elif _assign(section, values):
            as_user(section).save()
        sections[wanted["pk"]] = section
    for wanted in wanted_sections:
        section = sections[wanted["pk"]]
        parent = sections.get(wanted.get("parent")) if wanted.get("parent") else None
        if section.parent_id != (parent.pk if parent else None):
            section.parent = parent
            as_user(section).save(update_fields=["parent"])

    codes = {code for activity in wanted_activities.values() for code in activity.get("executors", [])}
    schools = {school.code: school for school in School.objects.filter(code__in=codes).only("pk", "code")}
    recreated_activities: dict[int, int] = {}
    for pk, wanted in wanted_activities.items():
        section = sections[wanted["section"]["pk"]]
        values = {name: wanted.get(name, MISSING_DEFAULTS.get(name)) for name in RESTORED_ACTIVITY_FIELDS}
        if wanted.get("deadline_set_by_hand"):
            values["deadline_periods"] = wanted.get("deadline_periods", [])
        activity = current_activities.get(pk)
        if activity is None:
            activity = Activity(section=section, **values)
            as_user(activity).save()
            recreated_activities[pk] = activity.pk
            had = set()
        else:
            moved = activity.section_id != section.pk
            activity.section = section  # the restored section object: it knows the plan and its period
            if _assign(activity, values) or moved or period_changed:
                as_user(activity).save()
            had = {school.code for school in activity.executors.all()}
        want = {code for code in wanted.get("executors", []) if code in schools}
        if want != had:
            activity.executors.set([schools[code] for code in want])

    Activity.objects.filter(pk__in=doomed).delete()
    Section.objects.filter(plan=plan).exclude(pk__in=[section.pk for section in sections.values()]).delete()
    if recreated_sections or recreated_activities:
        _remap_versions(plan, recreated_sections, recreated_activities)


def _remap_versions(plan: Plan, sections: dict[int, int], activities: dict[int, int]) -> None:
    """Rows created again under new keys: the versions that named the old keys name the new ones."""
    for version in plan.versions.all():
        changed = False
        for section in version.snapshot.get("sections", []):
            if section.get("pk") in sections:
                section["pk"], changed = sections[section["pk"]], True
            if section.get("parent") in sections:
                section["parent"], changed = sections[section["parent"]], True
            for activity in section.get("activities", []):
                if activity.get("pk") in activities:
                    activity["pk"], changed = activities[activity["pk"]], True
        if changed:
            version.save(update_fields=["snapshot"])


# --- Reading a version back ----------------------------------------------------------------------------------------


class Rows(list):
    """A list that answers `.all()`, so that a version's rows go through the same template and export as the plan's."""

    def all(self):
        return self


@dataclass
class VersionSection:
    pk: int
    number: str
    title: str
    responsible: str
    deadline_text: str
    parent_id: int | None
    activities: Rows = field(default_factory=Rows)


def version_plan(plan: Plan, snapshot: dict) -> Plan:
    """An unsaved Plan holding the version's passport and approval, with the real plan's owner."""
    values = {
        name: (dt.date.fromisoformat(value) if name in DATE_FIELDS and value else value)
        for name, value in snapshot.get("plan", {}).items()
        if name in PLAN_FIELDS
    }
    return Plan(
        pk=plan.pk,
        level=plan.level,
        municipality=plan.municipality,
        school=plan.school,
        pairing=plan.pairing,
        **values,
    )


def version_sections(snapshot: dict) -> list[VersionSection]:
    """The version's sections with unsaved Activity objects (for the reading's labels) and executor names."""
    codes = {code for activity in activities_of(snapshot).values() for code in activity.get("executors", [])}
    names = dict(School.objects.filter(code__in=codes).values_list("code", "short_name")) if codes else {}
    sections = []
    for wanted in snapshot.get("sections", []):
        section = VersionSection(
            pk=wanted["pk"],
            number=wanted.get("number", ""),
            title=wanted.get("title", ""),
            responsible=wanted.get("responsible", ""),
            deadline_text=wanted.get("deadline_text", ""),
            parent_id=wanted.get("parent"),
        )
        for item in wanted.get("activities", []):
            activity = Activity(
                pk=item["pk"], **{name: item.get(name, MISSING_DEFAULTS.get(name)) for name in ACTIVITY_FIELDS}
            )
            activity.executor_names = [names.get(code, code) for code in item.get("executors", [])]
            section.activities.append(activity)
        sections.append(section)
    return sections


# --- Comparing -----------------------------------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class ActivityChange:
    pk: int
    number: str
    name: str
    section: str
    changes: list[Change]


@dataclass
class Comparison:
    added: list[dict]
    removed: list[dict]
    changed: list[ActivityChange]
    passport: list[Change]

    @property
    def same(self) -> bool:
        return not (self.added or self.removed or self.changed or self.passport)


def _section_label(section: dict) -> str:
    return " ".join(part for part in (section.get("number", ""), section.get("title", "")) if part)


def _periods_label(periods) -> str:
    labels = []
    for start, end in periods or []:
        first, last = dt.date.fromisoformat(start).strftime("%d.%m.%Y"), dt.date.fromisoformat(end).strftime("%d.%m.%Y")
        labels.append(first if start == end else f"{first}–{last}")
    return ", ".join(labels)


def compare(old: dict, new: dict) -> Comparison:
    """What changed from `old` to `new` (two snapshots), matching activities by identity (their key)."""
    labels = {name: str(Activity._meta.get_field(name).verbose_name) for name in COMPARED_ACTIVITY_FIELDS}
    before, after = activities_of(old), activities_of(new)
    names: dict[str, str] = {}
    codes = {code for item in [*before.values(), *after.values()] for code in item.get("executors", [])}
    if codes:
        names = dict(School.objects.filter(code__in=codes).values_list("code", "short_name"))

    def schools(item) -> str:
        return ", ".join(sorted(names.get(code, code) for code in item.get("executors", [])))

    changed = []
    for pk, was in before.items():
        now = after.get(pk)
        if now is None:
            continue
        changes = [
            Change(labels[name], str(was.get(name) or ""), str(now.get(name) or ""))
            for name in COMPARED_ACTIVITY_FIELDS
            if (was.get(name) or "") != (now.get(name) or "")
        ]
        if was["section"]["pk"] != now["section"]["pk"]:
            changes.append(Change(_("section"), _section_label(was["section"]), _section_label(now["section"])))
        if sorted(was.get("executors", [])) != sorted(now.get("executors", [])):
            changes.append(Change(_("executor schools"), schools(was), schools(now)))
        if (was.get("deadline_set_by_hand") or now.get("deadline_set_by_hand")) and was.get(
            "deadline_periods"
        ) != now.get("deadline_periods"):
            changes.append(
                Change(
                    _("dates set by hand"),
                    _periods_label(was.get("deadline_periods")),
                    _periods_label(now.get("deadline_periods")),
                )
            )
        if changes:
            changed.append(
                ActivityChange(pk, now.get("number", ""), now.get("name", ""), _section_label(now["section"]), changes)
            )

    def listed(items: dict, keys) -> list[dict]:
        return [{**items[pk], "section_label": _section_label(items[pk]["section"])} for pk in keys]

    added = listed(after, [pk for pk in after if pk not in before])
    removed = listed(before, [pk for pk in before if pk not in after])
    passport = []
    plan_before, plan_after = old.get("plan", {}), new.get("plan", {})
    for name in ["title", "period_start", "period_end", *PASSPORT_FIELDS]:
        if (plan_before.get(name) or "") != (plan_after.get(name) or ""):
            label = str(Plan._meta.get_field(name).verbose_name)
            passport.append(Change(label, str(plan_before.get(name) or ""), str(plan_after.get(name) or "")))
    return Comparison(added, removed, changed, passport)
