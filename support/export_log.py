"""Exports of lists with people's names (teachers, the risk group, named participants) are personal data leaving the
portal: each one is logged in the request that serves the file, with who, when, which list, its filters and its size.
The log itself is read by the municipality's coordinators and the administrator.
"""

from accounts.access import municipalities_editable_by, scope_of

from .models import ExportLog

IGNORED_PARAMS = {"export", "page", "csrfmiddlewaretoken"}
MAX_PARAMS = 20
MAX_VALUE = 200


def _clean(text: str) -> str:
    # PostgreSQL's jsonb refuses the NUL character; nothing else is changed.
    return text.replace("\x00", "")[:MAX_VALUE]


def request_params(request) -> dict:
    """The request's filters as they were typed (bounded: a hostile query string cannot bloat the log)."""
    params = {}
    for key, values in request.GET.lists():
        if key in IGNORED_PARAMS or len(params) >= MAX_PARAMS:
            continue
        values = [_clean(value) for value in values if _clean(value)]
        if values and _clean(key):
            params[_clean(key)] = values[0] if len(values) == 1 else values[:MAX_PARAMS]
    return params


def log_named_export(request, *, kind, description: str, rows: int, municipality, school=None, params=None):
    """Write the log row of a named export; the caller then returns the file (same request, same transaction)."""
    return ExportLog.objects.create(
        user=request.user,
        username=request.user.get_username(),
        kind=kind,
        description=description[:500],
        params=request_params(request) if params is None else params,
        rows=rows,
        municipality=municipality,
        school=school,
    )


def can_read_export_log(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or bool(scope.municipalities_edit)


def export_logs_visible_to(user):
    """The log rows of the municipalities the user coordinates (every row for the administrator)."""
    if scope_of(user).is_admin:
        return ExportLog.objects.all()
    return ExportLog.objects.filter(municipality__in=municipalities_editable_by(user))
