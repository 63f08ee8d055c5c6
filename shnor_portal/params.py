"""Reading query parameters that users (and hostile clients) can set to anything."""

import datetime as dt
import re

from django.http import QueryDict

YEAR = re.compile(r"(19|20|21)\d\d", re.ASCII)


def parse_year(value) -> int | None:
    """A four-digit year 1900–2199, or None for anything else (including «²», «2019.5», « 2019»)."""
    if isinstance(value, str) and YEAR.fullmatch(value):
        return int(value)
    return None


ISO_DATE = re.compile(r"((?:19|20|21)\d\d)-(\d\d)-(\d\d)", re.ASCII)
RU_DATE = re.compile(r"(\d\d)\.(\d\d)\.((?:19|20|21)\d\d)", re.ASCII)


def parse_date(value) -> dt.date | None:
    """A day as the date picker sends it («2021-09-01») or as people type it («01.09.2021»), years 1900–2199; None
    for anything else: «2021-02-30», «2021-9-1», « 2021-09-01», «２０２１-09-01» (full-width digits) are no dates."""
    if not isinstance(value, str):
        return None
    if match := ISO_DATE.fullmatch(value):
        year, month, day = match.groups()
    elif match := RU_DATE.fullmatch(value):
        day, month, year = match.groups()
    else:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
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


# Control characters never belong in a query string's text; a NUL even breaks PostgreSQL («A string literal cannot
# contain NUL»). Tab, line feed and carriage return are kept: they are text a search box can hold.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_TEXT = 2000  # longer than any search, filter or `next` path the portal writes itself
MAX_NAME = 100


def parse_text(value, max_length: int = MAX_TEXT) -> str:
    """Free text from a query string (a search, a filter value, a sort key): without NUL and other control
    characters and at most `max_length` characters; "" for anything that is not a string."""
    if not isinstance(value, str):
        return ""
    return CONTROL.sub("", value[: max_length * 2])[:max_length]


def clean_query(query: QueryDict) -> QueryDict:
    """The query string with every name and value read as free text (`parse_text`); the same object when already
    clean, which is nearly always."""
    if all(_is_clean(key, MAX_NAME) and all(_is_clean(v, MAX_TEXT) for v in values) for key, values in query.lists()):
        return query
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(parse_text(key, MAX_NAME), [parse_text(value) for value in values])
    cleaned._mutable = False
    return cleaned


def _is_clean(text: str, max_length: int) -> bool:
    return len(text) <= max_length and not CONTROL.search(text)


class CleanQueryMiddleware:
    """Every view, form, filter set and the admin read `request.GET` cleaned by `clean_query`: one place for what
    hostile clients put in a query string, instead of a check at each of the many places that read it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = clean_query(request.GET)
        return self.get_response(request)


def parse_sort(value, keys, default: str) -> tuple[str, bool]:
    """A list's `sort` parameter: a column key among `keys`, «-» before it for the descending order; anything else
    is the default column, ascending. Returns (key, descending)."""
    text = parse_text(value, MAX_NAME)
    descending = text.startswith("-")
    key = text[1:] if descending else text
    if key not in keys:
        return default, False
    return key, descending
