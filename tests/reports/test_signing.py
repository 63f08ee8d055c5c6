"""reports/signing.py: the PAdES signature with its Russian stamp, and the check of a file by itself."""

import subprocess

import pytest
from django.utils import timezone

from reports import signing


@pytest.fixture
def signed(signing_key, plain_pdf):
    return signing.sign_pdf(plain_pdf, number="ШНОР-2026-000042", signed_at=timezone.now())


def test_it_signs_a_pdf_that_checks_intact_with_the_number_and_certificate(signed):
    check = signing.check_signature(signed.data)
    assert check.problem == ""
    assert check.intact and check.covers_whole_file
    assert check.number == "ШНОР-2026-000042"
    assert check.certificate.serial == signed.certificate.serial
    assert check.certificate.owner == "Департамент образования (тест), Иванова Анна Петровна"
    assert check.sha256 == signed.sha256


def test_the_stamp_is_real_russian_text_in_the_last_page(signed, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed.data)
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(["/usr/bin/pdfinfo", path], capture_output=True, text=True).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-f", str(pages), "-l", str(pages), path, "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ" in text
    assert f"Сертификат: {signed.certificate.serial}" in text
    assert "Владелец: Департамент образования (тест), Иванова Анна Петровна" in text
    valid_from = timezone.localtime(signed.certificate.valid_from).strftime("%d.%m.%Y")
    valid_to = timezone.localtime(signed.certificate.valid_to).strftime("%d.%m.%Y")
    assert f"Действителен: с {valid_from} по {valid_to}" in text
    assert f"Подписан: {timezone.localtime().strftime('%d.%m.%Y')}" in text
    assert "Рег. № ШНОР-2026-000042" in text
    fonts = subprocess.run(["/usr/bin/pdffonts", path], capture_output=True, text=True, check=True).stdout
    stamp_font = next(line for line in fonts.splitlines() if "PTSans" in line)
    assert stamp_font.split()[-5:-2] == ["yes", "yes", "yes"]  # embedded, subset, with a ToUnicode map


def test_a_byte_changed_in_the_signed_content_breaks_the_signature(signed):
    data = bytearray(signed.data)
    data[len(data) // 4] ^= 0x01
    check = signing.check_signature(bytes(data))
    assert check.problem or not check.intact


def test_bytes_appended_after_signing_are_noticed(signed):
    check = signing.check_signature(signed.data + b"\n% appended\n")
    assert check.problem or not check.covers_whole_file


def test_a_pdf_without_signature_and_garbage_get_russian_answers(plain_pdf):
    assert signing.check_signature(plain_pdf).problem == "Файл не содержит электронной подписи."
    assert signing.check_signature(b"\x00\x01garbage").problem == "Файл не является документом PDF."
    assert signing.check_signature(b"%PDF-1.7\n" + b"\xff" * 5000).problem == "Файл PDF повреждён и не читается."


def test_a_missing_certificate_is_a_clear_russian_refusal(settings, tmp_path):
    settings.DOCUMENT_SIGNING_P12 = tmp_path / "absent.p12"
    with pytest.raises(signing.SigningUnavailable, match="Сертификат для подписи не установлен"):
        signing.load_signer()


def test_a_wrong_password_is_refused_without_quoting_the_key(settings, signing_key):
    settings.DOCUMENT_SIGNING_P12_PASSWORD = "wrong"
    with pytest.raises(signing.SigningUnavailable) as refusal:
        signing.load_signer()
    assert "пароль" in str(refusal.value)
    assert refusal.value.__cause__ is None and refusal.value.__suppress_context__


def test_the_demo_certificate_is_made_once_and_only_at_the_demo_path(settings, tmp_path):
    demo = tmp_path / "keys" / "demo-signing.p12"
    settings.DOCUMENT_SIGNING_DEMO_P12 = demo
    settings.DOCUMENT_SIGNING_P12 = tmp_path / "production.p12"
    assert signing.ensure_demo_certificate() is None and not demo.exists()
    settings.DOCUMENT_SIGNING_P12 = demo
    assert signing.ensure_demo_certificate() == demo
    first = demo.read_bytes()
    assert demo.stat().st_mode & 0o777 == 0o600
    assert signing.ensure_demo_certificate() == demo and demo.read_bytes() == first
    settings.DOCUMENT_SIGNING_P12_PASSWORD = ""
    assert "демонстрационный" in signing.signing_certificate().owner


def test_it_signs_and_checks_inside_a_running_event_loop(signing_key, plain_pdf):
    import asyncio
    import concurrent.futures

    async def inside():
        signed = signing.sign_pdf(plain_pdf, number="ШНОР-2026-000043", signed_at=timezone.now())
        return signing.check_signature(signed.data)

    # In a thread of its own: a browser test of the same process may have left Playwright's loop in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
        check = executor.submit(asyncio.run, inside()).result()
    assert check.intact and check.number == "ШНОР-2026-000043"
