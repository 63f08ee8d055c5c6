"""Russian typography of official documents: dates «26.03.2021», decimal commas «0,3», percent «53,3 %».

One place for the way a value reads in the HTML preview and the PDF; the .xlsx writes the value itself with a
number format (shnor_portal/xlsx.py), so that a spreadsheet can still compute with it.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

EMPTY = "—"  # a cell with no value in a document (the seeds leave it blank or write «–»)

# Column and cell formats understood by the HTML writer (here) and the .xlsx writer (DocumentSheet).
TEXT = "text"
INTEGER = "int"
NUMBER1 = "number1"  # one decimal: «0,3»
NUMBER2 = "number2"  # two decimals: «3,47»
PERCENT1 = "percent1"  # a percentage stored as 53.3, written «53,3 %» (0.533 with «0.0%» in a workbook)
NUMBER = "number"  # as many decimals as it has, up to two: «10», «0,3», «3,47»
DATE = "date"
FORMATS = (TEXT, INTEGER, NUMBER, NUMBER1, NUMBER2, PERCENT1, DATE)
DECIMALS = {INTEGER: 0, NUMBER: 2, NUMBER1: 1, NUMBER2: 2, PERCENT1: 1}


def ru_date(value: dt.date | dt.datetime | None) -> str:
    """«26.03.2021»; an empty string for no date."""
    if value is None:
        return ""
    return value.strftime("%d.%m.%Y")


def ru_datetime(value: dt.datetime | None) -> str:
    """«26.03.2021 14:05»."""
    if value is None:
        return ""
    return value.strftime("%d.%m.%Y %H:%M")


def as_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return result if result.is_finite() else None


def ru_number(value, decimals: int = 1, *, trim: bool = False) -> str:
    """«0,3» with a decimal comma, rounded half up as every figure of the portal; «—» for no value. `trim` drops a
    fractional part of zeros («100» rather than «100,0»), as the seeds write whole targets."""
    number = as_decimal(value)
    if number is None:
        return EMPTY
    quantum = Decimal(1).scaleb(-decimals)
    text = f"{number.quantize(quantum, rounding=ROUND_HALF_UP):f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]  # «-0,0» reads as «0,0»
    # A thin non-breaking space between thousands («1 250»), as Russian documents group digits.
    whole, _, fraction = text.lstrip("-").partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f")
    sign = "−" if text.startswith("-") else ""
    return sign + grouped + ("," + fraction if fraction else "")


def display(value, fmt: str = TEXT) -> str:
    """A cell's value as the document prints it."""
    if value is None or value == "":
        return "" if fmt == TEXT else EMPTY
    if fmt == DATE or isinstance(value, dt.date):
        return ru_date(value)
    if fmt == PERCENT1:
        text = ru_number(value, 1)
        return text if text == EMPTY else f"{text}\u00a0%"
    if fmt in DECIMALS:
        return ru_number(value, DECIMALS[fmt], trim=fmt == NUMBER)
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, (int, float, Decimal)):
        return ru_number(value, 0 if isinstance(value, int) else 1, trim=True)
    return str(value)
