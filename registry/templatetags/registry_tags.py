"""Per-row pieces of the registry's tables, rendered in Python.

The registry list and the dashboards show a status badge and an ИОР trend in each of 50 rows: as includes, with
`get_status_display` (which rebuilds its choices dict and translates every label on each call), they were a large
part of those pages' time. These tags write the same markup in one call per row.
"""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()
_labels: dict[tuple, dict[str, str]] = {}


def choice_label(instance, field_name: str) -> str:
    """What `get_<field>_display()` returns, from a table of translated labels kept per model, field and language."""
    key = (type(instance), field_name, get_language())
    labels = _labels.get(key)
    if labels is None:
        field = instance._meta.get_field(field_name)
        labels = _labels[key] = {str(value): str(label) for value, label in field.flatchoices}
    value = getattr(instance, field_name)
    return labels.get(str(value), value)


@register.filter
def display(instance, field_name: str) -> str:
    """`{{ school|display:"type" }}`: the label of a choice field, as `get_type_display`, without its cost."""
    return choice_label(instance, field_name)


@register.simple_tag
def status_badges(listings) -> SafeString:
    """A badge per listing: its status, with the period and the basis in the title."""
    return format_html_join(
        "",
        '<span class="badge status-{}" title="{}">{}</span>\n',
        (
            (
                listing.status,
                f"{listing.period_label} · {listing.basis_label}" if listing.basis_label else listing.period_label,
                choice_label(listing, "status"),
            )
            for listing in listings
        ),
    )


@register.simple_tag
def ior_trend(school) -> SafeString:
    """The school's ИОР with an arrow against the year before, or a dash when there is no ИОР."""
    if school.ior is None:
        return mark_safe('<span class="text-muted">—</span>')
    value = floatformat(school.ior, 3)
    previous = school.ior_previous
    if previous is None:
        return format_html("{}", value)
    if school.ior > previous:
        arrow = format_html(' <span class="text-success" title="{}">▲</span>', _("higher than the year before"))
    elif school.ior < previous:
        arrow = format_html(' <span class="text-danger" title="{}">▼</span>', _("lower than the year before"))
    else:
        arrow = format_html(' <span class="text-muted" title="{}">＝</span>', _("as the year before"))
    return format_html("{}{}", value, arrow)
