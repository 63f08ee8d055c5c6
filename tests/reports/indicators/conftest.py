import pytest


@pytest.fixture(autouse=True)
def catalogue(db):
    """The catalogue of migration 0012, also after a transactional test elsewhere flushed the database."""
    from reports.indicators.catalogue import ensure

    ensure()
