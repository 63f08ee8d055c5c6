"""Fixtures of the signed documents' tests (signing_fixtures.py): a certificate of the tests' own and documents
signed with it."""

from .signing_fixtures import (  # noqa: F401 — fixtures
    make_document,
    plain_pdf,
    signed_entry,
    signing_key,
    signing_p12,
)
