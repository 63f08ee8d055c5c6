"""`manage.py verify_pdf PATH` (SPEC §5): exit 0 with the entry when intact and registered, exit 1 with the reason."""

import pytest
from django.core.management import call_command

from reports.signatures import services

pytestmark = pytest.mark.django_db


def _run(path):
    out, err = [], []

    class Sink:
        def __init__(self, into):
            self.into = into

        def write(self, text):
            self.into.append(text)

        def flush(self):
            pass

    try:
        call_command("verify_pdf", str(path), stdout=Sink(out), stderr=Sink(err))
    except SystemExit as stop:
        return stop.code, "".join(out), "".join(err).strip()
    return 0, "".join(out), "".join(err).strip()


def _file(tmp_path, entry, change=None):
    with entry.file.open("rb") as handle:
        data = bytearray(handle.read())
    if change is not None:
        data[change(len(data))] ^= 0x01
    path = tmp_path / "doc.pdf"
    path.write_bytes(bytes(data))
    return path


def test_it_exits_0_and_prints_the_entry_for_an_intact_registered_file(signed_entry, tmp_path):
    code, out, err = _run(_file(tmp_path, signed_entry))
    assert code == 0 and err == ""
    assert f"Регистрационный номер: {signed_entry.number}" in out
    assert "Наименование: План мероприятий («дорожная карта»)" in out
    assert "Подпись действительна" in out


def test_one_changed_byte_exits_1_with_a_russian_reason(signed_entry, tmp_path):
    code, _out, err = _run(_file(tmp_path, signed_entry, change=lambda size: size // 10))
    assert code == 1
    assert err.startswith(("Документ НЕ действителен: ", "Файл PDF повреждён", "Подпись в файле повреждена"))


def test_a_revoked_document_exits_1_and_says_so(signed_entry, coordinator, tmp_path):
    services.revoke(signed_entry, coordinator, "Заменён новой редакцией")
    code, out, err = _run(_file(tmp_path, signed_entry))
    assert code == 1 and signed_entry.number in out and "отозван" in err and "Заменён новой редакцией" in err


def test_an_unsigned_file_garbage_and_a_missing_path_exit_1(plain_pdf, tmp_path):
    unsigned = tmp_path / "plain.pdf"
    unsigned.write_bytes(plain_pdf)
    assert _run(unsigned)[0::2] == (1, "Файл не содержит электронной подписи.")
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"\x00" * 100)
    assert _run(garbage)[0::2] == (1, "Файл не является документом PDF.")
    code, _out, err = _run(tmp_path / "absent.pdf")
    assert code == 1 and "absent.pdf" in err
