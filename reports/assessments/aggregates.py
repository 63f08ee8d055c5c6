"""Aggregates per campaign × school, computed by SQL from both kinds of stored rows (INDICATORS.md)."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Max, Q, Sum

from .models import AggregatedResult, ParticipantResult, Procedure


def pct(numerator: int, denominator: int) -> float | None:
    if not denominator:
        return None
    return float((Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def mean(total, count: int) -> float | None:
    if not count or total is None:
        return None
    return float((Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


KEY = ("school__code", "campaign__subject__name", "campaign__grade")


def _participant_groups(filters: Q):
    return (
        ParticipantResult.objects.filter(filters)
        .values(*KEY)
        .annotate(
            n=Count("id"),
            m2=Count("id", filter=Q(mark=2)),
            m3=Count("id", filter=Q(mark=3)),
            m4=Count("id", filter=Q(mark=4)),
            m5=Count("id", filter=Q(mark=5)),
            mark_sum=Sum("mark"),
            marked=Count("mark"),
            lowered=Count("id", filter=Q(mark__lt=F("journal_mark"))),
            confirmed=Count("id", filter=Q(mark=F("journal_mark"))),
            raised=Count("id", filter=Q(mark__gt=F("journal_mark"))),
            tested=Count("test_score"),
            test_sum=Sum("test_score"),
            test_max=Max("test_score"),
            below=Count("id", filter=Q(test_score__lt=F("campaign__subject__ege_min_score"))),
            has_minimum=Max("campaign__subject__ege_min_score"),
        )
        .order_by()
    )


def _aggregate_groups(filters: Q):
    return (
        AggregatedResult.objects.filter(filters)
        .values(*KEY)
        .annotate(
            n=Sum("participants"),
            m2=Sum("marks_2"),
            m3=Sum("marks_3"),
            m4=Sum("marks_4"),
            m5=Sum("marks_5"),
            lowered=Sum("lowered"),
            confirmed=Sum("confirmed"),
            raised=Sum("raised"),
        )
        .order_by()
    )


def results_rows(*, municipality, year: int, procedure: str) -> list[dict]:
    """The rows of `results --json` (SPEC §5): two grouped queries whatever the number of schools."""
    filters = Q(campaign__year=year, campaign__procedure=procedure, school__municipality=municipality)
    totals: dict[tuple, dict] = {}
    counted = (
        "n",
        "m2",
        "m3",
        "m4",
        "m5",
        "mark_sum",
        "marked",
        "lowered",
        "confirmed",
        "raised",
        "tested",
        "test_sum",
        "below",
    )
    for group in _participant_groups(filters):
        key = tuple(group[k] for k in KEY)
        totals[key] = {name: group[name] or 0 for name in counted}
        totals[key]["test_max"] = group["test_max"]
        totals[key]["has_minimum"] = group["has_minimum"] is not None
    for group in _aggregate_groups(filters):
        key = tuple(group[k] for k in KEY)
        row = totals.setdefault(key, {name: 0 for name in counted} | {"test_max": None, "has_minimum": False})
        for name in ("n", "m2", "m3", "m4", "m5", "lowered", "confirmed", "raised"):
            row[name] += group[name] or 0
        row["mark_sum"] += (
            2 * (group["m2"] or 0) + 3 * (group["m3"] or 0) + 4 * (group["m4"] or 0) + 5 * (group["m5"] or 0)
        )
        row["marked"] += sum(group[m] or 0 for m in ("m2", "m3", "m4", "m5"))
    rows = []
    for (school, subject, grade), t in sorted(totals.items()):
        if procedure == Procedure.EGE:
            rows.append(
                {
                    "school": school,
                    "subject": subject,
                    "grade": grade,
                    "participants": t["n"],
                    "mean_score": mean(t["test_sum"], t["tested"]),
                    "max_score": t["test_max"],
                    "below_min_pct": pct(t["below"], t["tested"]) if t["has_minimum"] else None,
                }
            )
            continue
        compared = t["lowered"] + t["confirmed"] + t["raised"]
        rows.append(
            {
                "school": school,
                "subject": subject,
                "grade": grade,
                "participants": t["n"],
                "mean_mark": mean(t["mark_sum"], t["marked"]),
                "success_pct": pct(t["m3"] + t["m4"] + t["m5"], t["n"]),
                "quality_pct": pct(t["m4"] + t["m5"], t["n"]),
                "marks": {"2": t["m2"], "3": t["m3"], "4": t["m4"], "5": t["m5"]},
                "lowered_pct": pct(t["lowered"], compared),
                "confirmed_pct": pct(t["confirmed"], compared),
                "raised_pct": pct(t["raised"], compared),
            }
        )
    return rows
