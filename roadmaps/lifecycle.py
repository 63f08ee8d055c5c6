"""The plan's lifecycle: черновик → на согласовании → утверждён → исполняется → завершён, with «возвращён
на доработку». An approved plan changes only through an open amendment.

Which states leave the content open for editing is `states.py` (the editing views and the access rules ask it);
the transitions live here, as service functions that refuse with a LifecycleError (its message in Russian) whatever
is not allowed: the wrong state, or the wrong person (then a NotPermitted, which the views turn into a 403).

Who did each transition, and when, is the plan's simple-history: the user is set on the instance (and by the history
middleware in a request), the comment goes in as the change reason; `approval_history` reads the status changes back.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Value, Window
from django.db.models.functions import Coalesce, Lag
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import scope_of

from .access import can_change_plan
from .models import Activity, Amendment, Level, Plan, PlanStatus, PlanVersion, clean_order_number
from .states import APPROVED_STATES, DRAFT_STATES, open_amendment
from .versions import RestoreRefused, record_version, restore_snapshot


class LifecycleError(Exception):
    """A transition or an amendment refused; the message says why, in Russian. `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(LifecycleError):
    """The user may see the plan but not do this to it."""


# --- Transitions ---------------------------------------------------------------------------------------------------

SUBMIT, RETURN, APPROVE, START, COMPLETE = "submit", "return", "approve", "start", "complete"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str
    label: object  # lazy text of the button


TRANSITIONS = {
    SUBMIT: Transition(SUBMIT, DRAFT_STATES, PlanStatus.REVIEW, gettext_lazy("Submit for approval")),
    RETURN: Transition(
        RETURN, frozenset({PlanStatus.REVIEW}), PlanStatus.RETURNED, gettext_lazy("Return for revision")
    ),
    APPROVE: Transition(APPROVE, frozenset({PlanStatus.REVIEW}), PlanStatus.APPROVED, gettext_lazy("Approve")),
    START: Transition(START, frozenset({PlanStatus.APPROVED}), PlanStatus.IN_PROGRESS, gettext_lazy("Start execution")),
    COMPLETE: Transition(
        COMPLETE, frozenset({PlanStatus.IN_PROGRESS}), PlanStatus.COMPLETED, gettext_lazy("Complete and archive")
    ),
}


def may(user, plan: Plan, action: str) -> bool:
    """The role rule of a transition (the state is checked apart): the owner municipality's coordinators do every
    transition; a school plan's principal also submits it for approval."""
    if can_change_plan(user, plan):
        return True
    if action == SUBMIT and plan.level == Level.SCHOOL:
        return plan.school_id in scope_of(user).principal_schools
    return False


def may_amend(user, plan: Plan) -> bool:
    return can_change_plan(user, plan)


def available(user, plan: Plan) -> list[Transition]:
    """The transitions this user may do to the plan now."""
    return [t for t in TRANSITIONS.values() if plan.status in t.sources and may(user, plan, t.action)]


def _locked(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _check(user, plan: Plan, action: str) -> Transition:
    transition = TRANSITIONS[action]
    if not may(user, plan, action):
        raise NotPermitted(_("You may not do this to this plan: «%(action)s».") % {"action": transition.label})
    if plan.status not in transition.sources:
        raise LifecycleError(
            _("A plan that is «%(status)s» cannot be sent on with «%(action)s».")
            % {"status": plan.get_status_display(), "action": transition.label}
        )
    return transition


def _move(plan: Plan, user, transition: Transition, reason: str, **values) -> Plan:
    plan.status = transition.target
    for name, value in values.items():
        setattr(plan, name, value)
    plan._history_user = user
    plan._change_reason = reason
    plan.save()
    return plan


def submit(plan: Plan, user, comment: str = "") -> Plan:
    """Draft or returned → under review; the plan needs at least one activity."""
    with transaction.atomic():
        plan = _locked(plan)
        transition = _check(user, plan, SUBMIT)
        if not Activity.objects.filter(section__plan=plan).exists():
            raise LifecycleError(_("A plan without a single activity cannot be submitted for approval."))
        return _move(plan, user, transition, comment.strip(), status_comment="")


def return_for_revision(plan: Plan, user, comment: str) -> Plan:
    """Under review → returned for revision, with the coordinator's comment (required)."""
    comment = (comment or "").strip()
    with transaction.atomic():
        plan = _locked(plan)
        transition = _check(user, plan, RETURN)
        if not comment:
            raise LifecycleError(_("Say what has to be revised."), field="comment")
        return _move(plan, user, transition, comment, status_comment=comment)


def approve(plan: Plan, user, number: str, date: dt.date | None, approved_by: str = "") -> PlanVersion:
    """Under review → approved by an order (number and date required); the approved plan is kept as a version."""
    number, approved_by = clean_order_number(number), (approved_by or "").strip()
    with transaction.atomic():
        plan = _locked(plan)
        transition = _check(user, plan, APPROVE)
        if not number:
            raise LifecycleError(_("Give the number of the approving order."), field="approval_number")
        if date is None:
            raise LifecycleError(_("Give the date of the approving order."), field="approval_date")
        reason = _("Approved by order No. %(number)s of %(date)s") % {
            "number": number,
            "date": date.strftime("%d.%m.%Y"),
        }
        if approved_by:
            reason += f" ({approved_by})"
        _move(
            plan,
            user,
            transition,
            reason,
            approval_number=number[:100],
            approval_date=date,
            approved_by=approved_by[:500],
            status_comment="",
        )
        return record_version(plan, user, reason)


def start_execution(plan: Plan, user) -> Plan:
    with transaction.atomic():
        plan = _locked(plan)
        return _move(plan, user, _check(user, plan, START), "")


def complete(plan: Plan, user) -> Plan:
    """In progress → completed (the archive); not while an amendment is open."""
    with transaction.atomic():
        plan = _locked(plan)
        transition = _check(user, plan, COMPLETE)
        if open_amendment(plan) is not None:
            raise LifecycleError(_("Apply or withdraw the open amendment before completing the plan."))
        return _move(plan, user, transition, "")


def transition(plan: Plan, user, action: str, **data):
    """One entry for the views: the transition named `action` with its form's data."""
    if action == SUBMIT:
        return submit(plan, user, data.get("comment", ""))
    if action == RETURN:
        return return_for_revision(plan, user, data.get("comment", ""))
    if action == APPROVE:
        return approve(plan, user, data.get("approval_number", ""), data.get("approval_date"), data.get("approved_by"))
    if action == START:
        return start_execution(plan, user)
    if action == COMPLETE:
        return complete(plan, user)
    raise LifecycleError(_("There is no such step of the plan's lifecycle."))


# --- Amendments ----------------------------------------------------------------------------------------------------


def begin_amendment(plan: Plan, user, reason: str) -> Amendment:
    """Open an amendment of an approved (or executing) plan, with its reason: while it is open the plan is edited.

    A plan approved before versions were kept (the demo's, an old import) first gets its version as approved, so
    that withdrawing has something to go back to.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        plan = _locked(plan)
        if not may_amend(user, plan):
            raise NotPermitted(_("Only the coordinators of the plan's municipality amend it."))
        if plan.status not in APPROVED_STATES:
            raise LifecycleError(
                _("Only an approved plan is amended; a plan that is «%(status)s» is edited directly or not at all.")
                % {"status": plan.get_status_display()}
            )
        if not reason:
            raise LifecycleError(_("Say why the plan is being amended."), field="reason")
        if not plan.versions.exists():
            record_version(plan, user, _("As approved: %(approval)s") % {"approval": plan.approval_label or "—"})
        number = (plan.amendments.aggregate(last=Max("number"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                return Amendment.objects.create(
                    plan=plan, number=number, reason=reason, opened_by=user, opened_at=timezone.now()
                )
        except IntegrityError as exc:
            raise LifecycleError(_("An amendment of this plan is already open: apply or withdraw it first.")) from exc


def _open_amendment_locked(plan: Plan, amendment: Amendment) -> Amendment:
    amendment = Amendment.objects.select_for_update().filter(pk=amendment.pk, plan=plan).first()
    if amendment is None or amendment.status != Amendment.Status.OPEN:
        raise LifecycleError(_("This amendment is no longer open."))
    return amendment


def apply_amendment(
    amendment: Amendment, user, order_number: str = "", order_date: dt.date | None = None
) -> PlanVersion:
    """Close the amendment by recording the plan as it now stands as the next version, with the reason and, if
    given, the amending order."""
    with transaction.atomic():
        plan = _locked(amendment.plan)
        if not may_amend(user, plan):
            raise NotPermitted(_("Only the coordinators of the plan's municipality amend it."))
        amendment = _open_amendment_locked(plan, amendment)
        order_number = clean_order_number(order_number)[:100]
        if order_date and not order_number:
            raise LifecycleError(_("Give the number of the order as well as its date."), field="order_number")
        reason = _("Amendment No. %(number)s: %(reason)s") % {"number": amendment.number, "reason": amendment.reason}
        if order_number:
            reason += " — " + _("order No. %(number)s") % {"number": order_number}
            if order_date:
                reason += " " + _("of %(date)s") % {"date": order_date.strftime("%d.%m.%Y")}
        version = record_version(plan, user, reason)
        amendment.status = Amendment.Status.APPLIED
        amendment.closed_by, amendment.closed_at = user, timezone.now()
        amendment.order_number, amendment.order_date = order_number, order_date
        amendment.version = version
        amendment.save()
        return version


def withdraw_amendment(amendment: Amendment, user) -> Amendment:
    """Close the amendment without a version: the plan's content goes back to the last version's snapshot. Refused
    if that would delete activities added since that already have progress reports."""
    with transaction.atomic():
        plan = _locked(amendment.plan)
        if not may_amend(user, plan):
            raise NotPermitted(_("Only the coordinators of the plan's municipality amend it."))
        amendment = _open_amendment_locked(plan, amendment)
        last = plan.versions.order_by("-number").first()
        if last is not None:
            try:
                restore_snapshot(plan, last.snapshot, user=user)
            except RestoreRefused as exc:
                raise LifecycleError(str(exc)) from exc
        amendment.status = Amendment.Status.WITHDRAWN
        amendment.closed_by, amendment.closed_at = user, timezone.now()
        amendment.save()
        return amendment


# --- History -------------------------------------------------------------------------------------------------------


def approval_history(plan: Plan):
    """The plan's status changes, oldest first: who, when, from what to what, with the comment. One query (the
    previous status of each history row comes from a window function)."""
    previous = Window(Lag("status"), partition_by=[F("id")], order_by=[F("history_date").asc(), F("history_id").asc()])
    return (
        plan.history.annotate(previous_status=Coalesce(previous, Value("")))
        .exclude(previous_status=F("status"))
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
