"""Role assignments in the audit trail (shnor_portal/audit): who was given which role where is a security question.

An assignment to a municipality or a school belongs there; one to a region or the whole installation has no
municipality, so only the administrator reads it. Names of people: the entries are `personal`.
"""

from shnor_portal.audit.registry import register


def _place(assignment):
    if assignment.school_id:
        return assignment.school.municipality_id, assignment.school_id
    return assignment.municipality_id, None


def register_models():
    from .models import RoleAssignment

    register(RoleAssignment, place=_place, personal=True)
