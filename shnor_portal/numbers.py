"""One rule for the numbers people compare across pages and exports: a mean with two decimals («4,00», «3,80»,
«2,77»), a percentage with one («12,3»), rounded half-up from the exact decimal (0,125 → 0,13, never the banker's
0,12), written with a decimal comma and a true minus sign. Spreadsheets get the same places as number formats
(MEAN_FORMAT, PCT_FORMAT) on cells that stay numbers.

Templates use the filters `mean` and `pct` (built in: shnor_portal/templatetags_numbers.py); Python code calls
`format_mean`, `format_pct` or `format_decimal` and rounds with `half_up`.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MEAN_PLACES, PCT_PLACES = 2, 1
MEAN_FORMAT, PCT_FORMAT = "0.00", "0.0"
MISSING = "—"


def as_decimal(value) -> Decimal | None:
    """The value as an exact decimal; a float is read as it is written (str), not as its binary expansion, so that
    2.675 is 2,675 and rounds to 2,68. None (or what is not a finite number) is None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return result if result.is_finite() else None


def half_up(value, places: int) -> Decimal | None:
    """The value rounded half-up to `places` decimals (0 for a whole number)."""
    number = as_decimal(value)
    if number is None:
        return None
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_decimal(value, places: int, missing: str = MISSING) -> str:
    """«4,00» / «12,3» / «−0,5»: half-up to `places`, decimal comma, a minus sign; `missing` for no value."""
    number = half_up(value, places)
    if number is None:
        return missing
    text = f"{number:f}"
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]  # «−0,0» reads as «0,0»
    return text.replace(".", ",").replace("-", "−")


def format_mean(value, missing: str = MISSING) -> str:
    return format_decimal(value, MEAN_PLACES, missing)


def format_pct(value, missing: str = MISSING) -> str:
    return format_decimal(value, PCT_PLACES, missing)


def kind_of(column: str) -> str | None:
    """Which rule a named number column follows: «pct» for shares (…_pct, percent), «mean» for means (mean_…)."""
    if column.endswith("_pct") or column in {"percent", "done_percent"}:
        return "pct"
    if column.startswith("mean"):
        return "mean"
    return None


def format_column(value, column: str, missing: str = MISSING) -> str:
    """A cell of a named column by its rule; counts and other numbers as they are (with a decimal comma)."""
    kind = kind_of(column)
    if kind == "pct":
        return format_pct(value, missing)
    if kind == "mean":
        return format_mean(value, missing)
    if value is None:
        return missing
    return str(value).replace(".", ",")
