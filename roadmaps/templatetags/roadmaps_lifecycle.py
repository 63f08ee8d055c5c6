"""`{% plan_lifecycle plan as lifecycle %}`: the lifecycle panel's data for the user of the request (the plan page's
view knows nothing of the lifecycle; the panel asks for itself)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def plan_lifecycle(context, plan):
    from roadmaps.views.lifecycle import panel_context

    request = context.get("request")
    if request is None or plan is None:
        return {}
    return panel_context(request.user, plan)
