"""What each role sees first: a few numbers and the schools that need attention, all from SQL.

It lives in the top layer because it combines every app: the registry's counts, support's pairings and the roadmaps'
tasks."""

from accounts.access import scope_of
from accounts.models import Role
from registry.academic_year import AcademicYear
from registry.access import listings_visible_to, municipalities_visible_to, schools_visible_to
from registry.filters import listing_years, with_year
from registry.models import SUPPORT_STATUSES, Municipality, Pairing, School, Status
from registry.selectors import status_counts, status_counts_by_municipality
from roadmaps.selectors import dashboard_summary


def dashboard_context(user, year: int | None = None) -> dict:
    scope = scope_of(user)
    default, choices = listing_years(user)
    year = AcademicYear(year if year is not None else default)
    visible_listings = listings_visible_to(user)
    context = {"year": year, "scope": scope, "roles": scope.roles, "year_choices": choices[:-1]}

    if scope.is_admin or scope.regions_read or scope.municipalities_read:
        counts = status_counts(visible_listings, year)
        context["status_counts"] = [(Status(s).label, counts[s], s) for s in Status.values]
        municipalities = list(municipalities_visible_to(user).select_related("region"))
        if scope.is_admin or scope.regions_read:
            per_municipality = status_counts_by_municipality(visible_listings, year)
            context["municipality_rows"] = [
                (m, per_municipality.get(m.pk, dict.fromkeys(Status.values, 0))) for m in municipalities
            ]
        attention_ids = (
            visible_listings.in_year(year.start_year).filter(status__in=SUPPORT_STATUSES).values("school_id")
        )
        context["attention_schools"] = with_year(
            schools_visible_to(user).filter(pk__in=attention_ids).order_by("municipality__name", "short_name"),
            year,
        )[:50]

    if scope.principal_schools:
        context["own_schools"] = with_year(
            School.objects.filter(pk__in=scope.principal_schools).order_by("short_name"), year
        )
    if scope.mentor_schools:
        context["mentee_pairings"] = (
            Pairing.objects.filter(mentor_id__in=scope.mentor_schools, mentee_id__in=scope.mentee_schools)
            .select_related("mentor", "mentee__municipality")
            .order_by("mentee__short_name")
        )
    context["edit_municipalities"] = (
        Municipality.objects.filter(pk__in=scope.municipalities_edit) if not scope.is_admin else None
    )
    context["role_labels"] = [Role(role).label for role in Role.values if role in scope.roles]
    context["roadmaps"] = dashboard_summary(user)
    return context
