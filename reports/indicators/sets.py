"""The sets of schools the formulas count (docs/indicators.md «Conventions»), as querysets over all the
municipalities of a period at once.

- R(Y): schools with a ШНОР or ШФНСУ listing active on some day of Y (a listing ending on 1 January counts for Y);
- R_low(Y): the same with ШНОР listings only;
- All: every school of the municipality.
"""

from collections import defaultdict

from django.db.models import QuerySet

from registry.models import Listing, School, Status
from shnor_portal.periods import overlapping

from .base import Period

REGISTRY_STATUSES = (Status.SHNOR, Status.SHFNSU)
LOW_STATUSES = (Status.SHNOR,)


def all_schools(period: Period) -> QuerySet:
    return School.objects.filter(municipality_id__in=period.municipality_ids)


def listed_schools(period: Period, statuses=REGISTRY_STATUSES) -> QuerySet:
    """Schools of the period's municipalities with a listing of one of `statuses` active on some day of the year."""
    listings = Listing.objects.filter(overlapping(period.first_day, period.last_day), status__in=statuses)
    return all_schools(period).filter(pk__in=listings.values("school_id"))


def registry_schools(period: Period) -> QuerySet:
    return listed_schools(period, REGISTRY_STATUSES)


def low_schools(period: Period) -> QuerySet:
    return listed_schools(period, LOW_STATUSES)


def ids_by_municipality(schools: QuerySet, period: Period) -> dict[int, list[int]]:
    """{municipality id: sorted school ids} in one query, every municipality of the period present."""
    found: dict[int, list[int]] = defaultdict(list)
    for municipality_id, school_id in schools.order_by("pk").values_list("municipality_id", "pk"):
        found[municipality_id].append(school_id)
    return {municipality_id: found.get(municipality_id, []) for municipality_id in period.municipality_ids}
