"""Reading a results file of either shape into checked rows, with every problem by sheet, row and column.

Nothing here writes. `read_results` returns the campaigns and rows a commit would store and the problems;
a file with any problem cannot be committed (docs/import-formats.md).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import itemgetter

from django.utils.translation import gettext as _

from registry.models import School
from shnor_portal.files.archive import FormulaWithoutValue
from shnor_portal.files.limits import CONTROL, MAX_CELL, MAX_UPLOAD
from shnor_portal.files.refusals import FileRefused
from shnor_portal.files.rows import open_rows

from .models import MARKED, PRIMARY_SCORE_REQUIRED, MaxScore, Procedure, Subject

MAX_PROBLEMS = 1000
PROCEDURES = frozenset(Procedure.values)
HEADER_SCAN_ROWS = 50
MAX_PARTICIPANTS = 100_000  # in one row of statistics: more is a typo, and it would overflow the stored sums
REMEMBER_CHECKED_VALUES = True  # the fast path of `_protocol_rows`; tests switch it off to compare both paths

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
    participant_rows: int = 0  # rows of shape 1 handed to the caller (they are streamed, never kept here)
    touched: set[tuple] = field(default_factory=set)  # (campaign key, school id) pairs the file holds
    aggregates: list[tuple] = field(default_factory=list)  # (campaign key, school id, class, n, m2..m5, mean,
    #                                                         lowered, confirmed, raised)
    rows: int = 0
    schools: set[int] = field(default_factory=set)
    percent_marks: bool = False  # the header says the mark columns are percentages
    campaign_cache: dict = field(default_factory=dict, repr=False)
    class_cache: dict = field(default_factory=dict, repr=False)

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


def read_results(
    source,
    *,
    allowed_schools: dict[str, int],
    supplied: Supplied | None = None,
    max_bytes: int | None = MAX_UPLOAD,
    name: str | None = None,
) -> Parsed:
    """Check a results file. `allowed_schools` maps the importer's school codes to ids (the scope); `name` is the
    file's name when `source` does not carry it (an upload)."""
    parsed = Parsed()
    rows = iter_results(
        parsed, source, allowed_schools=allowed_schools, supplied=supplied, max_bytes=max_bytes, name=name
    )
    for _row in rows:
        pass
    return parsed


def iter_results(
    parsed: Parsed,
    source,
    *,
    allowed_schools: dict[str, int],
    supplied: Supplied | None = None,
    max_bytes: int | None = MAX_UPLOAD,
    name: str | None = None,
) -> Iterator[tuple]:
    """Open a file, find its header, and return an iterator of its participant rows, checked as they are read;
    rows come out while the file is still clean.

    A row is (Place, participant code, Scores). Once a problem is found nothing more is
    yielded, but reading goes on to list every problem; the caller must look at `parsed.ok` at the end and throw
    away what it took (the commit does it by rolling back). Aggregated rows (shape 2) are few and kept in
    `parsed.aggregates`. Every query runs here, before the iterator is returned: none runs while rows flow, so
    that a caller may stream them into COPY on the same connection.
    """
    supplied = supplied or Supplied()
    if supplied.subject and SubjectIndex().find(supplied.subject) is None:
        parsed.problem(
            None, "subject", supplied.subject, _("Unknown subject «%(value)s».") % {"value": supplied.subject}
        )
        return iter(())
    if supplied.procedure and supplied.procedure not in Procedure.values:
        parsed.problem(
            None, "procedure", supplied.procedure, _("Unknown procedure «%(value)s».") % {"value": supplied.procedure}
        )
        return iter(())
    try:
        _kind, sheet, rows = open_rows(source, max_bytes=max_bytes, has_header=_has_header, name=name)
        parsed.sheet = sheet
        header, positions = _find_header(parsed, rows, supplied)
    except FileRefused as refusal:
        parsed.problem(None, "", "", str(refusal))
        return iter(())
    if header is None:
        return iter(())
    # Everything the checks need is loaded before the first row: no query may run while rows are streamed.
    context = _Context(
        allowed=allowed_schools,
        supplied=supplied,
        subjects=SubjectIndex(),
        all_codes={code.strip().lower() for code in School.objects.values_list("code", flat=True)},
        max_scores={(m.procedure, m.year, m.subject_id, m.grade): m.max_score for m in MaxScore.objects.all()},
    )
    if parsed.shape == "protocol":
        return _protocol_rows(parsed, rows, positions, context)
    return _statistics_rows(parsed, rows, positions, context)


@dataclass(frozen=True)
class Scores:
    """The checked numbers of a participant row, and the same as a fragment of a COPY line."""

    primary: int | None
    maximum: int | None
    mark: int | None
    test: int | None
    journal: int | None
    copy_text: str


def scores(primary, maximum, mark, test, journal) -> Scores:
    values = (primary, maximum, mark, test, journal)
    return Scores(*values, "\t".join("\\N" if v is None else str(v) for v in values))


class Place:
    """Where a participant row goes: campaign, school and class, and the same as the middle of a COPY line.

    `number` is the campaign's number in this file (0, 1, …), so that a writer can keep what it knows of a campaign
    in a list; `seen` is the campaign's participant codes.
    """

    __slots__ = ("campaign", "class_name", "head", "number", "school_id", "seen", "written_as")

    def __init__(self, campaign, number: int, seen: dict, school_id: int, class_name: str):
        self.campaign, self.number, self.seen = campaign, number, seen
        self.school_id, self.class_name = school_id, class_name
        self.head = f"{school_id}\t{class_name}\t"
        self.written_as = None  # for the writer: what it puts before the code (the COPY writer: campaign id, head)

    def __eq__(self, other):
        return isinstance(other, Place) and (self.campaign, self.school_id, self.class_name) == (
            other.campaign,
            other.school_id,
            other.class_name,
        )

    def __hash__(self):
        return hash((self.campaign, self.school_id, self.class_name))

    def __repr__(self):
        return f"Place({self.campaign!r}, {self.school_id}, {self.class_name!r})"


@dataclass
class _Context:
    allowed: dict[str, int]
    supplied: Supplied
    subjects: SubjectIndex
    all_codes: set[str]
    max_scores: dict[tuple, int]
    seen: dict = field(default_factory=dict)  # campaign key → {participant code: first row} or {(school, class): row}
    numbers: dict = field(default_factory=dict)  # campaign key → its number in the file (0, 1, …)

    def place(self, campaign, school_id: int, class_name: str) -> Place:
        number = self.numbers.setdefault(campaign, len(self.numbers))
        return Place(campaign, number, self.seen.setdefault(campaign, {}), school_id, class_name)


def _statistics_rows(parsed: Parsed, rows, positions, context: _Context):
    """Aggregated rows (shape 2) are kept in `parsed.aggregates`: a generator that yields nothing."""
    try:
        for number, raw in rows:
            _slow_row(parsed, number, raw, positions, context)
    except FileRefused as refusal:
        parsed.problem(None, "", "", str(refusal))
    _finish(parsed)
    yield from ()


def _finish(parsed: Parsed) -> None:
    parsed.schools.update(school for _campaign_key, school in parsed.touched)
    if parsed.rows == 0 and parsed.ok:
        parsed.problem(None, "", "", _("The file has no rows with results."))


def _columns(positions, keys):
    """A function giving the raw cells of `keys` (those present) of a row: a C-level itemgetter where it can."""
    indexes = [positions[key] for key in keys if key in positions]
    if not indexes:
        return lambda raw: ()
    return itemgetter(*indexes)


def _protocol_rows(parsed: Parsed, rows, positions, context: _Context):
    """Per-participant rows. Real files repeat the same few values in every column but the participant code, so
    values checked once by the careful path are remembered together with what they depend on, and a row made only of
    remembered values takes the fast path: two dictionary look-ups and a few checks of its code. Anything new or
    unusual goes through `_slow_row`.

    This loop is the hot path of a million-row import: the keys are flat tuples of the raw cells (their strings'
    hashes are cached, so a cell shared by both keys is hashed once), and counters stay local until the end.
    """
    campaign_keys = ("year", "procedure", "subject", "grade")
    campaign_cells = _columns(positions, campaign_keys)
    class_cells = _columns(positions, ("class",))
    place_cells = _columns(positions, (*campaign_keys, "school", "class"))
    score_cells = _columns(positions, (*campaign_keys, "primary", "max", "mark", "test", "journal"))
    school_at, code_at = positions["school"], positions["participant"]
    width = max(positions.values()) + 1
    known_places: dict = {}  # campaign, school and class cells → (campaign key, its seen codes, school id, class)
    known_scores: dict = {}  # campaign and score cells → Scores
    # The parts of a place, so that a new combination of known parts does not need the careful path.
    known_campaigns: dict = {}  # campaign cells → campaign key
    known_schools: dict = {}  # school cell → school id
    known_classes: dict = {}  # (class cells, campaign key) → class

    def compose(raw, key):
        campaign = known_campaigns.get(campaign_cells(raw))
        school_id = known_schools.get(raw[school_at])
        class_name = known_classes.get((class_cells(raw), campaign))
        if campaign is None or school_id is None or class_name is None:
            return None
        place = known_places[key] = context.place(campaign, school_id, class_name)
        parsed.touched.add((campaign, school_id))
        return place

    fast_rows = 0
    clean = parsed.problem_count == 0
    try:
        for number, raw in rows:
            try:
                key = place_cells(raw)
                place = known_places.get(key) or compose(raw, key)
                checked = known_scores.get(score_cells(raw))
                code = raw[code_at]
            except IndexError:  # a row shorter than the header: the careful path says what is missing
                place = None
            if (
                place is not None
                and checked is not None
                and type(code) is str
                and 0 < len(code) <= 64
                and code.isprintable()  # no control characters, tabs, line breaks or non-breaking spaces
                and " " not in code  # codes with spaces are rare: the careful path trims and collapses them
                and "\\" not in code
            ):
                if place.seen.setdefault(code, number) is number:
                    fast_rows += 1
                    if clean:
                        yield place, code, checked
                    continue
            before = parsed.problem_count
            row = _slow_row(parsed, number, raw, positions, context)
            clean = parsed.problem_count == 0
            if REMEMBER_CHECKED_VALUES and row is not None and parsed.problem_count == before and len(raw) >= width:
                # A clean row: its (campaign, school) pair is in `parsed.touched` already, its code in `seen`.
                place, _code, checked = row
                known_places[place_cells(raw)] = place
                known_scores[score_cells(raw)] = checked
                known_campaigns[campaign_cells(raw)] = place.campaign
                known_schools[raw[school_at]] = place.school_id
                known_classes[(class_cells(raw), place.campaign)] = place.class_name
            if row is not None and clean:
                parsed.participant_rows += 1
                yield row
    except FileRefused as refusal:
        parsed.problem(None, "", "", str(refusal))
    parsed.rows += fast_rows
    if parsed.ok:  # every row was handed on
        parsed.participant_rows += fast_rows
    _finish(parsed)


def _slow_row(parsed: Parsed, number: int, raw: list, positions: dict, context: _Context):
    """Check one row with every rule; the participant row when it is clean, None otherwise (or for shape 2)."""
    values = {key: _cell(parsed, number, key, raw[pos] if pos < len(raw) else None) for key, pos in positions.items()}
    if all(v in (None, "") for v in values.values()):
        return None
    parsed.rows += 1
    campaign = _campaign(parsed, number, values, context.supplied, context.subjects)
    code = values.get("school")
    school_id = context.allowed.get(str(code).strip().lower()) if code not in (None, "") else None
    if school_id is None:
        if code in (None, ""):
            parsed.problem(number, "school", code, _("The school code is empty."))
        elif str(code).strip().lower() in context.all_codes:
            parsed.problem(
                number,
                "school",
                code,
                _("The school «%(code)s» is outside your area of responsibility.") % {"code": code},
            )
        else:
            _unknown_school(parsed, number, code, context.allowed)
    class_name = _class(parsed, number, values.get("class"), campaign)
    if parsed.shape != "protocol":
        _aggregate_row(parsed, number, values, campaign, school_id, class_name, context.seen)
        if campaign is not None and school_id is not None:
            parsed.touched.add((campaign, school_id))
        return None
    row = _participant_row(parsed, number, values, campaign, school_id, context.seen, context.max_scores)
    if row is None or campaign is None or school_id is None:
        return None
    parsed.touched.add((campaign, school_id))
    return context.place(campaign, school_id, class_name), *row


# Cyrillic letters that look like Latin ones (in either case): a code written with them is not the same code.
LOOK_ALIKE = str.maketrans("авекмнорстухіјѕ", "abekmhopctyxijs")


def _unknown_school(parsed: Parsed, number, code, allowed: dict[str, int]):
    """An unknown code is never mapped to a look-alike one, but the look-alike in the importer's scope is named."""
    index = getattr(parsed, "_look_alikes", None)
    if index is None:
        index = {}
        for known in allowed:
            index.setdefault(known.strip().lower().translate(LOOK_ALIKE), known)
        parsed._look_alikes = index
    close = index.get(str(code).strip().lower().translate(LOOK_ALIKE))
    if close is None:
        parsed.problem(number, "school", code, _("Unknown school code «%(code)s».") % {"code": code})
        return
    parsed.problem(
        number,
        "school",
        code,
        _(
            "Unknown school code «%(code)s»; did you mean «%(close)s»? Letters that only look alike "
            "(Cyrillic and Latin) are different letters."
        )
        % {"code": code, "close": close},
    )


def _has_header(raw) -> bool:
    """Does this row hold the header of either shape (the columns that tell a results table)?"""
    names = {normalise_header(v) for v in raw if v is not None}
    return not names.isdisjoint(COLUMNS["school"]) and (
        not names.isdisjoint(COLUMNS["participant"]) or not names.isdisjoint(COLUMNS["participants"])
    )


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
    if type(value) is not str:
        if type(value) is FormulaWithoutValue:
            parsed.problem(
                number,
                key,
                value.formula,
                _(
                    "Cell %(cell)s holds a formula without a saved value: open the file in Excel, "
                    "let it calculate and save it again."
                )
                % {"cell": value.cell},
            )
            return None
        return value
    if len(value) > MAX_CELL:
        parsed.problem(number, key, value[:50], _("The cell is longer than 10,000 characters."))
        return None
    if CONTROL.search(value):
        parsed.problem(
            number, key, value.encode("unicode_escape").decode()[:50], _("The cell contains control characters.")
        )
        return None
    if "  " in value or "\t" in value or "\n" in value or "\r" in value or "\u00a0" in value:
        value = " ".join(value.split())
    else:
        value = value.strip()
    return value or None


def _integer(parsed, number, key, value, low=None, high=None, message=None):
    """An integer written as 5, 5.0, «5», « 5 », «5,0»; None when empty; a problem otherwise.

    `message` is a callable giving the out-of-range text: it is built only when a problem occurs.
    """
    kind = type(value)
    if kind is int:
        result = value
    elif kind is str and value.isascii() and value.isdigit() and len(value) < 19:
        result = int(value)
    elif value is None or value == "":
        return None
    else:
        try:
            if kind is bool:
                raise ValueError
            number_value = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u00a0", ""))
            if not number_value.is_finite() or number_value != number_value.to_integral_value():
                raise ValueError
            if number_value.adjusted() > 18:  # «1e999999999» would take forever to turn into an int
                parsed.problem(number, key, value, _("«%(value)s» is out of range.") % {"value": value})
                return None
            result = int(number_value)
        except (InvalidOperation, ValueError):
            parsed.problem(number, key, value, _("«%(value)s» is not a whole number.") % {"value": value})
            return None
    if (low is not None and result < low) or (high is not None and result > high):
        if low == 0 and result < 0:
            text = _("«%(value)s» is negative: a number of pupils cannot be.") % {"value": value}
        elif message:
            text = message()
        else:
            text = _("«%(value)s» is out of range.") % {"value": value}
        parsed.problem(number, key, value, text)
        return None
    return result


def _campaign(parsed, number, values, supplied: Supplied, subjects: SubjectIndex):
    """The campaign key of a row; rows repeat the same few values, so good readings are remembered."""
    raw = (values.get("year"), values.get("procedure"), values.get("subject"), values.get("grade"))
    known = parsed.campaign_cache.get(raw)
    if known is not None:
        return known
    before = parsed.problem_count
    key = _read_campaign(parsed, number, values, supplied, subjects)
    if key is not None and parsed.problem_count == before:
        parsed.campaign_cache[raw] = key
    return key


def _read_campaign(parsed, number, values, supplied: Supplied, subjects: SubjectIndex):
    ok = True
    year = _integer(
        parsed, number, "year", values.get("year"), 2015, 2100, lambda: _("The year must be between 2015 and 2100.")
    )
    year = _agree(parsed, number, "year", year, supplied.year, values.get("year"))
    procedure = values.get("procedure")
    if procedure not in (None, ""):
        procedure = str(procedure).strip().upper().replace("Ё", "Е")
        if procedure not in PROCEDURES:
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
    grade = _integer(parsed, number, "grade", values.get("grade"), 1, 11, lambda: _("The grade must be from 1 to 11."))
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
    cached = parsed.class_cache.get((value, campaign))
    if cached is not None:
        return cached
    before = parsed.problem_count
    result = _read_class(parsed, number, value, campaign)
    if parsed.problem_count == before:
        parsed.class_cache[(value, campaign)] = result
    return result


def _read_class(parsed, number, value, campaign):
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


def _participant_row(parsed, number, values, campaign, school_id, seen, max_scores):
    """(participant code, Scores) of a clean row, None otherwise."""
    before = parsed.problem_count
    code = values.get("participant")
    if code in (None, ""):
        parsed.problem(number, "participant", code, _("The participant code is empty."))
    else:
        code = str(code).strip()
        if len(code) > 64:
            parsed.problem(number, "participant", code, _("The participant code is longer than 64 characters."))
        elif campaign is not None:
            first = seen.setdefault(campaign, {}).setdefault(code, number)
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
        lambda: (
            _("The primary score %(value)s is outside 0…%(max)s.") % {"value": values.get("primary"), "max": maximum}
        ),
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
        lambda: _("The mark %(value)s is outside 2–5.") % {"value": values.get("mark")},
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
        lambda: _("The test score %(value)s is outside 0–100.") % {"value": values.get("test")},
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
        lambda: _("The journal mark %(value)s is outside 2–5.") % {"value": values.get("journal")},
    )
    if parsed.problem_count != before or campaign is None or school_id is None:
        return None
    return code, scores(primary, row_max, mark, test, journal)


def _aggregate_row(parsed, number, values, campaign, school_id, class_name, seen):
    total = _integer(
        parsed,
        number,
        "participants",
        values.get("participants"),
        0,
        MAX_PARTICIPANTS,
        lambda: (
            _("%(value)s participants in one school's row is not credible (at most %(max)s).")
            % {"value": values.get("participants"), "max": MAX_PARTICIPANTS}
        ),
    )
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
    """Counts of marks 2–5; percentages are turned back into counts only when that is exact (docs/import-formats.md)."""
    texts = ["" if v is None else str(v).strip().replace(",", ".") for v in raw]
    keys = ("m2", "m3", "m4", "m5")
    numbers = []
    for key, value, text in zip(keys, raw, texts, strict=True):
        try:
            decimal = Decimal(text) if text else Decimal(0)
        except InvalidOperation:
            decimal = None
        if decimal is None or not decimal.is_finite() or decimal.adjusted() > 9:
            parsed.problem(number, key, value, _("«%(value)s» is not a number.") % {"value": value})
            return None
        if decimal < 0:
            message = _("«%(value)s» is negative: a count of marks cannot be.") % {"value": value}
            parsed.problem(number, key, value, message)
            return None
        numbers.append(decimal)
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


__all__ = ["MARKED", "Parsed", "Place", "Problem", "Scores", "Supplied", "iter_results", "read_results"]
