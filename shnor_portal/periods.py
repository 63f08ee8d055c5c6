"""Which rows of a table of periods share at least one day with a given range of days.

Listings, pairings and events each have a `start` and an `end` date; their lists, filters and overlap checks ask the
same question, so the condition is written once here (the bottom layer: it knows field names, not models).
Both ends are inclusive: a period that ends on the day another starts overlaps it.
"""

import datetime as dt

from django.db.models import Q


def overlapping(start: dt.date | None, end: dt.date | None, prefix: str = "", *, open_ended: bool = True) -> Q:
    """Rows whose [start, end] period shares a day with the range [start, end].

    An unknown bound of the range (None) is open: no condition on that side. A row without an `end` still runs
    (`open_ended`, as a listing or an agreement), or lasts its start day only (`open_ended=False`, as an event).
    `prefix` reaches the period through a relation («listings__»)."""
    condition = Q()
    if end is not None:
        condition &= Q(**{f"{prefix}start__lte": end})
    if start is not None:
        last_day_reaches = Q(**{f"{prefix}end__gte": start})
        if open_ended:
            condition &= Q(**{f"{prefix}end__isnull": True}) | last_day_reaches
        else:
            condition &= Q(**{f"{prefix}end__isnull": True, f"{prefix}start__gte": start}) | last_day_reaches
    return condition
