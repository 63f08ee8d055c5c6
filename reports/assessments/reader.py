"""Reading a results file of either shape into checked rows, with every problem by sheet, row and column.

Nothing here writes. `read_results` returns the campaigns and rows a commit would store and the problems;
a file with any problem cannot be committed (docs/import-formats.md).
"""

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from itertools import chain
from operator import getitem, itemgetter

from django.utils.translation import gettext as _

from registry.models import School
from shnor_portal.files.archive import FormulaWithoutValue
from shnor_portal.files.limits import CONTROL, MAX_CELL, MAX_UPLOAD
from shnor_portal.files.refusals import FileRefused
from shnor_portal.files.rows import open_rows

from .models import MARKED, PRIMARY_SCORE_REQUIRED, MaxScore, Procedure, ReferenceLevel, Subject, Task

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
    "participant": ["код участника", "код ученика", "код"],
    "primary": ["первичный балл", "балл"],
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
    "variant": ["вариант"],
}
# The header of a ФИС ОКО «Статистика по отметкам»: the marks 2–5 are in the row below it.
FIS_COLUMNS = {
    "group": ["группы участников"],
    "units": ["кол-во оо", "количество оо"],
    "participants": ["кол-во уч.", "кол-во уч", "количество участников", "кол-во участников"],
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
    "variant": "Вариант",
    "group": "Группы участников",
    "units": "Кол-во ОО",
}
# A task column: «1», «4(1)», «4.1», «З1», «Зад. 1», «Задание 1», «№ 1»; group 1 is the label as kept.
TASK_COLUMN = re.compile(r"^(?:з|зад\.?|задание|№)?\s*(\d{1,3}(?:\s*\(\s*\d{1,2}\s*\)|\.\d{1,2})?)$")
# What a task cell may hold for «nothing earned».
NO_POINTS = ("", "х", "x", "-", "–", "—")
# A school as ФИС ОКО writes it: «(sch860125) МКОУ «Чемашинская СОШ»».
FIS_SCHOOL = re.compile(r"^\(\s*(sch\d{6})\s*\)\s*(.*)$", re.IGNORECASE)
# Title rows of a ФИС ОКО report.
TITLE_PROCEDURE = re.compile(
    r"\b(всероссийск\w* проверочн\w* работ\w*|впр|нико|национальн\w* исследовани\w*)\D{0,20}(\d{4})"
    r"(?:\s*\(?\s*(\d{1,2})\s*класс)?",
    re.IGNORECASE,
)
# A grade on its own in a title cell («5 класс», «Класс: 5», «Параллель: 5»); inside longer text («5–11 классов») it is
# not taken: only with the procedure and year («Всероссийские проверочные работы 2022 (5 класс)»).
TITLE_GRADE = re.compile(r"^(?:(\d{1,2})\s*класс|(?:класс|параллель)\s*:\s*(\d{1,2}))$", re.IGNORECASE)
TITLE_SUBJECT = re.compile(r"^предмет\s*:\s*(.+)$", re.IGNORECASE)
TITLE_DATE = re.compile(r"^дата\s*:\s*(.+)$", re.IGNORECASE)
TITLE_MAX = re.compile(r"максимальный\s+первичный\s+балл\s*:?\s*(\d{1,4})", re.IGNORECASE)
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
    school: str | None = None  # a school code, for a school's protocol without «Код ОО» (`--school`)


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
    title: dict = field(default_factory=dict)  # what the title rows above the header said (ФИС ОКО reports)
    header_row: int = 0  # the header's row number in the file (0 until it is found)
    tasks: list[str] = field(default_factory=list)  # task labels of a protocol, normalised, in the file's order
    task_columns: list[tuple[int, str, str]] = field(default_factory=list, repr=False)  # (index, label, as written)
    task_maxima: dict = field(default_factory=dict)  # label → maximum from the «Макс» row under the header
    references: list[dict] = field(default_factory=list)  # ФИС ОКО rows of the country, region, municipality
    fis_logins: dict = field(default_factory=dict, repr=False)  # login → (school id, code, municipality id)
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
    prepared = prepare(
        parsed, source, allowed_schools=allowed_schools, supplied=supplied, max_bytes=max_bytes, name=name
    )
    if prepared is None:
        return iter(())
    return prepared.checked_rows()


@dataclass
class Prepared:
    """A file opened and its header read: the rows still to come, where each column is, and what the checks need."""

    parsed: Parsed
    kind: str  # "csv" or "xlsx"
    facts: dict  # what the survey of a CSV found (shnor_portal/files/rows.py `open_rows`)
    header: list[str]
    header_row: int
    positions: dict
    rows: Iterator
    context: "_Context"
    school_from_file: bool  # the school is a column of the file (not a title row or `--school`)

    def checked_rows(self, rows=None) -> Iterator[tuple]:
        """The participant rows checked as they are read (or the statistics kept in `parsed`); `rows` replaces the
        file's remaining rows."""
        parsed, positions, context = self.parsed, self.positions, self.context
        rows = self.rows if rows is None else rows
        if parsed.shape == "protocol":
            return _protocol_rows(parsed, rows, positions, context)
        if "group" in positions:
            return _fis_statistics_rows(parsed, rows, positions, context)
        return _statistics_rows(parsed, rows, positions, context)


def prepare(
    parsed: Parsed,
    source,
    *,
    allowed_schools: dict[str, int],
    supplied: Supplied | None = None,
    max_bytes: int | None = MAX_UPLOAD,
    name: str | None = None,
) -> Prepared | None:
    """Open a file and read up to its header; None when the file is refused already (the problems are in
    `parsed`)."""
    supplied = supplied or Supplied()
    if supplied.subject and SubjectIndex().find(supplied.subject) is None:
        parsed.problem(
            None, "subject", supplied.subject, _("Unknown subject «%(value)s».") % {"value": supplied.subject}
        )
        return None
    if supplied.procedure and supplied.procedure not in Procedure.values:
        parsed.problem(
            None, "procedure", supplied.procedure, _("Unknown procedure «%(value)s».") % {"value": supplied.procedure}
        )
        return None
    facts: dict = {}
    try:
        kind, sheet, rows = open_rows(source, max_bytes=max_bytes, has_header=_has_header, name=name, facts=facts)
        parsed.sheet = sheet
        header, positions = _find_header(parsed, rows, supplied)
    except FileRefused as refusal:
        parsed.problem(None, "", "", str(refusal))
        return None
    if header is None:
        return None
    subjects = SubjectIndex()
    supplied = _with_titles(parsed, supplied, subjects)
    school_from_file = "school" in positions
    if parsed.shape == "protocol" and not school_from_file:
        code = _protocol_school(parsed, supplied, allowed_schools)
        if code is None:
            return None
        positions["school"] = len(header)
        rows = _with_school(rows, len(header), code)
    # Everything the checks need is loaded before the first row: no query may run while rows are streamed.
    context = _Context(
        allowed=allowed_schools,
        supplied=supplied,
        subjects=subjects,
        all_codes={code.strip().lower() for code in School.objects.values_list("code", flat=True)},
        max_scores={(m.procedure, m.year, m.subject_id, m.grade): m.max_score for m in MaxScore.objects.all()},
        title_max=parsed.title.get("max_score"),
    )
    if parsed.task_columns:
        for task in Task.objects.select_related("campaign"):
            c = task.campaign
            table = context.task_tables.setdefault((c.procedure, c.year, c.subject_id, c.grade), {})
            table[task.label] = task.max_points
    return Prepared(parsed, kind, facts, header, parsed.header_row, positions, rows, context, school_from_file)


def _with_titles(parsed: Parsed, supplied: Supplied, subjects) -> Supplied:
    """Values of the title rows count as supplied ones; a title that contradicts a supplied value is an error."""
    values = {}
    for key in ("procedure", "year", "subject", "grade"):
        from_title, given = parsed.title.get(key), getattr(supplied, key)
        if from_title is None:
            continue
        same = subjects.find(from_title) == subjects.find(given) if key == "subject" and given else from_title == given
        if given is not None and not same:
            parsed.problem(
                None,
                key,
                from_title,
                _("The title of the file says «%(value)s», but «%(given)s» was given for the import.")
                % {"value": from_title, "given": given},
            )
            continue
        values[key] = from_title
    return replace(supplied, **values)


def _protocol_school(parsed: Parsed, supplied: Supplied, allowed: dict[str, int]) -> str | None:
    """The school of a protocol without «Код ОО»: from a title row «(schNNNNNN) …» or given; its code or None."""
    login, code = parsed.title.get("login"), (supplied.school or "").strip().lower() or None
    if login is not None:
        school = School.objects.filter(fis_oko_login__iexact=login).first()
        if school is None:
            _unknown_login(parsed, None, login, parsed.title.get("school_name", ""), _school_names(allowed))
            return None
        if code is not None and code != school.code.lower():
            parsed.problem(
                None,
                "school",
                code,
                _("The title of the file names the school %(login)s («%(school)s»), but «%(code)s» was given.")
                % {"login": login, "school": school.short_name, "code": code},
            )
            return None
        code = school.code.lower()
    if code is None:
        parsed.problem(
            None,
            "school",
            "",
            _(
                "The file has no column «Код ОО» and no title row «(schNNNNNN) school name»: choose the school "
                "(--school CODE)."
            ),
        )
        return None
    if code not in allowed:
        if School.objects.filter(code__iexact=code).exists():
            message = _("The school «%(code)s» is outside your area of responsibility.") % {"code": code}
            parsed.problem(None, "school", code, message)
        else:
            parsed.problem(None, "school", code, _("Unknown school code «%(code)s».") % {"code": code})
        return None
    return code


def _with_school(rows, width: int, code: str):
    """The rows of a school's protocol with its code as one more cell, after the header's last column."""
    for number, raw in rows:
        if len(raw) < width:
            raw = [*raw, *([None] * (width - len(raw)))]
        yield number, [*raw[:width], code]


def _school_names(allowed: dict[str, int]) -> dict[str, tuple[str, str]]:
    """The importer's schools by their names as compared (short and full): (code, short name)."""
    names = {}
    for code, short_name, full_name in School.objects.filter(pk__in=allowed.values()).values_list(
        "code", "short_name", "name"
    ):
        names[_name_key(full_name)] = (code, short_name)
        names[_name_key(short_name)] = (code, short_name)
    return names


def _unknown_login(parsed: Parsed, number, login: str, name: str, names: dict) -> None:
    """An unknown ФИС ОКО login, named with the school as written and the registry school of the closest name."""
    close = None
    if name:
        close = _closest_name(name, names)
    if close is None:
        message = _("The ФИС ОКО login «%(login)s» («%(name)s» in the file) is not in the registry.") % {
            "login": login,
            "name": name,
        }
    else:
        message = _(
            "The ФИС ОКО login «%(login)s» («%(name)s» in the file) is not in the registry; is it «%(school)s» "
            "(code %(code)s)? Enter its login on the school's card."
        ) % {"login": login, "name": name, "school": close[1], "code": close[0]}
    parsed.problem(number, "group", login, message)


# Words every school's name has: a name is told by the others («Чемашинская»).
COMMON_NAME_WORDS = frozenset(
    "муниципальное муниципальный казенное казённое бюджетное автономное государственное общеобразовательное "
    "образовательное учреждение организация средняя основная начальная общеобразовательная школа школа-интернат "
    "сош оош нош гимназия лицей имени им район района".split()
)


def _closest_name(name: str, names: dict):
    """The registry school whose name shares the most telling words with `name` (then the closest spelling)."""
    key = _name_key(name)
    words = set(key.split()) - COMMON_NAME_WORDS
    best, best_score = None, 0.0
    for candidate, school in names.items():
        theirs = set(candidate.split()) - COMMON_NAME_WORDS
        shared = len(words & theirs) / len(words | theirs) if words | theirs else 0.0
        score = shared + difflib.SequenceMatcher(None, key, candidate).ratio() / 10
        if (shared > 0 or score >= 0.07) and score > best_score:
            best, best_score = school, score
    return best


def _name_key(name: str) -> str:
    """A school's name for comparison: lower case, ё as е, no quotes, and no legal form (МКОУ, МБОУ …)."""
    text = str(name).lower().replace("ё", "е")
    text = re.sub(r"[«»\"'„“”()]", " ", text)
    text = re.sub(r"\b(м?[бка]?оу|мау|моу|гоу|гбоу)\b", " ", text)
    return " ".join(text.split())


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
    title_max: int | None = None  # «Максимальный первичный балл» of a ФИС ОКО title row
    task_tables: dict = field(default_factory=dict)  # campaign key → {task label: maximum} of its task table
    task_maps: dict = field(default_factory=dict)  # campaign key → per task column {cell as read: points}
    task_template: str = ""
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


def _fis_statistics_rows(parsed: Parsed, rows, positions, context: _Context):
    """A ФИС ОКО «Статистика по отметкам»: the country, region and municipality rows become reference
    distributions (`parsed.references`), school rows «(schNNNNNN) …» shape 2 rows of the school with that login.
    An iterator that yields nothing, like `_statistics_rows`; the logins and names are loaded first (no query may
    run while a caller streams)."""
    logins = {}
    for school_id, login, municipality_id in School.objects.exclude(fis_oko_login=None).values_list(
        "pk", "fis_oko_login", "municipality_id"
    ):
        logins[login.lower()] = (school_id, municipality_id)
    names = _school_names(context.allowed)
    return _fis_statistics_generator(parsed, rows, positions, context, logins, names)


def _fis_statistics_generator(parsed: Parsed, rows, positions, context: _Context, logins: dict, names: dict):
    in_scope = set(context.allowed.values())
    campaign = None
    first = True
    references = 0
    try:
        for number, raw in rows:
            values = {
                key: _cell(parsed, number, key, raw[pos] if pos < len(raw) else None) for key, pos in positions.items()
            }
            if all(v in (None, "") for v in values.values()):
                continue
            if first:
                first = False
                campaign = _campaign(parsed, number, {}, context.supplied, context.subjects)
            parsed.rows += 1
            name = str(values.get("group") or "").strip()
            match = FIS_SCHOOL.match(name)
            if match is None:
                level = (
                    ReferenceLevel.RUSSIA
                    if name.lower().replace("ё", "е") == "вся выборка" or references == 0
                    else ReferenceLevel.REGION
                    if references == 1
                    else ReferenceLevel.MUNICIPALITY
                )
                references += 1
                reference = _reference_row(parsed, number, values, name, level)
                if reference is not None and campaign is not None:
                    parsed.references.append({**reference, "campaign": campaign})
                continue
            login, written = match.group(1).lower(), match.group(2).strip()
            found = logins.get(login)
            school_id = None
            if found is None:
                _unknown_login(parsed, number, login, written, names)
            elif found[0] not in in_scope:
                parsed.problem(
                    number,
                    "group",
                    name,
                    _("The school %(login)s («%(name)s») is outside your area of responsibility.")
                    % {"login": login, "name": written},
                )
            else:
                school_id = found[0]
                # The municipality row above the schools describes their municipality.
                for reference in reversed(parsed.references):
                    if reference["level"] == ReferenceLevel.MUNICIPALITY:
                        reference.setdefault("municipality_id", found[1])
                        break
            values["school"] = login
            _aggregate_row(parsed, number, values, campaign, school_id, "", context.seen)
            if campaign is not None and school_id is not None:
                parsed.touched.add((campaign, school_id))
    except FileRefused as refusal:
        parsed.problem(None, "", "", str(refusal))
    if campaign is None and parsed.rows and parsed.ok:
        parsed.problem(
            None,
            "",
            "",
            _("The year, procedure, subject and grade are neither in the title rows nor given for the import."),
        )
    _finish(parsed)
    yield from ()


def _reference_row(parsed: Parsed, number, values, name: str, level: str) -> dict | None:
    """A row of the country, the region or a municipality: percentages as published (0–100, two decimals)."""
    before = parsed.problem_count
    units = _integer(parsed, number, "units", values.get("units"), 0, 1_000_000)
    participants = _integer(parsed, number, "participants", values.get("participants"), 0, 100_000_000)
    percents = []
    for key in ("m2", "m3", "m4", "m5"):
        text = str(values.get(key) or "0").replace(",", ".").replace(" ", "")
        try:
            pct = Decimal(text)
            if not pct.is_finite() or not 0 <= pct <= 100:
                raise InvalidOperation
        except InvalidOperation:
            parsed.problem(number, key, values.get(key), _("«%(value)s» is not a percentage.") % {"value": values[key]})
            continue
        percents.append(pct.quantize(Decimal("0.01")))
    if parsed.problem_count != before:
        return None
    return {
        "level": level,
        "name": name[:400],
        "schools": units,
        "participants": participants,
        "pct": percents,
    }


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
    try:
        rows = _after_max_row(parsed, rows, context)
    except FileRefused as refusal:
        parsed.problem(None, "", "", str(refusal))
        rows = iter(())
    task_at = [index for index, _label, _written in parsed.task_columns]
    if task_at:
        width = max(width, max(task_at) + 1)
    task_cells = _columns({i: i for i in task_at}, task_at) if len(task_at) > 1 else (lambda raw: (raw[task_at[0]],))
    task_maps = context.task_maps  # campaign key → per task column {cell: points}, made by the careful path
    template = context.task_template = _task_template(parsed.tasks)
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
                tasks = NO_TASKS
                if task_at:
                    # Each cell looked up in its column's map of the values checked already (C-level map): a cell
                    # not in it (a new value, above the maximum, not a number) goes to the careful path.
                    try:
                        points = tuple(map(getitem, task_maps[place.campaign], task_cells(raw)))
                    except (KeyError, IndexError):
                        points = None
                    if points is None or (checked.primary is not None and sum(points) != checked.primary):
                        tasks = None
                    else:
                        tasks = template % points
                if tasks is not None and place.seen.setdefault(code, number) is number:
                    fast_rows += 1
                    if clean:
                        yield place, code, checked, tasks
                    continue
            before = parsed.problem_count
            row = _slow_row(parsed, number, raw, positions, context)
            clean = parsed.problem_count == 0
            if REMEMBER_CHECKED_VALUES and row is not None and parsed.problem_count == before and len(raw) >= width:
                # A clean row: its (campaign, school) pair is in `parsed.touched` already, its code in `seen`.
                place, _code, checked, _tasks = row
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
    row = _participant_row(parsed, number, values, campaign, school_id, context)
    if row is not None and parsed.task_columns:
        tasks = _task_points(parsed, number, raw, campaign, row[1].primary, context)
        row = None if tasks is None else (*row, tasks)
    elif row is not None:
        row = (*row, NO_TASKS)
    if row is None or campaign is None or school_id is None:
        return None
    parsed.touched.add((campaign, school_id))
    return context.place(campaign, school_id, class_name), *row


NO_TASKS = "\\N"  # COPY's null: a file without task columns


def _task_template(labels: list[str]) -> str:
    """The task scores of a row as the JSON object COPY receives, to be filled with `template % points`.

    `%s`, not `%d`: the points are always ints (the column maps and `_integer` give nothing else), and `%s` formats
    sixteen of them in a third less time than `%d` — about a tenth of the hot loop of a million-row import. No spaces:
    the column keeps the text as written (fields.py), and a million rows of them are 30 MB that PostgreSQL would
    write twice (table and WAL). Labels are digits, dots and brackets (TASK_COLUMN): nothing in them needs escaping."""
    return "{" + ",".join(f'"{label}":%s' for label in labels) + "}"


def _after_max_row(parsed: Parsed, rows, context: _Context):
    """The rows after a «Макс. балл» row directly under the header (the tasks' maxima), which is read here."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return rows
    number, raw = first
    lead = next((v for v in raw if v not in (None, "")), None)
    if not parsed.task_columns or type(lead) is not str or not lead.strip().lower().startswith("макс"):
        return chain((first,), rows)
    for index, label, written in parsed.task_columns:
        value = _cell(parsed, number, written, raw[index] if index < len(raw) else None)
        maximum = _integer(parsed, number, written, value, 0, 100)
        if maximum is not None:
            parsed.task_maxima[label] = maximum
    return rows


def _task_maps(parsed: Parsed, campaign, context: _Context) -> list[dict]:
    """Per task column, the cells whose points are known good for the campaign: 0 … the task's maximum (from the
    «Макс» row, else the task table, else the work's maximum) and the marks of «nothing earned»."""
    maps = context.task_maps.get(campaign)
    if maps is None:
        table = context.task_tables.get(campaign, {})
        work = context.title_max or context.max_scores.get(campaign) or 100
        maps = []
        for _index, label, _written in parsed.task_columns:
            maximum = parsed.task_maxima.get(label, table.get(label, work))
            cells = {None: 0}
            for nothing in NO_POINTS:
                cells[nothing] = cells[nothing.upper()] = 0
            for points in range(maximum + 1):
                cells[points] = cells[str(points)] = points
            maps.append(cells)
        context.task_maps[campaign] = maps
    return maps


def _task_maximum(parsed: Parsed, label: str, campaign, context: _Context) -> int:
    table = context.task_tables.get(campaign, {})
    work = context.title_max or context.max_scores.get(campaign) or 100
    return parsed.task_maxima.get(label, table.get(label, work))


def _task_points(parsed: Parsed, number, raw, campaign, primary, context: _Context) -> str | None:
    """A row's task scores checked one by one (each problem names its cell): the JSON for COPY, or None."""
    before = parsed.problem_count
    points = []
    for index, label, written in parsed.task_columns:
        value = _cell(parsed, number, written, raw[index] if index < len(raw) else None)
        if value is None or (type(value) is str and value.lower() in NO_POINTS):
            points.append(0)
            continue
        got = _integer(parsed, number, written, value)
        if got is None:
            continue
        maximum = _task_maximum(parsed, label, campaign, context)
        if not 0 <= got <= maximum:
            parsed.problem(
                number,
                written,
                value,
                _("Cell %(cell)s: %(value)s points for task %(task)s, outside 0…%(max)s.")
                % {"cell": _cell_name(index, number), "value": value, "task": label, "max": maximum},
            )
            continue
        points.append(got)
    if parsed.problem_count != before:
        return None
    if primary is not None and sum(points) != primary:
        parsed.problem(
            number,
            "primary",
            primary,
            _("The task scores add up to %(sum)s, not to the primary score %(primary)s.")
            % {"sum": sum(points), "primary": primary},
        )
        return None
    if campaign is not None:
        _task_maps(parsed, campaign, context)  # the fast path may now check this campaign's cells
    return context.task_template % tuple(points)


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
    """Does this row hold the header of a results table: either shape, a ФИС ОКО statistics report or a school's
    protocol from ФИС ОКО (a participant code with a score or a mark, and no school column)?"""
    names = {normalise_header(v) for v in raw if v is not None}
    if not names.isdisjoint(FIS_COLUMNS["group"]):
        return True
    if not names.isdisjoint(COLUMNS["school"]):
        return not names.isdisjoint(COLUMNS["participant"]) or not names.isdisjoint(COLUMNS["participants"])
    return not names.isdisjoint(COLUMNS["participant"]) and (
        not names.isdisjoint(COLUMNS["primary"]) or not names.isdisjoint(COLUMNS["mark"])
    )


def _find_header(parsed: Parsed, rows, supplied: Supplied):
    seen = set()
    titles = []
    for number, raw in rows:
        names = [normalise_header(v) for v in raw]
        seen.update(names)
        if not set(names).isdisjoint(FIS_COLUMNS["group"]):
            _read_titles(parsed, titles)
            return _fis_header(parsed, number, names, rows, supplied)
        positions = {}
        for key, spellings in COLUMNS.items():
            for index, name in enumerate(names):
                if name in spellings and key not in positions:
                    positions[key] = index
        school_protocol = "participant" in positions and ("primary" in positions or "mark" in positions)
        if ("school" in positions and ("participant" in positions or "participants" in positions)) or (school_protocol):
            parsed.shape = "protocol" if "participant" in positions else "statistics"
            parsed.header_row = number
            _read_titles(parsed, titles)
            if parsed.shape == "protocol":
                # «2» … «5» head the marks of statistics; in a protocol they are tasks.
                for key in ("m2", "m3", "m4", "m5", "participants"):
                    positions.pop(key, None)
            missing = _missing(parsed.shape, positions, supplied, parsed.title)
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
            if parsed.shape == "protocol":
                _task_columns(parsed, number, raw, names, used)
            parsed.percent_marks = any("%" in names[positions[k]] for k in ("m2", "m3", "m4", "m5") if k in positions)
            return names, positions
        titles.append(raw)
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


def _missing(shape, positions, supplied: Supplied, title: dict) -> list[str]:
    missing = [
        key
        for key, given in (
            ("year", supplied.year),
            ("procedure", supplied.procedure),
            ("subject", supplied.subject),
            ("grade", supplied.grade),
        )
        if key not in positions and given is None and title.get(key) is None
    ]
    if shape == "statistics":
        missing += [key for key in ("m2", "m3", "m4", "m5") if key not in positions]
    return missing


def _read_titles(parsed: Parsed, rows) -> None:
    """What the title rows above a ФИС ОКО table say: procedure, year, grade, subject, date, maximum primary
    score, and the school «(schNNNNNN) Название» of a school's report."""
    title = parsed.title
    for raw in rows:
        for value in raw:
            if type(value) is not str or not value.strip() or len(value) > 1000:
                continue
            text = " ".join(value.split())
            if match := FIS_SCHOOL.match(text):
                title.setdefault("login", match.group(1).lower())
                title.setdefault("school_name", match.group(2).strip())
                continue
            if match := TITLE_SUBJECT.match(text):
                title.setdefault("subject", match.group(1).strip().rstrip("."))
                continue
            if match := TITLE_DATE.match(text):
                title.setdefault("date", match.group(1).strip())
                continue
            if match := TITLE_MAX.search(text):
                title.setdefault("max_score", int(match.group(1)))
                continue
            if match := TITLE_PROCEDURE.search(text):
                word = match.group(1).lower()
                procedure = Procedure.NIKO if word.startswith(("нико", "национальн")) else Procedure.VPR
                title.setdefault("procedure", str(procedure))
                year = int(match.group(2))
                if 2015 <= year <= 2100:
                    title.setdefault("year", year)
                if match.group(3) and 1 <= int(match.group(3)) <= 11:
                    title.setdefault("grade", int(match.group(3)))
                continue
            if "grade" not in title and (match := TITLE_GRADE.match(text)):
                grade = int(match.group(1) or match.group(2))
                if 1 <= grade <= 11:
                    title["grade"] = grade


def _fis_header(parsed: Parsed, number: int, names: list[str], rows, supplied: Supplied):
    """A ФИС ОКО «Статистика по отметкам»: «Группы участников» | «Кол-во ОО» | «Кол-во уч.» | «Распределение групп
    баллов в %» over four cells with «2» … «5» in the row below."""
    parsed.shape = "statistics"
    parsed.percent_marks = True
    positions = {}
    for key, spellings in FIS_COLUMNS.items():
        for index, name in enumerate(names):
            if name in spellings and key not in positions:
                positions[key] = index
    below = next(rows, None)
    below_names = [normalise_header(v) for v in below[1]] if below is not None else []
    for mark in ("2", "3", "4", "5"):
        for index, name in enumerate(below_names):
            if name == mark and index > positions["group"]:
                positions[f"m{mark}"] = index
                break
    missing = _missing("statistics", positions, supplied, parsed.title)
    if "participants" not in positions:
        missing.insert(0, "participants")
    if missing:
        for key in missing:
            column = "Кол-во уч." if key == "participants" else HEADER_NAMES[key]
            parsed.problem(number, key, "", _("Required column «%(column)s» is missing.") % {"column": column})
        return None, None
    return names, positions


def _task_columns(parsed: Parsed, number: int, raw, names: list[str], used: set[int]) -> None:
    """The task columns of a protocol header, with their labels normalised («З4(1)» → «4(1)»); a label twice is an
    error (its scores could not be told apart)."""
    for index, name in enumerate(names):
        if index in used or not name:
            continue
        match = TASK_COLUMN.match(name)
        if match is None:
            continue
        label = re.sub(r"\s+", "", match.group(1))
        written = str(raw[index]).strip()
        if label in parsed.tasks:
            parsed.problem(
                number,
                written,
                written,
                _("Task %(task)s has two columns.") % {"task": label},
            )
            continue
        parsed.tasks.append(label)
        parsed.task_columns.append((index, label, written))


def _cell_name(index: int, row) -> str:
    """A spreadsheet cell's name (G12) for messages about one cell."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


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


def _participant_row(parsed, number, values, campaign, school_id, context: _Context):
    """(participant code, Scores) of a clean row, None otherwise."""
    seen, max_scores = context.seen, context.max_scores
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
    if row_max is None and context.title_max is not None:
        row_max = context.title_max  # the title row «Максимальный первичный балл» is the file's own maximum
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
