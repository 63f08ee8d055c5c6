"""Shares as docs/indicators.md defines them: numerator / denominator × 100, half-up to one decimal, from exact
counts."""

from decimal import ROUND_HALF_UP, Decimal


def share_pct(numerator: int | None, denominator: int | None) -> Decimal | None:
    """None when either count is missing or the denominator is 0 («нет данных», never 0 or 100)."""
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
