from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from shnor_portal.labels import choice_label
from support.access import can_read_export_log as export_log_open_to
from support.access import events_visible_to
from support.exports import params_label

register = template.Library()


@register.inclusion_tag("support/event/_school_events.html")
def school_support_events(school, user, limit: int = 10):
    """The latest support events for `school` that `user` may see (for the school's mentoring tab)."""
    events = events_visible_to(user).filter(event_schools__school=school).order_by("-start", "topic")
    return {"school": school, "events": list(events[:limit]), "limit": limit}


@register.simple_tag
def can_read_export_log(user) -> bool:
    """Whether the log of named exports is open to `user` (the municipality's coordinators, the administrator)."""
    return export_log_open_to(user)


@register.simple_tag
def export_params(params) -> str:
    """The filters of a logged export in one line (`—` when there were none)."""
    return params_label(params) or "—"


PAIRING_BADGES = {"active": "text-bg-success", "renewed": "text-bg-info"}


@register.simple_tag
def pairing_status(pairing) -> str:
    """The pairing's status as a badge: one call per row of the pairings list (an include per row cost more)."""
    return format_html(
        '<span class="badge {}">{}</span>',
        PAIRING_BADGES.get(pairing.status, "text-bg-secondary"),
        choice_label(pairing, "status"),
    )


@register.simple_tag
def pairing_rows(pairings, linked_schools=None) -> SafeString:
    """The rows of the pairings list in one pass: seven cells a row through the template were most of the page.
    Every value goes through format_html, so user text stays escaped. A school not in `linked_schools` (ids; None:
    every school) is named without a link to its page, which the reader may not open."""
    mentor_from = _("mentor from")
    return SafeString("".join(_pairing_row(pairing, mentor_from, linked_schools) for pairing in pairings))


def _school_cell(school, linked_schools) -> str:
    if linked_schools is None or school.pk in linked_schools:
        return format_html('<a href="{}">{}</a>', school.get_absolute_url(), school.short_name)
    return format_html("{}", school.short_name)


def _pairing_row(pairing, mentor_from: str, linked_schools) -> str:
    mentor, mentee = pairing.mentor, pairing.mentee
    return format_html(
        '<tr><td>{}</td><td>{}</td><td>{}{}</td><td><a href="{}">{}</a></td>'
        '<td class="text-nowrap">{}</td><td class="small">{}</td><td>{}</td></tr>\n',
        _school_cell(mentor, linked_schools),
        _school_cell(mentee, linked_schools),
        mentee.municipality.name,
        format_html('<div class="small text-muted">{} {}</div>', mentor_from, mentor.municipality.name)
        if pairing.cross_municipality
        else "",
        pairing.get_absolute_url(),
        pairing.agreement_label,
        pairing.period_label,
        pairing.basis or "—",
        pairing_status(pairing),
    )


@register.simple_tag
def event_rows(events) -> SafeString:
    """The rows of the events list in one pass (dates, type, topic, format, organiser, target schools), escaped
    through format_html like the template did."""
    targeted = format_html(' <span class="badge text-bg-warning">{}</span>', _("targeted"))
    return SafeString("".join(_event_row(event, targeted) for event in events))


def _event_row(event, targeted: str) -> str:
    schools = format_html_join(
        "",
        "<div>{}{}</div>",
        (
            (
                row.school.short_name,
                ""
                if row.participants is None
                else format_html(' <span class="text-muted">({})</span>', localize(row.participants)),
            )
            for row in event.event_schools.all()
        ),
    )
    return format_html(
        '<tr><td class="text-nowrap">{}</td><td>{}{}</td><td><a href="{}">{}</a></td><td>{}</td>'
        '<td class="small">{}</td><td class="small">{}</td></tr>\n',
        event.dates_label,
        choice_label(event, "type"),
        targeted if event.is_targeted else "",
        event.get_absolute_url(),
        event.topic,
        choice_label(event, "format"),
        event.organiser_label,
        schools or "—",
    )
