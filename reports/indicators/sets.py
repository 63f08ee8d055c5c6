"""The sets of schools the formulas count (docs/indicators.md «Conventions»), as querysets over all the
municipalities of a period at once.

- R(Y): schools with a ШНОР or ШФНСУ listing active on some day of Y (a listing ending on 1 January counts for Y);
- R_low(Y): the same with ШНОР listings only;
- All: every school of the municipality.

The building blocks at the end (`grouped`, `school_count`, `school_share`) turn such querysets into the `Count` of
every municipality of the period in one or two queries.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from registry.models import Listing, School, Status
from shnor_portal.periods import overlapping

from .base import Count, Period

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


# --- Building blocks of the formulas (added with the engine; the contract above is unchanged).


def grouped(pairs: Iterable[tuple[int, int]], period: Period) -> dict[int, list[int]]:
    """(municipality id, object id) pairs → {municipality id: sorted distinct object ids}, every municipality of the
    period present (an empty list where nothing was found)."""
    found: dict[int, set[int]] = defaultdict(set)
    for municipality_id, pk in pairs:
        found[municipality_id].add(pk)
    return {municipality_id: sorted(found.get(municipality_id, ())) for municipality_id in period.municipality_ids}


def school_count(schools: QuerySet, period: Period) -> dict[int, Count]:
    """A "count" of schools: the number of `schools` in each municipality, with their ids (one query)."""
    return {
        municipality_id: Count(numerator=len(ids), numerator_ids=ids)
        for municipality_id, ids in ids_by_municipality(schools, period).items()
    }


def school_share(denominator: QuerySet, numerator_condition: QuerySet | list[int], period: Period) -> dict[int, Count]:
    """A "share" of schools: the schools of `denominator` whose id is among `numerator_condition` (a queryset of
    school ids, evaluated as a subquery, or a list of ids) over all of `denominator`, per municipality (two
    queries)."""
    below = ids_by_municipality(denominator, period)
    above = ids_by_municipality(denominator.filter(pk__in=numerator_condition), period)
    return {
        municipality_id: Count(
            numerator=len(above[municipality_id]),
            denominator=len(ids),
            numerator_ids=above[municipality_id],
            denominator_ids=ids,
        )
        for municipality_id, ids in below.items()
    }
