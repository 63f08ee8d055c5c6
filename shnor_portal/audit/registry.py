"""Which models the audit trail follows and where their instances belong.

Domain apps call `register` from their AppConfig.ready(); the audit app itself imports none of them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

# (municipality id, school id or None) of an instance; (None, None) when it belongs to no municipality.
Place = tuple[int | None, int | None]


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    place: Callable[[models.Model], Place]
    url: Callable[[models.Model], str | None] | None = None
    personal: bool = False
    # The relations `place` and `url` follow, fetched once for a whole bulk write (prefetch_related_objects).
    related: tuple[str, ...] = ()


_registry: dict[type[models.Model], Registration] = {}


def register(model, *, place, url=None, personal: bool = False, related: tuple[str, ...] = ()) -> None:
    """Follow `model` (which must have simple-history's HistoricalRecords) in the audit trail.

    `place(instance)` gives its municipality and school; `url(instance)` the page where the object opens (a page
    every reader of the entry may open); `personal` keeps the entries to the school and its coordinators;
    `related` names the relations those functions follow, so that a bulk write fetches them once, not per row.
    """
    if not hasattr(model, "history"):
        raise ValueError(f"{model.__name__} has no history to audit")
    _registry[model] = Registration(model, place, url, personal, tuple(related))


def registration_for(model) -> Registration | None:
    return _registry.get(model)


def registered() -> list[Registration]:
    return list(_registry.values())
