"""«Подписать» in the report centre and `render_report --sign`: a real plan annex rendered, signed and registered."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports.signatures import services
from reports.signatures.models import SignedDocument

from .documents.builders import make_plan

pytestmark = pytest.mark.django_db

CHOICE = {"kind": "plan", "unit": "m:oktyabrsky", "year": 2021}


@pytest.fixture
def plan(world):
    return make_plan(world.municipality)


def test_the_coordinator_sees_sign_and_signs_the_previewed_document(client_for, coordinator, plan, signing_key):
    client = client_for(coordinator)
    preview = client.get(reverse("reports:document-centre"), CHOICE).content.decode()
    assert reverse("reports:document-sign") in preview
    response = client.post(reverse("reports:document-sign"), CHOICE)
    entry = SignedDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:document-detail", args=[entry.pk])
    assert entry.kind == "plan" and entry.plan == plan and entry.signer == coordinator and entry.year == 2021
    assert entry.title == plan.title or plan.title in entry.title
    with entry.file.open("rb") as handle:
        assert services.verify(handle.read()).ok


def test_the_inspector_has_no_sign_button_and_cannot_post(client_for, inspector, plan, signing_key):
    client = client_for(inspector)
    preview = client.get(reverse("reports:document-centre"), CHOICE).content.decode()
    assert reverse("reports:document-sign") not in preview
    assert client.post(reverse("reports:document-sign"), CHOICE).status_code == 403
    assert not SignedDocument.objects.exists()


def test_a_coordinator_of_elsewhere_cannot_sign_this_municipality(client_for, other_coordinator, plan, signing_key):
    response = client_for(other_coordinator).post(reverse("reports:document-sign"), CHOICE)
    assert response.status_code == 302 and not SignedDocument.objects.exists()  # not a unit of theirs: a form error


def test_a_missing_certificate_is_a_russian_message_not_a_500(client_for, coordinator, plan, settings, tmp_path):
    settings.DOCUMENT_SIGNING_P12 = tmp_path / "absent.p12"
    response = client_for(coordinator).post(reverse("reports:document-sign"), CHOICE, follow=True)
    assert response.status_code == 200
    assert "Сертификат для подписи не установлен" in response.content.decode()
    assert not SignedDocument.objects.exists()


def test_render_report_sign_writes_the_registered_file_that_verifies(plan, signing_key, coordinator, tmp_path):
    out = tmp_path / "plan.pdf"
    call_command(
        "render_report", "plan", "--municipality", "oktyabrsky", "--year", "2021", "--format", "pdf",
        "--out", str(out), "--sign", "--user", coordinator.username,
    )  # fmt: skip
    entry = SignedDocument.objects.get()
    assert entry.signer == coordinator
    data = out.read_bytes()
    assert services.verify(data).ok and services.verify(data).entry == entry
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    assert services.verify(bytes(changed)).status == services.NOT_VALID


def test_render_report_sign_refuses_xlsx_and_an_unknown_user(plan, signing_key, tmp_path):
    base = ["render_report", "plan", "--municipality", "oktyabrsky", "--year", "2021", "--out", str(tmp_path / "x")]
    with pytest.raises(CommandError, match="только PDF"):
        call_command(*base, "--format", "xlsx", "--sign")
    with pytest.raises(CommandError, match="Нет активного пользователя"):
        call_command(*base, "--format", "pdf", "--sign", "--user", "nobody")
    assert not SignedDocument.objects.exists()
