import datetime as dt

from django.db import models
from django.db.models import Q


class PairingQuerySet(models.QuerySet):
    def active_on(self, day: dt.date):
        return self.filter(Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day)))
