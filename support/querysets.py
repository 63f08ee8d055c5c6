import datetime as dt

from django.db import models
from django.db.models.functions import Coalesce


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
