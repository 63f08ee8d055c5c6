import datetime as dt

from django.db import models
from django.db.models import Q

from shnor_portal.periods import overlapping


class PairingQuerySet(models.QuerySet):
    def active_on(self, day: dt.date):
        return self.filter(overlapping(day, day))

    def for_school(self, school):
        return self.filter(Q(mentor=school) | Q(mentee=school))


class EventQuerySet(models.QuerySet):
    def overlapping(self, start: dt.date | None, end: dt.date | None):
        """Events that take place at least one day within [start, end] (either bound may be open)."""
        return self.filter(overlapping(start, end, open_ended=False))  # no end: a one-day event

    def of_types(self, types):
        return self.filter(type__in=list(types))
