from django import template

from accounts.access import events_visible_to
from support.export_log import can_read_export_log as export_log_open_to
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
