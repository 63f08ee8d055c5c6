"""Fixtures of the reports' tests: the signed documents' (signing_fixtures.py: a certificate of the tests' own and
documents signed with it), and the columnar lane of the results import taken by files of any size."""

import pytest

from reports.assessments import commit

from .signing_fixtures import (  # noqa: F401 — fixtures
    make_document,
    plain_pdf,
    signed_entry,
    signing_key,
    signing_p12,
)


@pytest.fixture(autouse=True)
def _files_of_any_size_take_the_columnar_lane(monkeypatch):
    """Every CSV protocol imported in these tests takes the columnar lane where it qualifies, however small (in use
    it starts at commit.COLUMNS_FROM_BYTES): each test of a refusal or a reading then shows that the lane hands the file
    to the row-by-row reader, or writes exactly what it would."""
    monkeypatch.setattr(commit, "COLUMNS_FROM_BYTES", 0)


@pytest.fixture
def demo(db):
    """The registry of the demo (schools with their codes) without users and profiles: quicker than load_demo. Tests
    that need the whole demo define their own `demo`."""
    from registry import demo as registry_demo
    from shnor_portal.demo import Tally

    registry_demo.load(Tally())
