"""The one rule for a plan's period, asked by the plan forms, the copies, the web import and `import_plan`.

A plan runs within the years 2000–2100 and for at most ten years: a reporting period is written for every month or
year of the plan (ActivityPeriod rows), so an unbounded period («0001-01-01 – 9999-12-31») would write a row for
every month of ten thousand years.
"""

import datetime as dt

from django.utils.translation import gettext as _

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_YEARS = 10


def years_later(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (28 February for a 29 February that lands in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def year_error(day: dt.date | None) -> str | None:
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        return _("Give a date between the years %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
    return None


def period_errors(start: dt.date | None, end: dt.date | None) -> dict[str, str]:
    """What is wrong with the period start–end, by the field it belongs to («start», «end»), in Russian; empty when
    the period is good. A missing date is left to the form's own «required» message."""
    errors = {}
    for name, day in (("start", start), ("end", end)):
        if message := year_error(day):
            errors[name] = message
    if errors or start is None or end is None:
        return errors
    if end < start:
        errors["end"] = _("The plan cannot end before it starts.")
    elif end >= years_later(start, MAX_YEARS):
        errors["end"] = _("A plan runs for %(years)s years at most.") % {"years": MAX_YEARS}
    return errors


def check_period(start: dt.date | None, end: dt.date | None) -> None:
    """Raise PeriodRefused with the first problem of the period (for services and the command line)."""
    if start is None or end is None:
        raise PeriodRefused(_("Give the new plan's period."))
    errors = period_errors(start, end)
    if errors:
        raise PeriodRefused(errors.get("start") or errors["end"])


def years_errors(first: int | None, last: int | None) -> dict[str, str]:
    """The same rule for a period given as whole years, 1 January `first` – 31 December `last`."""
    if first is None or last is None:
        return {}
    errors = {}
    for name, year in (("start", first), ("end", last)):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            errors[name] = _("Give a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
    if errors:
        return errors
    return period_errors(dt.date(first, 1, 1), dt.date(last, 12, 31))


class PeriodRefused(ValueError):
    """The period breaks the rule; the message says why, in Russian."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
