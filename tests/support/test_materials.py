"""Event materials: types checked by content, a size limit, storage under MEDIA_ROOT, a permission-checked download."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from support.models import EventMaterial

from .conftest import make_event

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def ooxml(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main_part, "<x/>")
    return buffer.getvalue()


def upload(client, event, name, content):
    return client.post(reverse("support:material-upload", args=[event.pk]), {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("программа.pdf", PDF, "pdf"),
        ("фото.png", PNG, "png"),
        ("фото.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpg"),
        ("план.docx", ooxml("word/document.xml"), "docx"),
        ("явка.xlsx", ooxml("xl/workbook.xml"), "xlsx"),
    ],
)
def test_it_accepts_the_allowed_types_by_content(client_for, coordinator, event, settings, name, content, kind):
    response = upload(client_for(coordinator), event, name, content)
    assert response.status_code == 302
    material = EventMaterial.objects.get()
    assert (material.name, material.kind, material.size) == (name, kind, len(content))
    stored = Path(material.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT)) and name not in stored.name
    assert stored.read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("вирус.exe", b"MZ\x90\x00"),
        ("страница.pdf", b"<html><script>alert(1)</script></html>"),
        ("картинка.png", PDF),
        ("архив.docx", ooxml("other.xml")),
        ("таблица.xlsx", ooxml("word/document.xml")),
        ("битый.docx", b"PK\x03\x04 not really a zip"),
        ("без-расширения", PDF),
    ],
)
def test_it_refuses_other_files_beside_the_field(client_for, coordinator, event, name, content):
    response = upload(client_for(coordinator), event, name, content)
    assert response.status_code == 200 and "file" in response.context["material_form"].errors
    assert not EventMaterial.objects.exists()


def test_it_refuses_a_file_over_the_limit(client_for, coordinator, event, settings):
    settings.SUPPORT_MATERIAL_MAX_BYTES = 1024
    response = upload(client_for(coordinator), event, "большой.pdf", PDF + b"0" * 2000)
    assert "слишком большой" in str(response.context["material_form"].errors["file"])
    assert not EventMaterial.objects.exists()


@pytest.mark.parametrize("persona", ["inspector", "principal", "mentor", "regional"])
def test_readers_cannot_upload(client_for, request, persona, event):
    response = upload(client_for(request.getfixturevalue(persona)), event, "a.pdf", PDF)
    assert response.status_code == 403 and not EventMaterial.objects.exists()


def test_the_outsider_cannot_upload_or_learn_the_event_exists(client_for, outsider, other_coordinator, event):
    assert upload(client_for(outsider), event, "a.pdf", PDF).status_code == 404
    assert upload(client_for(other_coordinator), event, "a.pdf", PDF).status_code == 404


@pytest.fixture
def material(client_for, coordinator, event):
    upload(client_for(coordinator), event, "программа семинара.pdf", PDF)
    return EventMaterial.objects.get()


@pytest.mark.parametrize("persona", ["coordinator", "inspector", "principal", "mentor", "regional", "administrator"])
def test_readers_of_the_event_download_the_material(client, request, persona, material):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(material.get_absolute_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator"])
def test_others_get_404_for_the_material(client, request, persona, material):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(material.get_absolute_url()).status_code == 404


def test_the_mentor_of_another_school_gets_404(client_for, mentor, coordinator, world):
    event = make_event(world.municipality, [world.second_school])
    upload(client_for(coordinator), event, "a.pdf", PDF)
    assert client_for(mentor).get(EventMaterial.objects.get().get_absolute_url()).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, material):
    client.logout()
    response = client.get(material.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_coordinator_deletes_a_material_and_its_file(
    client_for, coordinator, inspector, material, django_capture_on_commit_callbacks
):
    path = Path(material.file.path)
    assert client_for(inspector).post(reverse("support:material-delete", args=[material.pk])).status_code == 403
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(coordinator).post(reverse("support:material-delete", args=[material.pk])).status_code == 302
    assert not EventMaterial.objects.exists() and not path.exists()


def test_a_material_missing_from_the_storage_is_404_not_500(client_for, coordinator, material):
    Path(material.file.path).unlink()
    assert client_for(coordinator).get(material.get_absolute_url()).status_code == 404


def test_deleting_an_event_removes_its_material_files(event, material, django_capture_on_commit_callbacks):
    path = Path(material.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        event.delete()
    assert not EventMaterial.objects.exists() and not path.exists()


def test_a_long_material_name_keeps_its_suffix(client_for, coordinator, event):
    name = "программа семинара-практикума " * 10 + ".pdf"
    upload(client_for(coordinator), event, name, PDF)
    material = EventMaterial.objects.get()
    assert len(material.name) == 200 and material.name.endswith(".pdf")
