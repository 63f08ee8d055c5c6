import datetime as dt

from django.db import models

from shnor_portal.periods import overlapping


class EventQuerySet(models.QuerySet):
    def overlapping(self, start: dt.date | None, end: dt.date | None):
        """Events that take place at least one day within [start, end] (either bound may be open)."""
        return self.filter(overlapping(start, end, open_ended=False))  # no end: a one-day event

    def of_types(self, types):
        return self.filter(type__in=list(types))
