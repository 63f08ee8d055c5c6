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
