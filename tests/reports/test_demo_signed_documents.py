"""load_demo signs the demo documents once (docs/demo.md): the inspector of Октябрьский finds a valid one."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.signatures import services
from reports.signatures.models import SignedDocument

pytestmark = pytest.mark.django_db


def test_load_demo_signs_the_demo_documents_once_and_the_inspector_finds_them(client, settings):
    call_command("load_demo", stdout=StringIO())
    first = {
        (e.kind, e.municipality.code, e.year): e.number for e in SignedDocument.objects.select_related("municipality")
    }
    assert set(first) == {("indicators", "oktyabrsky", 2022), ("plan", "gorodets", 2021)}
    assert settings.DOCUMENT_SIGNING_DEMO_P12.exists()
    call_command("load_demo", stdout=StringIO())
    assert {
        (e.kind, e.municipality.code, e.year): e.number for e in SignedDocument.objects.select_related("municipality")
    } == first

    oktyabrsky = SignedDocument.objects.get(municipality__code="oktyabrsky")
    assert oktyabrsky.signer.username == "coord-oktyabrsky"
    with oktyabrsky.file.open("rb") as handle:
        assert services.verify(handle.read()).ok
    client.login(username="inspector-oktyabrsky", password="shnor-demo-2024")
    page = client.get(reverse("reports:document-list")).content.decode()
    assert oktyabrsky.number in page and first[("plan", "gorodets", 2021)] not in page
