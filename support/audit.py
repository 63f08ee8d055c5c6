"""Support's objects in the audit trail (shnor_portal/audit): where each belongs and where it opens.

Teachers, their records and diagnostics, and named participants are personal data: their entries are `personal`.
"""

from shnor_portal.audit.registry import register


def _of_event(obj):
    return obj.event.municipality_id, obj.school_id


def _of_teacher(teacher):
    return teacher.school.municipality_id, teacher.school_id


def register_models():
    from .models import (
        DevelopmentRecord,
        Diagnostic,
        EventMaterial,
        EventParticipant,
        EventSchool,
        RouteStep,
        Score,
        SupportEvent,
        Teacher,
    )

    register(
        SupportEvent, place=lambda e: (e.municipality_id, e.organiser_school_id), url=lambda e: e.get_absolute_url()
    )
    register(EventSchool, place=_of_event, url=lambda o: o.event.get_absolute_url(), related=("event",))
    register(EventParticipant, place=_of_event, url=lambda o: o.event.get_absolute_url(), personal=True)
    register(EventMaterial, place=lambda m: (m.event.municipality_id, None), url=lambda m: m.event.get_absolute_url())
    register(Teacher, place=_of_teacher, url=lambda t: t.get_absolute_url(), personal=True)
    for model in (DevelopmentRecord, Diagnostic, RouteStep):
        register(
            model,
            place=lambda o: _of_teacher(o.teacher),
            url=lambda o: o.teacher.get_absolute_url(),
            personal=True,
        )
    register(
        Score,
        place=lambda s: _of_teacher(s.diagnostic.teacher),
        url=lambda s: s.diagnostic.teacher.get_absolute_url(),
        personal=True,
        related=("diagnostic__teacher__school",),
    )
