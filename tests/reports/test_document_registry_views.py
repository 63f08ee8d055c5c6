"""The document registry pages and the public verification page, persona by persona."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from reports.signatures import services
from reports.signatures.models import SignedDocument, VerificationAttempt

pytestmark = pytest.mark.django_db


def _bytes(entry):
    with entry.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def far_entry(world, signing_key, make_document, other_coordinator):
    return services.sign(make_document(world.far, title="Целевые показатели Дубенского района"), other_coordinator)


def test_the_inspector_lists_the_scope_and_downloads_the_exact_file(client_for, inspector, signed_entry, far_entry):
    client = client_for(inspector)
    page = client.get(reverse("reports:document-list"))
    assert page.status_code == 200
    assert signed_entry.number in page.content.decode() and far_entry.number not in page.content.decode()
    download = client.get(reverse("reports:document-download", args=[signed_entry.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == _bytes(signed_entry)
    assert "attachment" in download["Content-Disposition"]
    assert client.get(reverse("reports:document-download", args=[far_entry.pk])).status_code == 404
    assert client.get(reverse("reports:document-detail", args=[far_entry.pk])).status_code == 404


def test_the_list_filters_exports_and_shows_revoked(client_for, coordinator, signed_entry, make_document, world):
    second = services.sign(make_document(world.municipality, year=2022), coordinator)
    services.revoke(signed_entry, coordinator, "Ошибка")
    client = client_for(coordinator)
    revoked = client.get(reverse("reports:document-list"), {"status": "revoked"}).content.decode()
    assert signed_entry.number in revoked and second.number not in revoked and "отозван" in revoked
    by_year = client.get(reverse("reports:document-list"), {"year": 2022}).content.decode()
    assert second.number in by_year and signed_entry.number not in by_year
    export = client.get(reverse("reports:document-list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert sorted(numbers) == sorted([signed_entry.number, second.number])


def test_the_list_costs_a_bounded_number_of_queries(
    client_for, coordinator, signed_entry, make_document, world, django_assert_max_num_queries
):
    for _ in range(3):
        services.sign(make_document(world.municipality), coordinator)
    client = client_for(coordinator)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("reports:document-list")).status_code == 200


def test_outsiders_and_principals_of_other_places_are_refused(client_for, outsider, other_coordinator, signed_entry):
    assert client_for(outsider).get(reverse("reports:document-list")).status_code == 403
    client = client_for(other_coordinator)
    assert signed_entry.number not in client.get(reverse("reports:document-list")).content.decode()
    assert client.get(reverse("reports:document-download", args=[signed_entry.pk])).status_code == 404


def test_the_coordinator_revokes_with_a_reason_and_the_inspector_cannot(
    client_for, coordinator, inspector, signed_entry
):
    url = reverse("reports:document-revoke", args=[signed_entry.pk])
    assert client_for(inspector).post(url, {"reason": "нет"}).status_code == 403
    signed_entry.refresh_from_db()
    assert signed_entry.revoked_at is None
    client = client_for(coordinator)
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and "Укажите причину отзыва." in empty.content.decode()
    done = client.post(url, {"reason": "Ошибка в разделе 2"})
    assert done.status_code == 302
    signed_entry.refresh_from_db()
    assert signed_entry.revoke_reason == "Ошибка в разделе 2" and signed_entry.revoked_by == coordinator


def test_the_public_page_confirms_an_intact_file_without_login(client, signed_entry):
    page = client.get(reverse("reports:verify"))
    assert page.status_code == 200 and "Content-Security-Policy" in page
    upload = SimpleUploadedFile("doc.pdf", _bytes(signed_entry), content_type="application/pdf")
    answer = client.post(reverse("reports:verify"), {"file": upload}).content.decode()
    assert "Подпись действительна" in answer and signed_entry.number in answer
    assert signed_entry.certificate_serial in answer


def test_the_public_page_refuses_a_changed_file_in_russian(client, signed_entry):
    data = bytearray(_bytes(signed_entry))
    data[data.index(b"stream") + 40] ^= 0x01
    upload = SimpleUploadedFile("doc.pdf", bytes(data), content_type="application/pdf")
    answer = client.post(reverse("reports:verify"), {"file": upload}).content.decode()
    assert "Документ НЕ действителен" in answer and "изменён после подписания" in answer


def test_a_number_alone_shows_the_facts_but_never_the_file(client, signed_entry):
    answer = client.post(reverse("reports:verify"), {"number": signed_entry.number}).content.decode()
    assert signed_entry.title.replace("«", "&laquo;") in answer or "План мероприятий" in answer
    assert signed_entry.signer_name in answer and "действует" in answer
    assert reverse("reports:document-download", args=[signed_entry.pk]) not in answer
    assert signed_entry.sha256 not in answer
    unknown = client.post(reverse("reports:verify"), {"number": "ШНОР-2020-123456"}).content.decode()
    assert "Документа с номером «ШНОР-2020-123456» в реестре нет." in unknown


def test_guessing_numbers_is_throttled_per_address(client, settings, signed_entry):
    settings.DOCUMENT_VERIFY_ATTEMPTS = 3
    for number in range(3):
        assert client.post(reverse("reports:verify"), {"number": f"ШНОР-2026-00000{number}"}).status_code == 200
    blocked = client.post(reverse("reports:verify"), {"number": signed_entry.number})
    assert blocked.status_code == 429 and "Слишком много проверок" in blocked.content.decode()
    assert signed_entry.title not in blocked.content.decode()
    assert VerificationAttempt.objects.count() == 3
    other = client.post(reverse("reports:verify"), {"number": signed_entry.number}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_empty_garbage_and_huge_uploads_get_russian_answers(client, settings):
    empty = client.post(reverse("reports:verify"), {}).content.decode()
    assert "Выберите файл PDF или введите регистрационный номер." in empty
    garbage = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")
    assert (
        "Файл не является документом PDF." in client.post(reverse("reports:verify"), {"file": garbage}).content.decode()
    )
    settings.DOCUMENT_VERIFY_MAX_BYTES = 1024 * 1024
    huge = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))
    refused = client.post(reverse("reports:verify"), {"file": huge})
    assert refused.status_code == 200 and "Файл больше 1 МБ" in refused.content.decode()
    assert SignedDocument.objects.count() == 0


def test_the_inspector_dashboard_lists_the_latest_documents_of_the_municipality(
    client_for, inspector, signed_entry, far_entry, coordinator
):
    services.revoke(signed_entry, coordinator, "Ошибка")
    page = client_for(inspector).get(reverse("dashboard")).content.decode()
    assert reverse("reports:document-detail", args=[signed_entry.pk]) in page
    assert reverse("reports:document-download", args=[signed_entry.pk]) in page
    assert far_entry.number not in page
    assert "отозван" in page


def test_a_regional_document_is_the_regions_own(
    client_for, regional, coordinator, inspector, world, make_document, signing_key
):
    entry = services.sign(make_document(world.region, kind="indicators", title="Показатели региона"), regional)
    assert entry.region == world.region and entry.municipality is None
    regional_client = client_for(regional)
    assert entry.number in regional_client.get(reverse("reports:document-list")).content.decode()
    assert regional_client.get(reverse("reports:document-revoke", args=[entry.pk])).status_code == 200
    # A municipality's coordinator and inspector oversee their municipality, not the region's own documents.
    assert client_for(coordinator).get(reverse("reports:document-detail", args=[entry.pk])).status_code == 404
    assert client_for(inspector).get(reverse("reports:document-download", args=[entry.pk])).status_code == 404


def test_principals_read_their_municipality_documents_but_do_not_revoke(client_for, principal, signed_entry):
    client = client_for(principal)
    assert client.get(reverse("reports:document-detail", args=[signed_entry.pk])).status_code == 200
    assert client.post(reverse("reports:document-revoke", args=[signed_entry.pk]), {"reason": "x"}).status_code == 403
    signed_entry.refresh_from_db()
    assert signed_entry.revoked_at is None
