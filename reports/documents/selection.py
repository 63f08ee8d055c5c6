"""Which plans a document may be made of: a unit's plans, and its approved ones covering a year, the best first."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When

from registry.models import Municipality, Region
from roadmaps.models import Level, Plan, PlanStatus

# Approved plans: approved, being carried out, or completed (every one of them passed the approval).
APPROVED = (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED)
# «The approved plan of the highest level» (SPEC §5): the municipality's own roadmap before a pair's before a school's.
LEVEL_RANK = Case(
    When(level=Level.MUNICIPAL, then=Value(0)),
    When(level=Level.PAIR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def plans_in(unit: Municipality | Region):
    """Every plan of the unit (a municipality's, or those of a region's municipalities)."""
    if isinstance(unit, Region):
        return Plan.objects.filter(municipality__region=unit)
    return Plan.objects.filter(municipality=unit)


def plans_for(unit: Municipality | Region, year: int):
    """The unit's approved plans covering `year`, the best first: highest level, then the latest start."""
    return (
        plans_in(unit)
        .filter(status__in=APPROVED, period_start__year__lte=year, period_end__year__gte=year)
        .annotate(level_rank=LEVEL_RANK)
        .select_related("municipality", "school", "pairing")
        .order_by("level_rank", "-period_start", "title", "pk")
    )
