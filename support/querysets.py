import datetime as dt

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce


class PairingQuerySet(models.QuerySet):
    def active_on(self, day: dt.date):
        return self.filter(Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day)))

    def for_school(self, school):
        return self.filter(Q(mentor=school) | Q(mentee=school))


class EventQuerySet(models.QuerySet):
    def overlapping(self, start: dt.date | None, end: dt.date | None):
        """Events that take place at least one day within [start, end] (either bound may be open)."""
        qs = self
        if end:
            qs = qs.filter(start__lte=end)
        if start:
            qs = qs.alias(last_day=Coalesce("end", "start")).filter(last_day__gte=start)
        return qs

    def of_types(self, types):
        return self.filter(type__in=list(types))
