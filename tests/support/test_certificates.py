"""Certificates of professional development: pdf, jpg or png by content, a size limit, kept with the record and
served only to those who see the teacher (the school's principal, the municipality's coordinators, the admin)."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from support.forms import DevelopmentForm
from support.models import DevelopmentRecord, Teacher

from .test_materials import PDF, PNG, ooxml

pytestmark = pytest.mark.django_db
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 20


@pytest.fixture
def teacher(world):
    return Teacher.objects.create(school=world.school, full_name="Уймина Л.А.", position="учитель математики")


def record_data(**overrides):
    data = {
        "programme": "Технология подготовки школьников к ГИА «Я сдам ЕГЭ!»",
        "hours": "72",
        "provider": "АУ «Институт развития образования»",
        "start": "2020-10-05",
        "end": "2020-10-23",
        "completed": "on",
    }
    return {**data, **overrides}


def add(client, teacher, name=None, content=None, **overrides):
    data = record_data(**overrides)
    if name is not None:
        data["certificate_file"] = SimpleUploadedFile(name, content)
    return client.post(reverse("support:development-add", args=[teacher.pk]), data)


@pytest.fixture
def record(client_for, principal, teacher):
    add(client_for(principal), teacher, "удостоверение.pdf", PDF)
    return DevelopmentRecord.objects.get()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("удостоверение.pdf", PDF, "pdf"), ("скан.JPG", JPG, "jpg"), ("скан.png", PNG, "png")],
)
def test_it_keeps_a_pdf_jpg_or_png_certificate_under_a_random_name(
    client_for, principal, teacher, settings, name, content, kind
):
    response = add(client_for(principal), teacher, name, content)
    assert response.status_code == 302
    record = DevelopmentRecord.objects.get()
    assert (record.certificate_name, record.certificate_kind, record.hours) == (name, kind, 72)
    stored = Path(record.certificate.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT)) and name not in stored.name
    assert stored.read_bytes() == content


def test_a_record_without_a_certificate_is_fine(client_for, principal, teacher):
    assert add(client_for(principal), teacher).status_code == 302
    assert not DevelopmentRecord.objects.get().certificate


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("удостоверение.docx", ooxml("word/document.xml")),  # a material type, not a certificate
        ("удостоверение.pdf", b"<html><script>alert(1)</script></html>"),
        ("скан.png", PDF),
        ("программа.exe", b"MZ\x90\x00"),
    ],
)
def test_other_files_are_refused_beside_the_field_and_the_input_is_kept(client_for, principal, teacher, name, content):
    response = add(client_for(principal), teacher, name, content, programme="Курс, набранный вручную")
    assert response.status_code == 200
    form = response.context["development_form"]
    assert "certificate_file" in form.errors and form["programme"].value() == "Курс, набранный вручную"
    assert not DevelopmentRecord.objects.exists()


def test_a_certificate_over_the_limit_is_refused(client_for, principal, teacher, settings):
    settings.SUPPORT_MATERIAL_MAX_BYTES = 1024
    response = add(client_for(principal), teacher, "большой.pdf", PDF + b"0" * 2048)
    assert response.status_code == 200 and "certificate_file" in response.context["development_form"].errors
    assert not DevelopmentRecord.objects.exists()


def test_dates_hours_and_completion_are_validated_beside_their_fields(client_for, principal, teacher):
    client = client_for(principal)
    errors = add(client, teacher, end="2020-10-01").context["development_form"].errors
    assert list(errors) == ["end"]
    assert "hours" in add(client, teacher, hours="0").context["development_form"].errors
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert "end" in add(client, teacher, end=future).context["development_form"].errors
    assert add(client, teacher, end=future, completed="").status_code == 302  # a planned course
    assert list(DevelopmentRecord.objects.values_list("completed", flat=True)) == [False]


@pytest.mark.parametrize("persona", ["principal", "coordinator", "administrator"])
def test_the_school_and_its_coordinators_download_the_certificate(client, request, persona, record):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(record.get_certificate_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", ["mentor", "inspector", "regional", "other_coordinator", "outsider"])
def test_everyone_else_gets_404_for_the_certificate(client, request, persona, record):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(record.get_certificate_url()).status_code == 404


def test_a_record_without_a_file_or_of_another_teacher_is_404(client_for, principal, world, teacher, record):
    other = Teacher.objects.create(school=world.school, full_name="Семенова Е.В.")
    client = client_for(principal)
    assert client.get(reverse("support:certificate-download", args=[other.pk, record.pk])).status_code == 404
    add(client, teacher, programme="Без удостоверения")
    bare = DevelopmentRecord.objects.get(programme="Без удостоверения")
    assert client.get(reverse("support:certificate-download", args=[teacher.pk, bare.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(record):
    response = Client().get(record.get_certificate_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_editing_completes_a_planned_course_and_replaces_the_certificate(
    client_for, principal, teacher, record, django_capture_on_commit_callbacks
):
    old = Path(record.certificate.path)
    url = reverse("support:development-update", args=[teacher.pk, record.pk])
    client = client_for(principal)
    assert client.get(url).status_code == 200
    data = record_data(hours="36", certificate_file=SimpleUploadedFile("новый скан.png", PNG))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert (record.hours, record.certificate_name, record.certificate_kind) == (36, "новый скан.png", "png")
    assert Path(record.certificate.path).read_bytes() == PNG and not old.exists()
    # Saving again without a file keeps the certificate.
    client.post(url, record_data(hours="40"))
    record.refresh_from_db()
    assert (record.hours, record.certificate_name) == (40, "новый скан.png")


def test_readers_cannot_add_or_edit_records(client_for, request, teacher, record):
    for persona in ("mentor", "inspector", "other_coordinator"):
        client = client_for(request.getfixturevalue(persona))
        assert add(client, teacher, "x.pdf", PDF).status_code == 404
        edit = reverse("support:development-update", args=[teacher.pk, record.pk])
        assert client.post(edit, record_data(hours="1")).status_code == 404
    record.refresh_from_db()
    assert DevelopmentRecord.objects.count() == 1 and record.hours == 72


def test_the_teacher_page_links_the_certificate(client_for, principal, teacher, record):
    page = client_for(principal).get(teacher.get_absolute_url()).content.decode()
    assert record.get_certificate_url() in page and "удостоверение.pdf" in page


def test_a_certificate_missing_from_the_storage_is_404_not_500(client_for, principal, record):
    Path(record.certificate.path).unlink()
    assert client_for(principal).get(record.get_certificate_url()).status_code == 404


class Rollback(Exception):
    pass


def test_the_replaced_certificate_is_deleted_only_when_the_change_commits(
    teacher, record, django_capture_on_commit_callbacks
):
    old = Path(record.certificate.path)
    data = record_data(hours="36")
    files = {"certificate_file": SimpleUploadedFile("новый скан.png", PNG)}
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Rollback):
        with transaction.atomic():
            form = DevelopmentForm(data, files, instance=record, teacher=teacher)
            assert form.is_valid(), form.errors
            form.save()
            assert old.exists()  # not before the commit
            raise Rollback
    record.refresh_from_db()
    assert callbacks == [] and old.exists() and Path(record.certificate.path) == old
    with django_capture_on_commit_callbacks(execute=True):
        form = DevelopmentForm(
            data, {"certificate_file": SimpleUploadedFile("новый скан.png", PNG)}, instance=record, teacher=teacher
        )
        assert form.is_valid(), form.errors
        form.save()
    assert not old.exists()


def test_deleting_a_teacher_or_a_record_removes_the_certificate_files(
    client_for, principal, administrator, teacher, record, django_capture_on_commit_callbacks
):
    add(client_for(principal), teacher, "второе.pdf", PDF)
    first, second = (Path(r.certificate.path) for r in DevelopmentRecord.objects.order_by("pk"))
    pk = teacher.pk
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Rollback):
        with transaction.atomic():
            Teacher.objects.get(pk=pk).delete()
            raise Rollback
    assert first.exists() and second.exists()  # a rolled-back deletion keeps the files
    with django_capture_on_commit_callbacks(execute=True):
        DevelopmentRecord.objects.filter(pk=record.pk).delete()
    assert not first.exists() and second.exists()
    delete = reverse("admin:support_teacher_delete", args=[pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(administrator).post(delete, {"post": "yes"}).status_code == 302
    assert not Teacher.objects.filter(pk=pk).exists() and not second.exists()


def test_a_long_certificate_name_keeps_its_suffix(client_for, principal, teacher):
    name = "удостоверение о повышении квалификации " * 8 + ".pdf"
    assert len(name) > 200
    assert add(client_for(principal), teacher, name, PDF).status_code == 302
    record = DevelopmentRecord.objects.get()
    assert len(record.certificate_name) == 200 and record.certificate_name.endswith(".pdf")
    assert record.certificate_name[:-4] == name[:196]
    response = client_for(principal).get(record.get_certificate_url())
    assert ".pdf" in response["Content-Disposition"]
