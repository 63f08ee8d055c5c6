"""Helpers shared by the demo loaders of each app: read fixtures, write only what differs."""

import datetime as dt
from pathlib import Path

import yaml
from django.conf import settings

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "demo"


def read_fixture(name: str) -> dict:
    with open(FIXTURES / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def as_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


class Tally:
    """Counts what a loader created and changed, for the command's summary."""

    def __init__(self):
        self.created: dict[str, int] = {}
        self.updated: dict[str, int] = {}

    def note(self, label: str, created: bool, changed: bool) -> None:
        if created:
            self.created[label] = self.created.get(label, 0) + 1
        elif changed:
            self.updated[label] = self.updated.get(label, 0) + 1


def upsert(model, lookup: dict, values: dict, tally: Tally | None = None):
    """Create or update one row, saving (and so writing history) only when a value actually differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        if tally:
            tally.note(model._meta.verbose_name_plural, True, False)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    if tally:
        tally.note(model._meta.verbose_name_plural, False, bool(changed))
    return obj
