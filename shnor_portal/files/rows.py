"""One reader of uploaded tables: an .xlsx or a .csv opened safely, its rows handed out one by one as lists of cell
values. What the cells mean (which row is the header, which column is what) is each import's business.

The kind is decided by content (sniff.py), sizes are counted in real bytes while reading, and a file is never loaded
whole into memory or into Python objects. A CSV is read in two streaming passes: the first counts bytes, checks line
lengths and decides the encoding once for the whole file (UTF-8 or Windows-1251, never mixed); the second hands the
text stream to the csv module (C), which is the fast part. An .xlsx is first inspected part by part (archive.py:
real unpacked bytes, encryption, XML declarations, formulas without a saved value), then read by calamine when its
grid is small enough, else with openpyxl in read-only (streaming) mode — both give the same values.

Three imports read through this module: the results import (`open_rows`), the registry import (`workbook_sheets`,
its sheets by name) and the plan import (`shown_workbook`: the cells as the user sees them — formatted text, merged
cells, hidden rows — streamed within a plan table's bounds by grid.py, since a plan is read by what it shows).
"""

import codecs
import csv
import datetime as dt
import io
import itertools
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from operator import methodcaller

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .archive import (
    CALAMINE_GRID,
    check_unpacked,
    inspect_parts,
    is_workbook,
    open_archive,
    what_archive,
)
from .grid import Workbook
from .limits import MAX_COLUMNS, MAX_LINE, MAX_UPLOAD, too_large_message
from .refusals import FileRefused
from .sniff import table_kind

HEADER_SCAN_ROWS = 50
# Reading in pieces of half the line limit: a line longer than the limit always spans a whole piece,
# so line lengths are checked with a couple of byte searches per piece instead of per line.
CHUNK = MAX_LINE // 2
HEAD = 1 << 16
READ_XLSX_WITH_CALAMINE = True  # tests switch it off to compare both readers
DELIMITER_SAMPLE = 30


def open_rows(
    source,
    *,
    max_bytes: int | None = MAX_UPLOAD,
    has_header: Callable[[list], bool] | None = None,
    name: str | None = None,
    facts: dict | None = None,
) -> tuple[str, str, Iterator[tuple[int, list]]]:
    """(kind, sheet name, iterator of (row number, cell values)) for an .xlsx or a .csv file.

    `source` is a path, bytes or a binary file object; `max_bytes=None` lifts the upload limit (command line).
    `has_header(values)` tells a header row: an .xlsx is read from its first visible sheet that has one.
    `facts`, when given, receives what the survey of a CSV found — "encoding", "quoted" and, once the first rows
    are read, "delimiter" — for a reader that takes the file's rows in columns (reports/assessments/columnar.py).
    """
    if name is None:
        name = os.fspath(source) if isinstance(source, str | os.PathLike) else getattr(source, "name", None) or ""
    handle, close = _binary(source, max_bytes)
    try:
        start = handle.tell()
        head = handle.read(HEAD)
        handle.seek(start)
        kind = table_kind(head, str(name))
        if kind == "xlsx":
            _measure(handle, max_bytes)
            sheet, rows = _xlsx_rows(handle, has_header)
        else:
            encoding, quoted = _survey(handle, max_bytes)
            handle.seek(start)
            if facts is not None:
                facts.update(encoding=encoding, quoted=quoted)
            sheet, rows = "", _csv_rows(handle, encoding, quoted, facts)
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


def _csv_rows(handle, encoding: str, quoted: bool, facts: dict | None = None):
    """Second pass: the text stream straight into the csv module; the first pass made every line short enough."""
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    number, reader = 0, None
    try:
        head = list(itertools.islice(text, DELIMITER_SAMPLE))
        delimiter = _delimiter(head)
        if facts is not None:
            facts["delimiter"] = delimiter
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


def _xlsx_rows(handle, has_header):
    archive, infos = open_archive(handle)
    names = {info.filename for info in infos}
    if not is_workbook(names):
        raise FileRefused(what_archive(archive, names))
    grid = {"cells": 0, "errors": False}
    missing_values = inspect_parts(archive, infos, grid)
    if READ_XLSX_WITH_CALAMINE and not missing_values and not grid["errors"] and grid["cells"] <= CALAMINE_GRID:
        chosen = _calamine_rows(handle, has_header)
        if chosen is not None:
            return chosen
    # openpyxl in read-only mode streams any sheet in bounded memory; it also marks formulas without a value and
    # tells a header on a hidden sheet apart.
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


@contextmanager
def workbook_sheets(content: bytes, *, max_unpacked: int, too_large: str):
    """Every worksheet of an .xlsx, visible or not, as a list of (title, iterator of (row number, values)), for an
    import that reads its sheets by name (the registry workbook); the workbook closes when the block ends.

    The archive is refused with `too_large` (archive.UnpackedTooLarge) past `max_unpacked` unpacked bytes, and as
    FileRefused when it is not a readable workbook or a sheet breaks while it is read. Values are those of `open_rows`
    read by openpyxl: a formula without a saved value is a `FormulaWithoutValue`.
    """
    handle = io.BytesIO(content)
    archive, infos = open_archive(handle)
    check_unpacked(archive, infos, max_unpacked, too_large)  # a bomb is refused as one, whatever it holds
    names = {info.filename for info in infos}
    if not is_workbook(names):
        raise FileRefused(what_archive(archive, names))
    missing_values = inspect_parts(archive, infos)
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds of errors on broken parts
        raise FileRefused(_("The workbook cannot be read: it is damaged or not an .xlsx file.")) from exc
    try:
        yield [(ws.title, _sheet_values(ws, missing_values)) for ws in workbook.worksheets]
    finally:
        workbook.close()


@contextmanager
def shown_workbook(content: bytes, *, max_unpacked: int, too_large: str, not_a_workbook: Callable[[set], str]):
    """The «as shown» view of an .xlsx (grid.Workbook: formatted text, merged cells, hidden rows, within a table's
    bounds), for an import that reads what the user sees (the plan table); the archive closes when the block ends.

    Refused as FileRefused with `not_a_workbook(names of the archive's parts)` when the archive is no workbook, with
    `too_large` past `max_unpacked` unpacked bytes, and when a part is encrypted or declares XML entities."""
    archive, infos = open_archive(io.BytesIO(content))
    try:
        names = {info.filename for info in infos}
        if not is_workbook(names):
            raise FileRefused(not_a_workbook(names))
        check_unpacked(archive, infos, max_unpacked, too_large)
        inspect_parts(archive, infos)  # encryption, XML entity declarations
        yield Workbook(archive)
    finally:
        archive.close()
