"""Read-side queries of the registry: counts and summaries computed in SQL."""

from django.db.models import Count, Q

from .academic_year import AcademicYear
from .models import Listing, Status


def status_counts(listings, year: AcademicYear) -> dict[str, int]:
    """Number of distinct schools per status during `year`, one query."""
    rows = (
        listings.in_year(year.start_year).values("status").annotate(schools=Count("school", distinct=True)).order_by()
    )
    counts = {status: 0 for status in Status.values}
    counts.update({row["status"]: row["schools"] for row in rows})
    return counts


def status_counts_by_municipality(listings, year: AcademicYear) -> dict[int, dict[str, int]]:
    """{municipality id: {status: schools}} for `year`, one query."""
    rows = (
        listings.in_year(year.start_year)
        .values("school__municipality_id")
        .annotate(**{status: Count("school", filter=Q(status=status), distinct=True) for status in Status.values})
        .order_by()
    )
    return {row.pop("school__municipality_id"): row for row in rows}


def listings_of_school(school):
    return Listing.objects.filter(school=school).order_by("-start", "status")


def profile_years(school) -> list[int]:
    """Years in which the school has a profile, a risk profile or a SWOT, newest first (one query)."""
    from .profiles import RiskAssessment, SchoolYearProfile, SwotItem

    def years_of(model):
        return model.objects.filter(school=school).order_by().values_list("year", flat=True)

    years = years_of(SchoolYearProfile).union(years_of(RiskAssessment), years_of(SwotItem))
    return sorted(set(years), reverse=True)


def ior_points(school) -> list[tuple[str, object]]:
    from .profiles import SchoolYearProfile

    rows = (
        SchoolYearProfile.objects.filter(school=school, ior__isnull=False).order_by("year").values_list("year", "ior")
    )
    return [(str(year), ior) for year, ior in rows]


def risk_grid(school):
    """(years, [(factor, [assessment or None per year])]) for the school's coloured risk grid (two queries)."""
    from .profiles import RiskAssessment, RiskFactor

    assessments = list(RiskAssessment.objects.filter(school=school).select_related("factor"))
    years = sorted({a.year for a in assessments})
    cells = {(a.factor_id, a.year): a for a in assessments}
    factors = {a.factor_id: a.factor for a in assessments}
    if years:
        for factor in RiskFactor.objects.valid_in(years[-1]):
            factors.setdefault(factor.pk, factor)
    ordered = sorted(factors.values(), key=lambda f: (f.position, f.code))
    return years, [(factor, [cells.get((factor.pk, year)) for year in years]) for factor in ordered]
