"""The cells of an .xlsx plan table as the user sees them, read by streaming the sheet XML.

openpyxl's full mode builds an object per cell, so a small file that declares millions of cells (or one long shared
string referenced a million times) takes minutes and gigabytes before anything can be refused; its read-only mode
knows no merged cells. A plan table is at most a few thousand rows of text, so the sheet is streamed once and refused
as soon as it leaves those bounds, and each cell becomes the text Excel shows: numbers in their number format
(2.1 formatted «0.00» is «2.10», the activity number), dates in theirs (a date formatted «MMMM YYYY» is the month
«ноябрь 2025», not its first day).

This is the «as shown» view of the one table reader (rows.py: `shown_workbook` opens the archive, checks it and
hands out a `Workbook` of this module). The results and registry imports read cell values (rows.py `open_rows`,
`workbook_sheets`); a plan table needs what the user sees — formatted text, merged cells, hidden rows — and only
within a plan table's bounds, which is what this streaming view gives. The archive has been opened and checked before
(real unpacked bytes, encryption, XML entity declarations: archive.py); defusedxml refuses entities besides.
"""

import bisect
import datetime as dt
import decimal
import functools
import math
import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _

from .refusals import FileRefused

MAX_ROWS = 5000  # rows holding text
MAX_COLUMNS = 200
MAX_CELL_ELEMENTS = MAX_ROWS * MAX_COLUMNS  # cells declared, empty or not (borders drawn far below a table are fine)
MAX_ELEMENTS = 4 * MAX_CELL_ELEMENTS  # XML elements of any kind in one part: a cell with a value is two or three
MAX_DEPTH = 32
MAX_KEPT = 10_000  # elements inside one shared string or cell (rich text runs)
MAX_SHEETS = 50
MAX_FORMAT_CODE = 255  # Excel's own limit
MAX_TEXT = 10_000_000  # characters of text in one sheet
MAX_MERGES = 50_000
MAX_STYLES = 65_536

MONTHS = ("январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь").split()


class GridRefused(FileRefused):
    """The workbook cannot be a plan table; the message says why, in Russian."""


@dataclass
class Sheet:
    title: str
    state: str  # visible, hidden, veryHidden
    part: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (Excel row number, texts) of rows with text
    merges: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # min_row, min_col, max_row, max_col (1-based)
    formulas_without_value: list[str] = field(default_factory=list)  # cell references, e.g. «B7»
    spans: dict | None = None  # the reader's cache of cells merged across columns (roadmaps/imports.py)
    hidden_rows: list[int] = field(default_factory=list)  # rows with text that Excel hides
    error_cells: list[tuple[int, str, str]] = field(default_factory=list)  # (row, cell, «#Н/Д») of formula errors

    @property
    def empty(self) -> bool:
        return not self.rows


class Workbook:
    """The sheets of an opened archive; a sheet's cells are read when first asked for."""

    def __init__(self, archive):
        self.archive = archive
        self.names = {info.filename for info in archive.infolist()}
        self.date1904 = False
        self.sheets = self._sheets()
        self._strings: list[str] | None = None
        self._formats: list[str] | None = None

    # --- workbook parts ----------------------------------------------------------------------------------------

    def _stream(self, name: str, keep: frozenset = frozenset(), starts: frozenset = frozenset()):
        """(parent tag, tag, element) of each element of a part as it ends, and of those whose tag is in `starts`
        as they begin too (parent tag None then). An element is taken out of the tree once it has been seen, with
        everything in it, unless it is inside an element whose tag is in `keep` (which then still has its content
        when it ends): memory stays that of one such element, whatever the part holds."""
        damaged = GridRefused(_("The workbook cannot be read: it is damaged or not an .xlsx file."))
        stack: list = []
        kept = 0
        elements = kept_elements = 0
        try:
            with self.archive.open(name) as member:
                for event, element in SafeET.iterparse(member, events=("start", "end")):
                    elements += 1
                    if event == "start":
                        stack.append(element)
                        if len(stack) > MAX_DEPTH:
                            raise damaged  # an .xlsx part is a few levels deep
                        tag = _local(element.tag)
                        if tag in keep:
                            kept += 1
                            kept_elements = 0
                        elif kept:
                            kept_elements += 1
                            if kept_elements > MAX_KEPT:
                                raise damaged  # a cell of thousands of elements
                        if tag in starts:
                            yield None, tag, element
                        continue
                    stack.pop()
                    if elements > 2 * MAX_ELEMENTS:
                        raise GridRefused(
                            _("The workbook holds far more than a plan table (%(count)s elements in «%(part)s»).")
                            % {"count": f"{MAX_ELEMENTS:,}".replace(",", " "), "part": name}
                        )
                    tag = _local(element.tag)
                    parent = _local(stack[-1].tag) if stack else ""
                    yield parent, tag, element
                    if tag in keep:
                        kept -= 1
                    if not kept and stack:
                        stack[-1].remove(element)
        except GridRefused:
            raise
        except (ET.ParseError, DefusedXmlException, KeyError, OSError, ValueError, EOFError) as exc:
            raise damaged from exc

    def _relations(self, part: str) -> dict[str, tuple[str, str]]:
        """r:id → (type, part name) of a part's relationships."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if rels not in self.names:
            return {}
        found = {}
        for _parent, tag, element in self._stream(rels):
            if tag == "Relationship" and element.get("TargetMode") != "External":
                target = (element.get("Target") or "").replace("\\", "/")
                path = (
                    target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                )
                found[element.get("Id")] = (element.get("Type") or "", path)
        return found

    def _sheets(self) -> list[Sheet]:
        relations = self._relations("xl/workbook.xml")
        self._parts = {kind.rsplit("/", 1)[-1]: path for kind, path in relations.values()}
        sheets = []
        for _parent, tag, element in self._stream("xl/workbook.xml"):
            if tag == "workbookPr":
                self.date1904 = element.get("date1904") in ("1", "true")
            elif tag == "sheet":
                rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
                kind, part = relations.get(rid, ("", ""))
                if kind.endswith("/worksheet") and part in self.names and part not in {s.part for s in sheets}:
                    if len(sheets) >= MAX_SHEETS:
                        raise GridRefused(
                            _("The workbook has more than %(count)s sheets: a plan table needs one.")
                            % {"count": MAX_SHEETS}
                        )
                    sheets.append(Sheet(element.get("name") or "", element.get("state") or "visible", part))
        return sheets

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            part = self._parts.get("sharedStrings", "xl/sharedStrings.xml")
            strings: list[str] = []
            if part in self.names:
                for _parent, tag, element in self._stream(part, keep=frozenset({"si"})):
                    if tag == "si":
                        if len(strings) >= MAX_CELL_ELEMENTS:
                            raise GridRefused(
                                _("The workbook holds more texts than a plan table has cells (%(count)s).")
                                % {"count": f"{MAX_CELL_ELEMENTS:,}".replace(",", " ")}
                            )
                        strings.append(_text_of(element))
            self._strings = strings
        return self._strings

    def _number_formats(self) -> list[str]:
        """Number format code of each cell style (the s attribute of a cell)."""
        if self._formats is None:
            from openpyxl.styles.numbers import BUILTIN_FORMATS

            part = self._parts.get("styles", "xl/styles.xml")
            codes = dict(BUILTIN_FORMATS)
            styles: list[str] = []  # numFmtId of each cell style, as written
            if part in self.names:
                for parent, tag, element in self._stream(part):
                    number = element.get("numFmtId") or ""
                    if tag == "numFmt" and parent == "numFmts" and _int(number) is not None and len(codes) < MAX_STYLES:
                        code = element.get("formatCode") or "General"
                        codes[_int(number)] = code if len(code) <= MAX_FORMAT_CODE else "General"
                    elif tag == "xf" and parent == "cellXfs" and len(styles) < MAX_STYLES:
                        styles.append(number)
            self._formats = [codes.get(_int(n), "General") for n in styles]
        return self._formats

    # --- cells ---------------------------------------------------------------------------------------------------

    def read(self, sheet: Sheet) -> Sheet:
        """Fill the sheet's rows, merges and formulas without values; GridRefused when it is not plan-sized."""
        if sheet.rows or sheet.merges:
            return sheet
        strings, formats = self._shared_strings(), self._number_formats()
        rows: dict[int, list[str]] = {}
        merges: set[tuple[int, int, int, int]] = set()
        hidden: set[int] = set()  # <cols> come before the cells
        cells = text_total = 0
        row_number = column = 0
        row_hidden = False
        too_large = GridRefused(
            _("The sheet «%(sheet)s» is larger than a plan table (%(rows)s rows and %(columns)s columns at most).")
            % {"sheet": sheet.title, "rows": MAX_ROWS, "columns": MAX_COLUMNS}
        )
        for parent, tag, element in self._stream(sheet.part, keep=frozenset({"c"}), starts=frozenset({"row"})):
            if parent is None:  # a row begins
                number = _int(element.get("r"))
                row_number = number if number is not None else row_number + 1
                column = 0
                row_hidden = element.get("hidden") in ("1", "true")
            elif tag == "c":
                cells += 1
                if cells > MAX_CELL_ELEMENTS:
                    raise too_large
                reference = element.get("r")
                try:
                    column = _column_of(reference) if reference else column + 1
                    if reference:
                        row_number = _row_of(reference)  # the cell knows its row even where the row does not say
                except ValueError:
                    raise GridRefused(_("The workbook cannot be read: it is damaged or not an .xlsx file.")) from None
                text = self._cell(element, strings, formats, sheet, reference, row_number, column)
                if not text or column in hidden:
                    continue  # a hidden column (an old deadline, a working note) is not part of the table shown
                if row_hidden:
                    if not sheet.hidden_rows or sheet.hidden_rows[-1] != row_number:
                        sheet.hidden_rows.append(row_number)  # a cancelled activity, hidden: said, not read
                    continue
                if column > MAX_COLUMNS:
                    raise GridRefused(
                        _(
                            "The sheet «%(sheet)s» has text in the cell %(cell)s, beyond the %(columns)s columns of a "
                            "plan table: delete it or move it nearer."
                        )
                        % {
                            "sheet": sheet.title,
                            "cell": f"{column_letters(column)}{row_number}",
                            "columns": MAX_COLUMNS,
                        }
                    )
                text_total += len(text)
                if text_total > MAX_TEXT:
                    raise GridRefused(
                        _("The sheet «%(sheet)s» holds more text than a plan table (%(chars)s characters).")
                        % {"sheet": sheet.title, "chars": f"{MAX_TEXT:,}".replace(",", " ")}
                    )
                values = rows.get(row_number)
                if values is None:
                    if len(rows) >= MAX_ROWS:
                        raise too_large
                    values = rows[row_number] = []
                if len(values) < column:
                    values.extend([""] * (column - len(values)))
                if values[column - 1]:  # two cells at one place: no spreadsheet program writes that
                    raise GridRefused(_("The workbook cannot be read: it is damaged or not an .xlsx file."))
                values[column - 1] = text
            elif tag == "mergeCell" and len(merges) < MAX_MERGES:
                merged = _range_of(element.get("ref") or "")
                if merged:
                    merges.add(merged)
            elif tag == "col" and parent == "cols" and element.get("hidden") in ("1", "true"):
                first, last = _int(element.get("min")), _int(element.get("max"))
                if first is not None and last is not None:
                    hidden.update(range(max(first, 1), min(last, MAX_COLUMNS + 1) + 1))
        sheet.merges = sorted(merges)  # a crafted file may repeat one range thousands of times
        sheet.rows = sorted(rows.items())
        _fill_merged_down(sheet)
        return sheet

    def _cell(self, element, strings, formats, sheet, reference, row, column) -> str:
        kind = element.get("t") or "n"
        value = formula = None
        inline = ""
        for child in element:
            tag = _local(child.tag)
            if tag == "v":
                value = child.text
            elif tag == "f":
                formula = child
            elif tag == "is":
                inline = _text_of(child)
        if kind == "inlineStr":
            return _clean(inline)
        if formula is not None and value is None:
            if len(sheet.formulas_without_value) < 1000:
                sheet.formulas_without_value.append(reference or f"{column_letters(column)}{row}")
            return ""
        if value is None or value == "":
            return ""
        if kind == "s":
            index = _int(value)
            if index is None or index >= len(strings):
                raise GridRefused(_("The workbook cannot be read: it is damaged or not an .xlsx file."))
            return _clean(strings[index])
        if kind == "e":
            if len(sheet.error_cells) < 1000:
                sheet.error_cells.append((row, reference or f"{column_letters(column)}{row}", _clean(value)))
            return _clean(value)
        if kind == "str":
            return _clean(value)
        if kind == "b":
            return _("TRUE") if value.strip() == "1" else _("FALSE")
        style = element.get("s")
        code = "General"
        index = _int(style)
        if index is not None and index < len(formats):
            code = formats[index]
        if kind == "d":
            try:
                return format_date(dt.datetime.fromisoformat(value.strip()), code)
            except ValueError:
                return _clean(value)
        try:
            number = float(value)
        except ValueError:
            return _clean(value)
        return format_number(number, code, self.date1904)


# --- Display of numbers and dates ------------------------------------------------------------------------------------

_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


def _format_section(code: str) -> str:
    """The part of a format code for positive numbers, without quoted text, colours and escapes."""
    return _QUOTED.sub("", code.split(";", 1)[0]).lower()


@dataclass(frozen=True)
class NumberFormat:
    """What a number format code does, parsed once per code."""

    date: bool = False
    time: bool = False
    places: int | None = None  # None: General
    trailing_dot: bool = False
    percent: bool = False
    prefix: str = ""
    suffix: str = ""
    has_day: bool = False
    has_month: bool = False
    has_year: bool = False


@functools.lru_cache(maxsize=1024)
def number_format(code: str) -> NumberFormat:
    from openpyxl.styles.numbers import is_date_format

    code = code if code and len(code) <= MAX_FORMAT_CODE else "General"
    section = _format_section(code)
    if code != "General" and is_date_format(code):
        elapsed = bool(re.search(r"\[(?:h+|m+|s+)\]", code.lower()))  # «[h]:mm» is a duration, not a date
        has_month = "m" in section and not re.search(r"[hs]", section)
        return NumberFormat(
            date=not elapsed,
            time=elapsed,
            has_day="d" in section,
            has_month=has_month,
            has_year="y" in section,
        )
    if section in ("general", "@", "") or "e" in section or not re.search(r"[0#?]", section):
        return NumberFormat()
    digits = re.search(r"\.([0#?]*)", section)
    places = min(len(digits.group(1)) if digits else 0, 15)  # Excel shows 15 significant digits at most
    prefix, suffix = _literals(code.split(";", 1)[0])
    return NumberFormat(
        places=places,
        # «0.» shows 1 as «1.», «0.0.» shows 1.1 as «1.1.»: a dot with no digit after it is written as it is.
        trailing_dot=bool(digits) and (not places or section.rstrip().endswith(".")),
        percent="%" in section,
        prefix=prefix,
        suffix=suffix,
    )


def format_number(value: float, code: str, date1904: bool = False) -> str:
    if not math.isfinite(value):
        return ""
    shape = number_format(code or "General")
    if shape.date:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

        try:
            moment = from_excel(value, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
        except (ValueError, OverflowError, TypeError):
            return _plain(value)
        if not isinstance(moment, dt.datetime | dt.date):
            return _plain(value)
        return format_date(moment, code)
    if shape.places is None:
        return _plain(value)
    if shape.percent:
        value *= 100
    if abs(value) >= 1e15:
        return _plain(value)  # Excel shows such numbers in exponent form whatever the format
    # Excel rounds half away from zero (2.5 → «3», 1.25 → «1.3»), Python's format to even.
    rounded = decimal.Decimal(repr(value)).quantize(decimal.Decimal(1).scaleb(-shape.places), decimal.ROUND_HALF_UP)
    text = f"{rounded:f}" + ("." if shape.trailing_dot else "")
    return shape.prefix + text + ("%" if shape.percent else "") + shape.suffix


def _literals(section: str) -> tuple[str, str]:
    """The quoted or escaped text a number format writes before and after the number: «0"."» → ("", ".")."""
    parts = re.findall(r'"([^"]*)"|\\(.)|([0#?.,%]+)|\[[^\]]*\]|_.|\*.|(.)', section)
    before, after, seen_digits = [], [], False
    for quoted, escaped, placeholders, other in parts:
        if placeholders and re.search(r"[0#?]", placeholders):
            seen_digits = True
            continue
        literal = quoted or escaped or (other if other and other not in " ()-+$/:" else "")
        if literal:
            (after if seen_digits else before).append(literal)
    return "".join(before), "".join(after)


def format_date(moment: dt.datetime | dt.date, code: str) -> str:
    """A date as its format shows it, in words the deadline reader knows: a month format is the whole month."""
    shape = number_format(code or "General")
    has_day, has_month, has_year = shape.has_day, shape.has_month, shape.has_year
    if has_day or not (has_month or has_year):
        return moment.strftime("%d.%m.%Y")
    if has_month:
        return f"{MONTHS[moment.month - 1]} {moment.year}"
    return str(moment.year)


def _plain(value: float) -> str:
    """General: what Excel shows, 15 significant digits (0.1 + 0.2 is «0.3»)."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


# --- Helpers -------------------------------------------------------------------------------------------------------


def _int(text: str | None) -> int | None:
    """A non-negative integer attribute as written by spreadsheet programs; None for anything else («²», «-1», a
    5,000-digit run)."""
    if text and text.isascii() and text.isdecimal() and len(text) <= 9:
        return int(text)
    return None


def _row_of(reference: str) -> int:
    match = _REFERENCE.match(reference)
    if match is None:
        raise ValueError(reference)
    return int(match.group(2))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag


def _text_of(element) -> str:
    """The text of a string item or an inline string: its <t>, or its runs' <t>; phonetic hints left out."""
    parts = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# Control characters but tab and line feed, zero-width marks and the soft hyphen: invisible in Excel, they would
# make «1.\u200b1» a different number and «Ответ\u00adственный» an unknown label.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\ufeff]")


def _clean(text: str) -> str:
    if "_x" in text:  # Excel writes a carriage return as «_x000D_» and an underscore before «x» as «_x005F_»
        text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return _INVISIBLE.sub("", text).strip()


_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def _column_of(reference: str) -> int:
    match = _REFERENCE.match(reference)
    if match is None:
        raise ValueError(reference)
    number = 0
    for letter in match.group(1).upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _range_of(ref: str) -> tuple[int, int, int, int] | None:
    parts = ref.split(":")
    if len(parts) != 2:
        return None
    first, last = _REFERENCE.fullmatch(parts[0]), _REFERENCE.fullmatch(parts[1])
    if first is None or last is None:
        return None
    min_col, max_col = sorted((_column_of(parts[0]), _column_of(parts[1])))
    min_row, max_row = sorted((int(first.group(2)), int(last.group(2))))
    return min_row, min_col, max_row, max_col


def _fill_merged_down(sheet: Sheet) -> None:
    """A cell merged over several rows gives its text to each of those rows that holds text of its own."""
    numbers = [number for number, _values in sheet.rows]
    by_number = dict(sheet.rows)
    work = 0
    for min_row, min_col, max_row, _max_col in sheet.merges:
        if max_row == min_row:
            continue
        top = by_number.get(min_row)
        text = top[min_col - 1] if top is not None and min_col <= len(top) else ""
        if not text:
            continue
        first, last = bisect.bisect_right(numbers, min_row), bisect.bisect_right(numbers, max_row)
        work += last - first
        if work > MAX_CELL_ELEMENTS:  # merged ranges of a real table do not overlap, so this is a crafted file
            raise GridRefused(_("The workbook cannot be read: it is damaged or not an .xlsx file."))
        for index in range(first, last):
            values = by_number[numbers[index]]
            if len(values) < min_col:
                values.extend([""] * (min_col - len(values)))
            if not values[min_col - 1]:
                values[min_col - 1] = text
