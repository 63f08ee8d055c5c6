"""Reading query parameters that users (and hostile clients) can set to anything."""

import re

YEAR = re.compile(r"(19|20|21)\d\d", re.ASCII)


def parse_year(value) -> int | None:
    """A four-digit year 1900–2199, or None for anything else (including «²», «2019.5», « 2019»)."""
    if isinstance(value, str) and YEAR.fullmatch(value):
        return int(value)
    return None


PK = re.compile(r"[0-9]{1,18}", re.ASCII)
CODE = re.compile(r"[a-z0-9-]{1,40}", re.ASCII)


def parse_pk(value) -> int | None:
    """A database id from a query string or a form, or None for anything else: «²» and «٢» pass str.isdigit() but
    are no ids, nor are « 1», «1.0», «-1» or twenty digits."""
    if isinstance(value, str) and PK.fullmatch(value):
        return int(value)
    return None


def parse_code(value) -> str | None:
    """A municipality's or school's code from a query string: its own characters only (a NUL byte or a quote never
    reaches the database)."""
    if isinstance(value, str) and CODE.fullmatch(value):
        return value
    return None
