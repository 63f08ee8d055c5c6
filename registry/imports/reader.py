"""Reading and checking the registry workbook. Nothing here writes: `read_workbook` returns what a commit
would write plus every problem found, by sheet, row and column, in Russian."""

import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from ..models import School, SchoolType, code_validator, not_reserved
from ..profiles import RiskFactor, RiskLevel, SchoolYearProfile, SwotKind
from .columns import PROFILES, RISKS, SCHOOLS, SHEETS, SWOT

MAX_UNCOMPRESSED = 50 * 1024 * 1024  # an .xlsx is a zip: refuse «zip bombs» before parsing any XML
MAX_ROWS = 5000
YEAR = re.compile(r"^(\d{4})(?:\s*[/–-]\s*(\d{4}))?$")


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class Workbook:
    problems: list[Problem] = field(default_factory=list)
    schools: dict[str, dict] = field(default_factory=dict)
    profiles: dict[tuple[str, int], dict] = field(default_factory=dict)
    risks: dict[tuple[str, int], dict[int, tuple[str, str]]] = field(default_factory=dict)
    swot: dict[tuple[str, int], dict[str, list[str]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, sheet, row, column, message):
        self.problems.append(Problem(sheet, row, column, str(message)))


def read_workbook(content: bytes, municipality) -> Workbook:
    book = Workbook()
    sheets = _open(content, book)
    if sheets is None:
        return book
    known = [name for name in SHEETS if name in sheets]
    if not known:
        book.problem(
            "",
            None,
            "",
            _("The workbook has none of the sheets %(sheets)s: download the template.")
            % {"sheets": ", ".join(f"«{name}»" for name in SHEETS)},
        )
        return book
    own = {s.code: s for s in School.objects.filter(municipality=municipality)}
    if SCHOOLS in sheets:
        _read_schools(book, sheets[SCHOOLS], municipality, own)
    codes = set(own) | set(book.schools)
    factors = list(RiskFactor.objects.all())
    if PROFILES in sheets:
        _read_profiles(book, sheets[PROFILES], codes, own)
    if RISKS in sheets:
        _read_risks(book, sheets[RISKS], codes, factors)
    if SWOT in sheets:
        _read_swot(book, sheets[SWOT], codes)
    return book


def _open(content: bytes, book: Workbook):
    """The sheets as lists of rows, or None with a problem recorded."""
    if not content:
        book.problem("", None, "", _("The file is empty."))
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
                book.problem("", None, "", _("The workbook is too large once unpacked (over 50 MB)."))
                return None
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # zipfile, XML and openpyxl errors all mean «not an .xlsx we can read»
        book.problem("", None, "", _("The file is not an Excel workbook (.xlsx) or is damaged."))
        return None
    sheets = {}
    try:
        for ws in workbook.worksheets:
            rows = []
            for index, row in enumerate(ws.iter_rows(values_only=True)):
                if index > MAX_ROWS:
                    book.problem(ws.title, index + 1, "", _("More than %(n)s rows: split the file.") % {"n": MAX_ROWS})
                    break
                rows.append(row)
            sheets[ws.title.strip()] = rows
    finally:
        workbook.close()
    return sheets


def _rows(book: Workbook, sheet: str, rows: list[tuple]):
    """(row number, {key: value}) of the data rows, after matching the header row to the sheet's columns."""
    columns = SHEETS[sheet]
    if not rows:
        return
    header = [_header(value) for value in rows[0]]
    positions = {}
    for column in columns:
        wanted = _header(column.header)
        if wanted in header:
            positions[column.key] = header.index(wanted)
        elif column.required:
            book.problem(sheet, 1, column.header, _("Required column is missing."))
    if any(column.required and column.key not in positions for column in columns):
        return
    for number, row in enumerate(rows[1:], start=2):
        values = {key: _clean(row[pos]) if pos < len(row) else None for key, pos in positions.items()}
        if all(value in (None, "") for value in values.values()):
            continue
        yield number, values


def _header(value) -> str:
    return re.sub(r"\s+", " ", str(value or "")).replace("*", "").strip().lower()


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)  # calamine and some writers give 5.0 for 5
    return value


def _header_of(sheet, key):
    return next(column.header for column in SHEETS[sheet] if column.key == key)


def _require(book, sheet, number, values, key) -> bool:
    if values.get(key) in (None, ""):
        book.problem(sheet, number, _header_of(sheet, key), _("Required value is empty."))
        return False
    return True


def _year(book, sheet, number, value) -> int | None:
    match = YEAR.match(str(value).strip()) if value is not None else None
    if match:
        first = int(match.group(1))
        second = match.group(2)
        if (second is None or int(second) == first + 1) and 1990 <= first <= 2100:
            return first
    book.problem(
        sheet,
        number,
        _header_of(sheet, "year"),
        _("«%(value)s» is not an academic year: write 2019 or 2019/2020.") % {"value": value},
    )
    return None


def _count(book, sheet, number, key, value) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    book.problem(
        sheet,
        number,
        _header_of(sheet, key),
        _("«%(value)s» is not a number of people (a whole number, 0 or more).") % {"value": value},
    )
    return None


def _school_code(book, sheet, number, value, codes) -> str | None:
    code = str(value).strip().lower() if value is not None else ""
    if code not in codes:
        book.problem(
            sheet,
            number,
            _header_of(sheet, "code"),
            _("Unknown school code «%(code)s»: add the school on the sheet «%(sheet)s» or check the code.")
            % {"code": value, "sheet": SCHOOLS},
        )
        return None
    return code


def _choice(value, choices) -> str | None:
    """Match a value or a Russian label (or the abbreviation in its brackets), ignoring case."""
    text = str(value).strip().lower()
    for key, label in choices:
        label = str(label).lower()
        short = re.search(r"\(([^)]+)\)", label)
        if text in (key, label) or (short and text == short.group(1)):
            return key
    return None


TRUE = {"да", "yes", "1", "true", "истина", "+"}
FALSE = {"нет", "no", "0", "false", "ложь", "-", ""}


def _read_schools(book, rows, municipality, own):
    taken = {code for code in School.objects.exclude(municipality=municipality).values_list("code", flat=True)}
    for number, values in _rows(book, SCHOOLS, rows):
        if not all([_require(book, SCHOOLS, number, values, key) for key in ("code", "short_name", "name", "type")]):
            continue
        code = str(values["code"]).strip().lower()
        try:
            code_validator(code)
            not_reserved(code)
        except ValidationError as error:
            book.problem(SCHOOLS, number, _header_of(SCHOOLS, "code"), " ".join(error.messages))
            continue
        if code in taken:
            book.problem(
                SCHOOLS,
                number,
                _header_of(SCHOOLS, "code"),
                _("The code «%(code)s» is already used in another municipality.") % {"code": code},
            )
            continue
        if code in book.schools:
            book.problem(
                SCHOOLS,
                number,
                _header_of(SCHOOLS, "code"),
                _("The school «%(code)s» appears twice on this sheet.") % {"code": code},
            )
            continue
        school_type = _choice(values["type"], SchoolType.choices)
        if school_type is None:
            book.problem(
                SCHOOLS,
                number,
                _header_of(SCHOOLS, "type"),
                _("Unknown school type «%(value)s»: see the sheet «Справка».") % {"value": values["type"]},
            )
            continue
        rural = str(values.get("is_rural") or "").strip().lower()
        if rural not in TRUE | FALSE:
            book.problem(SCHOOLS, number, _header_of(SCHOOLS, "is_rural"), _("Write «да» or «нет»."))
            continue
        email = str(values.get("email") or "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                book.problem(
                    SCHOOLS,
                    number,
                    _header_of(SCHOOLS, "email"),
                    _("«%(value)s» is not an e-mail address.") % {"value": email},
                )
                continue
        record = {
            "short_name": str(values["short_name"])[:200],
            "name": str(values["name"])[:400],
            "type": school_type,
            "settlement": str(values.get("settlement") or "")[:200],
            "is_rural": rural in TRUE,
            "address": str(values.get("address") or "")[:400],
            "director": str(values.get("director") or "")[:200],
            "phone": str(values.get("phone") or "")[:100],
            "email": email,
        }
        book.schools[code] = record


PROFILE_COUNTS = [column.key for column in SHEETS[PROFILES] if column.key not in ("code", "year", "ior", "ior_note")]


def _read_profiles(book, rows, codes, own):
    for number, values in _rows(book, PROFILES, rows):
        if not (_require(book, PROFILES, number, values, "code") and _require(book, PROFILES, number, values, "year")):
            continue
        before = len(book.problems)
        code = _school_code(book, PROFILES, number, values["code"], codes)
        year = _year(book, PROFILES, number, values["year"])
        if code is not None and year is not None and (code, year) in book.profiles:
            book.problem(
                PROFILES,
                number,
                _header_of(PROFILES, "code"),
                _("The school «%(code)s» and year %(year)s appear twice on this sheet.") % {"code": code, "year": year},
            )
        # The rest of the row is checked too, so that one upload reports every problem of the file.
        record = {key: _count(book, PROFILES, number, key, values.get(key)) for key in PROFILE_COUNTS}
        record["ior"] = _ior(book, number, values.get("ior"))
        record["ior_note"] = str(values.get("ior_note") or "")[:300]
        if len(book.problems) > before:
            continue
        # The model's own rules (a part not larger than the whole …), reported against the file's columns.
        try:
            SchoolYearProfile(**record).clean()
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                book.problem(PROFILES, number, _header_of(PROFILES, key), " ".join(messages))
            continue
        book.profiles[(code, year)] = record


def _ior(book, number, value):
    if value is None:
        return None
    try:
        ior = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        ior = None
    if ior is None or not ior.is_finite() or not (0 <= ior <= 1):
        book.problem(
            PROFILES,
            number,
            _header_of(PROFILES, "ior"),
            _("«%(value)s»: ИОР is a number from 0 to 1, e.g. 0,406.") % {"value": value},
        )
        return None
    return ior.quantize(Decimal("0.001"))


def _read_risks(book, rows, codes, factors):
    for number, values in _rows(book, RISKS, rows):
        if not all([_require(book, RISKS, number, values, key) for key in ("code", "year", "factor", "level")]):
            continue
        code = _school_code(book, RISKS, number, values["code"], codes)
        year = _year(book, RISKS, number, values["year"])
        if code is None or year is None:
            continue
        factor_code = str(values["factor"]).strip().upper()
        valid = [f for f in factors if f.code == factor_code and (f.valid_from or 0) <= year <= (f.valid_to or 9999)]
        if not valid:
            book.problem(
                RISKS,
                number,
                _header_of(RISKS, "factor"),
                _("No risk factor «%(code)s» is valid in %(year)s: see the sheet «Справка».")
                % {"code": values["factor"], "year": year},
            )
            continue
        level = _choice(values["level"], RiskLevel.choices)
        if level is None:
            book.problem(
                RISKS,
                number,
                _header_of(RISKS, "level"),
                _("Unknown risk level «%(value)s»: высокий, средний, низкий or нет риска.")
                % {"value": values["level"]},
            )
            continue
        year_risks = book.risks.setdefault((code, year), {})
        if valid[0].pk in year_risks:
            book.problem(
                RISKS,
                number,
                _header_of(RISKS, "factor"),
                _("The factor %(code)s is given twice for this school and year.") % {"code": factor_code},
            )
            continue
        year_risks[valid[0].pk] = (level, str(values.get("comment") or "")[:1000])


def _read_swot(book, rows, codes):
    for number, values in _rows(book, SWOT, rows):
        if not all([_require(book, SWOT, number, values, key) for key in ("code", "year", "kind", "text")]):
            continue
        code = _school_code(book, SWOT, number, values["code"], codes)
        year = _year(book, SWOT, number, values["year"])
        kind = _choice(values["kind"], SwotKind.choices)
        if kind is None:
            book.problem(
                SWOT,
                number,
                _header_of(SWOT, "kind"),
                _("Unknown section «%(value)s»: Сильные стороны, Слабые стороны, Возможности or Угрозы.")
                % {"value": values["kind"]},
            )
        text = str(values["text"])
        if len(text) > 1000:
            book.problem(SWOT, number, _header_of(SWOT, "text"), _("An item is longer than 1000 characters: split it."))
            continue
        if code is None or year is None or kind is None:
            continue
        lists = book.swot.setdefault((code, year), {k.value: [] for k in SwotKind})
        lists[kind].append(text)
