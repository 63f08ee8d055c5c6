"""Editing a plan's content: the plan itself (owner, passport, period), its sections and activities, their order,
numbers and hand-set deadlines. Every write of the editing views goes through here.

Permissions are the views' business (roadmaps/access.py: get_plan_for, can_edit_plan), asked once more under the
plan's row lock for every write (`lock_for_editing`); these functions keep the plan consistent: deadlines re-read
when the text they depend on changes (the activity's own, its stage's, the plan's period), orders packed depth first
after a change of the tree, activities with progress reports never deleted, executors only schools that can report
on the plan (`executor_schools`). Reordering writes with bulk updates (history rows included): a bounded number of
queries.
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_update_with_history

from registry.models import School
from shnor_portal.audit.recording import record_bulk

from .access import can_edit_plan
from .deadlines import Kind, read_deadline
from .models import Activity, Level, Plan, PlanStatus, ProgressReport, Section
from .numbering import renumber

UP, DOWN = "up", "down"

__all__ = [
    "EditRefused",
    "clear_hand_set_periods",
    "create_plan",
    "delete_activity",
    "delete_section",
    "executor_schools",
    "lock_for_editing",
    "move_activity",
    "move_activity_to",
    "move_section",
    "plan_counts",
    "plan_sections",
    "renumber",
    "save_activity",
    "save_section",
    "set_periods_by_hand",
    "update_plan",
]


class EditRefused(Exception):
    """An edit the plan does not allow; the message says why, in Russian."""


# --- Reading the table ---------------------------------------------------------------------------------------------


def plan_sections(plan: Plan) -> list[Section]:
    """The plan's sections in order with their activities and executor schools: three queries."""
    activities = Activity.objects.prefetch_related("executors").order_by("order", "pk")
    return list(
        Section.objects.filter(plan=plan)
        .prefetch_related(Prefetch("activities", queryset=activities))
        .order_by("order", "pk")
    )


def plan_counts(plan: Plan) -> dict:
    return Activity.objects.filter(section__plan=plan).aggregate(
        total=Count("pk"),
        unparsed=Count("pk", filter=Q(deadline_kind=Kind.UNPARSED)),
        outside=Count("pk", filter=Q(outside_period=True)),
    )


# --- Plans ---------------------------------------------------------------------------------------------------------


def lock_for_editing(user, plan: Plan) -> Plan:
    """The plan row locked for the rest of the caller's transaction, and the editing rule asked again on it.

    An amendment is applied or withdrawn (and a plan sent on in its lifecycle) under the same lock: an edit that
    waited for it sees the plan as that left it, and is refused (PermissionDenied) when it is no longer open for
    editing or no longer this user's to edit. Must be called inside a transaction.
    """
    locked = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("municipality__region", "school", "pairing__mentor", "pairing__mentee")
        .get(pk=plan.pk)
    )
    if not can_edit_plan(user, locked):
        raise PermissionDenied
    return locked


def plan_has_funding(plan: Plan) -> bool:
    """Whether any activity of the plan names a funding source or an amount (seed 003): its page and forms then show
    the funding columns, a plan without them keeps the seeds' five columns."""
    return Activity.objects.filter(section__plan=plan).exclude(funding_source="", funding={}).exists()


def executor_schools(plan: Plan) -> QuerySet:
    """The schools that may be executors of the plan's activities: those that can see the plan in «Мои задачи»
    and report on it. A municipal plan's are the municipality's schools; a school plan's only its school; a pair
    plan's its mentor and supported schools."""
    schools = School.objects.order_by("short_name")
    if plan.level == Level.SCHOOL:
        return schools.filter(pk=plan.school_id)
    if plan.level == Level.PAIR:
        pairing = plan.pairing
        return schools.filter(pk__in=[pairing.mentor_id, pairing.mentee_id]) if pairing else schools.none()
    return schools.filter(municipality_id=plan.municipality_id)


@transaction.atomic
def create_plan(form) -> Plan:
    """A new draft plan from a valid PlanCreateForm."""
    plan = form.save(commit=False)
    plan.status = PlanStatus.DRAFT
    plan.save()
    return plan


@transaction.atomic
def update_plan(form) -> Plan:
    """The passport and period from a valid PlanEditForm; a new period re-reads every deadline against it."""
    period_changed = bool({"period_start", "period_end"} & set(form.changed_data))
    plan = form.save()
    if period_changed:
        reread_deadlines(plan)
    return plan


def reread_deadlines(plan: Plan, activities=None) -> None:
    """Read the deadlines again (after the plan's period or a stage's deadline changed)."""
    if activities is None:
        activities = Activity.objects.filter(section__plan=plan).select_related("section")
    for activity in activities:
        activity.section.plan = plan
        activity.save()


# --- Activities ----------------------------------------------------------------------------------------------------


def _next_order(section: Section) -> int:
    return (Activity.objects.filter(section=section).aggregate(last=Max("order"))["last"] or 0) + 1


def save_activity(form) -> Activity | None:
    """Save an ActivityForm (a new activity goes to the end of its section); None when the form is invalid.

    A deadline set by hand stays set by hand when the text is edited, unless the reader can now read the new text.
    """
    if not form.is_valid():
        return None
    with transaction.atomic():
        activity = form.save(commit=False)
        target: Section = form.cleaned_data["section"]
        target.plan = form.plan
        if activity.pk is None or activity.section_id != target.pk:
            activity.order = _next_order(target)
        activity.section = target
        if activity.deadline_set_by_hand and "deadline_text" in form.changed_data:
            text = activity.deadline_text or target.deadline_text
            if read_deadline(text, form.plan.period_start, form.plan.period_end).kind != Kind.UNPARSED:
                activity.deadline_set_by_hand = False
        activity.save()
        form.save_m2m()
    return activity


@transaction.atomic
def delete_activity(activity: Activity) -> None:
    """Delete an activity; refused when schools have reported on it (the reports would go with it)."""
    reported = ProgressReport.objects.filter(activity=activity).count()
    if reported:
        raise EditRefused(
            ngettext(
                "The activity has %(count)s progress report: it cannot be deleted.",
                "The activity has %(count)s progress reports: it cannot be deleted.",
                reported,
            )
            % {"count": reported}
        )
    activity.delete()


@transaction.atomic
def move_activity(activity: Activity, direction: str, *, user=None) -> bool:
    """Move an activity one place up or down within its section; False at the edge. Two queries and a bulk write."""
    siblings = list(Activity.objects.filter(section_id=activity.section_id).order_by("order", "pk"))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == activity.pk)
    other = index - 1 if direction == UP else index + 1
    if direction not in (UP, DOWN) or not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    _write_orders(siblings, Activity, user)
    return True


@transaction.atomic
def move_activity_to(activity: Activity, section: Section) -> bool:
    """Move an activity to the end of another section of the same plan (its deadline is read again: the new stage's
    deadline may be the one it inherits)."""
    if section.pk == activity.section_id:
        return False
    if section.plan_id != activity.section.plan_id:
        raise EditRefused(_("The activity can only move to a section of its own plan."))
    activity.order = _next_order(section)
    activity.section = section
    activity.save()
    return True


@transaction.atomic
def set_periods_by_hand(activity: Activity, periods) -> Activity:
    """The coordinator's own periods for a deadline the reader could not read; the text stays as written."""
    if not periods:
        raise EditRefused(_("Give at least one period, or return the deadline to the reader."))
    activity.deadline_set_by_hand = True
    activity.deadline_periods = [[start.isoformat(), end.isoformat()] for start, end in sorted(set(periods))]
    activity.save()
    return activity


@transaction.atomic
def clear_hand_set_periods(activity: Activity) -> Activity:
    """Back to the reader: the deadline text is read again."""
    activity.deadline_set_by_hand = False
    activity.save()
    return activity


def _write_orders(rows, model, user) -> int:
    changed = []
    for position, row in enumerate(rows, start=1):
        if row.order != position:
            row.order = position
            changed.append(row)
    if changed:
        bulk_update_with_history(changed, model, ["order"], batch_size=500, default_user=user)
        record_bulk(model, changed, fields=["order"])  # bulk writes send no signal: the audit trail is told itself
    return len(changed)


# --- Sections ------------------------------------------------------------------------------------------------------


def save_section(form, *, user=None) -> Section | None:
    """Save a SectionForm; None when it is invalid. A new section goes to the end of its parent; a changed stage
    deadline is read again for the activities that inherit it."""
    if not form.is_valid():
        return None
    with transaction.atomic():
        section = form.save(commit=False)
        section.plan = form.plan
        if section.pk is None:
            section.order = (Section.objects.filter(plan=form.plan).aggregate(last=Max("order"))["last"] or 0) + 1
        section.save()
        _pack_sections(form.plan, user=user)
        if "deadline_text" in form.changed_data:
            inheriting = section.activities.filter(deadline_text="", deadline_set_by_hand=False)
            section.plan = form.plan
            for activity in inheriting:
                activity.section = section
                activity.save()
    return section


def _subtree_ids(section: Section, sections) -> set[int]:
    children = defaultdict(list)
    for row in sections:
        children[row.parent_id].append(row.pk)
    found, stack = set(), [section.pk]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children[current])
    return found


@transaction.atomic
def delete_section(section: Section, *, user=None) -> int:
    """Delete a section with its nested sections and their activities; how many activities went. Refused when
    schools have reported on any of them."""
    plan = section.plan
    ids = _subtree_ids(section, Section.objects.filter(plan=plan).only("pk", "parent_id"))
    reported = ProgressReport.objects.filter(activity__section_id__in=ids).count()
    if reported:
        raise EditRefused(
            ngettext(
                "The section's activities have %(count)s progress report: the section cannot be deleted.",
                "The section's activities have %(count)s progress reports: the section cannot be deleted.",
                reported,
            )
            % {"count": reported}
        )
    activities = Activity.objects.filter(section_id__in=ids).count()
    Section.objects.filter(pk__in=ids).delete()
    _pack_sections(plan, user=user)
    return activities


@transaction.atomic
def move_section(section: Section, direction: str, *, user=None) -> bool:
    """Move a section (with what is nested in it) one place up or down among its siblings; False at the edge."""
    sections = list(Section.objects.filter(plan_id=section.plan_id).order_by("order", "pk"))
    siblings = [s for s in sections if s.parent_id == section.parent_id]
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == section.pk)
    other = index - 1 if direction == UP else index + 1
    if direction not in (UP, DOWN) or not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    _pack_sections(section.plan, sections=sections, siblings={section.parent_id: siblings}, user=user)
    return True


def _pack_sections(plan: Plan, *, sections=None, siblings=None, user=None) -> int:
    """Orders 1…n depth first: a section right after its parent and the sections nested before it."""
    if sections is None:
        sections = list(Section.objects.filter(plan=plan).order_by("order", "pk"))
    known = {s.pk for s in sections}
    children = defaultdict(list)
    for row in sections:
        children[row.parent_id if row.parent_id in known else None].append(row)
    children.update(siblings or {})
    ordered, seen = [], set()

    def walk(parent_id):
        for child in children.get(parent_id, []):
            if child.pk not in seen:
                seen.add(child.pk)
                ordered.append(child)
                walk(child.pk)

    walk(None)
    ordered.extend(s for s in sections if s.pk not in seen)
    return _write_orders(ordered, Section, user)
