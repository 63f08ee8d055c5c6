"""Who a user is to the portal: the `Scope` their role assignments open, and the rule every access check ends in.

`scope_of(user)` turns role assignments into sets of ids (regions, municipalities read or edited, own schools) and Q
conditions; `decide` is the one refusal rule: an object outside the user's scope is a 404 (ids must not leak), a
visible object the user may not change is a 403. The rules for each kind of object live in the app that owns it
(`registry/access.py`, `support/access.py`, `roadmaps/access.py`, `reports/access.py`), built on this module;
accounts imports no domain app, so `Scope` reads schools and municipalities by their attributes only. The audit
trail's readers are decided here too, since audit entries carry plain municipality and school ids.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

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

    def can_view_school(self, school) -> bool:
        return (
            self.is_admin
            or school.municipality_id in self.municipalities_read
            or school.pk in self.own_schools
            or (bool(self.regions_read) and school.municipality.region_id in self.regions_read)
        )

    def can_change_school(self, school) -> bool:
        return self.is_admin or school.municipality_id in self.municipalities_edit

    def can_change_profile(self, school) -> bool:
        return self.can_change_school(school) or school.pk in self.principal_schools

    def can(self, action: str, school) -> bool:
        if action == CHANGE_PROFILE:
            return self.can_change_profile(school)
        if action == CHANGE:
            return self.can_change_school(school)
        return self.can_view_school(school)

    def can_view_municipality(self, municipality) -> bool:
        return (
            self.is_admin or municipality.pk in self.municipalities_read or municipality.region_id in self.regions_read
        )

    def can_change_municipality(self, municipality) -> bool:
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


# --- The refusal rule the apps' `get_*_for` helpers share.


def decide(obj, visible: bool, changeable: bool, action: str = VIEW):
    """`obj` itself, or the refusal «outside scope → 404 (ids must not leak), visible but not yours → 403»."""
    if not visible:
        raise Http404
    if action != VIEW and not changeable:
        raise PermissionDenied
    return obj


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
        # The municipalities of the regions read, reached through the user's own region assignments (where
        # `regions_read` comes from): one subquery, and no import of the registry.
        region_municipalities = user.role_assignments.filter(
            region_id__in=scope.regions_read, region__municipalities__isnull=False
        ).values("region__municipalities")
        readable |= Q(municipality_id__in=region_municipalities)
    personal = Q(municipality_id__in=scope.municipalities_edit) | Q(school_id__in=scope.principal_schools)
    return AuditEntry.objects.filter(readable).filter(Q(personal=False) | personal)
