"""Recalculation of the target indicators: every registered formula of the catalogue, for some municipalities and
years, written as `IndicatorValue` rows in one transaction.

Called by `recalc_indicators`, by the task that runs after each results import (reports/tasks.py), by the debounced
task after edits of the data the formulas read (reports/indicators/triggers.py) and nightly by Celery beat. The cost
is a few queries per formula and year, whatever the number of schools: each formula works over all municipalities
of the period at once (base.py), manual values are read in one query, the rows are replaced by one DELETE and a
batched INSERT. Recalculating twice gives the same rows (only `calculated_at` moves).
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min
from django.db.models.functions import ExtractYear
from django.utils import timezone

from registry.models import Listing, Municipality, School
from roadmaps.models import ActivityPeriod
from support.models import DevelopmentRecord, Diagnostic, SupportEvent

from ..assessments.models import Campaign
from . import formulas  # noqa: F401 — registration by import
from .base import FORMULAS, SCHOOL_SCOPE, Count, Formula, Period
from .models import Indicator, IndicatorValue, ManualValue, Method


def recalculate(municipality_ids: Iterable[int] | None = None, years: Iterable[int] | None = None) -> int:
    """Recalculate every catalogue indicator for the municipalities (all when None) and the years (every year with
    data when None); return the number of rows written. One transaction: readers see the old values or the new."""
    if municipality_ids is None:
        municipality_ids = Municipality.objects.values_list("pk", flat=True)
    municipalities = tuple(sorted(set(municipality_ids)))
    years = sorted(set(years)) if years is not None else data_years()
    if not municipalities or not years:
        return 0
    now = timezone.now()
    indicators = list(Indicator.objects.all())
    by_formula: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        if indicator.method == Method.COMPUTED and indicator.formula_code in FORMULAS:
            by_formula.setdefault(indicator.formula_code, []).append(indicator)
    manual = {indicator.pk: indicator for indicator in indicators if indicator.method == Method.MANUAL}
    with transaction.atomic():
        school_municipality: dict[int, int] | None = None
        rows: list[IndicatorValue] = []
        for year in years:
            period = Period(year, municipalities)
            for code, entries in by_formula.items():
                formula = FORMULAS[code]
                counts = formula.function(period)
                if formula.scope == SCHOOL_SCOPE and school_municipality is None:
                    school_municipality = dict(
                        School.objects.filter(municipality_id__in=municipalities).values_list("pk", "municipality_id")
                    )
                for key, count in counts.items():
                    if formula.scope == SCHOOL_SCOPE:
                        municipality_id, school_id = school_municipality.get(key), key
                        if municipality_id is None:
                            continue
                    else:
                        municipality_id, school_id = key, None
                    rows.extend(
                        _row(formula, count, indicator, municipality_id, school_id, year, now) for indicator in entries
                    )
        if manual:
            typed = ManualValue.objects.filter(
                municipality_id__in=municipalities, year__in=years, indicator_id__in=list(manual)
            ).select_related("entered_by")
            rows.extend(
                IndicatorValue(
                    indicator_id=value.indicator_id,
                    municipality_id=value.municipality_id,
                    school_id=value.school_id,
                    year=value.year,
                    value=value.value,
                    details={
                        "source": value.source_note,
                        "date": value.date.isoformat(),
                        "entered_by": value.entered_by.get_username() if value.entered_by else "",
                    },
                    calculated_at=now,
                )
                for value in typed
            )
        IndicatorValue.objects.filter(municipality_id__in=municipalities, year__in=years).delete()
        IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _row(formula: Formula, count: Count, indicator: Indicator, municipality_id, school_id, year, now):
    return IndicatorValue(
        indicator=indicator,
        municipality_id=municipality_id,
        school_id=school_id,
        year=year,
        numerator=_number(count.numerator),
        denominator=_number(count.denominator),
        value=formula.actual(count),
        numerator_ids=count.numerator_ids,
        denominator_ids=count.denominator_ids,
        details=count.details or {},
        calculated_at=now,
    )


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def data_years(today: dt.date | None = None) -> list[int]:
    """Every year from the first to the last that the portal holds data for (listings, assessment campaigns,
    events, diagnostics, professional development, reporting periods, manual values), never past the current
    year; a few aggregate queries."""
    today = today or timezone.localdate()
    firsts, lasts = [], []

    def span(queryset, field):
        found = queryset.aggregate(first=Min(ExtractYear(field)), last=Max(ExtractYear(field)))
        if found["first"] is not None:
            firsts.append(found["first"])
            lasts.append(found["last"])

    span(Listing.objects.all(), "start")
    if Listing.objects.filter(end__isnull=True).exists():
        lasts.append(today.year)
    span(Listing.objects.filter(end__isnull=False), "end")
    span(SupportEvent.objects.all(), "start")
    span(Diagnostic.objects.all(), "date")
    span(DevelopmentRecord.objects.filter(end__isnull=False), "end")
    span(ActivityPeriod.objects.all(), "end")
    campaigns = Campaign.objects.aggregate(first=Min("year"), last=Max("year"))
    manual = ManualValue.objects.aggregate(first=Min("year"), last=Max("year"))
    for found in (campaigns, manual):
        if found["first"] is not None:
            firsts.append(found["first"])
            lasts.append(found["last"])
    if not firsts:
        return []
    return list(range(min(firsts), min(max(lasts), today.year) + 1))
