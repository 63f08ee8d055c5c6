"""Who may import assessment results, read another importer's file, and see the flags of results.

Importers are the coordinators: a municipal coordinator for the schools of their municipality, a regional
coordinator for the whole region (it «runs regional imports», README «Roles»). The flag pages belong to those who
oversee whole municipalities or regions. Built on accounts' `Scope` (the results themselves are read through the
registry's `schools_visible_to`): outside the scope an object is a 404, a visible one the user may not change is a 403.
"""

from django.db.models import Q
from django.http import Http404

from accounts.access import VIEW, decide, scope_of
from accounts.models import Role
from registry.models import Municipality, Region, School

from .assessments.models import ResultImport, SchoolAggregate
from .documents.models import DocumentRender


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


def may_open_import(user, record: ResultImport, importable: set[int]) -> bool:
    """An uploaded results file is its own importer's; another importer's only for coordinators of all its schools
    (`importable`: the ids of `schools_importable_by(user)`, read once for a list of files)."""
    if user.is_superuser or record.user_id == user.pk:
        return True
    schools = set(record.summary.get("school_ids", []))
    return bool(schools) and schools <= importable


def get_result_import_for(user, pk) -> ResultImport:
    """An uploaded results file the user may open (`may_open_import`), else 404."""
    record = ResultImport.objects.select_related("user").filter(pk=pk).first()
    if record is None:
        raise Http404
    if not (user.is_superuser or record.user_id == user.pk):
        if not may_open_import(user, record, set(schools_importable_by(user).values_list("pk", flat=True))):
            raise Http404
    return record


# --- The report centre (reports/documents) ------------------------------------------------------------------------
# Official documents are made by those who oversee municipalities or regions — coordinators, inspectors, regional
# coordinators and inspectors, the administrator — each for the municipalities (and regions) of their own scope.
# Principals and mentor schools read their plans on the plan pages; the report centre is not theirs (403). A unit
# outside the scope is a 404, as is a rendered file of another user.


def may_use_report_centre(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or bool(scope.municipalities_read or scope.regions_read)


def report_municipalities_for(user):
    """The municipalities whose documents the user makes, by name."""
    scope = scope_of(user)
    municipalities = Municipality.objects.select_related("region").order_by("name")
    if scope.is_admin:
        return municipalities
    return municipalities.filter(Q(pk__in=scope.municipalities_read) | Q(region_id__in=scope.regions_read))


def report_regions_for(user):
    """The regions whose documents (all their municipalities together) the user makes, by name."""
    scope = scope_of(user)
    regions = Region.objects.order_by("name")
    return regions if scope.is_admin else regions.filter(pk__in=scope.regions_read)


def get_render_for(user, pk):
    """A document rendered in a task: its requester's while the unit is still in their scope (the administrator's
    too); 404 for anyone else."""
    job = DocumentRender.objects.select_related("municipality__region", "region").filter(pk=pk).first()
    if job is None or not (user.is_superuser or job.requested_by_id == user.pk):
        raise Http404
    if job.municipality_id and not report_municipalities_for(user).filter(pk=job.municipality_id).exists():
        raise Http404
    if job.region_id and not report_regions_for(user).filter(pk=job.region_id).exists():
        raise Http404
    return job


# --- Target indicators of a municipality (reports/indicator_views.py) ------------------------------------------------
# Readers: those who oversee the municipality (its coordinators and inspectors, the regional coordinators and
# inspectors of its region, the administrator) and the principals of its schools, who read the indicators of the
# programme their school works in (a mentor school as such does not). Only the municipality's coordinators and the
# administrator change the adoption, the baseline, the targets and the values typed by hand. Outside the readers a
# municipality is a 404 (its indicators must not leak), a reader's change is a 403.


def _reads_indicators(scope, municipality) -> bool:
    return scope.can_view_municipality(municipality) or municipality.pk in _principal_municipalities(scope)


def _principal_municipalities(scope) -> set[int]:
    if not scope.principal_schools:
        return set()
    return set(
        School.objects.filter(pk__in=scope.principal_schools).values_list("municipality_id", flat=True).distinct()
    )


def indicator_municipalities_for(user):
    """The municipalities whose indicators the user reads, by name (the page's choice of municipality)."""
    scope = scope_of(user)
    if scope.is_admin:
        return Municipality.objects.select_related("region").order_by("name")
    return (
        Municipality.objects.filter(
            Q(region_id__in=scope.regions_read)
            | Q(pk__in=scope.municipalities_read)
            | Q(schools__in=scope.principal_schools)
        )
        .select_related("region")
        .distinct()
        .order_by("name")
    )


def default_indicator_municipality(user):
    """The user's own municipality (the one they coordinate or inspect, else their school's), else the first one
    they read by name; None for a user who reads none."""
    scope = scope_of(user)
    own = sorted(scope.municipalities_edit) or sorted(scope.municipalities_read)
    if own:
        found = Municipality.objects.select_related("region").filter(pk=own[0]).first()
        if found is not None:
            return found
    if scope.principal_schools:
        found = (
            Municipality.objects.select_related("region")
            .filter(schools__in=scope.principal_schools)
            .order_by("name")
            .first()
        )
        if found is not None:
            return found
    return indicator_municipalities_for(user).first()


def may_read_indicators(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or bool(scope.regions_read or scope.municipalities_read or scope.principal_schools)


def get_indicator_municipality_for(user, code, action: str = VIEW) -> Municipality:
    """The municipality whose indicators are shown or changed: 404 outside the readers, 403 on a reader's change."""
    municipality = Municipality.objects.select_related("region").filter(code=code).first() if code else None
    if municipality is None:
        raise Http404
    scope = scope_of(user)
    return decide(
        municipality,
        scope.is_admin or _reads_indicators(scope, municipality),
        scope.can_change_municipality(municipality),
        action,
    )


def may_change_indicators(user, municipality) -> bool:
    return scope_of(user).can_change_municipality(municipality)


# --- Signed documents (reports/signatures) --------------------------------------------------------------------------
# A document of a municipality is read (listed, opened, downloaded) by those who oversee it — its coordinators and
# inspectors, the regional coordinators and inspectors of its region, the administrator — and by the principals of
# its schools, who read its programme as they read its indicators; a regional document by those who oversee the
# region. Only a coordinator of the document's scope (municipal for a municipality, regional for a region) or the
# administrator signs and revokes. Outside the readers an entry is a 404, a reader's revocation a 403.


def _regions_coordinated(user) -> set[int]:
    return set(user.role_assignments.filter(role=Role.REGIONAL_COORDINATOR).values_list("region_id", flat=True))


def may_list_documents(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or bool(scope.regions_read or scope.municipalities_read or scope.principal_schools)


def documents_visible_to(user):
    from .signatures.models import SignedDocument

    scope = scope_of(user)
    if scope.is_admin:
        return SignedDocument.objects.all()
    if not may_list_documents(user):
        return SignedDocument.objects.none()
    principal_municipalities = School.objects.filter(pk__in=scope.principal_schools).values("municipality_id")
    return SignedDocument.objects.filter(
        Q(municipality_id__in=scope.municipalities_read)
        | Q(municipality__region_id__in=scope.regions_read)
        | Q(region_id__in=scope.regions_read)
        | Q(municipality_id__in=principal_municipalities)
    )


def may_sign_for(user, unit) -> bool:
    """Whether the user signs (and revokes) documents of `unit`, a Municipality or a Region."""
    scope = scope_of(user)
    if scope.is_admin:
        return True
    if isinstance(unit, Municipality):
        return unit.pk in scope.municipalities_edit
    return unit is not None and unit.pk in _regions_coordinated(user)


def may_sign_any(user) -> bool:
    """Whether the user coordinates anything whose documents they could sign (the «Подписать» action at all)."""
    scope = scope_of(user)
    return scope.is_admin or bool(scope.municipalities_edit) or bool(_regions_coordinated(user))


def get_document_for(user, pk, action: str = VIEW):
    """A registry entry the user reads (404 otherwise); with CHANGE (revocation) a reader who is not a coordinator
    of its scope gets a 403."""
    entry = documents_visible_to(user).select_related("municipality__region", "region", "plan").filter(pk=pk).first()
    if entry is None:
        raise Http404
    return decide(entry, True, may_sign_for(user, entry.scope), action)


# --- The ВПР analysis of a campaign (reports/analysis/views.py) -------------------------------------------------------
# It follows the results' rules: the municipality's page (all its schools side by side) belongs to those who oversee
# the municipality; one school's page to everyone who reads that school's results (the registry's `get_school_for`:
# its principal, its mentor school, the coordinators and inspectors of its municipality and region).


def analysis_municipalities_for(user, campaign):
    """Municipalities the user oversees that have results in the campaign, by name (the page's choice)."""
    scope = scope_of(user)
    with_results = Municipality.objects.filter(
        pk__in=SchoolAggregate.objects.filter(campaign=campaign).values("school__municipality_id")
    )
    if not scope.is_admin:
        with_results = with_results.filter(Q(region_id__in=scope.regions_read) | Q(pk__in=scope.municipalities_read))
    return with_results.select_related("region").order_by("name")
