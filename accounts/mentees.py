"""Which schools a mentor school supports: the question `accounts` asks, answered by the app that keeps pairings.

A mentor's scope opens the schools it supports under an active agreement. The agreements (`Pairing`) live in
`registry`, above `accounts`, which imports no domain app. So `accounts` only declares the question here, and
`registry` registers the answer from its AppConfig.ready() (registry/pairings.py `active_mentee_ids`).
"""

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured

# (mentor school ids, day) → ids of the schools they support on that day, in one query.
MenteeSource = Callable[[Iterable[int], dt.date], Iterable[int]]

_source: MenteeSource | None = None


def register_mentee_source(source: MenteeSource) -> None:
    """Answer the question for the whole project; a second, different answer is a configuration error."""
    global _source
    if _source is not None and _source is not source:
        raise ImproperlyConfigured(f"The mentee source is already {_source!r}; refusing {source!r}.")
    _source = source


def active_mentee_ids(mentor_ids: Iterable[int], day: dt.date) -> set[int]:
    """Ids of the schools the given mentor schools support on `day`."""
    if _source is None:
        # Failing loudly beats a silently empty scope: a mentor would just lose its schools.
        raise ImproperlyConfigured("No app answers which schools a mentor supports: is `registry` installed?")
    return set(_source(mentor_ids, day))
