from .access import may_read_audit, scope_of
from .models import Role


def navigation(request):
    """Which menu entries the signed-in user gets; access itself is still checked by every view."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    return {
        "nav": {
            "registry": bool(scope.roles),
            "admin": user.is_staff,
            "is_coordinator": scope.has(Role.MUNICIPAL_COORDINATOR) or scope.is_admin,
            # «Мои задачи» are the activities of one's own schools: principals and mentor schools have them.
            "tasks": bool(scope.principal_schools or scope.mentor_schools),
            "audit": may_read_audit(user),
            # «Целевые показатели»: those who oversee a municipality or a region, and principals (reports/access.py).
            "indicators": scope.is_admin
            or bool(scope.regions_read or scope.municipalities_read or scope.principal_schools),
            # «Реестр документов»: the same readers as the indicators (reports.access.may_list_documents).
            "documents": scope.is_admin
            or bool(scope.regions_read or scope.municipalities_read or scope.principal_schools),
            # The report centre: those who oversee a municipality or a region (reports/access.py).
            "report_centre": scope.is_admin or bool(scope.regions_read or scope.municipalities_read),
        },
        "user_roles": [Role(role).label for role in Role.values if role in scope.roles],
    }
