"""Which of a plan's states leave its content open for editing, and which take progress reports.

Kept apart from `lifecycle.py` (the transitions) because both the transitions and the access rules
(`roadmaps/access.py`: `can_edit_plan`, `may_review`) ask it, and the transitions ask the access rules in turn.
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


def is_tracked(plan) -> bool:
    """Only an approved plan or one in progress takes reports and reviews."""
    return plan.status in APPROVED_STATES
