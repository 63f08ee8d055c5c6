"""Who may import assessment results, read another importer's file, and see the flags of results.

Importers are the coordinators: a municipal coordinator for the schools of their municipality, a regional
coordinator for the whole region (it «runs regional imports», README «Roles»). The flag pages belong to those who
oversee whole municipalities or regions. Built on accounts' `Scope` (the results themselves are read through the
registry's `schools_visible_to`): outside the scope an object is a 404, a visible one the user may not change is a 403.
"""

from django.db.models import Q
from django.http import Http404

from accounts.access import scope_of
from accounts.models import Role
from registry.models import School

from .assessments.models import ResultImport


def schools_importable_by(user):
    """Schools whose assessment results the user may import: a municipal coordinator's municipality, or
    the whole region for a regional coordinator (it «runs regional imports», README «Roles»)."""
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


def get_result_import_for(user, pk) -> ResultImport:
    """An uploaded results file: its own importer's; another importer's only for coordinators of all its schools."""
    record = ResultImport.objects.select_related("user").filter(pk=pk).first()
    if record is None:
        raise Http404
    if not (user.is_superuser or record.user_id == user.pk):
        schools = set(record.summary.get("school_ids", []))
        if not schools or not schools <= set(schools_importable_by(user).values_list("pk", flat=True)):
            raise Http404
    return record
