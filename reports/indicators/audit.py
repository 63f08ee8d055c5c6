"""The indicators' objects in the audit trail (shnor_portal/audit): adoptions, targets and values typed by hand
belong to their municipality (and school)."""

from django.urls import reverse

from shnor_portal.audit.registry import register


def register_models():
    from .models import ActivityIndicator, AdoptedIndicator, IndicatorTarget, ManualValue

    register(AdoptedIndicator, place=lambda a: (a.municipality_id, None))
    register(IndicatorTarget, place=lambda t: (t.adopted.municipality_id, None), related=("adopted",))
    register(ManualValue, place=lambda v: (v.municipality_id, v.school_id))
    # An activity's link to an indicator belongs to the activity's plan and opens on the activity's page.
    register(
        ActivityIndicator,
        place=lambda link: (link.activity.section.plan.municipality_id, link.activity.section.plan.school_id),
        url=lambda link: reverse("roadmaps:activity-detail", args=[link.activity_id]),
        related=("activity__section__plan",),
    )
