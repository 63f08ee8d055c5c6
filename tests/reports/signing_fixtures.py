"""A certificate of the tests' own (never the demo one under var/keys/) and documents signed with it.

Import the fixtures into a test module: `from .signing_fixtures import signing_key, signed_entry  # noqa: F401`."""

from dataclasses import dataclass

import pytest
from weasyprint import HTML

from reports import signing
from reports.signatures import services

OWNER = "Департамент образования (тест)"


@pytest.fixture(scope="session")
def signing_p12(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "test-signing.p12"
    path.write_bytes(signing.make_self_signed_p12("Иванова Анна Петровна", OWNER, password=b"test-password"))
    return path


@pytest.fixture
def signing_key(settings, signing_p12):
    settings.DOCUMENT_SIGNING_P12 = signing_p12
    settings.DOCUMENT_SIGNING_P12_PASSWORD = "test-password"
    return signing_p12


@pytest.fixture(scope="session")
def plain_pdf():
    """A two-page PDF as WeasyPrint makes the documents: Cyrillic text, no signature."""
    rows = "".join(f"<p>Мероприятие 1.{n} — семинар-практикум</p>" for n in range(1, 80))
    return HTML(string=f"<html><body><h1>План мероприятий</h1>{rows}</body></html>").write_pdf()


@dataclass
class FakeDocument:
    """What services.sign reads of a reports/documents Document."""

    unit: object
    year: int
    pdf_bytes: bytes
    kind: str = "plan"
    title: str = "План мероприятий («дорожная карта»)"
    plan: object = None

    def pdf(self) -> bytes:
        return self.pdf_bytes


@pytest.fixture
def make_document(plain_pdf):
    def make(unit, year=2021, **more):
        return FakeDocument(unit=unit, year=year, pdf_bytes=plain_pdf, **more)

    return make


@pytest.fixture
def signed_entry(world, signing_key, make_document, coordinator):
    """A plan annex of the world's municipality (oktyabrsky), signed by its coordinator."""
    return services.sign(make_document(world.municipality), coordinator)
