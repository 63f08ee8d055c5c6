"""The catalogue's seed entries, for a database that lost them: migration 0012 writes them once, but a flushed
database (transactional tests, `flush`) has none, and load_demo must still find its indicators.

`ensure()` creates the entries of migration 0012 that are missing and leaves every existing one as it is (the
administrator may have edited names, texts or targets)."""

import importlib

from .models import Indicator

CATALOGUE_MIGRATION = "reports.migrations.0012_indicator_catalogue"


def ensure() -> int:
    """Create the missing seed entries (two queries when none is missing); return how many were created."""
    migration = importlib.import_module(CATALOGUE_MIGRATION)
    present = set(Indicator.objects.values_list("code", flat=True))
    missing = [Indicator(code=code, **fields) for code, fields in migration.rows() if code not in present]
    Indicator.objects.bulk_create(missing)
    return len(missing)
