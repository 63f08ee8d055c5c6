"""Reading a results file of either shape into checked rows, with every problem by sheet, row and column.

Nothing here writes. `read_results` returns the campaigns and rows a commit would store and the problems;
a file with any problem cannot be committed (IMPORT_FORMATS.md).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from registry.models import School

from .files import CONTROL, MAX_CELL, FileRefused, open_rows
from .models import MARKED, PRIMARY_SCORE_REQUIRED, MaxScore, Procedure, Subject

MAX_PROBLEMS = 1000
HEADER_SCAN_ROWS = 50

# Canonical column → accepted header spellings (compared lower-cased with inner spaces collapsed).
COLUMNS = {
    "year": ["год"],
    "procedure": ["процедура"],
    "subject": ["предмет"],
    "grade": ["параллель", "класс (параллель)"],
    "school": ["код оо", "код школы", "код образовательной организации"],
    "class": ["класс"],
    "participant": ["код участника", "код ученика"],
    "primary": ["первичный балл"],
    "max": ["максимальный балл"],
    "mark": ["отметка"],
    "test": ["тестовый балл"],
    "journal": ["отметка по журналу"],
    "participants": ["количество участников", "число участников"],
    "m2": ["2", "«2»", "2 (%)", "% 2", "%2", "2, %"],
    "m3": ["3", "«3»", "3 (%)", "% 3", "%3", "3, %"],
    "m4": ["4", "«4»", "4 (%)", "% 4", "%4", "4, %"],
    "m5": ["5", "«5»", "5 (%)", "% 5", "%5", "5, %"],
    "mean_primary": ["средний первичный балл"],
    "lowered": ["понизили"],
    "confirmed": ["подтвердили"],
    "raised": ["повысили"],
}
HEADER_NAMES = {
    "year": "Год",
    "procedure": "Процедура",
    "subject": "Предмет",
    "grade": "Параллель",
    "school": "Код ОО",
    "class": "Класс",
    "participant": "Код участника",
    "primary": "Первичный балл",
    "max": "Максимальный балл",
    "mark": "Отметка",
    "test": "Тестовый балл",
    "journal": "Отметка по журналу",
    "participants": "Количество участников",
    "m2": "2",
    "m3": "3",
    "m4": "4",
    "m5": "5",
    "mean_primary": "Средний первичный балл",
    "lowered": "Понизили",
    "confirmed": "Подтвердили",
    "raised": "Повысили",
}
TASK_COLUMN = re.compile(r"^(з|задание\s*)?\d{1,3}(\.\d{1,2})?$")
CLASS = re.compile(r"^(\d{1,2})\s*[-–\s]?\s*([а-яёa-z])?$", re.IGNORECASE)


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    value: str
    message: str


@dataclass
class Supplied:
    procedure: str | None = None
    year: int | None = None
    subject: str | None = None
    grade: int | None = None


@dataclass
class Parsed:
    shape: str = ""
    sheet: str = ""
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    campaigns: dict[tuple, dict] = field(default_factory=dict)  # key → {"procedure", "year", "subject", "grade"}
    participants: list[tuple] = field(default_factory=list)  # (campaign key, school id, class, code, primary,
    #                                                            max, mark, test, journal)
    aggregates: list[tuple] = field(default_factory=list)  # (campaign key, school id, class, n, m2..m5, mean,
    #                                                         lowered, confirmed, raised)
    rows: int = 0
    schools: set[int] = field(default_factory=set)
    percent_marks: bool = False  # the header says the mark columns are percentages

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def problem(self, row, column, value, message):
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            shown = "" if value is None else str(value)[:100]
            self.problems.append(Problem(self.sheet, row, HEADER_NAMES.get(column, column), shown, str(message)))


def normalise_header(value) -> str:
    return re.sub(r"\s+", " ", str(value if value is not None else "")).strip().lower()


class SubjectIndex:
    def __init__(self):
        self.by_spelling = {}
        self.subjects = {}
        for subject in Subject.objects.all():
            self.subjects[subject.pk] = subject
            for spelling in [subject.name, *subject.synonyms.splitlines()]:
                self.by_spelling[self._key(spelling)] = subject

    @staticmethod
    def _key(text: str) -> str:
        return re.sub(r"[\s.]+", " ", str(text).lower().replace("ё", "е")).strip()

    def find(self, text):
        return self.by_spelling.get(self._key(text)) if text not in (None, "") else None


def read_results(source, *, allowed_schools: dict[str, int], supplied: Supplied | None = None) -> Parsed:
    """Check a results file. `allowed_schools` maps the importer's school codes to ids (the scope)."""
    parsed = Parsed()
    supplied = supplied or Supplied()
    if supplied.subject and SubjectIndex().find(supplied.subject) is None:
        parsed.problem(
            None, "subject", supplied.subject, _("Unknown subject «%(value)s».") % {"value": supplied.subject}
        )
        return parsed
    if supplied.procedure and supplied.procedure not in Procedure.values:
        parsed.problem(
            None, "procedure", supplied.procedure, _("Unknown procedure «%(value)s».") % {"value": supplied.procedure}
        )
        return parsed
    try:
        _kind, sheet, rows = open_rows(source)
        parsed.sheet = sheet
        _read(parsed, rows, allowed_schools, supplied)
    except FileRefused as refusal:
        parsed.problem(None, "", "", str(refusal))
    return parsed


def _read(parsed: Parsed, rows: Iterator[tuple[int, list]], allowed: dict[str, int], supplied: Supplied):
    header, positions = _find_header(parsed, rows, supplied)
    if header is None:
        return
    subjects = SubjectIndex()
    all_codes = None  # loaded only when a code is unknown, to tell «not in the registry» from «outside your scope»
    seen_participants: dict[tuple, int] = {}
    seen_aggregates: dict[tuple, int] = {}
    max_scores = {(m.procedure, m.year, m.subject_id, m.grade): m.max_score for m in MaxScore.objects.all()}
    for number, raw in rows:
        values = {
            key: _cell(parsed, number, key, raw[pos] if pos < len(raw) else None) for key, pos in positions.items()
        }
        if all(v in (None, "") for v in values.values()):
            continue
        parsed.rows += 1
        campaign = _campaign(parsed, number, values, supplied, subjects)
        code = values.get("school")
        school_id = allowed.get(str(code).strip().lower()) if code not in (None, "") else None
        if school_id is None:
            if code in (None, ""):
                parsed.problem(number, "school", code, _("The school code is empty."))
            else:
                if all_codes is None:
                    all_codes = set(School.objects.values_list("code", flat=True))
                normal = str(code).strip().lower()
                if normal in all_codes:
                    parsed.problem(
                        number,
                        "school",
                        code,
                        _("The school «%(code)s» is outside your area of responsibility.") % {"code": code},
                    )
                else:
                    parsed.problem(number, "school", code, _("Unknown school code «%(code)s».") % {"code": code})
        class_name = _class(parsed, number, values.get("class"), campaign)
        if parsed.shape == "protocol":
            _participant_row(parsed, number, values, campaign, school_id, class_name, seen_participants, max_scores)
        else:
            _aggregate_row(parsed, number, values, campaign, school_id, class_name, seen_aggregates, header)
        if school_id is not None:
            parsed.schools.add(school_id)
    if parsed.rows == 0 and parsed.ok:
        parsed.problem(None, "", "", _("The file has no rows with results."))


def _find_header(parsed: Parsed, rows, supplied: Supplied):
    seen = set()
    for number, raw in rows:
        names = [normalise_header(v) for v in raw]
        seen.update(names)
        positions = {}
        for key, spellings in COLUMNS.items():
            for index, name in enumerate(names):
                if name in spellings and key not in positions:
                    positions[key] = index
        if "school" in positions and ("participant" in positions or "participants" in positions):
            parsed.shape = "protocol" if "participant" in positions else "statistics"
            missing = _missing(parsed.shape, positions, supplied)
            if missing:
                for key in missing:
                    parsed.problem(
                        number, key, "", _("Required column «%(column)s» is missing.") % {"column": HEADER_NAMES[key]}
                    )
                return None, None
            used = set(positions.values())
            parsed.unknown_columns = [
                str(raw[i]).strip()
                for i, name in enumerate(names)
                if i not in used and name and not TASK_COLUMN.match(name)
            ]
            parsed.percent_marks = any("%" in names[positions[k]] for k in ("m2", "m3", "m4", "m5") if k in positions)
            return names, positions
        if number >= HEADER_SCAN_ROWS:
            break
    if not seen - {""}:
        parsed.problem(None, "", "", _("The file is empty."))
        return None, None
    wanted = ["school"] + (["participant"] if not any(s in seen for s in COLUMNS["participants"]) else [])
    for key in wanted:
        if not any(s in seen for s in COLUMNS[key]):
            parsed.problem(
                None,
                key,
                "",
                _("Column «%(column)s» is not found anywhere in the file.") % {"column": HEADER_NAMES[key]},
            )
    if parsed.ok:
        parsed.problem(
            None,
            "",
            "",
            _(
                "No header row found: the columns «Код ОО» and «Код участника» (protocol) "
                "or «Количество участников» (statistics) must be in one row."
            ),
        )
    return None, None


def _missing(shape, positions, supplied: Supplied) -> list[str]:
    missing = [
        key
        for key, given in (
            ("year", supplied.year),
            ("procedure", supplied.procedure),
            ("subject", supplied.subject),
            ("grade", supplied.grade),
        )
        if key not in positions and given is None
    ]
    if shape == "statistics":
        missing += [key for key in ("m2", "m3", "m4", "m5") if key not in positions]
    return missing


def _cell(parsed, number, key, value):
    if isinstance(value, str):
        if len(value) > MAX_CELL:
            parsed.problem(number, key, value[:50], _("The cell is longer than 10,000 characters."))
            return None
        if CONTROL.search(value):
            parsed.problem(
                number, key, value.encode("unicode_escape").decode()[:50], _("The cell contains control characters.")
            )
            return None
        value = re.sub(r"\s+", " ", value).strip()
        return value or None
    return value


def _integer(parsed, number, key, value, low=None, high=None, message=None):
    """An integer written as 5, 5.0, «5», « 5 », «5,0»; None when empty; a problem otherwise."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        number_value = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u00a0", ""))
        if not number_value.is_finite() or number_value != number_value.to_integral_value():
            raise ValueError
        result = int(number_value)
    except (InvalidOperation, ValueError):
        parsed.problem(number, key, value, _("«%(value)s» is not a whole number.") % {"value": value})
        return None
    if (low is not None and result < low) or (high is not None and result > high):
        parsed.problem(number, key, value, message or _("«%(value)s» is out of range.") % {"value": value})
        return None
    return result


def _campaign(parsed, number, values, supplied: Supplied, subjects: SubjectIndex):
    ok = True
    year = _integer(
        parsed, number, "year", values.get("year"), 2015, 2100, _("The year must be between 2015 and 2100.")
    )
    year = _agree(parsed, number, "year", year, supplied.year, values.get("year"))
    procedure = values.get("procedure")
    if procedure not in (None, ""):
        procedure = str(procedure).strip().upper().replace("Ё", "Е")
        if procedure not in Procedure.values:
            parsed.problem(
                number,
                "procedure",
                values.get("procedure"),
                _("Unknown procedure «%(value)s».") % {"value": values.get("procedure")},
            )
            procedure, ok = None, False
    procedure = _agree(parsed, number, "procedure", procedure or None, supplied.procedure, values.get("procedure"))
    subject = None
    if values.get("subject") not in (None, ""):
        subject = subjects.find(values["subject"])
        if subject is None:
            parsed.problem(
                number, "subject", values["subject"], _("Unknown subject «%(value)s».") % {"value": values["subject"]}
            )
            ok = False
    supplied_subject = subjects.find(supplied.subject) if supplied.subject else None
    subject = _agree(parsed, number, "subject", subject, supplied_subject, values.get("subject"))
    grade = _integer(parsed, number, "grade", values.get("grade"), 1, 11, _("The grade must be from 1 to 11."))
    grade = _agree(parsed, number, "grade", grade, supplied.grade, values.get("grade"))
    if not ok or None in (year, procedure, subject, grade):
        return None
    key = (procedure, year, subject.pk, grade)
    parsed.campaigns.setdefault(key, {"procedure": procedure, "year": year, "subject": subject, "grade": grade})
    return key


def _agree(parsed, number, key, from_file, given, raw):
    if given is None:
        return from_file
    if raw not in (None, "") and from_file is not None and from_file != given:
        parsed.problem(
            number,
            key,
            raw,
            _("The row says «%(value)s», but «%(given)s» was given for the import.") % {"value": raw, "given": given},
        )
        return None
    return given


def _class(parsed, number, value, campaign):
    if value in (None, ""):
        return ""
    match = CLASS.match(str(value).strip())
    if not match:
        parsed.problem(number, "class", value, _("«%(value)s» is not a class such as 5б.") % {"value": value})
        return ""
    if campaign is not None and int(match.group(1)) != campaign[3]:
        parsed.problem(
            number,
            "class",
            value,
            _("The class %(value)s does not belong to grade %(grade)s.") % {"value": value, "grade": campaign[3]},
        )
        return ""
    return f"{int(match.group(1))}{(match.group(2) or '').lower()}"


def _participant_row(parsed, number, values, campaign, school_id, class_name, seen, max_scores):
    code = values.get("participant")
    if code in (None, ""):
        parsed.problem(number, "participant", code, _("The participant code is empty."))
    else:
        code = str(code).strip()
        if campaign is not None:
            first = seen.setdefault((campaign, code), number)
            if first != number:
                parsed.problem(
                    number,
                    "participant",
                    code,
                    _("The participant «%(code)s» is already in row %(row)s of this campaign.")
                    % {"code": code, "row": first},
                )
    procedure = campaign[0] if campaign else None
    subject = parsed.campaigns[campaign]["subject"] if campaign else None
    row_max = _integer(parsed, number, "max", values.get("max"), 1, 1000)
    maximum = row_max if row_max is not None else (max_scores.get(campaign) if campaign else None)
    primary = _integer(
        parsed,
        number,
        "primary",
        values.get("primary"),
        0,
        maximum,
        _("The primary score %(value)s is outside 0…%(max)s.") % {"value": values.get("primary"), "max": maximum},
    )
    if primary is None and values.get("primary") in (None, "") and procedure in PRIMARY_SCORE_REQUIRED:
        parsed.problem(
            number, "primary", None, _("The primary score is required for %(procedure)s.") % {"procedure": procedure}
        )
    mark = _integer(
        parsed,
        number,
        "mark",
        values.get("mark"),
        2,
        5,
        _("The mark %(value)s is outside 2–5.") % {"value": values.get("mark")},
    )
    needs_mark = procedure in (Procedure.VPR, Procedure.OGE) or (
        procedure == Procedure.EGE and subject is not None and subject.marked_at_ege
    )
    if mark is None and values.get("mark") in (None, "") and needs_mark:
        parsed.problem(number, "mark", None, _("The mark is required for %(procedure)s.") % {"procedure": procedure})
    test = _integer(
        parsed,
        number,
        "test",
        values.get("test"),
        0,
        100,
        _("The test score %(value)s is outside 0–100.") % {"value": values.get("test")},
    )
    if (
        test is None
        and values.get("test") in (None, "")
        and procedure == Procedure.EGE
        and subject is not None
        and not subject.marked_at_ege
    ):
        parsed.problem(number, "test", None, _("The test score is required for ЕГЭ."))
    journal = _integer(
        parsed,
        number,
        "journal",
        values.get("journal"),
        2,
        5,
        _("The journal mark %(value)s is outside 2–5.") % {"value": values.get("journal")},
    )
    if parsed.ok and campaign is not None and school_id is not None:
        parsed.participants.append((campaign, school_id, class_name, code, primary, row_max, mark, test, journal))


def _aggregate_row(parsed, number, values, campaign, school_id, class_name, seen, header):
    total = _integer(parsed, number, "participants", values.get("participants"), 0)
    raw_marks = [values.get(key) for key in ("m2", "m3", "m4", "m5")]
    marks = _marks(parsed, number, raw_marks, total, parsed.percent_marks)
    mean = None
    if values.get("mean_primary") not in (None, ""):
        try:
            mean = Decimal(str(values["mean_primary"]).replace(",", ".")).quantize(Decimal("0.01"))
            if not mean.is_finite() or mean < 0:
                raise InvalidOperation
        except InvalidOperation:
            parsed.problem(
                number,
                "mean_primary",
                values["mean_primary"],
                _("«%(value)s» is not a number.") % {"value": values["mean_primary"]},
            )
            mean = None
    comparison = [_integer(parsed, number, key, values.get(key), 0) for key in ("lowered", "confirmed", "raised")]
    if total is not None and sum(c or 0 for c in comparison) > total:
        parsed.problem(
            number,
            "lowered",
            sum(c or 0 for c in comparison),
            _("Понизили, подтвердили and повысили add up to more than the participants."),
        )
    if campaign is not None and school_id is not None:
        first = seen.setdefault((campaign, school_id, class_name), number)
        if first != number:
            parsed.problem(
                number,
                "school",
                values.get("school"),
                _("This school (and class) is already in row %(row)s of this campaign.") % {"row": first},
            )
    if parsed.ok and campaign is not None and school_id is not None and marks is not None and total is not None:
        parsed.aggregates.append((campaign, school_id, class_name, total, *marks, mean, *comparison))


def _marks(parsed, number, raw, total, percent_header):
    """Counts of marks 2–5; percentages are turned back into counts only when that is exact (IMPORT_FORMATS.md)."""
    texts = ["" if v is None else str(v).strip().replace(",", ".") for v in raw]
    try:
        numbers = [Decimal(t) if t else Decimal(0) for t in texts]
    except InvalidOperation:
        bad = next(raw[i] for i, t in enumerate(texts) if not _is_number(t))
        parsed.problem(number, "m2", bad, _("«%(value)s» is not a number.") % {"value": bad})
        return None
    if total is None:
        return None
    fractional = any(n != n.to_integral_value() for n in numbers)
    as_percent = percent_header or (fractional and abs(sum(numbers) - 100) <= Decimal("0.5"))
    if fractional and not as_percent:
        parsed.problem(number, "m2", ";".join(texts), _("Counts of marks must be whole numbers."))
        return None
    if as_percent:
        counts = []
        for text, pct in zip(texts, numbers, strict=True):
            decimals = len(text.split(".")[1]) if "." in text else 0
            exact = pct * total / 100
            nearest = exact.to_integral_value()
            tolerance = Decimal(5) / (10 ** (decimals + 1)) * total / 100
            if abs(exact - nearest) > tolerance + Decimal("1e-9"):
                parsed.problem(
                    number,
                    "m2",
                    ";".join(texts),
                    _("The percentages of marks do not give whole numbers of participants."),
                )
                return None
            counts.append(int(nearest))
    else:
        counts = [int(n) for n in numbers]
    if sum(counts) != total:
        parsed.problem(
            number,
            "participants",
            total,
            _("Marks 2–5 add up to %(sum)s, not to the %(total)s participants.") % {"sum": sum(counts), "total": total},
        )
        return None
    return counts


def _is_number(text: str) -> bool:
    try:
        Decimal(text or "0")
        return True
    except InvalidOperation:
        return False


__all__ = ["MARKED", "Parsed", "Problem", "Supplied", "read_results"]
