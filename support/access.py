"""Who may see and change the support app's objects: pairings, support events with their named participants and
materials, teachers with their diagnostics, and the log of named exports.

Built on accounts' `Scope` (its school rules included): a pairing is visible with either of its schools and
changed by the coordinators of the supported school; an event is visible in its municipality and to the schools it
is organised by or for; teachers and named participants are personal data of a school, for its principal and its
municipality's coordinators only; the log of named exports is read by those coordinators. Single objects end in
accounts' `decide`: outside the scope a 404, visible but not the user's to change a 403.
"""

from django.db.models import Q
from django.http import Http404

from accounts.access import VIEW, Scope, decide, scope_of
from registry.access import municipalities_editable_by
from registry.models import Pairing, School

from .models import EventMaterial, EventParticipant, ExportLog, SupportEvent, Teacher

# --- Pairings (agreements between a mentor school and the school it supports).


def pairings_visible_to(user):
    """Agreements whose mentor or supported school is within the user's read scope."""
    scope = scope_of(user)
    if scope.is_admin:
        return Pairing.objects.all()
    if not scope.roles:
        return Pairing.objects.none()
    return Pairing.objects.filter(scope.school_q(prefix="mentee__") | scope.school_q(prefix="mentor__"))


def can_view_pairing(user, pairing) -> bool:
    scope = scope_of(user)
    return scope.can_view_school(pairing.mentee) or scope.can_view_school(pairing.mentor)


def can_change_pairing(user, pairing) -> bool:
    """The coordinators of the supported school's municipality (and the administrator)."""
    return scope_of(user).can_change_school(pairing.mentee)


def get_pairing_for(user, pk: int, action: str = VIEW):
    """A pairing; its municipality's coordinators (those of the supported school) change it."""
    pairing = Pairing.objects.select_related("mentor__municipality__region", "mentee__municipality__region")
    pairing = pairing.filter(pk=pk).first()
    if pairing is None:
        raise Http404
    return decide(pairing, can_view_pairing(user, pairing), can_change_pairing(user, pairing), action)


# --- Support events, their participants and materials.


def _event_q(scope: Scope) -> Q:
    return (
        Q(municipality__region_id__in=scope.regions_read)
        | Q(municipality_id__in=scope.municipalities_read)
        | Q(organiser_school_id__in=scope.own_schools)
        | Q(event_schools__school_id__in=scope.own_schools)
        | Q(event_schools__school__municipality_id__in=scope.municipalities_read)
        | Q(event_schools__school__municipality__region_id__in=scope.regions_read)
    )


def events_visible_to(user):
    """Support events of the municipalities in scope, and those organised by or for the user's own schools
    (a mentor school sees the events of the schools it mentors)."""
    scope = scope_of(user)
    if scope.is_admin:
        return SupportEvent.objects.all()
    if not scope.roles:
        return SupportEvent.objects.none()
    ids = SupportEvent.objects.filter(_event_q(scope)).values("pk")
    return SupportEvent.objects.filter(pk__in=ids)


def event_target_schools_for(user):
    """Schools the user may record support events for: a coordinator's municipality, a mentor's mentees."""
    scope = scope_of(user)
    if scope.is_admin:
        return School.objects.all()
    return School.objects.filter(Q(municipality_id__in=scope.municipalities_edit) | Q(pk__in=scope.mentee_schools))


def can_record_events(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or bool(scope.municipalities_edit) or bool(scope.mentor_schools and scope.mentee_schools)


def can_change_event(user, event) -> bool:
    """The municipality's coordinators; a mentor school for the events it organised for the schools it mentors."""
    scope = scope_of(user)
    if scope.is_admin or event.municipality_id in scope.municipalities_edit:
        return True
    if event.organiser_school_id not in scope.mentor_schools:
        return False
    targets = set(event.event_schools.values_list("school_id", flat=True))
    return targets <= (scope.mentee_schools | scope.mentor_schools)


def get_event_for(user, pk: int, action: str = VIEW):
    event = SupportEvent.objects.select_related("municipality", "organiser_school", "organiser_municipality")
    event = event.filter(pk=pk).first()
    if event is None:
        raise Http404
    visible = events_visible_to(user).filter(pk=pk).exists()
    if not visible:
        raise Http404
    return decide(event, True, action == VIEW or can_change_event(user, event), action)


def named_participants_visible_to(user):
    """Named participants (personal data): only within the school's own scope (its principal) and to the
    coordinators of its municipality."""
    scope = scope_of(user)
    if scope.is_admin:
        return EventParticipant.objects.all()
    return EventParticipant.objects.filter(
        Q(school__municipality_id__in=scope.municipalities_edit) | Q(school_id__in=scope.principal_schools)
    )


def get_material_for(user, pk: int):
    """A material file of a visible event (404 otherwise): downloads go through this, never a static URL."""
    material = EventMaterial.objects.select_related("event").filter(pk=pk).first()
    if material is None or not events_visible_to(user).filter(pk=material.event_id).exists():
        raise Http404
    return material


# --- Teachers and their diagnostics: personal data of the school.


def can_keep_teachers(user, school) -> bool:
    """The school's own principal, its municipality's coordinators and the administrator see and keep teachers."""
    scope = scope_of(user)
    return scope.is_admin or school.municipality_id in scope.municipalities_edit or school.pk in scope.principal_schools


def teachers_visible_to(user):
    scope = scope_of(user)
    if scope.is_admin:
        return Teacher.objects.all()
    return Teacher.objects.filter(
        Q(school__municipality_id__in=scope.municipalities_edit) | Q(school_id__in=scope.principal_schools)
    )


def get_teacher_for(user, pk: int):
    """A teacher (with name and scores): 404 for everyone outside the school's own scope and its coordinators."""
    teacher = teachers_visible_to(user).select_related("school__municipality").filter(pk=pk).first()
    if teacher is None:
        raise Http404
    return teacher


# --- The log of named exports (personal data leaving the portal).


def can_read_export_log(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or bool(scope.municipalities_edit)


def export_logs_visible_to(user):
    """The log rows of the municipalities the user coordinates (every row for the administrator)."""
    if scope_of(user).is_admin:
        return ExportLog.objects.all()
    return ExportLog.objects.filter(municipality__in=municipalities_editable_by(user))
