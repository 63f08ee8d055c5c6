"""Reading and checking the registry workbook. Nothing here writes: `read_workbook` returns what a commit
would write plus every problem found, by sheet, row and column, in Russian."""

import copy
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from shnor_portal.files.archive import FormulaWithoutValue, UnpackedTooLarge
from shnor_portal.files.refusals import FileRefused
from shnor_portal.files.rows import workbook_sheets

from ..models import School, SchoolType, code_validator, fis_oko_login_validator, not_reserved
from ..profiles import RiskFactor, RiskLevel, SchoolYearProfile, SwotKind
from .columns import HELP, PROFILES, RISKS, SCHOOLS, SHEETS, SWOT

MAX_UNCOMPRESSED = 50 * 1024 * 1024  # an .xlsx is a zip: refuse «zip bombs» before parsing any XML
MAX_ROWS = 5000
MAX_COUNT = 1_000_000  # more people than any school has; also keeps values inside the database's integers
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
    notes: list[str] = field(default_factory=list)
    schools: dict[str, dict] = field(default_factory=dict)
    profiles: dict[tuple[str, int], dict] = field(default_factory=dict)
    risks: dict[tuple[str, int], dict[int, tuple[str, str]]] = field(default_factory=dict)
    swot: dict[tuple[str, int], dict[str, list[str]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, sheet, row, column, message):
        self.problems.append(Problem(sheet, row, column, str(message)))

    def note(self, message):
        """Something the importer should know that does not stop the import (a skipped sheet or column)."""
        self.notes.append(str(message))


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
    """The sheets as lists of rows, or None with a problem recorded. The file is opened by the shared reader
    (shnor_portal/files/rows.py): real unpacked bytes are counted, the archive inspected before any XML is parsed."""
    if not content:
        book.problem("", None, "", _("The file is empty."))
        return None
    try:
        with workbook_sheets(
            content,
            max_unpacked=MAX_UNCOMPRESSED,
            too_large=_("The workbook is too large once unpacked (over 50 MB)."),
        ) as found:
            return _sheets(found, book)
    except UnpackedTooLarge as refusal:
        book.problem("", None, "", str(refusal))
    except FileRefused:  # any archive, XML or reader failure means «not an .xlsx we can read»
        book.problem("", None, "", _("The file is not an Excel workbook (.xlsx) or is damaged."))
    return None


def _sheets(found, book: Workbook) -> dict[str, list]:
    known = {name.lower(): name for name in SHEETS}
    sheets = {}
    for title, values in found:
        name = known.get(title.strip().lower())
        if name is None:
            if title.strip().lower() != HELP.lower():
                book.note(_("The sheet «%(sheet)s» is not part of the template and is skipped.") % {"sheet": title})
            continue
        rows, filled = [], 0
        for index, row in values:
            if any(value not in (None, "") for value in row):
                filled += 1
            if filled > MAX_ROWS + 1:
                book.problem(name, index, "", _("More than %(n)s rows: split the file.") % {"n": MAX_ROWS})
                break
            for column, value in enumerate(row, start=1):
                if isinstance(value, FormulaWithoutValue):
                    book.problem(
                        name,
                        index,
                        get_column_letter(column),
                        _(
                            "The formula %(formula)s has no computed value: open the file in Excel, "
                            "save it and upload it again."
                        )
                        % {"formula": html.unescape(value.formula)[:60]},
                    )
                    row[column - 1] = None
            rows.append(tuple(row))
        values.close()
        sheets[name] = rows
    return sheets


def _rows(book: Workbook, sheet: str, rows: list[tuple]):
    """(row number, {key: value}) of the data rows, after matching the header row to the sheet's columns.

    Only the columns present in the header are in `values`: a column left out of the file leaves the stored
    value alone instead of clearing it.
    """
    columns = SHEETS[sheet]
    if not rows:
        return
    header = [_header(value) for value in rows[0]]
    positions = {}
    for column in columns:
        wanted = _header(column.header)
        found = [index for index, name in enumerate(header) if name == wanted]
        if len(found) > 1:
            book.problem(sheet, 1, column.header, _("The column appears %(n)s times.") % {"n": len(found)})
        if found:
            positions[column.key] = found[0]
        elif column.required:
            book.problem(sheet, 1, column.header, _("Required column is missing."))
    known = {_header(column.header) for column in columns}
    for name, raw in zip(header, rows[0], strict=False):
        if name and name not in known:
            book.note(
                _("Sheet «%(sheet)s»: the column «%(column)s» is not in the template and is skipped.")
                % {"sheet": sheet, "column": raw}
            )
    if any(column.required and column.key not in positions for column in columns):
        return
    book.note(
        _("Sheet «%(sheet)s»: the columns %(columns)s are written; other columns keep their values.")
        % {"sheet": sheet, "columns": ", ".join(f"«{c.header}»" for c in columns if c.key in positions)}
    )
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
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT:
        return value
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


TEXT_FIELDS = ("short_name", "name", "settlement", "address", "director", "phone")


def _fis_oko_login(book, number, value, code: str, logins: dict) -> str | None:
    """A «Логин ФИС ОКО» (schNNNNNN, empty for none), unique across the registry and the sheet."""
    login = str(value or "").strip().lower() or None
    if login is None:
        return None
    header = _header_of(SCHOOLS, "fis_oko_login")
    try:
        fis_oko_login_validator(login)
    except ValidationError as error:
        book.problem(SCHOOLS, number, header, " ".join(error.messages))
        return None
    holder = logins.setdefault(login, code)
    if holder != code:
        book.problem(
            SCHOOLS,
            number,
            header,
            _("The ФИС ОКО login «%(login)s» already belongs to the school «%(code)s».")
            % {"login": login, "code": holder},
        )
    return login


def _read_schools(book, rows, municipality, own):
    taken = set(School.objects.exclude(municipality=municipality).values_list("code", flat=True))
    # Logins held in the registry, by their school; a school of the sheet may take over its own login.
    logins = dict(School.objects.exclude(fis_oko_login=None).values_list("fis_oko_login", "code"))
    for number, values in _rows(book, SCHOOLS, rows):
        before = len(book.problems)
        for key in ("code", "short_name", "name", "type"):
            _require(book, SCHOOLS, number, values, key)
        code = str(values.get("code") or "").strip().lower()
        if code:
            try:
                code_validator(code)
                not_reserved(code)
                if len(code) > School._meta.get_field("code").max_length:
                    raise ValidationError(_("The code is longer than 40 characters."))
            except ValidationError as error:
                book.problem(SCHOOLS, number, _header_of(SCHOOLS, "code"), " ".join(error.messages))
            if code in taken:
                book.problem(
                    SCHOOLS,
                    number,
                    _header_of(SCHOOLS, "code"),
                    _("The code «%(code)s» is already used in another municipality.") % {"code": code},
                )
            elif code in book.schools:
                book.problem(
                    SCHOOLS,
                    number,
                    _header_of(SCHOOLS, "code"),
                    _("The school «%(code)s» appears twice on this sheet.") % {"code": code},
                )
        record = {}
        if values.get("type") is not None:
            record["type"] = _choice(values["type"], SchoolType.choices)
            if record["type"] is None:
                book.problem(
                    SCHOOLS,
                    number,
                    _header_of(SCHOOLS, "type"),
                    _("Unknown school type «%(value)s»: see the sheet «Справка».") % {"value": values["type"]},
                )
        for key in TEXT_FIELDS:
            if key in values:
                text = "" if values[key] is None else str(values[key])
                limit = School._meta.get_field(key).max_length
                if len(text) > limit:
                    book.problem(
                        SCHOOLS, number, _header_of(SCHOOLS, key), _("Longer than %(n)s characters.") % {"n": limit}
                    )
                record[key] = text
        if "is_rural" in values:
            rural = str(values.get("is_rural") or "").strip().lower()
            if rural not in TRUE | FALSE:
                book.problem(SCHOOLS, number, _header_of(SCHOOLS, "is_rural"), _("Write «да» or «нет»."))
            record["is_rural"] = rural in TRUE
        if "email" in values:
            email = str(values.get("email") or "")
            if email:
                try:
                    validate_email(email)
                    if len(email) > School._meta.get_field("email").max_length:
                        raise ValidationError("")
                except ValidationError:
                    book.problem(
                        SCHOOLS,
                        number,
                        _header_of(SCHOOLS, "email"),
                        _("«%(value)s» is not an e-mail address.") % {"value": email[:100]},
                    )
            record["email"] = email
        if "fis_oko_login" in values:
            record["fis_oko_login"] = _fis_oko_login(book, number, values.get("fis_oko_login"), code, logins)
        if len(book.problems) == before:
            book.schools[code] = record


PROFILE_COUNTS = [column.key for column in SHEETS[PROFILES] if column.key not in ("code", "year", "ior", "ior_note")]


def _read_profiles(book, rows, codes, own):
    stored = {
        (profile.school.code, profile.year): profile
        for profile in SchoolYearProfile.objects.filter(school__in=own.values()).select_related("school")
    }
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
        record = {key: _count(book, PROFILES, number, key, values.get(key)) for key in PROFILE_COUNTS if key in values}
        if "ior" in values:
            record["ior"] = _ior(book, number, values.get("ior"))
        if "ior_note" in values:
            record["ior_note"] = str(values.get("ior_note") or "")
            if len(record["ior_note"]) > 300:
                book.problem(
                    PROFILES, number, _header_of(PROFILES, "ior_note"), _("Longer than %(n)s characters.") % {"n": 300}
                )
        if len(book.problems) > before:
            continue
        # The model's own rules (a part not larger than the whole …), reported against the file's columns.
        # Columns left out of the file keep their stored values, so the rules see both together.
        candidate = copy.copy(stored.get((code, year))) or SchoolYearProfile()
        for key, value in record.items():
            setattr(candidate, key, value)
        try:
            candidate.clean()
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
    if ior is None or not ior.is_finite() or not (0 <= ior <= 1) or ior != ior.quantize(Decimal("0.001")):
        book.problem(
            PROFILES,
            number,
            _header_of(PROFILES, "ior"),
            _("«%(value)s»: ИОР is a number from 0 to 1 with at most three decimals, e.g. 0,406.") % {"value": value},
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
