"""Exports of lists with people's names (teachers, the risk group, named participants) are personal data leaving the
portal: each one is logged in the request that serves the file, with who, when, which list, its filters and its size.
The log itself is read by the municipality's coordinators and the administrator (support/access.py).
"""

from .models import ExportLog

MAX_VALUE = 200


def _clean(text: str) -> str:
    # PostgreSQL's jsonb refuses the NUL character; nothing else is changed.
    return text.replace("\x00", "")[:MAX_VALUE]


def _as_text(field, value) -> str:
    if hasattr(value, "pk"):
        return str(getattr(value, getattr(field, "to_field_name", None) or "pk"))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def applied_filters(form) -> dict:
    """The filters the list was actually built with: the set values of the form's cleaned data, as strings (the raw
    query string is not recorded: a repeated, empty or unknown parameter says nothing about the exported rows). A form
    that refused its input applied nothing: the refused field names are recorded under «invalid»."""
    if not form.is_bound:
        return {}
    if not form.is_valid():
        return {"invalid": ", ".join(sorted(form.errors))}
    params = {}
    for name, value in form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = form.fields[name]
        if isinstance(value, list | tuple | set) or hasattr(value, "model"):
            params[name] = [_clean(_as_text(field, item)) for item in value]
        else:
            params[name] = _clean(_as_text(field, value))
    return params


def log_named_export(request, *, kind, description: str, rows: int, municipality, school=None, params=None):
    """Write the log row of a named export; the caller then returns the file (same request, same transaction).
    `params` are the filters applied to the exported list (applied_filters), never the raw query string."""
    return ExportLog.objects.create(
        user=request.user,
        username=request.user.get_username(),
        kind=kind,
        description=description[:500],
        params=params or {},
        rows=rows,
        municipality=municipality,
        school=school,
    )
