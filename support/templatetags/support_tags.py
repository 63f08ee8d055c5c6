from django import template

from accounts.access import events_visible_to

register = template.Library()


@register.inclusion_tag("support/event/_school_events.html")
def school_support_events(school, user, limit: int = 10):
    """The latest support events for `school` that `user` may see (for the school's mentoring tab)."""
    events = events_visible_to(user).filter(event_schools__school=school).order_by("-start", "topic")
    return {"school": school, "events": list(events[:limit]), "limit": limit}
