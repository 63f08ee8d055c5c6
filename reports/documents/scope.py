"""What a document covers: the municipalities of its unit (a municipality, or every one of a region), the calendar
year as a period of days, and the supported schools of that year — shared by the analytical report, the registry
list and the assessment tables, so that the three name the same schools.

A document's year is a calendar year, as for the target indicators: the schools of a year are those listed with a
support status (ШНОР, ШФНСУ, зона риска, стабильно низкие результаты) on at least one of its days.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from registry.models import SUPPORT_STATUSES, Listing, Municipality, Region, School
from shnor_portal.periods import overlapping


@dataclass(frozen=True)
class DocumentScope:
    unit: Municipality | Region
    year: int
    municipalities: tuple[Municipality, ...]

    @property
    def is_region(self) -> bool:
        return isinstance(self.unit, Region)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def municipality_ids(self) -> list[int]:
        return [m.pk for m in self.municipalities]

    def report_date(self, today: dt.date | None = None) -> dt.date:
        """The date the document reports on: the last day of its year, or today while the year runs."""
        today = today or timezone.localdate()
        return min(today, self.last_day)

    def listed_in_year(self, prefix: str = "") -> Q:
        return overlapping(self.first_day, self.last_day, prefix=prefix)


def document_scope(unit, year: int) -> DocumentScope:
    """The scope of `unit` (a registry Municipality or Region) in `year`: one query for a region's municipalities."""
    if isinstance(unit, Region):
        municipalities = tuple(Municipality.objects.filter(region=unit).order_by("name"))
    else:
        municipalities = (unit,)
    return DocumentScope(unit=unit, year=year, municipalities=municipalities)


def supported_listings(scope: DocumentScope):
    """Listings with a support status of the scope's schools that share a day with its year."""
    return Listing.objects.filter(
        scope.listed_in_year(),
        status__in=SUPPORT_STATUSES,
        school__municipality_id__in=scope.municipality_ids,
    )


def supported_schools(scope: DocumentScope):
    """The schools of the scope listed with a support status in its year, by municipality and name."""
    return (
        School.objects.filter(pk__in=supported_listings(scope).values("school_id"))
        .select_related("municipality")
        .order_by("municipality__name", "short_name", "pk")
    )
