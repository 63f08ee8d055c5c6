"""Aggregates per campaign × school, computed by SQL from both kinds of stored rows (INDICATORS.md)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum

from .models import AggregatedResult, ParticipantResult, Procedure, SchoolAggregate


def pct(numerator: int, denominator: int) -> float | None:
    if not denominator:
        return None
    return float((Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def mean(total, count: int) -> float | None:
    if not count or total is None:
        return None
    return float((Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


GROUP = ("campaign_id", "school_id")


def _participant_groups(filters: Q):
    return (
        ParticipantResult.objects.filter(filters)
        .values(*GROUP)
        .annotate(
            participants=Count("id"),
            marks_2=Count("id", filter=Q(mark=2)),
            marks_3=Count("id", filter=Q(mark=3)),
            marks_4=Count("id", filter=Q(mark=4)),
            marks_5=Count("id", filter=Q(mark=5)),
            mark_sum=Sum("mark"),
            marked=Count("mark"),
            lowered=Count("id", filter=Q(mark__lt=F("journal_mark"))),
            confirmed=Count("id", filter=Q(mark=F("journal_mark"))),
            raised=Count("id", filter=Q(mark__gt=F("journal_mark"))),
            tested=Count("test_score"),
            test_sum=Sum("test_score"),
            test_max=Max("test_score"),
            below_min=Count("id", filter=Q(test_score__lt=F("campaign__subject__ege_min_score"))),
            minimum=Max("campaign__subject__ege_min_score"),
        )
        .order_by()
    )


def _aggregate_groups(filters: Q):
    return (
        AggregatedResult.objects.filter(filters)
        .values(*GROUP)
        .annotate(
            participants=Sum("participants"),
            marks_2=Sum("marks_2"),
            marks_3=Sum("marks_3"),
            marks_4=Sum("marks_4"),
            marks_5=Sum("marks_5"),
            lowered=Sum("lowered"),
            confirmed=Sum("confirmed"),
            raised=Sum("raised"),
        )
        .order_by()
    )


COUNTS = (
    "participants",
    "marks_2",
    "marks_3",
    "marks_4",
    "marks_5",
    "mark_sum",
    "marked",
    "lowered",
    "confirmed",
    "raised",
    "tested",
    "test_sum",
    "below_min",
)


@transaction.atomic
def recalculate(campaign_ids, school_ids=None) -> int:
    """Rebuild the stored aggregates of the campaigns (and schools): a delete and two grouped queries.

    Running it twice gives the same rows; returns how many campaign × school aggregates now exist for the scope.
    """
    filters = Q(campaign_id__in=list(campaign_ids))
    if school_ids is not None:
        filters &= Q(school_id__in=list(school_ids))
    totals: dict[tuple, dict] = {}
    for group in _participant_groups(filters):
        row = totals[(group["campaign_id"], group["school_id"])] = {name: group[name] or 0 for name in COUNTS}
        row["test_max"] = group["test_max"]
        row["has_minimum"] = group["minimum"] is not None
    for group in _aggregate_groups(filters):
        row = totals.setdefault(
            (group["campaign_id"], group["school_id"]),
            dict.fromkeys(COUNTS, 0) | {"test_max": None, "has_minimum": False},
        )
        for name in ("participants", "marks_2", "marks_3", "marks_4", "marks_5", "lowered", "confirmed", "raised"):
            row[name] += group[name] or 0
        marks = [group[f"marks_{m}"] or 0 for m in (2, 3, 4, 5)]
        row["mark_sum"] += sum(m * n for m, n in zip((2, 3, 4, 5), marks, strict=True))
        row["marked"] += sum(marks)
    SchoolAggregate.objects.filter(filters).delete()
    SchoolAggregate.objects.bulk_create(
        [SchoolAggregate(campaign_id=c, school_id=s, **values) for (c, s), values in totals.items()], batch_size=2000
    )
    return len(totals)


def results_rows(*, municipality, year: int, procedure: str) -> list[dict]:
    """The rows of `results --json` (SPEC §5), from the stored aggregates: one query."""
    aggregates = (
        SchoolAggregate.objects.filter(
            campaign__year=year, campaign__procedure=procedure, school__municipality=municipality
        )
        .select_related("school", "campaign__subject")
        .order_by("school__code", "campaign__subject__name", "campaign__grade")
    )
    return [row_of(aggregate, procedure) for aggregate in aggregates]


def row_of(t: SchoolAggregate, procedure: str) -> dict:
    head = {
        "school": t.school.code,
        "subject": t.campaign.subject.name,
        "grade": t.campaign.grade,
        "participants": t.participants,
    }
    if procedure == Procedure.EGE:
        return head | {
            "mean_score": mean(t.test_sum, t.tested),
            "max_score": t.test_max,
            "below_min_pct": pct(t.below_min, t.tested) if t.has_minimum else None,
        }
    compared = t.lowered + t.confirmed + t.raised
    return head | {
        "mean_mark": mean(t.mark_sum, t.marked),
        "success_pct": pct(t.marks_3 + t.marks_4 + t.marks_5, t.participants),
        "quality_pct": pct(t.marks_4 + t.marks_5, t.participants),
        "marks": {"2": t.marks_2, "3": t.marks_3, "4": t.marks_4, "5": t.marks_5},
        "lowered_pct": pct(t.lowered, compared),
        "confirmed_pct": pct(t.confirmed, compared),
        "raised_pct": pct(t.raised, compared),
    }


def campaign_rows(campaign, schools) -> list[tuple]:
    """(school, row of `row_of`) for the visible schools of a campaign: one query."""
    aggregates = (
        SchoolAggregate.objects.filter(campaign=campaign, school__in=schools)
        .select_related("school", "campaign__subject")
        .order_by("school__municipality__name", "school__short_name")
    )
    return [(aggregate.school, row_of(aggregate, campaign.procedure)) for aggregate in aggregates]


def school_dynamics(school) -> dict[tuple[str, str], list[tuple[int, float | None]]]:
    """{(procedure, subject): [(year, mean mark or mean test score)]} over the years, grades pooled: one query."""
    from django.db.models import Sum

    rows = (
        SchoolAggregate.objects.filter(school=school)
        .values("campaign__procedure", "campaign__subject__name", "campaign__year")
        .annotate(mark_sum=Sum("mark_sum"), marked=Sum("marked"), test_sum=Sum("test_sum"), tested=Sum("tested"))
        .order_by("campaign__procedure", "campaign__subject__name", "campaign__year")
    )
    series: dict[tuple[str, str], list] = {}
    for row in rows:
        key = (row["campaign__procedure"], row["campaign__subject__name"])
        value = (
            mean(row["test_sum"], row["tested"]) if key[0] == Procedure.EGE else mean(row["mark_sum"], row["marked"])
        )
        series.setdefault(key, []).append((row["campaign__year"], value))
    return series
