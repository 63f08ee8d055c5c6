"""The indicators' objects in the audit trail (shnor_portal/audit): adoptions, targets and values typed by hand
belong to their municipality (and school)."""

from shnor_portal.audit.registry import register


def register_models():
    from .models import AdoptedIndicator, IndicatorTarget, ManualValue

    register(AdoptedIndicator, place=lambda a: (a.municipality_id, None))
    register(IndicatorTarget, place=lambda t: (t.adopted.municipality_id, None), related=("adopted",))
    register(ManualValue, place=lambda v: (v.municipality_id, v.school_id))
