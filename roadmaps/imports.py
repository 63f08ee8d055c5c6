"""Reading a plan table (.xlsx) laid out like the seeds: title rows above the header, section rows, numbered
activities, merged cells, the columns in any order under the seeds' varying headers.

The kind of file is decided by its content, not its name. The safety checks of the results import are reused
(reports/assessments/files.py: real unpacked bytes, encryption, XML entity declarations); openpyxl itself parses
through defusedxml. Plans are small, so the workbook is opened in full mode, which knows the merged cells.
"""

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from reports.assessments.files import FileRefused, _inspect

from .deadlines import read_deadline

MAX_PLAN_FILE = 10 * 1024 * 1024
MAX_PLAN_UNPACKED = 100 * 1024 * 1024
HEADER_SCAN_ROWS = 50
MAX_ROWS = 5000
MAX_COLUMNS = 200


class PlanFileRefused(Exception):
    """The file is not a plan table; `errors` says why, in Russian."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ReadActivity:
    number: str
    name: str
    deadline_text: str
    responsible: str
    expected_result: str
    row: int = 0


@dataclass
class ReadSection:
    number: str
    title: str
    responsible: str = ""
    deadline_text: str = ""
    parent: "ReadSection | None" = None
    activities: list[ReadActivity] = field(default_factory=list)
    row: int = 0


@dataclass
class ReadPlan:
    title: str
    sheet: str
    sections: list[ReadSection]

    @property
    def activity_count(self) -> int:
        return sum(len(s.activities) for s in self.sections)

    def as_json(self, start: dt.date, end: dt.date) -> dict:
        """What was read, with the deadline readings for the plan period (SPEC §5)."""
        sections = []
        for section in self.sections:
            activities = []
            for activity in section.activities:
                reading = read_deadline(activity.deadline_text, start, end)
                activities.append(
                    {
                        "number": activity.number,
                        "name": activity.name,
                        "deadline_text": activity.deadline_text,
                        "kind": str(reading.kind),
                        "periods": reading.periods_iso(),
                        "responsible": activity.responsible,
                        "expected_result": activity.expected_result,
                    }
                )
            sections.append({"number": section.number, "title": section.title, "activities": activities})
        return {"sections": sections}


# --- Columns -------------------------------------------------------------------------------------------------------

NUMBER, NAME, DEADLINE, RESPONSIBLE, RESULT = "number", "name", "deadline", "responsible", "result"


def column_role(text: str) -> str | None:
    """Which column a header cell names, under the seeds' varying headers."""
    t = re.sub(r"\s+", " ", text.lower().replace("ё", "е")).strip(" :.")
    if not t or len(t) > 200:
        return None
    if t.startswith(("№", "n п/п", "no", "номер")) or t in {"п/п", "n", "#"}:
        return NUMBER
    if t.startswith(("срок", "дата", "период исполнения", "время проведения")):
        return DEADLINE
    if t.startswith(("наименование", "мероприят", "основные мероприятия", "содержание", "перечень мероприятий")):
        return NAME  # «Наименование мероприятия, результат» is still the name column
    if "ответствен" in t or t.startswith(("исполнител", "участник")):
        return RESPONSIBLE
    if "результат" in t or t.startswith(("показатель", "форма завершения", "итоговый документ")):
        return RESULT
    if "мероприят" in t or t.startswith(("наименование", "содержание", "основные направления", "направление")):
        return NAME
    return None


def header_roles(values: list[str]) -> dict[str, int] | None:
    roles: dict[str, int] = {}
    for index, value in enumerate(values):
        role = column_role(value) if value else None
        if role and role not in roles:
            roles[role] = index
    if NAME in roles and ({DEADLINE, RESPONSIBLE, RESULT} & roles.keys()):
        return roles
    return None


# --- Section numbers -----------------------------------------------------------------------------------------------

NUMBER_CORE = r"(?:[IVXLC]+|[ІШ]|\d+(?:\.\d+)*)"
ROMAN_OR_ARABIC = rf"{NUMBER_CORE}\.?"
LEADING_NUMBER = re.compile(
    rf"^(?P<number>(?:(?:раздел|основное мероприятие|направление|этап|блок|задача)\s+)?{NUMBER_CORE}(?:\.|(?=\s|$)))"
    r"\s*(?P<title>.*)$",
    re.IGNORECASE | re.DOTALL,
)
ONLY_NUMBER = re.compile(rf"^{ROMAN_OR_ARABIC}$")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "І": 1, "Ш": 3}


def split_number(text: str) -> tuple[str, str]:
    """«I. Организационное обеспечение» → («I.», «Организационное обеспечение»); text without a number → ("", text)."""
    match = LEADING_NUMBER.match(text.strip())
    if match is None:
        return "", text.strip()
    return match.group("number").strip(), match.group("title").strip()


def number_key(number: str) -> tuple[int, ...] | None:
    """The numeric parts of a number as written: «1.1.» → (1, 1), «IV» → (4,), «Основное мероприятие 1.» → (1,)."""
    core = re.sub(r"^(?:раздел|основное мероприятие|направление|этап|блок|задача)\s+", "", number, flags=re.I)
    core = core.strip().rstrip(".")
    if re.fullmatch(r"\d+(?:\.\d+)*", core):
        return tuple(int(p) for p in core.split("."))
    if re.fullmatch(r"[IVXLCІШ]+", core):
        total, previous = 0, 0
        for letter in reversed(core):
            value = ROMAN_VALUES[letter]
            total, previous = (total - value, previous) if value < previous else (total + value, value)
        return (total,)
    return None


# --- Reading -------------------------------------------------------------------------------------------------------


def read_plan_file(source) -> ReadPlan:
    """Read an .xlsx plan table from a path, bytes or a binary file; PlanFileRefused if it is not one."""
    data = _bytes(source)
    workbook = _open_workbook(data)
    try:
        return _read_workbook(workbook)
    finally:
        workbook.close()


def _bytes(source) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif hasattr(source, "read"):
        data = source.read(MAX_PLAN_FILE + 1)
    else:
        with open(source, "rb") as handle:
            data = handle.read(MAX_PLAN_FILE + 1)
    if len(data) > MAX_PLAN_FILE:
        raise PlanFileRefused([_("The file is larger than 10 MB: a plan table is much smaller.")])
    return data


def _refuse_by_content(head: bytes) -> None:
    """Decide the kind of file by its first bytes; anything but an .xlsx archive is refused with the reason."""
    if head.startswith(b"PK\x03\x04"):
        return
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head.strip():
        reason = _("The file is empty.")
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        reason = _(
            "This is an old Excel workbook (.xls), a Word document (.doc) or an encrypted file: save it as .xlsx."
        )
    elif head.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        reason = _("The file is a damaged .xlsx workbook (the archive cannot be read).")
    elif stripped.startswith((b"<!doctype html", b"<html", b"<?xml", b"<")):
        reason = _("This looks like a web page or an XML document saved with an .xlsx name: save the table as .xlsx.")
    elif head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf")):
        reason = _("This is a document or a picture, not a table: save the plan table as .xlsx.")
    else:
        reason = _("This is not an Excel workbook (.xlsx): save the plan table as .xlsx.")
    raise PlanFileRefused([reason])


def _open_workbook(data: bytes):
    _refuse_by_content(data[:4096])
    handle = io.BytesIO(data)
    try:
        archive = zipfile.ZipFile(handle)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise PlanFileRefused([_("The file is a damaged .xlsx workbook (the archive cannot be read).")]) from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        if any(name.startswith("word/") for name in names):
            raise PlanFileRefused([_("This is a Word document (.docx): copy the plan table into an .xlsx workbook.")])
        raise PlanFileRefused([_("The archive is not an Excel workbook (.xlsx).")])
    _check_unpacked(archive, infos)
    try:
        _inspect(archive, infos)  # real unpacked bytes, encryption, XML entity declarations
    except FileRefused as exc:
        raise PlanFileRefused([str(exc)]) from exc
    from openpyxl import load_workbook

    handle.seek(0)
    try:
        return load_workbook(handle, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds of errors on broken parts
        raise PlanFileRefused([_("The workbook cannot be read: it is damaged or not an .xlsx file.")]) from exc


def _check_unpacked(archive, infos) -> None:
    """Count the real unpacked bytes (the sizes an archive declares can lie) against the plan limit: the workbook is
    then opened in full mode, so it must be small."""
    too_large = PlanFileRefused([_("The workbook is larger than 100 MB once unpacked: a plan table is much smaller.")])
    if sum(info.file_size for info in infos) > MAX_PLAN_UNPACKED:
        raise too_large
    total = 0
    try:
        for info in infos:
            with archive.open(info) as member:
                while chunk := member.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_PLAN_UNPACKED:
                        raise too_large
    except PlanFileRefused:
        raise
    except Exception as exc:  # zlib, CRC and truncation errors of a damaged archive
        if getattr(exc, "args", None) and "encrypted" in str(exc).lower():
            raise PlanFileRefused([_("The workbook is encrypted: save it without a password.")]) from exc
        raise PlanFileRefused([_("The file is a damaged .xlsx workbook (the archive cannot be read).")]) from exc


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value).replace("\r\n", "\n").strip()


def _grid(ws) -> tuple[list[list[str]], dict[tuple[int, int], int]]:
    """The sheet's texts, and where a cell is merged across columns: (row, first column) → last column (0-based).

    A cell merged over several rows gives its text to each of those rows.
    """
    if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS:
        raise PlanFileRefused(
            [
                _("The sheet «%(sheet)s» is larger than a plan table (%(rows)s rows at most).")
                % {"sheet": ws.title, "rows": MAX_ROWS}
            ]
        )
    rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    spans: dict[tuple[int, int], int] = {}
    for merged in ws.merged_cells.ranges:
        if merged.max_col > merged.min_col:
            for r in range(merged.min_row, merged.max_row + 1):
                spans[(r - 1, merged.min_col - 1)] = merged.max_col - 1
        if merged.max_row > merged.min_row:
            text = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(rows) else ""
            for r in range(merged.min_row + 1, min(merged.max_row, len(rows)) + 1):
                if merged.min_col <= len(rows[r - 1]):
                    rows[r - 1][merged.min_col - 1] = text
    return rows, spans


def _read_workbook(workbook) -> ReadPlan:
    visible = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    if not visible:
        raise PlanFileRefused([_("The workbook has no visible sheets.")])
    empty = True
    for ws in visible:
        rows, spans = _grid(ws)
        empty = empty and not any(any(values) for values in rows)
        for index, values in enumerate(rows[:HEADER_SCAN_ROWS]):
            roles = header_roles(values)
            if roles:
                return _read_table(ws.title, rows, spans, index, roles)
    if empty:
        raise PlanFileRefused([_("The workbook is empty.")])
    raise PlanFileRefused(
        [
            _(
                "No header row of a plan table was found in the first %(rows)s rows: the table needs a column "
                "«Наименование мероприятия» (or «Мероприятие», «Содержание деятельности») and at least one of "
                "«Сроки», «Ответственный», «Ожидаемый результат»."
            )
            % {"rows": HEADER_SCAN_ROWS}
        ]
    )


def _is_column_numbering(values: list[str]) -> bool:
    """The row «1 | 2 | 3 | 4 | 5» under a header."""
    filled = [v for v in values if v]
    return (
        len(filled) >= 3
        and all(v.isascii() and v.isdecimal() for v in filled)
        and [int(v) for v in filled] == list(range(int(filled[0]), int(filled[0]) + len(filled)))
    )


def _read_table(sheet: str, rows: list[list[str]], spans, header: int, roles: dict[str, int]) -> ReadPlan:
    title = " ".join(v for values in rows[:header] for v in values if v)
    title = re.sub(r"\s+", " ", title).strip()

    def get(values, role):
        index = roles.get(role)
        return values[index] if index is not None and index < len(values) else ""

    role_columns = set(roles.values())
    sections: list[ReadSection] = []
    current: ReadSection | None = None
    for row_number, values in enumerate(rows[header + 1 :], start=header + 2):
        if not any(values) or _is_column_numbering(values) or header_roles(values):
            continue
        number, name = get(values, NUMBER), get(values, NAME)
        deadline, responsible, result = get(values, DEADLINE), get(values, RESPONSIBLE), get(values, RESULT)
        others = [v for i, v in enumerate(values) if v and i not in role_columns]
        merged = _merged_section(values, spans, row_number - 1, roles)
        if merged is not None:
            # A section row merged across the table keeps its text in the first cell, whatever column that is.
            first, last, name = merged
            number = number if number and not first <= roles.get(NUMBER, -1) <= last else ""
            responsible = responsible if not first <= roles.get(RESPONSIBLE, -1) <= last else ""
            others = [v for i, v in enumerate(values) if v and i > last and i not in role_columns]
            deadline = result = ""
        elif not name:
            continue
        is_section = merged is not None or (
            not (deadline or result)
            and (not responsible or _section_with_responsible(number, roles, spans, row_number - 1, current))
        )
        if is_section and merged is None and current is not None and number and not responsible:
            key, own = number_key(number), number_key(current.number)
            if key and own and len(key) > len(own) and key[: len(own)] == own:
                is_section = False  # «1.3» under section «1» without the other cells is still an activity
        if is_section:
            text = (
                " ".join(part for part in (number, name) if part) if number and not ONLY_NUMBER.match(number) else None
            )
            if text is None and number:
                section_number, section_title = number, name
            else:
                section_number, section_title = split_number(text or name)
            section = ReadSection(section_number, section_title, responsible=responsible, row=row_number)
            stage_deadline = [
                v
                for v in others
                if v and read_deadline(v, dt.date(2000, 1, 1), dt.date(2000, 12, 31)).kind != "unparsed"
            ]
            if stage_deadline:
                section.deadline_text = stage_deadline[0]
            section.parent = _parent_of(section, sections)
            sections.append(section)
            current = section
            continue
        if current is None:
            current = ReadSection("", "", row=row_number)
            sections.append(current)
        if not name:
            continue
        if not number and roles.get(NUMBER) is None:
            number, name = "", name
        current.activities.append(ReadActivity(number, name, deadline, responsible, result, row=row_number))
    if not any(section.activities for section in sections):
        raise PlanFileRefused([_("The plan table has a header but not a single activity under it.")])
    return ReadPlan(title, sheet, sections)


def _merged_section(values, spans, row_index, roles) -> tuple[int, int, str] | None:
    """(first column, last column, text) of a filled cell merged across the name column and another column."""
    name_column = roles[NAME]
    for index, value in enumerate(values):
        last = spans.get((row_index, index))
        if value and last is not None and index <= name_column <= last:
            covered = [c for c in roles.values() if index <= c <= last]
            if len(covered) >= 2:
                return index, last, value
    return None


def _section_with_responsible(number, roles, spans, row_index, current) -> bool:
    """A row with only its «ответственные» filled is a section row when it looks like one: a Roman number, a name
    merged across the deadline or result column, or the next top-level number after activities numbered «N.M»."""
    key = number_key(number) if number else None
    if number and re.fullmatch(r"[IVXLCІШ]+\.?", number.strip()):
        return True
    name_column = roles[NAME]
    last = spans.get((row_index, name_column))
    if last is not None and any(name_column < roles[r] <= last for r in (DEADLINE, RESULT) if r in roles):
        return True
    if key and len(key) == 1 and current is not None and current.activities:
        own = number_key(current.number)
        numbers = [number_key(a.number) for a in current.activities]
        if own and len(own) == 1 and key[0] == own[0] + 1 and all(n and len(n) >= 2 for n in numbers):
            return True
    return False


def _parent_of(section: ReadSection, earlier: list[ReadSection]) -> ReadSection | None:
    """«1.1» belongs to the last section numbered «1» (or «Основное мероприятие 1.»)."""
    key = number_key(section.number)
    if not key or len(key) < 2:
        return None
    for candidate in reversed(earlier):
        if number_key(candidate.number) == key[:-1]:
            return candidate
    return None
