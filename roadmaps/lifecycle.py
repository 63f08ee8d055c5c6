"""The plan's lifecycle (SPEC §2.2): черновик → на согласовании → утверждён → исполняется → завершён, with «возвращён
на доработку». An approved plan changes only through an open amendment.

`is_open_for_editing` is what the editing views and the access service ask; the transitions live here too.
"""

from .models import Amendment, Plan, PlanStatus

# While a plan is in one of these states its content (passport, sections, activities) may be edited directly.
DRAFT_STATES = frozenset({PlanStatus.DRAFT, PlanStatus.RETURNED})
# In these, only through an open amendment.
APPROVED_STATES = frozenset({PlanStatus.APPROVED, PlanStatus.IN_PROGRESS})


def open_amendment(plan: Plan) -> Amendment | None:
    return plan.amendments.filter(status=Amendment.Status.OPEN).first()


def is_open_for_editing(plan: Plan) -> bool:
    if plan.status in DRAFT_STATES:
        return True
    return plan.status in APPROVED_STATES and open_amendment(plan) is not None
