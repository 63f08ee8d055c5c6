"""reports/signatures/services.py: signing into the registry, revocation, and the verification of a file."""

import pytest
from django.core.exceptions import ValidationError

from reports.signatures import services
from reports.signatures.models import SignedDocument
from shnor_portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _bytes(entry):
    with entry.file.open("rb") as handle:
        return handle.read()


def test_it_registers_the_signed_file_with_its_hash_certificate_and_signer(signed_entry, coordinator, world):
    entry = SignedDocument.objects.get(pk=signed_entry.pk)
    data = _bytes(entry)
    assert entry.number.startswith("ШНОР-") and len(entry.number) == len("ШНОР-2026-000001")
    assert entry.municipality == world.municipality and entry.region is None and entry.year == 2021
    assert entry.kind == "plan" and entry.title == "План мероприятий («дорожная карта»)"
    assert entry.size == len(data)
    import hashlib

    assert entry.sha256 == hashlib.sha256(data).hexdigest()
    assert entry.signer == coordinator and entry.signer_name == str(coordinator.get_full_name() or coordinator)
    assert entry.certificate_owner == "Департамент образования (тест), Иванова Анна Петровна"
    assert entry.certificate_valid_from < entry.signed_at < entry.certificate_valid_to
    assert AuditEntry.objects.filter(object_repr__contains=entry.number, municipality_id=world.municipality.pk).exists()


def test_signing_again_makes_a_new_entry_with_the_next_number(signed_entry, make_document, world, coordinator):
    again = services.sign(make_document(world.municipality), coordinator)
    assert again.pk != signed_entry.pk and again.sha256 != signed_entry.sha256
    assert int(again.number[-6:]) == int(signed_entry.number[-6:]) + 1
    assert SignedDocument.objects.count() == 2


def test_an_entry_is_frozen_but_for_its_revocation(signed_entry):
    signed_entry.title = "Другое"
    with pytest.raises(ValidationError):
        signed_entry.save()
    signed_entry.refresh_from_db()
    assert signed_entry.title == "План мероприятий («дорожная карта»)"


def test_the_signed_file_verifies_as_valid_and_names_its_entry(signed_entry):
    result = services.verify(_bytes(signed_entry))
    assert result.status == services.VALID and result.entry == signed_entry
    assert signed_entry.number in result.message and "подпись действительна" in result.message.lower()
    assert result.certificate.serial == signed_entry.certificate_serial


@pytest.mark.parametrize("where", [0.05, 0.3, 0.6, 0.97, -1])
def test_one_changed_byte_anywhere_is_not_valid_in_plain_russian(signed_entry, where):
    data = bytearray(_bytes(signed_entry))
    position = len(data) - 1 if where == -1 else int(len(data) * where)
    data[position] ^= 0x01
    result = services.verify(bytes(data))
    assert result.status == services.NOT_VALID
    assert result.message.startswith(("Документ НЕ действителен: ", "Файл PDF повреждён", "Подпись в файле повреждена"))


def test_a_changed_byte_in_the_content_says_the_file_was_changed_after_signing(signed_entry):
    data = bytearray(_bytes(signed_entry))
    data[data.index(b"stream") + 40] ^= 0x01  # inside the first content stream: the PDF still reads
    result = services.verify(bytes(data))
    assert result.status == services.NOT_VALID
    assert result.message == (
        "Документ НЕ действителен: подпись не соответствует содержимому — файл изменён после подписания; "
        f"файл отличается от зарегистрированного под номером {signed_entry.number}."
    )


def test_a_revoked_entry_verifies_as_revoked_with_the_reason(signed_entry, coordinator):
    services.revoke(signed_entry, coordinator, "Ошибка в таблице")
    signed_entry.refresh_from_db()
    assert signed_entry.revoked_by == coordinator and signed_entry.revoke_reason == "Ошибка в таблице"
    result = services.verify(_bytes(signed_entry))
    assert result.status == services.REVOKED and "отозван" in result.message and "Ошибка в таблице" in result.message
    with pytest.raises(services.DocumentError):
        services.revoke(signed_entry, coordinator, "ещё раз")


def test_a_revocation_needs_a_reason(signed_entry, coordinator):
    with pytest.raises(services.DocumentError, match="причину"):
        services.revoke(signed_entry, coordinator, "  ")
    signed_entry.refresh_from_db()
    assert signed_entry.revoked_at is None


def test_a_file_signed_elsewhere_is_not_in_the_registry(signing_key, plain_pdf):
    from django.utils import timezone

    from reports import signing

    foreign = signing.sign_pdf(plain_pdf, number="ШНОР-2026-999999", signed_at=timezone.now())
    result = services.verify(foreign.data)
    assert result.status == services.NOT_VALID and "нет в реестре" in result.message


def test_unsigned_and_garbage_files_are_answered_in_russian(plain_pdf):
    assert services.verify(plain_pdf).message == "Файл не содержит электронной подписи."
    assert services.verify(b"not a pdf at all").message == "Файл не является документом PDF."


def test_a_number_is_looked_up_in_any_case_and_nonsense_is_none(signed_entry):
    assert services.lookup(signed_entry.number.lower()) == signed_entry
    assert services.lookup(" " + signed_entry.number + " ") == signed_entry
    assert services.lookup("ШНОР-2026-") is None and services.lookup("'; DROP TABLE") is None
