import datetime as dt

from django.db import models
from django.db.models import Q

from shnor_portal.periods import overlapping

from .academic_year import AcademicYear


class SchoolQuerySet(models.QuerySet):
    def in_municipality(self, municipality):
        return self.filter(municipality=municipality)

    def listed_as(self, status: str, year: int | None = None):
        """Schools listed as `status` during the academic year starting in `year` (at any time if None)."""
        condition = Q(listings__status=status)
        if year is not None:
            ay = AcademicYear(year)
            condition &= overlapping(ay.start, ay.end, prefix="listings__")
        return self.filter(condition).distinct()

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text)
            | Q(short_name__icontains=text)
            | Q(code__icontains=text)
            | Q(settlement__icontains=text)
            | Q(director__icontains=text)
        )


class ListingQuerySet(models.QuerySet):
    def in_year(self, year: int):
        ay = AcademicYear(year)
        return self.filter(overlapping(ay.start, ay.end))

    def active_on(self, day: dt.date):
        return self.filter(overlapping(day, day))
