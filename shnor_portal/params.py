"""Reading query parameters that users (and hostile clients) can set to anything."""

import re

YEAR = re.compile(r"(19|20|21)\d\d", re.ASCII)


def parse_year(value) -> int | None:
    """A four-digit year 1900–2199, or None for anything else (including «²», «2019.5», « 2019»)."""
    if isinstance(value, str) and YEAR.fullmatch(value):
        return int(value)
    return None
