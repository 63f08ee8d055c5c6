"""Who may see and change the roadmaps' plans, and through a plan its sections, activities and progress reports.

Coordinators, inspectors and regional coordinators see the plans of the municipalities in their scope; a principal
(and a mentor school) sees the plans of its own schools: their school plans, their pair plans, and the municipal
plans where the school is an executor. Only the owner municipality's coordinators change a plan; a school plan's
principal also edits its content while it is a draft. An activity is seen with its plan; a progress report with its
plan by those who see every reporter, else by its own school; a school's principal reports for it, the owner
municipality's coordinators review. Built on accounts' `Scope`: outside the scope an object is a 404, a visible one
the user may not change is a 403.
"""

from django.db.models import Q
from django.http import Http404

from accounts.access import VIEW, Scope, decide, scope_of

from .models import Activity, Evidence, Level, Plan, ProgressReport
from .selectors import reporter_ids
from .states import DRAFT_STATES, is_open_for_editing, is_tracked


def _plan_q(scope: Scope) -> Q:
    own = scope.own_schools
    return (
        Q(municipality__region_id__in=scope.regions_read)
        | Q(municipality_id__in=scope.municipalities_read)
        | Q(level=Level.SCHOOL, school_id__in=own)
        | Q(level=Level.PAIR, pairing__mentor_id__in=own)
        | Q(level=Level.PAIR, pairing__mentee_id__in=own)
        | Q(level=Level.MUNICIPAL, pk__in=Activity.objects.filter(executors__in=own).values("section__plan_id"))
    )


def plans_visible_to(user):
    scope = scope_of(user)
    if scope.is_admin:
        return Plan.objects.all()
    if not scope.roles:
        return Plan.objects.none()
    return Plan.objects.filter(_plan_q(scope))


def can_create_plans(user) -> bool:
    """Coordinators create plans of their municipalities; a principal creates a school plan of their school."""
    scope = scope_of(user)
    return scope.is_admin or bool(scope.municipalities_edit) or bool(scope.principal_schools)


def can_change_plan(user, plan) -> bool:
    """Only the owner municipality's coordinators (and the administrator) change a plan."""
    scope = scope_of(user)
    return scope.is_admin or plan.municipality_id in scope.municipalities_edit


def can_edit_plan(user, plan) -> bool:
    """The plan's content (passport, sections, activities) while it is open for editing: the owner municipality's
    coordinators; for a school plan also its principal, but only while it is a draft or returned for revision."""
    if not is_open_for_editing(plan):
        return False
    if can_change_plan(user, plan):
        return True
    scope = scope_of(user)
    return plan.level == Level.SCHOOL and plan.status in DRAFT_STATES and plan.school_id in scope.principal_schools


def get_plan_for(user, pk: int, action: str = VIEW):
    plan = (
        plans_visible_to(user)
        .select_related("municipality__region", "school", "pairing__mentor", "pairing__mentee")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404
    return decide(plan, True, can_change_plan(user, plan), action)


# --- Activities and progress reports: seen through their plan.

_PLAN_SELECT = (
    "section__plan__municipality__region",
    "section__plan__school",
    "section__plan__pairing__mentor",
    "section__plan__pairing__mentee",
)


def get_activity_for(user, pk: int) -> Activity:
    """An activity of a visible plan (404 otherwise); whether the user may report on it is `may_report`."""
    activity = (
        Activity.objects.select_related(*_PLAN_SELECT).filter(pk=pk, section__plan__in=plans_visible_to(user)).first()
    )
    if activity is None:
        raise Http404
    return activity


def get_report_for(user, pk: int) -> ProgressReport:
    """A report of a visible plan whose reporter the user sees (`reporter_visible`), else a 404."""
    report = (
        ProgressReport.objects.select_related(*(f"activity__{name}" for name in _PLAN_SELECT), "school", "period")
        .filter(pk=pk, activity__section__plan__in=plans_visible_to(user))
        .first()
    )
    if report is None or not reporter_visible(user, report.activity.section.plan, report.school_id):
        raise Http404
    return report


def get_evidence_for(user, pk: int) -> Evidence:
    """An evidence file of a report the user sees (404 otherwise): downloads go through this, never a static URL."""
    evidence = Evidence.objects.select_related("report").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    evidence.report = get_report_for(user, evidence.report_id)
    return evidence


def may_report(user, activity, school, *, executor_ids=None) -> bool:
    """Whether `user` reports for `school` (None = the municipality of a municipal plan) on this activity: the
    school must be one of the activity's reporters, and the user its principal (the municipality: its coordinator);
    the administrator reports for anyone."""
    key = school.pk if school is not None else None
    if key not in reporter_ids(activity, executor_ids):
        return False
    if key is None:
        return can_change_plan(user, activity.section.plan)
    scope = scope_of(user)
    return scope.is_admin or key in scope.principal_schools


def may_review(user, plan) -> bool:
    """The owner municipality's coordinators (and the administrator) accept or return reports."""
    return is_tracked(plan) and can_change_plan(user, plan)


def sees_every_reporter(user, plan) -> bool:
    """Coordinators, inspectors and regional readers see every school's reports; a school sees its own."""
    scope = scope_of(user)
    return (
        scope.is_admin
        or plan.municipality_id in scope.municipalities_read
        or plan.municipality.region_id in scope.regions_read
    )


def reporter_visible(user, plan, school_id) -> bool:
    """Whether the user sees the reports of this reporter: all of them, or a school its own (and its mentees')."""
    if sees_every_reporter(user, plan):
        return True
    return school_id is not None and school_id in scope_of(user).own_schools
