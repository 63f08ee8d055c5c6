"""Results of the competency diagnostic (docs/identification.md): % of the maximum per competency and in total,
and levels.

result % = sum of all raters' scores / (2 × criteria × raters) × 100; оптимальный 80–100 %, достаточный 70–79 %,
критический 0–69 %, compared before rounding (79.9 % is достаточный, 80.0 % оптимальный). Comparisons are made on
integers (score sums against the maximum), so no floating-point edge can move a teacher across a level.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Count, Max, Sum
from django.utils.translation import gettext_lazy as _

from shnor_portal.numbers import PCT_PLACES, half_up

MAX_SCORE = 2


class Level(models.TextChoices):
    OPTIMAL = "optimal", _("optimal")
    SUFFICIENT = "sufficient", _("sufficient")
    CRITICAL = "critical", _("critical")


def level_of(points: int, maximum: int) -> str:
    """The level for `points` out of `maximum`: ≥ 80 % optimal, ≥ 70 % sufficient, otherwise critical."""
    if maximum <= 0:
        raise ValueError("maximum must be positive")
    if points * 100 >= 80 * maximum:
        return Level.OPTIMAL
    if points * 100 >= 70 * maximum:
        return Level.SUFFICIENT
    return Level.CRITICAL


@dataclass(frozen=True)
class Result:
    points: int
    maximum: int

    @property
    def percent(self) -> Decimal:
        # Half-up like every share of the portal (shnor_portal/numbers.py): 2 of 16 points is 12,5 %, 1 of 16 is 6,3.
        return half_up(Decimal(self.points) * 100 / Decimal(self.maximum), PCT_PLACES)

    @property
    def level(self) -> str:
        return level_of(self.points, self.maximum)

    @property
    def level_label(self) -> str:
        return Level(self.level).label


def results_of(diagnostic_ids) -> dict[int, dict]:
    """diagnostic id → {"total": Result, competency id: Result, …}, in one query for any number of diagnostics."""
    from .models import Score

    rows = (
        Score.objects.filter(diagnostic_id__in=diagnostic_ids)
        .values("diagnostic_id", "criterion__competency_id")
        .annotate(points=Sum("value"), scores=Count("id"))
        .order_by()
    )
    results: dict[int, dict] = {}
    totals: dict[int, list[int]] = {}
    for row in rows:
        maximum = MAX_SCORE * row["scores"]
        results.setdefault(row["diagnostic_id"], {})[row["criterion__competency_id"]] = Result(row["points"], maximum)
        total = totals.setdefault(row["diagnostic_id"], [0, 0])
        total[0] += row["points"]
        total[1] += maximum
    for diagnostic_id, (points, maximum) in totals.items():
        results[diagnostic_id]["total"] = Result(points, maximum)
    return results


def latest_diagnostics(teachers) -> dict[int, int]:
    """teacher id → id of the teacher's latest diagnostic (one query)."""
    from .models import Diagnostic

    latest = Diagnostic.objects.filter(teacher__in=teachers).values("teacher_id").annotate(last=Max("date")).order_by()
    pairs = {(row["teacher_id"], row["last"]) for row in latest}
    if not pairs:
        return {}
    rows = Diagnostic.objects.filter(teacher__in=teachers).values_list("teacher_id", "date", "pk")
    return {teacher: pk for teacher, date, pk in rows if (teacher, date) in pairs}
