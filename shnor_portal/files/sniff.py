"""What a file is, decided by its content, never by the name or the type the browser sends.

Two questions are answered here: which kind of table an upload to an import is (`table_kind`: .xlsx or .csv, anything
else refused with the reason), and which kind of document an attachment is (`attachment_kind`: pdf, docx, xlsx, jpg,
png — the allowed attachments of event materials, certificates and evidence of progress reports).
"""

import codecs
import re
import zipfile
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .refusals import FileRefused

CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}
SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".jpg": "jpg", ".jpeg": "jpg", ".png": "png"}
# An OOXML package names its main part in [Content_Types].xml and keeps it at a fixed place.
OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


# --- Tables ----------------------------------------------------------------------------------------------------


def signature(head: bytes) -> str:
    """What a file's first bytes say it is, before anything is parsed: "zip" (an .xlsx, .docx … or any zip),
    "encrypted" (an OOXML file saved with a password), "ole" (an old Office file: .xls, .doc), "broken-zip" (a piece
    of an archive), "utf16" (text in UTF-16), "markup" (HTML or XML), "document" (pdf, picture, rtf), "compressed"
    (gzip, rar, 7z), "empty" (nothing but blanks) or "other" (text, or bytes nothing here recognises)."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "encrypted" if "EncryptedPackage".encode("utf-16-le") in head else "ole"
    if head.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        return "broken-zip"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf16"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml", b"<")):
        return "markup"
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf")):
        return "document"
    if head.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")):
        return "compressed"
    if not head.strip():
        return "empty"
    return "other"


def table_kind(head: bytes, name: str = "") -> str:
    """ "xlsx" or "csv" by the content of the file's first bytes; `name` (when known) only words the refusal of
    content that is neither."""
    found = signature(head)
    if found == "zip":
        return "xlsx"
    if found == "encrypted":
        raise FileRefused(_("The workbook is protected with a password: save it without a password."))
    if found == "ole":
        raise FileRefused(_("This is an old Excel workbook (.xls) or an encrypted one: save it as .xlsx or .csv."))
    if found == "broken-zip":
        raise FileRefused(_("The file is a damaged .xlsx workbook (the archive cannot be read)."))
    if found == "utf16":
        raise FileRefused(_("The file is in the UTF-16 encoding («Unicode text»): save it as CSV in UTF-8."))
    if found == "markup":
        raise FileRefused(_("This looks like a web page or an XML document, not a table: save it as .xlsx or .csv."))
    if found == "document":
        raise FileRefused(_("This is a document or a picture, not a table: save the results as .xlsx or .csv."))
    if found == "compressed":
        raise FileRefused(_("This is a compressed archive, not a table: unpack it and upload the .xlsx or .csv."))
    if found == "empty":
        raise FileRefused(_("The file is empty."))
    if name.lower().endswith((".xlsx", ".xlsm")):
        # Not a zip archive, yet named as a workbook: random or damaged bytes, not a CSV in some odd encoding.
        raise FileRefused(_("The file is not an Excel workbook (.xlsx): save the table from Excel as .xlsx or .csv."))
    sample = head[:4096]
    # Text has no control bytes besides tab and line ends; random bytes have about one in eight.
    if sample.count(b"\x00") * 10 > len(sample) or len(CONTROL_BYTES.findall(sample)) * 20 > len(sample):
        raise FileRefused(_("This is a binary file, not a table: save the results as .xlsx or .csv."))
    return "csv"


# --- Attachments -----------------------------------------------------------------------------------------------


def kind_by_name(name: str | None) -> str | None:
    """The attachment kind the file's name claims (its suffix), None when it is not an allowed one."""
    return SUFFIXES.get(PurePosixPath(name or "").suffix.lower())


def attachment_kind(upload) -> str | None:
    """The attachment kind of the upload's content (pdf, docx, xlsx, jpg, png), None when it is none of them."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" not in names:
            return None
        for kind, part in OOXML_PARTS.items():
            if part in names:
                return kind
    return None


def sniff_attachment(upload) -> str:
    """The file's kind (pdf, docx, xlsx, jpg, png) when its name and its content agree; ValidationError otherwise."""
    by_name = kind_by_name(upload.name)
    if by_name is None:
        raise ValidationError(_("Allowed file types: pdf, docx, xlsx, jpg, png."))
    by_content = attachment_kind(upload)
    if by_content is None:
        raise ValidationError(_("The file's content is not a pdf, docx, xlsx, jpg or png document."))
    return agreed_kind(by_name, by_content)


def agreed_kind(by_name: str, by_content: str) -> str:
    """The kind when the name and the content say the same; ValidationError naming both otherwise."""
    if by_content != by_name:
        raise ValidationError(
            _("The file is named .%(name)s but its content is %(content)s.") % {"name": by_name, "content": by_content}
        )
    return by_content
