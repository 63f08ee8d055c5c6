"""Who may see and change the registry's objects: regions, municipalities, schools, their listings and profiles.

Lists start from the user's scope (`schools_visible_to`, `listings_visible_to` …), single objects come through
`get_*_for`, which end in accounts' `decide`: outside the scope a 404, visible but not the user's to change a 403.
All of it is built on accounts' `Scope`; the other apps' rules build on these in turn.
"""

from django.db.models import Q
from django.http import Http404

from accounts.access import CHANGE, VIEW, decide, scope_of

from .models import Listing, Municipality, Region, School

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


def get_school_for(user, code: str, action: str = VIEW) -> School:
    school = School.objects.select_related("municipality__region").filter(code=code).first()
    if school is None:
        raise Http404
    scope = scope_of(user)
    return decide(school, scope.can_view_school(school), scope.can(action, school), action)


def get_municipality_for(user, code: str, action: str = VIEW) -> Municipality:
    municipality = Municipality.objects.select_related("region").filter(code=code).first()
    if municipality is None:
        raise Http404
    scope = scope_of(user)
    return decide(
        municipality, scope.can_view_municipality(municipality), scope.can_change_municipality(municipality), action
    )


def get_listing_for(user, pk: int, action: str = VIEW) -> Listing:
    listing = Listing.objects.select_related("school__municipality__region").filter(pk=pk).first()
    if listing is None:
        raise Http404
    scope = scope_of(user)
    return decide(listing, scope.can_view_school(listing.school), scope.can_change_school(listing.school), action)


def can(user, action: str, obj: School | Listing | Municipality) -> bool:
    """Boolean form for templates and forms: may `user` do `action` (VIEW, CHANGE, CHANGE_PROFILE) on a school, a
    listing (its school's rule) or a municipality?"""
    scope = scope_of(user)
    if isinstance(obj, Listing):
        obj = obj.school
    if isinstance(obj, School):
        return scope.can(action, obj)
    if isinstance(obj, Municipality):
        return scope.can_change_municipality(obj) if action == CHANGE else scope.can_view_municipality(obj)
    raise TypeError(f"No registry access rule for {type(obj).__name__}")
