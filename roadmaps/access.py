"""Who may see and change the roadmaps' plans, and through a plan its sections, activities and progress reports.

Coordinators, inspectors and regional coordinators see the plans of the municipalities in their scope; a principal
(and a mentor school) sees the plans of its own schools: their school plans, their pair plans, and the municipal
plans where the school is an executor. Only the owner municipality's coordinators change a plan; a school plan's
principal also edits its content while it is a draft. Built on accounts' `Scope`: outside the scope a plan is a 404,
a visible plan the user may not change is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from accounts.access import CHANGE, VIEW, Scope, scope_of

from .models import Activity, Level, Plan
from .states import DRAFT_STATES, is_open_for_editing


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
    if action == CHANGE and not can_change_plan(user, plan):
        raise PermissionDenied
    return plan
