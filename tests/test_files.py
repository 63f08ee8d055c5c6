"""The shared file-safety package (shnor_portal/files): what its apps rely on and no app's test shows on its own."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from roadmaps.models import Evidence
from shnor_portal.files.archive import UnpackedTooLarge
from shnor_portal.files.models import Attachment
from shnor_portal.files.refusals import FileRefused, ImportRefused
from shnor_portal.files.rows import workbook_sheets
from shnor_portal.files.sniff import signature, table_kind
from shnor_portal.files.uploads import delete_after_commit
from support.models import EventMaterial


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"PK\x03\x04rest", "zip"),
        (b"\xd0\xcf\x11\xe0" + "EncryptedPackage".encode("utf-16-le"), "encrypted"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "ole"),
        (b"PK\x05\x06", "broken-zip"),
        (b"\xff\xfeK\x00", "utf16"),
        (b"\xef\xbb\xbf  <html>", "markup"),
        (b"%PDF-1.7", "document"),
        (b"\x1f\x8b\x08", "compressed"),
        (b" \r\n\t", "empty"),
        (b"a;b\n1;2\n", "other"),
    ],
)
def test_the_signature_names_what_the_first_bytes_are(head, expected):
    assert signature(head) == expected


def test_a_table_is_an_xlsx_or_a_csv_and_nothing_else():
    assert table_kind(b"PK\x03\x04") == "xlsx" and table_kind("Код ОО;Класс\n".encode()) == "csv"
    with pytest.raises(FileRefused):
        table_kind(b"%PDF-1.7")


def test_the_two_refusals_are_different_things():
    assert not issubclass(ImportRefused, FileRefused) and not issubclass(FileRefused, ImportRefused)
    assert str(ImportRefused()) == "Этот файл уже загружен или содержит ошибки."


def bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * size)
    return buffer.getvalue()


def test_workbook_sheets_refuses_an_archive_past_its_limit_before_any_xml_is_parsed():
    with (
        pytest.raises(UnpackedTooLarge, match="too much"),
        workbook_sheets(bomb(2 * 2**20), max_unpacked=2**20, too_large="too much"),
    ):
        pass


def test_workbook_sheets_refuses_what_is_not_a_workbook():
    with pytest.raises(FileRefused), workbook_sheets(b"a;b\n", max_unpacked=2**20, too_large="x"):
        pass


def test_both_attachments_share_the_base_and_keep_their_own_file_field():
    for model in (Evidence, EventMaterial):
        assert issubclass(model, Attachment)
        names = {field.name for field in model._meta.get_fields()}
        assert {"file", "name", "kind", "size", "uploaded_by", "uploaded_at"} <= names
    assert Evidence._meta.get_field("file").upload_to is not EventMaterial._meta.get_field("file").upload_to


@pytest.mark.django_db(transaction=True)
def test_a_file_deleted_after_commit_stays_when_the_transaction_rolls_back():
    name = default_storage.save("kept/file.txt", ContentFile(b"x"))
    field_file = EventMaterial(file=name).file

    with pytest.raises(RuntimeError), transaction.atomic():
        delete_after_commit(field_file)
        raise RuntimeError
    assert default_storage.exists(name)

    with transaction.atomic():
        delete_after_commit(field_file)
        assert default_storage.exists(name)
    assert not default_storage.exists(name)
