"""Per-row pieces of the registry's tables, rendered in Python.

The registry list and the dashboards show a status badge and an ИОР trend in each of 50 rows: as includes, with
`get_status_display` (which rebuilds its choices dict and translates every label on each call), they were a large
part of those pages' time. These tags write the same markup in one call per row.
"""

from html import escape as html_escape

from django import forms, template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shnor_portal.labels import choice_label

register = template.Library()


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


DASH = "—"


@register.simple_tag
def school_rows(schools) -> SafeString:
    """The rows of the registry list, written in one pass.

    Nine cells a row of 50 rows through template loops, filters and blocktranslate were three quarters of the page's
    time; format_html per cell still a fifth of it. Every value goes through `_e`, so user text stays escaped."""
    rural = format_html(' <span class="badge text-bg-light">{}</span>', _("rural"))
    return SafeString("".join(_school_row(school, rural) for school in schools))


def _e(value) -> str:
    """`conditional_escape` without its lazy-string wrapper (the same html.escape): safe markup passes as it is."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_escape(str(value))


def _school_row(school, rural: str) -> str:
    listings = school.year_listings
    statuses = status_badges(listings) if listings else '<span class="text-muted">—</span>'
    models = "".join(_e(choice_label(listing, "support_model")) for listing in listings if listing.support_model)
    mentors = "".join(f"<div>{_e(pairing.mentor.short_name)}</div>" for pairing in school.year_mentors) or DASH
    return (
        f'<tr><td><a href="{_e(school.get_absolute_url())}">{_e(school.short_name)}</a>'
        f'<div class="small text-muted">{_e(choice_label(school, "type"))}</div></td>'
        f"<td>{_e(school.municipality.name)}</td><td>{_e(school.settlement or DASH)}{rural if school.is_rural else ''}"
        f'</td><td>{statuses}</td><td class="text-end text-nowrap">{ior_trend(school)}</td>'
        f'<td class="small text-nowrap">{_risk_badges(school.risks_high, school.risks_medium)}</td>'
        f'<td class="small">{_bases(listings)}</td><td class="small">{models}</td>'
        f'<td class="small">{mentors}</td></tr>\n'
    )


@register.simple_tag
def attention_rows(schools) -> SafeString:
    """The dashboard's rows of schools under support (school, municipality, statuses, mentors), in one pass."""
    return SafeString(
        "".join(
            format_html(
                '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>\n',
                school.get_absolute_url(),
                school.short_name,
                school.municipality.name,
                status_badges(school.year_listings),
                format_html_join(", ", "{}", ((pairing.mentor.short_name,) for pairing in school.year_mentors)) or DASH,
            )
            for school in schools
        )
    )


def _risk_badges(high: int, medium: int) -> str:
    if not (high or medium):
        return DASH
    badges = [
        format_html('<span class="badge risk-high text-dark">{}</span>', _count("%(counter)s high", high))
        if high
        else "",
        format_html('<span class="badge risk-medium text-dark">{}</span>', _count("%(counter)s medium", medium))
        if medium
        else "",
    ]
    return format_html("{} {}", *badges)


def _count(message: str, counter: int) -> str:
    # The same msgid as `{% blocktranslate count counter=… %}{{ counter }} high{% plural %}…` writes.
    return ngettext(message, message, counter) % {"counter": counter}


def _bases(listings) -> SafeString:
    """The listings' bases, consecutive equal ones once (as `{% regroup %}`), the full text in the title."""
    groups: list[tuple[str, str]] = []
    for listing in listings:
        short = listing.basis_short
        if not groups or groups[-1][0] != short:
            groups.append((short, listing.basis_label))
    return format_html_join("", '<div title="{}">{}</div>', ((label, short) for short, label in groups))


@register.simple_tag
def filter_field(field) -> SafeString:
    """A field of a list's filter form with Bootstrap's label, control classes and errors, as crispy writes it.

    Crispy's field template took a quarter of the registry page (seven fields on every page); filters need only the
    label, the control and its errors."""
    widget = field.field.widget
    classes = [type(widget).__name__.lower(), "form-select" if isinstance(widget, forms.Select) else "form-control"]
    attrs = {}
    if field.errors:
        classes.append("is-invalid")
        attrs = {"aria-invalid": "true", "aria-describedby": f"{field.auto_id}_error"}
    existing = widget.attrs.get("class")
    attrs["class"] = " ".join([existing, *classes] if existing else classes)
    errors = format_html_join(
        "",
        '<p id="error_{}_{}"><strong>{}</strong></p>',
        ((number, field.auto_id, error) for number, error in enumerate(field.errors, start=1)),
    )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
        field.auto_id,
        field.id_for_label,
        field.label,
        field.as_widget(attrs=attrs),
        format_html('<div id="{}_error" class="invalid-feedback">{}</div>', field.auto_id, errors) if errors else "",
        format_html('<div class="form-text">{}</div>', field.help_text) if field.help_text else "",
    )
