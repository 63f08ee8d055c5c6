"""An .xlsx is a zip archive: it is opened, measured and inspected part by part before any XML parser sees it.

The sizes an archive declares can lie («zip bombs»), so unpacked bytes are counted while reading; an encrypted
part, an XML entity declaration or a part in UTF-16 is refused; a worksheet's formulas without a saved value are
noted (a reader cannot show a value the file does not have). Used by every reader of uploaded workbooks: the
results import (`rows.open_rows`), the registry import and the plan import (roadmaps/imports.py).
"""

import codecs
import re
import zipfile
import zlib

from django.utils.translation import gettext as _

from .limits import MAX_LINE
from .refusals import FileRefused

MAX_UNPACKED = 2**30
CALAMINE_GRID = 8_000_000  # cells (about 256 MB in calamine); a larger or sparser sheet is streamed by openpyxl

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


class UnpackedTooLarge(FileRefused):
    """The archive unpacks to more bytes than the reader's limit allows."""


class FormulaWithoutValue:
    """An .xlsx cell holding a formula that was never calculated: the file has no value to read for it."""

    __slots__ = ("cell", "formula")

    def __init__(self, cell: str, formula: str):
        self.cell, self.formula = cell, formula

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"FormulaWithoutValue({self.cell!r}, {self.formula!r})"


def open_archive(handle) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """The zip archive of a binary handle and its members; FileRefused when it is not a readable archive."""
    try:
        archive = zipfile.ZipFile(handle)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise FileRefused(_("The file is a damaged .xlsx workbook (the archive cannot be read).")) from exc
    return archive, infos


def is_workbook(names) -> bool:
    return "xl/workbook.xml" in names


def check_unpacked(archive, infos, limit: int, message: str) -> None:
    """Refuse with `message` (UnpackedTooLarge) an archive that unpacks to more than `limit` bytes: the declared
    sizes first, then the real bytes, counted while reading (the declared ones can lie)."""
    if sum(info.file_size for info in infos) > limit:
        raise UnpackedTooLarge(message)
    total = 0
    try:
        for info in infos:
            with archive.open(info) as member:
                while chunk := member.read(1 << 20):
                    total += len(chunk)
                    if total > limit:
                        raise UnpackedTooLarge(message)
    except FileRefused:
        raise
    except Exception as exc:  # zlib, CRC and truncation errors of a damaged archive
        if getattr(exc, "args", None) and "encrypted" in str(exc).lower():
            raise FileRefused(_("The workbook is encrypted: save it without a password.")) from exc
        raise FileRefused(_("The file is a damaged .xlsx workbook (the archive cannot be read).")) from exc


def what_archive(archive, names) -> str:
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


def inspect_parts(archive, infos, grid: dict | None = None) -> dict[str, dict[tuple[int, int], FormulaWithoutValue]]:
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
        widest[1] = max(widest[1], column_number(max(two).decode()))
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
            found[(row, column_number(letters))] = FormulaWithoutValue(letters + str(row), formula)
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


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number
