"""Results as documents published them (PublishedResult): shown as written, beside the ones the portal computes."""

from django.utils.translation import gettext_lazy as _

from shnor_portal.numbers import format_column

from .models import PublishedResult

# The figure columns, in the order of the source tables; a school's table shows the ones it has values for.
COLUMNS = (
    ("participants", _("participants")),
    ("max_score", _("maximum score of the work")),
    ("mean_primary", _("mean primary score")),
    ("mean_mark", _("mean mark")),
    ("mean_score", _("mean score")),
    ("best_score", _("best score of a participant")),
    ("quality_pct", _("quality, %")),
    ("success_pct", _("success, %")),
    ("confirmed_pct", _("confirmed, %")),
    ("raised_pct", _("raised, %")),
    ("lowered_pct", _("lowered, %")),
)


def published_results(school) -> dict:
    """{"columns": [(field, label)], "rows": [(result, [values as text])], "sources": [...]} of a school: one query.
    The figures are the document's; they are written by the portal's one rule (means two decimals, percentages one,
    a decimal comma), so that a published 3,8 reads «3,80» beside the computed «3,75»."""
    results = list(PublishedResult.objects.filter(school=school).select_related("subject"))
    columns = [(name, label) for name, label in COLUMNS if any(getattr(r, name) is not None for r in results)]
    return {
        "columns": columns,
        "rows": [
            (result, [format_column(getattr(result, name), name, "") for name, _label in columns]) for result in results
        ],
        "sources": sorted({result.source for result in results}),
    }
