"""Opening a results file safely: the kind is decided by content, sizes are counted in real bytes while reading,
and rows come out one by one — a file is never loaded whole into memory or into Python objects.

A CSV is read in two streaming passes: the first counts bytes, checks line lengths and decides the encoding once
for the whole file; the second hands the text stream to the csv module (C), which is the fast part.
An .xlsx is first inspected part by part (real unpacked bytes, encryption, XML declarations, formulas without
a saved value), then read with openpyxl in read-only (streaming) mode.
"""

import codecs
import csv
import datetime as dt
import io
import itertools
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import methodcaller

from django.utils.translation import gettext as _

MAX_UPLOAD = 50 * 1024 * 1024
MAX_UNPACKED = 2**30
MAX_CELL = 10_000
MAX_LINE = 2**20
MAX_COLUMNS = 16_384  # as many as Excel has; a row wider than that is not a table
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
HEADER_SCAN_ROWS = 50
# Reading in pieces of half the line limit: a line longer than the limit always spans a whole piece,
# so line lengths are checked with a couple of byte searches per piece instead of per line.
CHUNK = MAX_LINE // 2
HEAD = 1 << 16
READ_XLSX_WITH_CALAMINE = True  # tests switch it off to compare both readers
CALAMINE_GRID = 8_000_000  # cells (about 256 MB in calamine); a larger or sparser sheet is streamed by openpyxl
DELIMITER_SAMPLE = 30


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why, in Russian."""


@dataclass
class Cell:
    row: int
    column: int
    value: object


class FormulaWithoutValue:
    """An .xlsx cell holding a formula that was never calculated: the file has no value to read for it."""

    __slots__ = ("cell", "formula")

    def __init__(self, cell: str, formula: str):
        self.cell, self.formula = cell, formula

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"FormulaWithoutValue({self.cell!r}, {self.formula!r})"


def kind_of(head: bytes, name: str = "") -> str:
    """ "xlsx" or "csv" by the content of the file's first bytes; `name` (when known) only words the refusal of
    content that is neither."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if "EncryptedPackage".encode("utf-16-le") in head:
            raise FileRefused(_("The workbook is protected with a password: save it without a password."))
        raise FileRefused(_("This is an old Excel workbook (.xls) or an encrypted one: save it as .xlsx or .csv."))
    if head.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        raise FileRefused(_("The file is a damaged .xlsx workbook (the archive cannot be read)."))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRefused(_("The file is in the UTF-16 encoding («Unicode text»): save it as CSV in UTF-8."))
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<?xml", b"<")):
        raise FileRefused(_("This looks like a web page or an XML document, not a table: save it as .xlsx or .csv."))
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf")):
        raise FileRefused(_("This is a document or a picture, not a table: save the results as .xlsx or .csv."))
    if head.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")):
        raise FileRefused(_("This is a compressed archive, not a table: unpack it and upload the .xlsx or .csv."))
    if not head.strip():
        raise FileRefused(_("The file is empty."))
    if name.lower().endswith((".xlsx", ".xlsm")):
        # Not a zip archive, yet named as a workbook: random or damaged bytes, not a CSV in some odd encoding.
        raise FileRefused(_("The file is not an Excel workbook (.xlsx): save the table from Excel as .xlsx or .csv."))
    sample = head[:4096]
    # Text has no control bytes besides tab and line ends; random bytes have about one in eight.
    if sample.count(b"\x00") * 10 > len(sample) or len(CONTROL_BYTES.findall(sample)) * 20 > len(sample):
        raise FileRefused(_("This is a binary file, not a table: save the results as .xlsx or .csv."))
    return "csv"


def open_rows(
    source,
    *,
    max_bytes: int | None = MAX_UPLOAD,
    has_header: Callable[[list], bool] | None = None,
    name: str | None = None,
) -> tuple[str, str, Iterator[tuple[int, list]]]:
    """(kind, sheet name, iterator of (row number, cell values)) for an .xlsx or a .csv file.

    `source` is a path, bytes or a binary file object; `max_bytes=None` lifts the upload limit (command line).
    `has_header(values)` tells a header row: an .xlsx is read from its first visible sheet that has one.
    """
    if name is None:
        name = os.fspath(source) if isinstance(source, str | os.PathLike) else getattr(source, "name", None) or ""
    handle, close = _binary(source, max_bytes)
    try:
        start = handle.tell()
        head = handle.read(HEAD)
        handle.seek(start)
        kind = kind_of(head, str(name))
        if kind == "xlsx":
            _measure(handle, max_bytes)
            sheet, rows = _xlsx_rows(handle, has_header)
        else:
            encoding, quoted = _survey(handle, max_bytes)
            handle.seek(start)
            sheet, rows = "", _csv_rows(handle, encoding, quoted)
    except BaseException:
        close()
        raise
    return kind, sheet, _closing(rows, close)


def _binary(source, max_bytes):
    """A seekable binary handle for the source and the function that releases it."""
    if isinstance(source, bytes | bytearray | memoryview):
        if max_bytes is not None and len(source) > max_bytes:
            raise FileRefused(too_large_message(max_bytes))
        return io.BytesIO(source), _nothing
    if isinstance(source, str | os.PathLike):
        handle = open(source, "rb")
        return handle, handle.close
    if getattr(source, "seekable", lambda: False)():
        return source, _nothing
    # A stream that cannot be read twice is kept aside, counting its bytes (in memory while it is small).
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    total = 0
    while chunk := source.read(CHUNK):
        total += len(chunk)
        if max_bytes is not None and total > max_bytes:
            spool.close()
            raise FileRefused(too_large_message(max_bytes))
        spool.write(chunk)
    spool.seek(0)
    return spool, spool.close


def _nothing():
    pass


def _closing(rows, close):
    try:
        yield from rows
    finally:
        close()


def too_large_message(max_bytes: int) -> str:
    if max_bytes == MAX_UPLOAD:
        return _("The file is larger than 50 MB.")
    return _("The file is larger than %(mb)s MB.") % {"mb": max(1, max_bytes // (1024 * 1024))}


def _measure(handle, max_bytes):
    """Count the real bytes of the file up to the limit, then go back to where it started."""
    if max_bytes is None:
        return
    start = handle.tell()
    total = 0
    while chunk := handle.read(4 * CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise FileRefused(too_large_message(max_bytes))
    handle.seek(start)


# --- CSV ---------------------------------------------------------------------------------------------------------

UTF8_PAIR = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")  # where a UTF-8 line could hide inside Windows-1251 text
NON_ASCII = re.compile(rb"[\x80-\xff]")


def _survey(handle, max_bytes) -> tuple[str, bool]:
    """First pass over the bytes: the upload limit, line lengths and the file's one encoding.

    Returns the encoding for the second pass and whether the file has quotes (then a record may span lines).
    """
    first = handle.read(CHUNK)
    encoding = "utf-8-sig" if first.startswith(codecs.BOM_UTF8) else None
    total, lines, pending, quoted = 0, 0, b"", False
    chunk = first
    while chunk:
        total += len(chunk)
        if max_bytes is not None and total > max_bytes:
            raise FileRefused(too_large_message(max_bytes))
        if not quoted and b'"' in chunk:
            quoted = True
        cut = chunk.rfind(b"\n")
        if cut < 0:
            pending += chunk
            if len(pending) > MAX_LINE:
                raise FileRefused(_("Line %(line)s is longer than 1 MB.") % {"line": lines + 1})
        else:
            block = pending + chunk[: cut + 1] if pending else chunk[: cut + 1]
            pending = chunk[cut + 1 :]
            # Only the first line of a block can be longer than a piece: it may have begun in the pieces before.
            if block.find(b"\n") > MAX_LINE:
                raise FileRefused(_("Line %(line)s is longer than 1 MB.") % {"line": lines + 1})
            encoding = _check_encoding(block, encoding, lines)
            lines += block.count(b"\n")
        chunk = handle.read(CHUNK)
    if pending:
        encoding = _check_encoding(pending, encoding, lines)
    return encoding or "utf-8", quoted


def _check_encoding(block: bytes, encoding: str | None, lines_before: int) -> str | None:
    """Decide the encoding at the first non-ASCII line; refuse the first whole line that does not fit it."""
    if block.isascii():
        return encoding
    if encoding is None:
        position = NON_ASCII.search(block).start()
        try:
            _line_at(block, position)[0].decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1251"
            if _looks_like_koi8(block):
                raise FileRefused(
                    _("The file's encoding is not supported: %(encoding)s; save the file in UTF-8 or Windows-1251.")
                    % {"encoding": "KOI8-R"}
                ) from None
    if encoding != "cp1251":
        try:
            block.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _mixed(lines_before + block.count(b"\n", 0, exc.start) + 1) from exc
        return encoding
    undefined = block.find(b"\x98")  # the one byte Windows-1251 leaves undefined
    if undefined >= 0:
        raise _mixed(lines_before + block.count(b"\n", 0, undefined) + 1)
    position = 0
    while match := UTF8_PAIR.search(block, position):
        line, start, end = _line_at(block, match.start())
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            position = end + 1
            continue
        raise _mixed(lines_before + block.count(b"\n", 0, start) + 1)
    return encoding


# The most frequent letters of Russian text: about nine letters in ten of a header or a school's name. Text in KOI8-R
# read as Windows-1251 turns into other letters (the two orders differ), of which far fewer are among these.
FREQUENT_LETTERS = frozenset("оеаинтсрвлкмдпуяыь")
KOI8_SAMPLE = 1 << 16
KOI8_MIN_LETTERS = 8


def _looks_like_koi8(block: bytes) -> bool:
    """Whether the first Cyrillic text of the file reads as Russian in KOI8-R rather than in Windows-1251."""
    sample = block[:KOI8_SAMPLE]
    as_cp1251 = _frequent_share(sample.decode("cp1251", errors="replace"))
    as_koi8 = _frequent_share(sample.decode("koi8_r", errors="replace"))
    return as_koi8 is not None and as_cp1251 is not None and as_koi8 > as_cp1251 + 0.1


def _frequent_share(text: str) -> float | None:
    letters = [c for c in text.lower() if "а" <= c <= "я" or c == "ё"]
    if len(letters) < KOI8_MIN_LETTERS:
        return None
    return sum(c in FREQUENT_LETTERS for c in letters) / len(letters)


def _line_at(block: bytes, position: int) -> tuple[bytes, int, int]:
    start = block.rfind(b"\n", 0, position) + 1
    end = block.find(b"\n", position)
    end = len(block) if end < 0 else end
    return block[start:end], start, end


def _mixed(line: int) -> FileRefused:
    return FileRefused(
        _("Line %(line)s is in another encoding than the rest of the file (UTF-8 and Windows-1251 mixed).")
        % {"line": line}
    )


def _csv_rows(handle, encoding: str, quoted: bool):
    """Second pass: the text stream straight into the csv module; the first pass made every line short enough."""
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    number, reader = 0, None
    try:
        head = list(itertools.islice(text, DELIMITER_SAMPLE))
        delimiter = _delimiter(head)
        lines = itertools.chain(head, text)
        if not quoted:
            # No quotes: a record is one line, already checked, and splitting it at the delimiter is all the csv
            # module would do — str.split does it faster, and these maps run in C. Past the rows where a header may
            # be, the rows go out by delegation with no Python work per row (this is the hot path of a large import).
            # An empty line becomes [""] where csv gives []: both are rows without values to the reader.
            split = map(methodcaller("split", delimiter), map(methodcaller("rstrip", "\r\n"), lines))
            numbered = enumerate(split, start=1)
            for number, row in itertools.islice(numbered, HEADER_SCAN_ROWS):
                if len(row) > MAX_COLUMNS:
                    raise _too_wide(number)
                yield number, row
            yield from numbered
            return
        # Quoted values may hold line breaks: a record is limited to 1 MB however many lines it spans.
        budget = [0]

        def limited():
            for line in lines:
                budget[0] += len(line)
                if budget[0] > MAX_LINE:
                    raise FileRefused(_("Line %(line)s is longer than 1 MB.") % {"line": number + 1})
                yield line

        for number, row in enumerate(csv.reader(limited(), delimiter=delimiter), start=1):
            budget[0] = 0
            if number <= HEADER_SCAN_ROWS and len(row) > MAX_COLUMNS:
                raise _too_wide(number)
            yield number, row
    except (csv.Error, UnicodeDecodeError) as exc:
        line = reader.line_num if reader is not None else number + 1
        if isinstance(exc, UnicodeDecodeError):
            raise _mixed(line) from exc
        if "field limit" in str(exc):
            raise FileRefused(_("Line %(line)s has a cell longer than 10,000 characters.") % {"line": line}) from exc
        raise FileRefused(_("Line %(line)s cannot be read as CSV.") % {"line": line}) from exc
    finally:
        try:
            text.detach()  # the handle belongs to whoever opened it: closing the text must not close it
        except ValueError:
            pass


def _too_wide(number: int) -> FileRefused:
    return FileRefused(_("Line %(line)s has more than 16,384 columns (more than Excel allows).") % {"line": number})


def _delimiter(lines: list[str]) -> str:
    """«;», «,» or tab: the one that splits the first non-empty lines into the most consistent columns."""
    sample = [line for line in lines if line.strip()]
    best, best_score = ";", -1
    for candidate in (";", ",", "\t"):
        try:
            counts = [len(next(csv.reader([line], delimiter=candidate))) for line in sample]
        except csv.Error:
            continue
        widest = max(counts, default=1)
        score = sum(1 for c in counts if c == widest) * (widest > 1) * widest
        if score > best_score:
            best, best_score = candidate, score
    return best


# --- .xlsx -------------------------------------------------------------------------------------------------------

XML_PARTS = (".xml", ".rels", ".vml")
# A cell whose formula has no saved value: <c r="B2"><f>SUM(B1)</f></c>, …<v/></c> or …<v></v></c>.
FORMULA_ONLY = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)(?<!/)>\s*<(?:\w+:)?f\b([^>]*?)(?:/>|>([^<]*)</(?:\w+:)?f>)\s*"
    rb"(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
# Cell references for the bounds of a sheet's grid (see `_reach`).
THREE_LETTERS = re.compile(rb'r="[A-Z]{3}[0-9]')
TWO_LETTERS = re.compile(rb'r="([A-Z]{2})[0-9]')
DEEP_ROWS = re.compile(rb'r="[A-Z]{0,3}([0-9]{6,7})"')
STRING_TYPE = re.compile(rb'\bt="(?:str|inlineStr)"')
MAX_FORMULA_CELLS = 1000
FORMULA_SPAN = 1 << 16


def _xlsx_rows(handle, has_header):
    try:
        archive = zipfile.ZipFile(handle)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise FileRefused(_("The file is a damaged .xlsx workbook (the archive cannot be read).")) from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise FileRefused(_what_archive(archive, names))
    grid = {"cells": 0, "errors": False}
    missing_values = _inspect(archive, infos, grid)
    if READ_XLSX_WITH_CALAMINE and not missing_values and not grid["errors"] and grid["cells"] <= CALAMINE_GRID:
        chosen = _calamine_rows(handle, has_header)
        if chosen is not None:
            return chosen
    # openpyxl in read-only mode streams any sheet in bounded memory; it also marks formulas without a value and
    # tells a header on a hidden sheet apart.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds of errors on broken parts
        raise FileRefused(_("The workbook cannot be read: it is damaged or not an .xlsx file.")) from exc
    try:
        return _choose_sheet(workbook, has_header, missing_values)
    except BaseException:
        workbook.close()
        raise


def _calamine_rows(handle, has_header):
    """(sheet, rows) of the first visible sheet with a header, read by calamine (Rust); None to let openpyxl decide.

    Calamine holds the sheet's cells in a dense grid, which `CALAMINE_GRID` bounds before it is used; values come
    out as openpyxl gives them (None for empty cells, whole numbers as int), so the reader sees no difference.
    """
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    handle.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(handle)
        names = [
            sheet.name
            for sheet in workbook.sheets_metadata
            if sheet.visible == SheetVisibleEnum.Visible and sheet.typ == SheetTypeEnum.WorkSheet
        ]
        for name in names:
            rows = _calamine_values(workbook.get_sheet_by_name(name))
            peeked = list(itertools.islice(rows, HEADER_SCAN_ROWS))
            if has_header is None or any(has_header(values) for _number, values in peeked):
                return name, itertools.chain(peeked, rows)
    except (CalamineError, ValueError, OSError):  # the openpyxl path says precisely what is wrong
        return None
    return None


def _calamine_values(sheet):
    # python-calamine (0.9) yields rows from the sheet's first row but columns from the first used one: the rows are
    # numbered from 1 as they come, and the columns before the used range are put back (tests/reports/
    # test_xlsx_readers.py compares this with openpyxl on the same files).
    _first_row, first_column = sheet.start or (0, 0)
    padding = [None] * first_column
    for number, row in enumerate(sheet.iter_rows(), start=1):
        values = [_as_openpyxl_gives(value) for value in row]
        yield number, padding + values if padding else values


def _as_openpyxl_gives(value):
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def _what_archive(archive, names) -> str:
    if any(name.startswith("word/") for name in names):
        return _("This is a Word document (.docx), not a table: save the results as .xlsx or .csv.")
    if "mimetype" in names:
        try:
            with archive.open("mimetype") as member:
                if b"spreadsheet" in member.read(200):
                    return _("This is an OpenDocument spreadsheet (.ods): save it as .xlsx or .csv.")
        except Exception:  # noqa: S110 — a broken mimetype part tells nothing more
            pass
    return _("The archive is not an Excel workbook (.xlsx).")


def _inspect(archive, infos, grid: dict | None = None) -> dict[str, dict[tuple[int, int], FormulaWithoutValue]]:
    """Read every part once, counting real unpacked bytes; refuse encryption and XML declarations.

    Returns, per worksheet part, the cells that hold a formula without a saved value. `grid`, when given, receives
    the largest rows × columns that the cell references of a worksheet span (what a dense reader would allocate)
    and whether any cell holds an error value (#DIV/0! …), which only openpyxl passes on as written.
    """
    total = 0
    missing: dict[str, dict[tuple[int, int], FormulaWithoutValue]] = {}
    widest = [99_999, 26]  # bounds of the rows and columns the cells of the part being read reach (`_reach`)
    try:
        for info in infos:
            if info.flag_bits & 0x1:
                raise FileRefused(_("The workbook is encrypted: save it without a password."))
            xml = info.filename.lower().endswith(XML_PARTS)
            worksheet = xml and info.filename.startswith("xl/worksheets/")
            found = missing.setdefault(info.filename, {}) if worksheet else None
            tail, carry, first = b"", b"", True
            with archive.open(info) as member:
                while chunk := member.read(MAX_LINE):
                    total += len(chunk)
                    if total > MAX_UNPACKED:
                        raise FileRefused(_("The workbook is larger than 1 GB once unpacked."))
                    if not xml:
                        continue
                    if first and (
                        chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in chunk[:64]
                    ):
                        raise FileRefused(_("The workbook cannot be read: it is damaged or not an .xlsx file."))
                    first = False
                    if b"<!" in chunk or b"<!" in tail + chunk[:16]:  # one quick scan; the exact one when needed
                        window = tail + chunk
                        if b"<!ENTITY" in window or b"<!DOCTYPE" in window:
                            raise FileRefused(_("The workbook declares XML entities, which the portal does not read."))
                    if found is not None:
                        if grid is not None:
                            _reach(tail + chunk, widest)
                            if not grid["errors"] and b't="e"' in tail + chunk:
                                grid["errors"] = True
                        carry = _formulas(carry + chunk if carry else chunk, found)
                    tail = chunk[-16:]
            if found is not None and carry:
                _formulas(carry, found, final=True)
            if grid is not None and found is not None:
                grid["cells"] = max(grid["cells"], widest[0] * widest[1])
                widest = [99_999, 26]
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise FileRefused(_("The file is a damaged .xlsx workbook (the archive cannot be read).")) from exc
    return {"/" + name: cells for name, cells in missing.items() if cells}


def _reach(window: bytes, widest: list) -> None:
    """Raise `widest` — upper bounds of the rows and columns a sheet's cells reach — from the references in `window`.

    Exact only where it matters, and cheap on any input (these patterns begin with literals, so a piece without
    them is skipped at search speed): rows below 100,000 and columns up to Z are assumed, deeper rows and two-letter
    columns are read, and any three-letter column counts as the widest sheet Excel allows.
    """
    if widest[0] * widest[1] > CALAMINE_GRID:
        return  # already too large for calamine: nothing more to learn
    if widest[1] < 16_384 and THREE_LETTERS.search(window):
        widest[1] = 16_384
    elif two := TWO_LETTERS.findall(window):
        widest[1] = max(widest[1], _column_number(max(two).decode()))
    if deep := DEEP_ROWS.findall(window):
        widest[0] = max(widest[0], max(int(row) for row in deep))


def _formulas(window: bytes, found: dict, final=False) -> bytes:
    """Note formula cells without a value in `window`; return the unfinished cell at its end for the next piece."""
    carry = b""
    if not final:
        last = _last_cell(window)
        if last >= 0:
            window, carry = window[:last], window[last:]
    if b"<f" not in window and b":f" not in window:
        return carry
    for match in FORMULA_ONLY.finditer(window):
        attributes, value = match.group(1), match.group(4)
        if value is not None and STRING_TYPE.search(attributes):
            continue  # a formula whose saved result is the empty string
        ref = CELL_REF.search(attributes)
        if ref is None:
            raise FileRefused(_("The workbook has formulas without saved values: open it in Excel and save it again."))
        if len(found) < MAX_FORMULA_CELLS:
            letters, row = ref.group(1).decode(), int(ref.group(2))
            formula = "=" + (match.group(3) or b"").decode("utf-8", "replace")[:100]
            found[(row, _column_number(letters))] = FormulaWithoutValue(letters + str(row), formula)
    return carry


def _last_cell(window: bytes) -> int:
    """Where the last cell element starts (<c …> or <x:c …>) within the end of `window`; -1 if none.

    Only the last FORMULA_SPAN bytes are searched: a cell holding a formula is shorter (Excel allows formulas of
    8,192 characters), and searching a whole piece backwards would cost more than unpacking it.
    """
    since = max(0, len(window) - FORMULA_SPAN)
    last = max(window.rfind(b"<c ", since), window.rfind(b"<c>", since))
    prefixed = max(window.rfind(b":c ", since), window.rfind(b":c>", since))
    if prefixed > last:
        start = window.rfind(b"<", 0, prefixed)
        if start >= 0 and window[start + 1 : prefixed].isalnum():
            last = start
    return last


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _choose_sheet(workbook, has_header, missing_values):
    """The first visible sheet that has a header row (or the first visible one); hidden sheets are never read."""
    sheets = list(workbook.worksheets)
    visible = [ws for ws in sheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if has_header is None:
        if not visible:
            raise FileRefused(_("The workbook has no visible sheets."))
        ws = visible[0]
        return ws.title, _sheet_rows(workbook, ws, missing_values, [], _sheet_values(ws, missing_values))
    first = None
    for ws in visible:
        values = _sheet_values(ws, missing_values)
        peeked = list(itertools.islice(values, HEADER_SCAN_ROWS))
        if any(has_header(row) for _number, row in peeked):
            if first is not None:
                first[2].close()
            return ws.title, _sheet_rows(workbook, ws, missing_values, peeked, values)
        if first is None:
            first = (ws, peeked, values)
        else:
            values.close()
    for ws in sheets:
        if ws in visible:
            continue
        values = _sheet_values(ws, missing_values)
        found = any(has_header(row) for _number, row in itertools.islice(values, HEADER_SCAN_ROWS))
        values.close()
        if found:
            raise FileRefused(
                _(
                    "The results are on the hidden sheet «%(sheet)s», and hidden sheets are not read: "
                    "show the sheet or copy the results to a visible one."
                )
                % {"sheet": ws.title}
            )
    if first is None:
        raise FileRefused(_("The workbook has no visible sheets."))
    ws, peeked, values = first
    return ws.title, _sheet_rows(workbook, ws, missing_values, peeked, values)


def _sheet_values(ws, missing_values):
    """(row number, values) of one sheet, numbered as in Excel; formulas without a value are marked."""
    ws.reset_dimensions()  # the size a sheet declares about itself is not trusted (nor needed)
    missing = missing_values.get(_part(ws), {})
    by_row: dict[int, list] = {}
    for (row, column), marker in missing.items():
        by_row.setdefault(row, []).append((column, marker))
    try:
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if len(row) > MAX_COLUMNS:
                raise _too_wide(number)
            values = list(row)
            if number in by_row:
                for column, marker in by_row[number]:
                    if column <= len(values):
                        values[column - 1] = marker
            yield number, values
    except FileRefused:
        raise
    except Exception as exc:  # a part that breaks while it is parsed (damaged XML, forbidden declarations)
        raise FileRefused(_("The workbook cannot be read: it is damaged or not an .xlsx file.")) from exc


def _part(ws) -> str:
    path = getattr(ws, "_worksheet_path", "") or ""
    return path if path.startswith("/") else "/" + path


def _sheet_rows(workbook, ws, missing_values, peeked, rest):
    try:
        yield from peeked
        yield from rest
    finally:
        rest.close()
        workbook.close()
