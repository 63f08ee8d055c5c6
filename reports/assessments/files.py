"""Opening a results file safely: the kind is decided by content, sizes are counted in real bytes,
and rows come out one by one (a file is never loaded whole into Python objects)."""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_UPLOAD = 50 * 1024 * 1024
MAX_UNPACKED = 2**30
MAX_CELL = 10_000
MAX_LINE = 2**20
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why, in Russian."""


@dataclass
class Cell:
    row: int
    column: int
    value: object


def kind_of(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(_("This is an old Excel workbook (.xls) or an encrypted one: save it as .xlsx or .csv."))
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml", b"<")):
        raise FileRefused(_("This looks like a web page or an XML document, not a table: save it as .xlsx or .csv."))
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise FileRefused(_("This is a document or a picture, not a table: save the results as .xlsx or .csv."))
    if not head.strip():
        raise FileRefused(_("The file is empty."))
    return "csv"


def open_rows(path_or_bytes) -> tuple[str, str, Iterator[tuple[int, list]]]:
    """(kind, sheet name, iterator of (row number, cell values)) for an .xlsx or a .csv file."""
    content = _read_limited(path_or_bytes)
    kind = kind_of(content[:2048])
    if kind == "xlsx":
        return kind, *_xlsx_rows(content)
    return kind, "", _csv_rows(content)


def _read_limited(source) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    else:
        with open(source, "rb") as handle:
            data = handle.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise FileRefused(_("The file is larger than 50 MB."))
    return data


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise FileRefused(_("The file is a damaged .xlsx workbook (the archive cannot be read).")) from exc
    if "xl/workbook.xml" not in names:
        raise FileRefused(_("The archive is not an Excel workbook (.xlsx)."))
    total = 0
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise FileRefused(_("The workbook is encrypted: save it without a password."))
        tail = b""
        with archive.open(info) as member:
            while chunk := member.read(1 << 20):
                total += len(chunk)
                if total > MAX_UNPACKED:
                    raise FileRefused(_("The workbook is larger than 1 GB once unpacked."))
                window = tail + chunk
                if info.filename.endswith(".xml") and (b"<!ENTITY" in window or b"<!DOCTYPE" in window):
                    raise FileRefused(_("The workbook declares XML entities, which the portal does not read."))
                tail = chunk[-16:]
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on broken parts
        raise FileRefused(_("The workbook cannot be read: it is damaged or not an .xlsx file.")) from exc
    visible = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    return visible[0].title if visible else "", _sheet_rows(workbook, visible)


def _sheet_rows(workbook, sheets):
    """Rows of the first visible sheet that has a header row: the caller stops at the first sheet it accepts."""
    try:
        for ws in sheets[:1]:
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                yield number, list(row)
    finally:
        workbook.close()


def _decode(content: bytes) -> tuple[str, list[int]]:
    """Decide the encoding once for the whole file; return the text and lines that do not fit it."""
    if content.startswith(codecs.BOM_UTF8):
        content = content[3:]
    try:
        return content.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    lines = content.split(b"\n")
    utf8_cyrillic, not_utf8 = [], []
    for number, line in enumerate(lines, start=1):
        try:
            text = line.decode("utf-8")
            if any(ord(ch) > 127 for ch in text):
                utf8_cyrillic.append(number)
        except UnicodeDecodeError:
            not_utf8.append(number)
    # Mostly Windows-1251: lines that are valid UTF-8 with Cyrillic are foreign to the file.
    bad = utf8_cyrillic if len(not_utf8) >= len(utf8_cyrillic) else not_utf8
    text = content.decode("cp1251", errors="replace")
    return text, bad


def _csv_rows(content: bytes):
    text, bad_lines = _decode(content)
    if bad_lines:
        raise FileRefused(
            _("Line %(line)s is in another encoding than the rest of the file (UTF-8 and Windows-1251 mixed).")
            % {"line": bad_lines[0]}
        )
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE:
            raise FileRefused(_("Line %(line)s is longer than 1 MB.") % {"line": number})
    delimiter = _delimiter(lines)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, row in enumerate(reader, start=1):
        yield number, row


def _delimiter(lines: list[str]) -> str:
    """«;» or «,»: the one that splits the first non-empty lines into the most consistent columns."""
    sample = [line for line in lines[:30] if line.strip()]
    best, best_score = ";", -1
    for candidate in (";", ",", "\t"):
        counts = [len(next(csv.reader([line], delimiter=candidate))) for line in sample]
        widest = max(counts, default=1)
        score = sum(1 for c in counts if c == widest) * (widest > 1) * widest
        if score > best_score:
            best, best_score = candidate, score
    return best
