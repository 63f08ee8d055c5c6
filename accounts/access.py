"""The one place that answers «may this user see / change this object?».

Every view, queryset and form of the portal asks here. Querysets start from the user's scope
(`schools_visible_to`), single objects come through `get_*_for` helpers: an object outside the
user's scope is a 404 (ids must not leak), a visible object the user may not change is a 403.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from registry.models import Listing, Municipality, Region, School
from shnor_portal.audit.models import AuditEntry

from .mentees import active_mentee_ids
from .models import Role

VIEW = "view"
CHANGE = "change"
# The school's own yearly profile, risk profile and SWOT: its principal edits them too.
CHANGE_PROFILE = "change_profile"


@dataclass(frozen=True)
class Scope:
    """What a user's role assignments open, as sets of ids."""

    roles: frozenset[str]
    is_admin: bool = False
    regions_read: frozenset[int] = frozenset()
    municipalities_read: frozenset[int] = frozenset()
    municipalities_edit: frozenset[int] = frozenset()
    principal_schools: frozenset[int] = frozenset()
    mentor_schools: frozenset[int] = frozenset()
    mentee_schools: frozenset[int] = frozenset()

    @property
    def own_schools(self) -> frozenset[int]:
        return self.principal_schools | self.mentor_schools | self.mentee_schools

    def has(self, role: str) -> bool:
        return role in self.roles

    def school_q(self, prefix: str = "") -> Q:
        """Condition on School rows (or rows reaching a school through `prefix`) within read scope."""
        if self.is_admin:
            return Q()
        pk = f"{prefix}pk" if not prefix else f"{prefix}id"
        return (
            Q(**{f"{prefix}municipality__region_id__in": self.regions_read})
            | Q(**{f"{prefix}municipality_id__in": self.municipalities_read})
            | Q(**{f"{pk}__in": self.own_schools})
        )

    def can_view_school(self, school: School) -> bool:
        return (
            self.is_admin
            or school.municipality_id in self.municipalities_read
            or school.pk in self.own_schools
            or (bool(self.regions_read) and school.municipality.region_id in self.regions_read)
        )

    def can_change_school(self, school: School) -> bool:
        return self.is_admin or school.municipality_id in self.municipalities_edit

    def can_change_profile(self, school: School) -> bool:
        return self.can_change_school(school) or school.pk in self.principal_schools

    def can(self, action: str, school: School) -> bool:
        if action == CHANGE_PROFILE:
            return self.can_change_profile(school)
        if action == CHANGE:
            return self.can_change_school(school)
        return self.can_view_school(school)

    def can_view_municipality(self, municipality: Municipality) -> bool:
        return (
            self.is_admin or municipality.pk in self.municipalities_read or municipality.region_id in self.regions_read
        )

    def can_change_municipality(self, municipality: Municipality) -> bool:
        return self.is_admin or municipality.pk in self.municipalities_edit


ANONYMOUS = Scope(roles=frozenset())


def scope_of(user, *, today: dt.date | None = None) -> Scope:
    """The user's scope, computed once per request object (two queries at most)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_shnor_scope", None)
    if cached is not None and today is None:
        return cached

    regions, municipalities_read, municipalities_edit = set(), set(), set()
    principal, mentor = set(), set()
    roles = set()
    is_admin = user.is_superuser
    for role, region_id, municipality_id, school_id in user.role_assignments.values_list(
        "role", "region_id", "municipality_id", "school_id"
    ):
        roles.add(role)
        if role == Role.ADMIN:
            is_admin = True
        elif role == Role.REGIONAL_COORDINATOR and region_id:
            regions.add(region_id)
        elif role == Role.INSPECTOR:
            if region_id:
                regions.add(region_id)
            if municipality_id:
                municipalities_read.add(municipality_id)
        elif role == Role.MUNICIPAL_COORDINATOR and municipality_id:
            municipalities_read.add(municipality_id)
            municipalities_edit.add(municipality_id)
        elif role == Role.PRINCIPAL and school_id:
            principal.add(school_id)
        elif role == Role.MENTOR and school_id:
            mentor.add(school_id)
    if is_admin:
        roles.add(Role.ADMIN)

    # The pairings live above accounts (registry): registry answers through the hook in accounts/mentees.py.
    mentees = active_mentee_ids(mentor, today or timezone.localdate()) if mentor else set()

    scope = Scope(
        roles=frozenset(roles),
        is_admin=is_admin,
        regions_read=frozenset(regions),
        municipalities_read=frozenset(municipalities_read),
        municipalities_edit=frozenset(municipalities_edit),
        principal_schools=frozenset(principal),
        mentor_schools=frozenset(mentor),
        mentee_schools=frozenset(mentees),
    )
    if today is None:
        user._shnor_scope = scope
    return scope


# --- Querysets: everything a list shows starts here.


def schools_visible_to(user):
    scope = scope_of(user)
    if not scope.roles and not scope.is_admin:
        return School.objects.none()
    return School.objects.filter(scope.school_q())


def schools_editable_by(user):
    scope = scope_of(user)
    if scope.is_admin:
        return School.objects.all()
    return School.objects.filter(municipality_id__in=scope.municipalities_edit)


def schools_importable_by(user):
    """Schools whose assessment results the user may import: a municipal coordinator's municipality, or
    the whole region for a regional coordinator (SPEC §1: «runs regional imports»)."""
    scope = scope_of(user)
    if scope.is_admin:
        return School.objects.all()
    regional = set(user.role_assignments.filter(role=Role.REGIONAL_COORDINATOR).values_list("region_id", flat=True))
    if not regional and not scope.municipalities_edit:
        return School.objects.none()
    return School.objects.filter(
        Q(municipality_id__in=scope.municipalities_edit) | Q(municipality__region_id__in=regional)
    )


def oversees_schools(user) -> bool:
    """Whether the user oversees whole municipalities or regions (coordinators, inspectors, the administrator):
    the flag pages of assessment results are theirs; principals and mentor schools do not get them."""
    scope = scope_of(user)
    return scope.is_admin or bool(scope.municipalities_read or scope.regions_read)


def schools_overseen_by(user):
    """Schools of the municipalities and regions a user oversees (not the schools seen as a principal or mentor)."""
    scope = scope_of(user)
    if scope.is_admin:
        return School.objects.all()
    return School.objects.filter(
        Q(municipality__region_id__in=scope.regions_read) | Q(municipality_id__in=scope.municipalities_read)
    )


def municipalities_visible_to(user):
    scope = scope_of(user)
    if scope.is_admin:
        return Municipality.objects.all()
    if not scope.roles:
        return Municipality.objects.none()
    return Municipality.objects.filter(
        Q(region_id__in=scope.regions_read) | Q(pk__in=scope.municipalities_read) | Q(schools__in=scope.own_schools)
    ).distinct()


def municipalities_editable_by(user):
    scope = scope_of(user)
    if scope.is_admin:
        return Municipality.objects.all()
    return Municipality.objects.filter(pk__in=scope.municipalities_edit)


def regions_visible_to(user):
    return Region.objects.filter(pk__in=municipalities_visible_to(user).values("region_id"))


def listings_visible_to(user):
    scope = scope_of(user)
    if not scope.roles and not scope.is_admin:
        return Listing.objects.none()
    return Listing.objects.filter(scope.school_q(prefix="school__"))


# --- Single objects: 404 outside the scope, 403 when visible but read-only.


def _decide(user, obj, visible: bool, changeable: bool, action: str):
    if not visible:
        raise Http404
    if action != VIEW and not changeable:
        raise PermissionDenied
    return obj


def get_school_for(user, code: str, action: str = VIEW) -> School:
    school = School.objects.select_related("municipality__region").filter(code=code).first()
    if school is None:
        raise Http404
    scope = scope_of(user)
    return _decide(user, school, scope.can_view_school(school), scope.can(action, school), action)


def get_municipality_for(user, code: str, action: str = VIEW) -> Municipality:
    municipality = Municipality.objects.select_related("region").filter(code=code).first()
    if municipality is None:
        raise Http404
    scope = scope_of(user)
    return _decide(
        user,
        municipality,
        scope.can_view_municipality(municipality),
        scope.can_change_municipality(municipality),
        action,
    )


def get_listing_for(user, pk: int, action: str = VIEW) -> Listing:
    listing = Listing.objects.select_related("school__municipality__region").filter(pk=pk).first()
    if listing is None:
        raise Http404
    scope = scope_of(user)
    return _decide(
        user, listing, scope.can_view_school(listing.school), scope.can_change_school(listing.school), action
    )


def can(user, action: str, obj) -> bool:
    """Boolean form for templates and forms: may `user` do `action` on `obj`?"""
    scope = scope_of(user)
    if isinstance(obj, Listing):
        obj = obj.school
    if isinstance(obj, School):
        return scope.can(action, obj)
    if isinstance(obj, Municipality):
        return scope.can_change_municipality(obj) if action == CHANGE else scope.can_view_municipality(obj)
    from registry.models import Pairing

    if isinstance(obj, Pairing):
        if action == CHANGE:
            return scope.can_change_school(obj.mentee)
        return scope.can_view_school(obj.mentee) or scope.can_view_school(obj.mentor)
    raise TypeError(f"No access rule for {type(obj).__name__}")


# --- Support (pairings, events): the same rules, for the objects of the support app.


def pairings_visible_to(user):
    """Agreements whose mentor or supported school is within the user's read scope."""
    from registry.models import Pairing

    scope = scope_of(user)
    if scope.is_admin:
        return Pairing.objects.all()
    if not scope.roles:
        return Pairing.objects.none()
    return Pairing.objects.filter(scope.school_q(prefix="mentee__") | scope.school_q(prefix="mentor__"))


def get_pairing_for(user, pk: int, action: str = VIEW):
    """A pairing; its municipality's coordinators (those of the supported school) change it."""
    from registry.models import Pairing

    pairing = Pairing.objects.select_related("mentor__municipality__region", "mentee__municipality__region")
    pairing = pairing.filter(pk=pk).first()
    if pairing is None:
        raise Http404
    return _decide(user, pairing, can(user, VIEW, pairing), can(user, CHANGE, pairing), action)


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
    from support.models import SupportEvent

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
    from support.models import SupportEvent

    event = SupportEvent.objects.select_related("municipality", "organiser_school", "organiser_municipality")
    event = event.filter(pk=pk).first()
    if event is None:
        raise Http404
    visible = events_visible_to(user).filter(pk=pk).exists()
    if not visible:
        raise Http404
    return _decide(user, event, True, action == VIEW or can_change_event(user, event), action)


def named_participants_visible_to(user):
    """Named participants (personal data): only within the school's own scope (its principal) and to the
    coordinators of its municipality."""
    from support.models import EventParticipant

    scope = scope_of(user)
    if scope.is_admin:
        return EventParticipant.objects.all()
    return EventParticipant.objects.filter(
        Q(school__municipality_id__in=scope.municipalities_edit) | Q(school_id__in=scope.principal_schools)
    )


def get_material_for(user, pk: int):
    """A material file of a visible event (404 otherwise): downloads go through this, never a static URL."""
    from support.models import EventMaterial

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
    from support.models import Teacher

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


# --- Roadmaps ------------------------------------------------------------------------------------------------------
# Coordinators, inspectors and regional coordinators see the plans of the municipalities in their scope; a principal
# (and a mentor school) sees the plans of its own schools: their school plans, their pair plans, and the municipal
# plans where the school is an executor. Outside the scope a plan is a 404; a visible plan the user may not change is
# a 403.


def _plan_q(scope: Scope) -> Q:
    from roadmaps.models import Activity, Level

    own = scope.own_schools
    return (
        Q(municipality__region_id__in=scope.regions_read)
        | Q(municipality_id__in=scope.municipalities_read)
        | Q(level=Level.SCHOOL, school_id__in=own)
        | Q(level=Level.PAIR, pairing__mentor_id__in=own)
        | Q(level=Level.PAIR, pairing__mentee_id__in=own)
        | Q(level=Level.MUNICIPAL, pk__in=Activity.objects.filter(executors__in=own).values("section__plan_id"))
    )


def plans_visible_to(user):
    from roadmaps.models import Plan

    scope = scope_of(user)
    if scope.is_admin:
        return Plan.objects.all()
    if not scope.roles:
        return Plan.objects.none()
    return Plan.objects.filter(_plan_q(scope))


def can_change_plan(user, plan) -> bool:
    """Only the owner municipality's coordinators (and the administrator) change a plan."""
    scope = scope_of(user)
    return scope.is_admin or plan.municipality_id in scope.municipalities_edit


def can_edit_plan(user, plan) -> bool:
    """The plan's content (passport, sections, activities) while it is open for editing: the owner municipality's
    coordinators; for a school plan also its principal, but only while it is a draft or returned for revision."""
    from roadmaps.lifecycle import DRAFT_STATES, is_open_for_editing

    if not is_open_for_editing(plan):
        return False
    if can_change_plan(user, plan):
        return True
    from roadmaps.models import Level

    scope = scope_of(user)
    return plan.level == Level.SCHOOL and plan.status in DRAFT_STATES and plan.school_id in scope.principal_schools


def get_plan_for(user, pk: int, action: str = VIEW):
    plan = (
        plans_visible_to(user)
        .select_related("municipality__region", "school", "pairing__mentor", "pairing__mentee")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404
    if action == CHANGE and not can_change_plan(user, plan):
        raise PermissionDenied
    return plan


# --- Audit trail ---------------------------------------------------------------------------------------------------
# Coordinators, inspectors and regional coordinators read the entries of the municipalities in their scope; a principal
# reads the entries of its own school; the administrator reads all. Entries about personal data (teachers, their
# diagnostics, named participants) follow the rule of those objects: the school's principal and the municipality's
# coordinators only. Mentor schools, as such, have no trail of their own.


def may_read_audit(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or bool(scope.municipalities_read or scope.regions_read or scope.principal_schools)


def audit_entries_visible_to(user):
    """The audit entries the user may read; a user without any (see `may_read_audit`) gets a 403 from the view."""
    scope = scope_of(user)
    if scope.is_admin:
        return AuditEntry.objects.all()
    if not may_read_audit(user):
        return AuditEntry.objects.none()
    readable = Q(municipality_id__in=scope.municipalities_read) | Q(school_id__in=scope.principal_schools)
    if scope.regions_read:
        readable |= Q(municipality_id__in=Municipality.objects.filter(region_id__in=scope.regions_read).values("pk"))
    personal = Q(municipality_id__in=scope.municipalities_edit) | Q(school_id__in=scope.principal_schools)
    return AuditEntry.objects.filter(readable).filter(Q(personal=False) | personal)
