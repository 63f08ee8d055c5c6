"""Reading a plan table (.xlsx) laid out like the seeds: title rows above the header, section rows, numbered
activities, merged cells, the columns in any order under the seeds' varying headers.

The kind of file is decided by its content, not its name. The workbook is opened by the shared table reader
(shnor_portal/files/rows.py `shown_workbook`: real unpacked bytes, encryption, XML entity declarations checked first);
its sheets are then streamed as the user sees them within a plan table's bounds (shnor_portal/files/grid.py), so a
crafted file is refused in seconds.

Which row is what is decided from the table itself: the header is the row (or two rows, under a group cell such as
«Исполнение») whose cells are column labels, the best such row of the visible sheets; a section row is told from an
activity by its number (Roman, or the number the next rows continue: «1.» before «1.1», a stage «1.1.» before
activities restarting at «1.»), by a cell merged across the table, or by carrying only a title.
"""

import bisect
import datetime as dt
import decimal
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from shnor_portal.files import grid as xlsx_grid
from shnor_portal.files.refusals import FileRefused
from shnor_portal.files.rows import shown_workbook
from shnor_portal.files.sniff import signature

from .deadlines import read_deadline

logger = logging.getLogger(__name__)

MAX_PLAN_FILE = 10 * 1024 * 1024
UPLOADS_FOLDER = "roadmaps/plan-imports"  # the web wizard's uploads between the upload and the confirmation
MAX_PLAN_UNPACKED = 100 * 1024 * 1024
HEADER_SCAN_ROWS = 200  # rows with text above the header: title, approval stamp, passport
MAX_HEADER_TRIES = 10
MAX_DEADLINE = 500  # Activity.deadline_text and Section.deadline_text
MAX_NUMBER = 50


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
    funding_source: str = ""
    funding: dict[str, str] = field(default_factory=dict)  # year → amount as a decimal string, or "x"


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
    # What the reader saw and left out, in Russian: a labelled column it does not read, notes under the table,
    # another sheet that looks like a plan table.
    warnings: list[str] = field(default_factory=list)
    has_funding: bool = False  # the table has seed 003's funding columns: the JSON then shows them

    @property
    def activity_count(self) -> int:
        return sum(len(s.activities) for s in self.sections)

    def as_json(self, start: dt.date, end: dt.date) -> dict:
        """What was read, with the deadline readings for the plan period: an activity without a deadline
        of its own is read by its stage's deadline, exactly as the imported plan reads it (Activity.apply_reading)."""
        sections = []
        for section in self.sections:
            activities = []
            for activity in section.activities:
                reading = read_deadline(activity.deadline_text or section.deadline_text, start, end)
                read = {
                    "number": activity.number,
                    "name": activity.name,
                    "deadline_text": activity.deadline_text,
                    "kind": str(reading.kind),
                    "periods": reading.periods_iso(),
                    "responsible": activity.responsible,
                    "expected_result": activity.expected_result,
                }
                if self.has_funding:
                    read.update(funding_source=activity.funding_source, funding=activity.funding)
                activities.append(read)
            sections.append({"number": section.number, "title": section.title, "activities": activities})
        return {"sections": sections}


# --- Columns -------------------------------------------------------------------------------------------------------

NUMBER, NAME, DEADLINE, RESPONSIBLE, RESULT = "number", "name", "deadline", "responsible", "result"
# A grouping column left of the activities («Направление», «Фактор риска», «Задача»), merged down over its rows: its
# text is the section of the rows beside it. Two levels at most: GROUP, then GROUP_INNER.
GROUP, GROUP_INNER = "group", "group_inner"
GROUP_LABEL = re.compile(r"^(?:основные направлени|направлени|раздел|блок|фактор|риск|задач|цел[ьи]\b|модул|этап)")

# Passport rows above a table start like a name header («Наименование программы | …»): they name the document.
PASSPORT_NAME = re.compile(
    r"^наименование\s+(?:муниципальн\w*\s+|ведомственн\w*\s+|целев\w*\s+)*(?:программ|проект|подпрограмм|"
    r"(?:об)?разовательн|оо\b|оу\b|организаци|учреждени|школ|муниципал|субъект|документ|района?\b|округ|показател|"
    r"плана?\b)"
)


def _normal(text: str) -> str:
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)  # «Наимено-\nвание» in a narrow header cell
    return re.sub(r"\s+", " ", text.lower().replace("ё", "е")).strip(" :.")


# The number column as legal-database exports of orders write it, with a Latin N for «№»: «N п/п», «N N п.п», «NN».
# A Cyrillic «Н» counts only before «п/п»: alone it could be a column's own abbreviation.
NUMBER_LABEL = re.compile(r"^n(?:\s*n)?(?:\s*п\s*[/.]\s*п)?$|^н(?:\s*н)?\s*п\s*[/.]\s*п$")

# Columns of a report on the plan, not of the plan: «Срок (факт)», «Достигнутый результат», «Отметка о выполнении».
REPORT_COLUMN = re.compile(r"\bфакт\b|фактическ|достигнут|исполнено|отметка|информация о (?:вы|ис)полнении|примечани")


def column_role(text: str) -> str | None:
    """Which column a header cell names, under the seeds' varying headers; None for anything that is not a label."""
    t = _normal(text)
    if not t or len(t) > 120 or REPORT_COLUMN.search(t):
        return None
    if re.search(r":\s*\S", t):
        return None  # a passport's value («Сроки реализации программы: 2024-2025»), not a column's label
    if t.startswith(("№", "n п/п", "no", "номер")) or t in {"п/п", "n", "#"} or NUMBER_LABEL.match(t):
        return NUMBER
    if t.startswith(("срок", "дата", "период", "время проведения", "когда")):
        return DEADLINE
    if PASSPORT_NAME.match(t) or t.startswith(("план ", "программа ", "дорожная карта", "комплекс мер")):
        return None  # the document's own name in a title or passport row
    if t.startswith(("наименование", "мероприят", "основные мероприятия", "содержание", "перечень мероприятий")):
        return NAME  # «Наименование мероприятия, результат» is still the name column
    # A label names its column in a few words; a passport's value cell («Программа … с низкими результатами») does not.
    short = len(t) <= 60 and t.count(" ") < 8
    if (short and ("ответств" in t or "кто отвечает" in t)) or t in {"отв", "отв."}:
        return RESPONSIBLE
    if t.startswith(("исполнител", "соисполнител", "участник", "отв.")):
        return RESPONSIBLE
    if short and re.search(r"результат|показател|индикатор|эффект|продукт|критери", t):
        return RESULT
    if t.startswith(("планируемое значение показател", "значение показател")):
        return RESULT  # seed 003: «Планируемое значение показателя реализации муниципальной программы на …»
    if short and "срок" in t:
        return DEADLINE  # «Планируемые сроки», «Плановый срок», «Ориентировочный срок исполнения»
    if t.startswith(("форма завершения", "итоговый документ", "форма отчет", "отчетн", "продукт", "итог", "выход")):
        return RESULT
    if ("мероприят" in t and short) or t.startswith(
        ("выполненные", "вид деятельности", "виды деятельности", "формы работы")
    ):
        return NAME
    if short and GROUP_LABEL.match(t):
        return GROUP  # the name column itself where the table has no other (header_roles)
    return None


# Seed 003's funding columns: «Источник финансирования (расшифровать)» and «Объем средств на реализацию … (рублей)»
# over one column per year. They are no role of the plan's own columns (a stage row keeps its deadline in them).
FUNDING_SOURCE_LABEL = re.compile(r"^источники? финансировани")
FUNDING_LABEL = re.compile(r"^(?:объем|объемы) (?:средств|финансировани)|^финансовое обеспечение|^финансирование\b")
YEAR_LABEL = re.compile(r"^(20\d\d)(?: ?г(?:од)?\.?)?$")
NOT_APPLICABLE = re.compile(r"^[xх]$", re.IGNORECASE)  # the seed's «x» / «X» (Latin or Cyrillic): no funding


def funding_amount(text: str) -> str:
    """«150 000,50» → "150000.50", «x» → "x"; text that is not an amount is kept as written."""
    text = text.strip()
    if NOT_APPLICABLE.match(text):
        return "x"
    digits = re.sub(r"[\s\u00a0\u202f]+|руб\w*\.?$", "", text).replace(",", ".")
    try:
        amount = decimal.Decimal(digits)
    except decimal.InvalidOperation:
        return text
    if not amount.is_finite() or amount < 0:
        return text
    return str(amount.quantize(decimal.Decimal("0.01")))


def header_roles(values: list[str]) -> dict[str, int]:
    """role → column (0-based) of the cells of a row that are column labels. «Участники» are the responsible only
    where no column names the responsible itself."""
    roles: dict[str, int] = {}
    participants = None
    groups: list[int] = []
    for index, value in enumerate(values):
        role = column_role(value) if value else None
        if role == RESPONSIBLE and _normal(value).startswith("участник"):
            participants = index if participants is None else participants
            continue
        if role == GROUP:
            groups.append(index)
            continue
        if role and role not in roles:
            roles[role] = index
    if participants is not None and RESPONSIBLE not in roles:
        roles[RESPONSIBLE] = participants
    if groups and NAME not in roles:
        roles[NAME] = groups.pop()  # «Направления деятельности» is the name column of a table that has no other
    left = [column for column in groups if NAME in roles and column < roles[NAME]]
    for role, column in zip((GROUP, GROUP_INNER), left, strict=False):
        roles[role] = column
    return roles


@dataclass
class Header:
    sheet: xlsx_grid.Sheet
    first: int  # index in sheet.rows of the header row
    last: int  # index of its last row (the row under a group cell such as «Исполнение»)
    roles: dict[str, int]
    # Further columns of a role, read together with its first one: «Сроки» merged over «начало | окончание», or a
    # second «Ответственные» column.
    joined: dict[str, list[int]] = field(default_factory=dict)
    only_labels: bool = False  # every filled cell of the header row(s) is a column label
    # Columns of quarters or months («I кв. | II кв. …», «янв … дек» under «2024 год») marked «+», «х», «■» in the
    # rows: column → the period it stands for, the deadline being the periods marked.
    marks: dict[int, tuple[str, str]] = field(default_factory=dict)  # column → (period as labelled, its year)
    funding_source: int | None = None  # the «Источник финансирования» column
    funding_years: dict[int, str] = field(default_factory=dict)  # column → year under «Объем средств …»

    @property
    def funding_columns(self) -> set[int]:
        return set(self.funding_years) | ({self.funding_source} if self.funding_source is not None else set())

    @property
    def score(self) -> int:
        return len(self.roles)

    @property
    def strong(self) -> bool:
        """Three columns named, or two by a row of nothing but labels: a table's header, not a passport line."""
        return self.score >= 3 or (self.score >= 2 and self.only_labels)


def _headers(sheet: xlsx_grid.Sheet) -> list[Header]:
    """The rows of the sheet's top that can be the table's header: a name column and at least one more."""
    found = []
    rows = sheet.rows
    scanned = min(HEADER_SCAN_ROWS, len(rows))
    last_scanned = rows[scanned - 1][0] if scanned else 0
    # Cells merged across columns at the sheet's top, looked at once for every candidate row, not per candidate.
    top_merges = [m for m in sheet.merges if m[0] <= last_scanned and m[3] > m[1]]
    groups_by_row: dict[int, set[int]] = {}  # 0-based columns under the cells of a row merged across columns
    for min_row, min_col, _max_row, max_col in top_merges:
        groups_by_row.setdefault(min_row, set()).update(range(min_col - 1, min(max_col, xlsx_grid.MAX_COLUMNS)))
    for index in range(scanned):
        number, values = rows[index]
        roles = header_roles(values)
        last = index
        two_cells = sum(1 for v in values if v) >= 2  # a title row above the header is one merged cell
        if roles and two_cells and index + 1 < len(rows) and rows[index + 1][0] == number + 1:
            below = rows[index + 1][1]
            if _is_sub_header(values, below, groups_by_row.get(number, set())):
                # The row below is the header's lower half: labels under a group cell, quarters under «Сроки», or
                # the header's own cells merged down.
                last = index + 1
                used = set(roles.values())
                for role, column in header_roles(below).items():
                    if role not in roles and column not in used:
                        roles[role] = column
        if NAME in roles and len(roles) >= 2:
            header = Header(sheet, index, last, roles)
            header.joined = _joined_columns(header, top_merges)
            header.marks = _mark_columns(header, top_merges)
            header.funding_source, header.funding_years = _funding_columns(header, top_merges)
            header.only_labels = all(
                column_role(v)
                or _period_label(v)
                or YEAR_LABEL.match(_normal(v))
                or (i < len(values) and values[i] == v)
                for r in range(index, last + 1)
                for i, v in enumerate(rows[r][1])
                if v
            )
            found.append(header)
    return found


def _joined_columns(header: Header, merges) -> dict[str, list[int]]:
    sheet, roles = header.sheet, header.roles
    owner = {column: role for role, column in roles.items()}
    joined: dict[str, list[int]] = {}
    first_number, last_number = sheet.rows[header.first][0], sheet.rows[header.last][0]
    for min_row, min_col, _max_row, max_col in merges:
        role = owner.get(min_col - 1)
        if (
            role in (NAME, DEADLINE, RESPONSIBLE, RESULT)
            and max_col > min_col
            and first_number <= min_row <= last_number
        ):
            for column in range(min_col, max_col):  # 0-based: the columns after the labelled one
                if column not in owner and column not in joined.get(role, []):
                    joined.setdefault(role, []).append(column)
    for index in range(header.first, header.last + 1):
        for column, value in enumerate(sheet.rows[index][1]):
            role = column_role(value) if value else None
            if role == RESPONSIBLE and _normal(value).startswith("участник"):
                continue  # «Участники» beside «Ответственный» are not responsible (header_roles)
            if (
                role in (NAME, DEADLINE, RESPONSIBLE, RESULT)
                and column not in owner
                and column not in joined.get(role, [])
            ):
                joined.setdefault(role, []).append(column)
                owner[column] = role
    return joined


MONTH_LABELS = {
    "янв": "январь", "фев": "февраль", "мар": "март", "апр": "апрель", "май": "май", "мая": "май", "июн": "июнь",
    "июл": "июль", "авг": "август", "сен": "сентябрь", "окт": "октябрь", "ноя": "ноябрь", "дек": "декабрь",
}  # fmt: skip
QUARTER_LABEL = re.compile(r"^(i{1,3}|iv|[1-4])\s*-?(?:й\s*)?(?:кв\.?|квартал)(?:\s+(20\d\d))?")
MONTH_LABEL = re.compile(r"^(янв|фев|мар|апр|май|мая|июн|июл|авг|сен|окт|ноя|дек)[а-я]*\.?(?:\s+(20\d\d))?$")
MARK = re.compile(r"^[+хxv✓✔■●•*□▪✗1]$", re.IGNORECASE)


def _funding_columns(header: Header, merges) -> tuple[int | None, dict[int, str]]:
    """The funding source column and the year columns under «Объем средств …»: the years within the cell merged
    across them, or the one year right under an unmerged cell; or one column per year labelled «Объем средств
    (рублей), 2018» in a one-row header (the plan's own export)."""
    sheet = header.sheet
    source, amounts, labelled = None, None, {}
    for index in range(header.first, header.last + 1):
        number, values = sheet.rows[index]
        for column, value in enumerate(values):
            text = _normal(value) if value else ""
            own_year = re.search(r",\s*(20\d\d)$", text) if FUNDING_LABEL.match(text) else None
            if own_year:
                labelled[column] = own_year.group(1)
            elif source is None and FUNDING_SOURCE_LABEL.match(text):
                source = column
            elif amounts is None and FUNDING_LABEL.match(text):
                amounts = (number, column)
    if amounts is None:
        return source, labelled
    row, first = amounts
    last = first
    for min_row, min_col, _max_row, max_col in merges:
        if min_row == row and min_col - 1 == first:
            last = max_col - 1
    years = {}
    for index in range(header.first, header.last + 1):
        for column, value in enumerate(sheet.rows[index][1]):
            year = YEAR_LABEL.match(_normal(value)) if value and first <= column <= last else None
            if year:
                years[column] = year.group(1)
    return source, years


def _period_label(text: str) -> tuple[str, str] | None:
    """(period, year) of a column label: «II кв.» → («II кв.», ""), «Янв.» → («январь», ""), «март 2024» →
    («март», «2024»); None for any other label. Quarters stay as labelled; an abbreviated month is written out."""
    t = _normal(text)
    quarter = QUARTER_LABEL.match(t)
    if quarter:
        written = re.sub(r"\s*\b20\d\d\b.*$", "", text.strip())
        return written, quarter.group(2) or ""
    month = MONTH_LABEL.match(t)
    if month:
        return MONTH_LABELS[month.group(1)], month.group(2) or ""
    return None


def _mark_columns(header: Header, merges) -> dict[int, tuple[str, str]]:
    sheet = header.sheet
    labels: dict[int, str] = {}
    for index in range(header.first, header.last + 1):
        for column, value in enumerate(sheet.rows[index][1]):
            period = _period_label(value) if value else None
            if period:
                labels[column] = period
    if len(labels) < 2:
        return {}
    # The year of the columns: in a header cell above them («2024 год» merged over «янв … дек»), or none.
    header_rows = dict(sheet.rows[header.first : header.last + 1])
    for min_row, min_col, _max_row, max_col in merges:
        values = header_rows.get(min_row)
        if values is None or min_col > len(values):
            continue
        year = re.search(r"\b(20\d\d)\b", values[min_col - 1])
        if year:
            for column in range(min_col - 1, max_col):
                if column in labels and not labels[column][1]:
                    labels[column] = (labels[column][0], year.group(1))
    return labels


def _marked_deadline(values: list[str], marks: dict[int, tuple[str, str]]) -> str:
    """«I кв., III кв. 2024» from the quarters marked in a row; the year once when all the periods share it."""
    marked = [marks[c] for c in sorted(marks) if c < len(values) and MARK.match(values[c])]
    if not marked:
        return ""
    years = {year for _period, year in marked}
    if len(years) == 1:
        return ", ".join(period for period, _year in marked) + (f" {years.pop()}" if marked[0][1] else "")
    return ", ".join(f"{period} {year}".strip() for period, year in marked)


def _is_sub_header(above: list[str], below: list[str], groups: set[int]) -> bool:
    """The row below is the header's lower half: each filled cell is the header cell above merged down, or a label
    under an empty cell or under a group cell merged across columns («Исполнение», «Сроки исполнения»)."""
    filled = [(i, v) for i, v in enumerate(below) if v]
    if not filled:
        return False
    funding = any(FUNDING_LABEL.match(_normal(a)) for a in above if a)
    for i, v in filled:
        upper = above[i] if i < len(above) else ""
        if upper == v or (funding and YEAR_LABEL.match(_normal(v))):
            continue  # merged down, or a year under «Объем средств …» (seed 003)
        if not (column_role(v) or _period_label(v)) or (upper and i not in groups and column_role(upper)):
            return False  # «Мероприятие 2 | май 2025» under «Мероприятие | Сроки» is the first activity
    return True


# --- Section numbers -----------------------------------------------------------------------------------------------

# Roman numbers are written with Latin letters, with the Cyrillic «І» (U+0406) or «Х», or as «Ш» for III; a
# Cyrillic look-alike counts only with its dot («С.» is a number, «С целью» is not).
LATIN_ROMAN = r"[IVXLC]+"
CYRILLIC_ROMAN = r"[IVXLCІХШ]*[ІХШ][IVXLCІХШ]*"
ROMAN_CORE = rf"(?:{LATIN_ROMAN}|{CYRILLIC_ROMAN})(?:\.|(?=\s|$))"
NUMBER_CORE = rf"(?:{ROMAN_CORE}|\d+(?:\.\d+)*(?:\.|\)|(?=\s|$)))"  # «1.», «1.1», «1)», «II.», «IV»
NUMBER_WORDS = r"(?:раздел|основное мероприятие|направление|этап|блок|задача)"
LEADING_NUMBER = re.compile(
    rf"^(?P<number>(?:{NUMBER_WORDS}\s+)?{NUMBER_CORE})\s*(?P<title>.*)$",
    re.IGNORECASE | re.DOTALL,
)
ONLY_NUMBER = re.compile(rf"^(?:{LATIN_ROMAN}|{CYRILLIC_ROMAN}|\d+(?:\.\d+)*)\.?$")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "І": 1, "Х": 10, "Ш": 3}
ROMAN = re.compile(rf"^(?:{NUMBER_WORDS}\s+)?(?:{LATIN_ROMAN}|{CYRILLIC_ROMAN})\.?$", re.IGNORECASE)


def split_number(text: str) -> tuple[str, str]:
    """«I. Организационное обеспечение» → («I.», «Организационное обеспечение»); text without a number → ("", text)."""
    match = LEADING_NUMBER.match(text.strip())
    if match is None:
        return "", text.strip()
    number = match.group("number").strip()
    core = re.sub(rf"^{NUMBER_WORDS}\s+", "", number, flags=re.I)
    if re.fullmatch(r"[ІХШ]+", core.upper()) and not number.endswith("."):
        return "", text.strip()  # «Х» or «Ш» alone is a letter, not a number, unless it has its dot
    return number, match.group("title").strip()


def number_key(number: str) -> tuple[int, ...] | None:
    """The numeric parts of a number as written: «1.1.» → (1, 1), «IV» → (4,), «Основное мероприятие 1.» → (1,)."""
    core = re.sub(rf"^{NUMBER_WORDS}\s+", "", number.strip(), flags=re.I)
    core = core.strip().removesuffix(")").rstrip(".")
    if re.fullmatch(r"\d{1,9}(?:\.\d{1,9}){0,19}", core, re.ASCII):
        return tuple(int(p) for p in core.split("."))
    core = core.upper()
    if re.fullmatch(r"[IVXLCІХШ]{1,12}", core):
        total, previous = 0, 0
        for letter in reversed(core):
            value = ROMAN_VALUES[letter]
            total, previous = (total - value, previous) if value < previous else (total + value, value)
        return (total,)
    return None


def is_roman(number: str) -> bool:
    return bool(number) and bool(ROMAN.match(number.strip())) and number_key(number) is not None


# --- Reading -------------------------------------------------------------------------------------------------------


def read_plan_file(source) -> ReadPlan:
    """Read an .xlsx plan table from a path, bytes or a binary file; PlanFileRefused if it is not one."""
    data = _bytes(source)
    _refuse_by_content(data[:4096])
    try:
        with shown_workbook(
            data,
            max_unpacked=MAX_PLAN_UNPACKED,
            too_large=_("The workbook is larger than 100 MB once unpacked: a plan table is much smaller."),
            not_a_workbook=_not_a_workbook,
        ) as workbook:
            return _read_workbook(workbook)
    except FileRefused as exc:  # the archive, or a sheet beyond a plan table's bounds (grid.GridRefused)
        raise PlanFileRefused([str(exc)]) from exc
    except PlanFileRefused:
        raise
    except (ValueError, IndexError, KeyError, TypeError, OverflowError, RecursionError, ArithmeticError) as exc:
        # A file no spreadsheet program writes, in a way not foreseen: refused as damaged, and logged to be mended.
        logger.exception("plan table could not be read")
        raise PlanFileRefused([_("The workbook cannot be read: it is damaged or not an .xlsx file.")]) from exc


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
    found = signature(head)
    if found == "zip":
        return
    if found == "empty":
        reason = _("The file is empty.")
    elif found in ("ole", "encrypted"):
        reason = _(
            "This is an old Excel workbook (.xls), a Word document (.doc) or an encrypted file: save it as .xlsx."
        )
    elif found == "broken-zip":
        reason = _("The file is a damaged .xlsx workbook (the archive cannot be read).")
    elif found == "markup":
        reason = _("This looks like a web page or an XML document saved with an .xlsx name: save the table as .xlsx.")
    elif found == "document":
        reason = _("This is a document or a picture, not a table: save the plan table as .xlsx.")
    else:
        reason = _("This is not an Excel workbook (.xlsx): save the plan table as .xlsx.")
    raise PlanFileRefused([reason])


def _not_a_workbook(names: set) -> str:
    if any(name.startswith("word/") for name in names):
        return _("This is a Word document (.docx): copy the plan table into an .xlsx workbook.")
    return _("The archive is not an Excel workbook (.xlsx).")


def _read_workbook(workbook: xlsx_grid.Workbook) -> ReadPlan:
    visible, refused = [], {}
    for sheet in (sheet for sheet in workbook.sheets if sheet.state == "visible"):
        try:
            visible.append(workbook.read(sheet))
        except xlsx_grid.GridRefused as refusal:
            refused[sheet.title] = str(refusal)  # a list of pupils or a calculation beside the plan: not the plan
    hidden = [sheet for sheet in workbook.sheets if sheet.state != "visible"]
    # The best header of all visible sheets: a passport row on the first sheet («Наименование программы | …») names
    # two columns at most, a table's header names three or more.
    # The first strong header wins (a row of activities below that happens to name more columns does not); passport
    # lines and other weak candidates are tried after, the best first.
    found = {id(sheet): _headers(sheet) for sheet in visible}
    candidates = [header for sheet in visible for header in found[id(sheet)]]
    strong = _strong_in_order(candidates)
    weak = sorted((header for header in candidates if not header.strong), key=lambda h: -h.score)
    first_refusal = None
    for header in (strong + weak)[:MAX_HEADER_TRIES]:
        try:
            plan = _read_table(header)
        except NoActivities as refusal:
            first_refusal = first_refusal or refusal
            continue
        for title, reason in refused.items():
            plan.warnings.append(
                _("The sheet «%(sheet)s» was not read: %(reason)s") % {"sheet": title, "reason": reason}
            )
        for sheet in visible:
            if sheet is not header.sheet and any(h.strong for h in found[id(sheet)]):
                plan.warnings.append(
                    _(
                        "The sheet «%(other)s» looks like a plan table too and was not read: only the sheet "
                        "«%(sheet)s» was. Import each sheet as a plan of its own (one sheet per file)."
                    )
                    % {"other": sheet.title, "sheet": header.sheet.title}
                )
        return plan
    if refused:
        raise PlanFileRefused(list(refused.values()))
    if first_refusal is not None:
        raise PlanFileRefused([_("The plan table has a header but not a single activity under it.")])
    for sheet in hidden:
        try:
            workbook.read(sheet)
        except xlsx_grid.GridRefused:
            continue
        if _headers(sheet):
            raise PlanFileRefused(
                [
                    _(
                        "The plan table is on the hidden sheet «%(sheet)s»: show the sheet in Excel (right click on "
                        "a sheet tab → Show) or copy the table to a visible sheet, save and upload the file again."
                    )
                    % {"sheet": sheet.title}
                ]
            )
    if all(sheet.empty for sheet in visible):
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


def _strong_in_order(candidates: list[Header]) -> list[Header]:
    """Strong headers, the one to read first. A later row naming more columns wins only where it disagrees with the
    earlier one on where a column is (a passport line «Основные мероприятия | Сроки …» above the table's header);
    one that agrees is a row of activities under that header («Мероприятия по подготовке к ВПР | Сроки …»)."""
    strong = [header for header in candidates if header.strong]
    if not strong:
        return []
    chosen = strong[0]
    for header in strong[1:]:
        if header.sheet is not chosen.sheet or header.score <= chosen.score:
            continue
        shared = chosen.roles.keys() & header.roles.keys()
        if any(chosen.roles[role] != header.roles[role] for role in shared):
            chosen = header
    return [chosen] + [header for header in strong if header is not chosen]


class NoActivities(Exception):
    pass


def _is_column_numbering(values: list[str]) -> bool:
    """The row «1 | 2 | 3 | 4 | 5» under a header."""
    filled = [v for v in values if v]
    return (
        len(filled) >= 3
        and all(v.isascii() and v.isdecimal() and len(v) <= 9 for v in filled)
        and [int(v) for v in filled] == list(range(int(filled[0]), int(filled[0]) + len(filled)))
    )


SIGNATURE_START = re.compile(
    r"^(?:директор|начальник|руководитель|заместитель|председатель|глава|исполнитель|составил|подготовил|"
    r"согласовано|утверждаю|специалист|методист|заведующ|и\.\s?о\.)",
    re.IGNORECASE,
)
INITIALS = re.compile(r"[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+|[А-ЯЁ][а-яё]+\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.")


SIGNATURE_BLOCK = re.compile(
    r"^(?:исполнител[ьи]|согласовано|утверждаю|подготовил[аи]?|составил[аи]?|ознакомлен[аы]?)\s*:?(?:\s|$)",
    re.IGNORECASE,
)


def _is_signature(text: str) -> bool:
    """A line under the table: «Начальник управления ________ И.И. Иванов», «Исполнитель: Петрова А.А.», «М.П.»,
    «Заместитель начальника | ____ | (подпись) | О.М. Дамба | (расшифровка подписи)»."""
    if len(text) > 300:
        return False
    if re.match(r"^(?:м\.\s?п\.?|подпись|\(подпись\))(?:\s|$)", text, re.IGNORECASE) or SIGNATURE_BLOCK.match(text):
        return True
    lowered = text.lower()
    if re.search(r"_{3,}", text) and (SIGNATURE_START.match(text) or INITIALS.search(text) or "подпис" in lowered):
        return True
    return bool(SIGNATURE_START.match(text) and (INITIALS.search(text) or "подпис" in lowered))


@dataclass
class Line:
    """One data row of the table, its cells sorted by column role."""

    row: int
    number: str
    name: str
    deadline: str
    responsible: str
    result: str
    others: list[tuple[int, str]]  # (column, text) of the cells outside the plan's columns
    merged: bool
    key: tuple[int, ...] | None  # of the number cell or of the number the name starts with
    roman: bool
    name_covers_dates: bool  # the name cell is merged across the deadline or the result column
    values: list[str] = field(default_factory=list)
    stage_columns: list[int] = field(default_factory=list)  # the column whose text became a stage's deadline
    number_was_date: str = ""  # «01.02.2024» in the «№» column, read as «1.2»
    groups: tuple[str, str] = ("", "")  # the texts of the grouping columns beside the row
    note: bool = False  # «Примечание: …», «* ОО – …», «Итого по программе»: under the table, not of it
    funding_source: str = ""
    funding: dict[str, str] = field(default_factory=dict)


def _read_table(header: Header) -> ReadPlan:
    sheet, roles = header.sheet, dict(header.roles)
    rows = sheet.rows
    title = _title(rows[: header.first])
    labels, label_texts = {}, {}
    for index in range(header.first, header.last + 1):
        for column, value in enumerate(rows[index][1]):
            if value and column not in labels:
                labels[column], label_texts[column] = _normal(value), value
    body = rows[header.last + 1 :]
    if NUMBER not in roles:
        column = _unlabelled_number_column(body, roles, labels)
        if column is not None:
            roles[NUMBER] = column
    spans = _spans(sheet)
    lines, notes = [], []
    for row_number, values in body:
        if _is_column_numbering(values) or _repeats_header(values, labels) or _is_page_break_label(values):
            continue
        line = _line(row_number, values, roles, spans, header.joined, header.marks)
        if line is not None and not line.merged:
            _read_funding(line, values, header)
        if line is None:
            continue
        if line.note:
            notes.append(line)
        else:
            lines.append(line)
    plan = _assemble(sheet, title, lines, roles)
    plan.has_funding = bool(header.funding_columns)
    used_others = {column for line in lines for column in line.stage_columns}
    dated = [line for line in lines if line.number_was_date]
    if dated:
        plan.warnings.append(
            _(
                "The «№» column holds dates that Excel made of numbers (row %(row)s: «%(date)s» read as «%(number)s»): "
                "check the numbers, and format the column as text before typing them."
            )
            % {"row": dated[0].row, "date": dated[0].number_was_date, "number": dated[0].number}
        )
    hidden = [n for n in sheet.hidden_rows if n > rows[header.last][0]]
    errors = [(cell, text) for row, cell, text in sheet.error_cells if row > rows[header.last][0]]
    if errors:
        plan.warnings.append(
            _("Cells with Excel errors were read as they show (%(cells)s): correct them in the plan.")
            % {"cells": ", ".join(f"{cell} «{text}»" for cell, text in errors[:10]) + ("…" if len(errors) > 10 else "")}
        )
    read_columns = used_others | header.funding_columns
    unread = _unread_columns(body, roles, header.joined, label_texts, read_columns, header.marks)
    plan.warnings[:0] = unread + _notes_left_out(notes)
    if hidden:
        plan.warnings.append(
            _("Hidden rows were not read: %(rows)s. Show them in Excel if they belong to the plan.")
            % {"rows": ", ".join(str(n) for n in hidden[:20]) + ("…" if len(hidden) > 20 else "")}
        )
    return plan


def _read_funding(line: Line, values: list[str], header: Header) -> None:
    """The row's funding source and its amounts per year, kept on the line whatever it turns out to be: a stage
    row that keeps its deadline in these columns (seed 003) does not carry them to a plan's activity."""
    source = header.funding_source
    if source is not None and source < len(values):
        line.funding_source = values[source].strip()
    line.funding = {
        year: funding_amount(values[column])
        for column, year in sorted(header.funding_years.items())
        if column < len(values) and values[column].strip()
    }


def _unread_columns(body, roles, joined, label_texts, used_others: set[int], marks) -> list[str]:
    """A column the plan has no place for («Примечание», «Срок (факт)», one without a label), when it holds text:
    said, not lost in silence. A column whose text served as stage deadlines (seed 003) was read."""
    read = set(roles.values()).union(*joined.values()) | used_others | set(marks)
    counts: Counter = Counter()
    for _number, values in body:
        if _is_column_numbering(values):
            continue
        for column, value in enumerate(values):
            if value and column not in read:
                counts[column] += 1
    warnings = []
    for column, filled in sorted(counts.items()):
        letter = xlsx_grid.column_letters(column + 1)
        if column in label_texts:
            warnings.append(
                _("The column «%(label)s» (%(letter)s) was not read: its text (%(count)s rows) is not in the plan.")
                % {"label": label_texts[column][:60], "letter": letter, "count": filled}
            )
        else:
            warnings.append(
                _("The column %(letter)s has no header and was not read: its text (%(count)s rows) is not in the plan.")
                % {"letter": letter, "count": filled}
            )
    return warnings[:20]


def _notes_left_out(notes) -> list[str]:
    shown = [
        _("Row %(row)s was left out as a note or a signature under the table: «%(text)s».")
        % {"row": line.row, "text": " | ".join(v for v in line.values if v)[:80]}
        for line in notes[:10]
    ]
    if len(notes) > 10:
        shown.append(_("… and %(count)s more rows like these.") % {"count": len(notes) - 10})
    return shown


# The approval stamp above a plan: «Приложение 1», «к приказу управления образования», «№ 45-од от 12.01.2024»,
# «УТВЕРЖДАЮ», «Начальник управления», «________ И.И. Иванов», «"12" января 2024 г.».
APPROVAL_LINE = re.compile(
    r"^(?:приложение\b|к\s+(?:приказу|постановлению|распоряжению|решению|программе)|№\s*\S|от\s+[\d«\"]|"
    r"утвержд|согласован|принят|рассмотрен|[«\"]?\s*\d{1,2}\s*[»\"]?\s+[а-я]+\s+\d{4}|_{3,}|"
    r"(?:начальник|директор|руководитель|глава|заместитель|председатель)\b)",
    re.IGNORECASE,
)
STAGE_TITLE = re.compile(r"^(?:\S+\s+)?этап\b", re.IGNORECASE)
PAGE_BREAK_LABEL = re.compile(r"^(?:продолжение|окончание)\s+(?:таблицы|приложения|плана)\b", re.IGNORECASE)


def _is_page_break_label(values: list[str]) -> bool:
    """«Продолжение таблицы», «Продолжение приложения 1» written above the header repeated on a new page."""
    filled = [v for v in values if v]
    return len(filled) == 1 and len(filled[0]) <= 80 and bool(PAGE_BREAK_LABEL.match(filled[0]))


def _title(above: list[tuple[int, list[str]]]) -> str:
    """The title rows above the header: the single-cell rows right above it (a passport table above is not a title)."""
    block: list[str] = []
    for _number, values in reversed(above):
        filled = [v for v in values if v]
        if len(filled) != 1 or APPROVAL_LINE.match(filled[0]):
            if block:
                break
            continue
        block.insert(0, filled[0])
    return re.sub(r"\s+", " ", " ".join(block)).strip()


def _unlabelled_number_column(body, roles, labels) -> int | None:
    """A column without a header label (seed 004, Приложение 5) whose cells are numbers «2.19.», «2.20» is «№»."""
    used = set(roles.values())
    limit = roles[NAME]
    for column in range(limit):
        if column in used or column in labels:
            continue
        cells = [values[column] for _n, values in body[:200] if column < len(values) and values[column]]
        numbers = [c for c in cells if ONLY_NUMBER.match(c.strip())]
        if len(numbers) >= 2 and len(numbers) * 10 >= len(cells) * 6:
            return column
    return None


def _repeats_header(values: list[str], labels: dict[int, str]) -> bool:
    """The header repeated on a new page: most of its labels again, each in its own column."""
    if not labels:
        return False
    same = 0
    for column, label in labels.items():
        if column < len(values):
            value = values[column]
            if value and abs(len(value) - len(label)) <= 3 and _normal(value) == label:
                same += 1
    return same >= 2 and same * 2 >= len(labels)


def _spans(sheet) -> dict[tuple[int, int], int]:
    """(row, first column) → last column (0-based columns) of the cells merged across columns in the rows with text.

    Computed once per sheet; merged ranges of a real table do not overlap, so the work is at most the sheet's cells
    and a crafted file beyond that is refused."""
    if sheet.spans is not None:
        return sheet.spans
    numbers = [number for number, _values in sheet.rows]
    spans: dict[tuple[int, int], int] = {}
    work = 0
    for min_row, min_col, max_row, max_col in sheet.merges:
        if max_col > min_col:
            first, last = bisect.bisect_left(numbers, min_row), bisect.bisect_right(numbers, max_row)
            work += last - first
            if work > xlsx_grid.MAX_CELL_ELEMENTS:
                raise PlanFileRefused([_("The workbook cannot be read: it is damaged or not an .xlsx file.")])
            for index in range(first, last):
                spans[(numbers[index], min_col - 1)] = max_col - 1
    sheet.spans = spans
    return spans


JOINERS = {DEADLINE: " – ", NAME: " "}


def _line(row_number: int, values: list[str], roles: dict[str, int], spans, joined, marks=None) -> Line | None:
    def get(role):
        index = roles.get(role)
        if index is None:
            return ""
        parts = [values[c] for c in (index, *joined.get(role, ())) if c < len(values) and values[c]]
        return JOINERS.get(role, "; ").join(dict.fromkeys(parts))

    role_columns = set(roles.values()).union(*joined.values(), marks or ())
    number, name = get(NUMBER), get(NAME)
    deadline, responsible, result = get(DEADLINE), get(RESPONSIBLE), get(RESULT)
    if marks:
        deadline = _marked_deadline(values, marks) or ("" if MARK.match(deadline) else deadline)
    groups = (get(GROUP), get(GROUP_INNER))
    others = [(i, v) for i, v in enumerate(values) if v and i not in role_columns]
    merged = _merged_across(values, spans, row_number, roles)
    if merged is not None:
        # A section row merged across the table keeps its text in the first cell, whatever column that is.
        first, last, name = merged

        def outside(role, value):
            return value if not first <= roles.get(role, -1) <= last else ""

        number, responsible = outside(NUMBER, number), outside(RESPONSIBLE, responsible)
        deadline, result = outside(DEADLINE, deadline), outside(RESULT, result)
        others = [(i, v) for i, v in enumerate(values) if v and i > last and i not in role_columns]
    from_date = ""
    date = re.fullmatch(r"(\d\d)\.(\d\d)\.\d{4}", number)
    if date:
        # Russian Excel turns «1.2» typed in the «№» column into 1 February: the number is the day and the month.
        from_date, number = number, f"{int(date.group(1))}.{int(date.group(2))}"
    if number and not name and split_number(number)[1]:
        number, name = "", number  # a title written in the «№» column without merging the cells
    embedded = number
    if not number and name:
        embedded, _rest = split_number(name)
        if embedded and not _dotted(embedded):
            embedded = ""
    if not (number or name or deadline or responsible or result):
        return None
    filled = [v for v in values if v]
    numbered = bool(embedded) and number_key(embedded) is not None
    note = not numbered and (
        bool(NOTE.match(name or number or filled[0]))
        or (len(filled) <= 6 and not _reads_as_deadline(deadline) and _is_signature(" ".join(filled)))
    )
    name_column = roles[NAME]
    span = spans.get((row_number, name_column))
    covers = span is not None and any(name_column < roles[r] <= span for r in (DEADLINE, RESULT) if r in roles)
    return Line(
        row=row_number,
        number=number,
        name=name,
        deadline=deadline,
        responsible=responsible,
        result=result,
        others=others,
        merged=merged is not None,
        key=number_key(embedded) if embedded else None,
        roman=is_roman(embedded) if embedded else False,
        name_covers_dates=covers,
        values=values,
        note=note,
        number_was_date=from_date,
        groups=groups,
    )


NOTE = re.compile(r"^(?:примечани|справочно|список сокращений|сокращения|итого\b|всего\b|\*)", re.IGNORECASE)


def _reads_as_deadline(text: str) -> bool:
    # A deadline longer than the plan keeps is refused anyway (_check_lengths): not worth reading 32,000 characters.
    return (
        0 < len(text) <= MAX_DEADLINE
        and read_deadline(text, dt.date(2000, 1, 1), dt.date(2100, 12, 31)).kind != "unparsed"
    )


def _merged_across(values, spans, row_number, roles) -> tuple[int, int, str] | None:
    """(first column, last column, text) of a filled cell merged across the name column and another column."""
    name_column = roles[NAME]
    for index, value in enumerate(values):
        last = spans.get((row_number, index))
        if value and last is not None and index <= name_column <= last:
            covered = [c for c in roles.values() if index <= c <= last]
            if len(covered) >= 2:
                return index, last, value
    return None


def _assemble(sheet, title: str, lines: list[Line], roles: dict[str, int]) -> ReadPlan:
    if sheet.formulas_without_value:
        cells = ", ".join(sheet.formulas_without_value[:10])
        raise PlanFileRefused(
            [
                _(
                    "The sheet «%(sheet)s» has formulas without saved values (%(cells)s): open the file in Excel, "
                    "let it calculate and save it again, or replace the formulas by their values."
                )
                % {"sheet": sheet.title, "cells": cells}
            ]
        )
    next_keys: list[tuple[int, ...] | None] = [None] * len(lines)
    following = None
    for index in range(len(lines) - 1, -1, -1):
        next_keys[index] = following
        if lines[index].key:
            following = lines[index].key
    sections: list[ReadSection] = []
    by_key: dict[tuple[int, ...], ReadSection] = {}  # the last section of each number, for its sub-sections
    top: ReadSection | None = None  # the last section that is not a stage, for the stages under it
    current: ReadSection | None = None
    last: tuple[ReadActivity, ReadSection] | None = None
    warnings: list[str] = []
    group_sections: list[ReadSection | None] = [None, None]
    group_texts = ["", ""]
    for index, line in enumerate(lines):
        if not line.merged:
            for level, text in enumerate(line.groups):
                if text and text != group_texts[level]:
                    # A new text in a grouping column («Направление» merged down) opens its section.
                    number, title = split_number(text)
                    parent = group_sections[0] if level == 1 else None
                    current = ReadSection(number, title, parent=parent, row=line.row)
                    sections.append(current)
                    group_sections[level], group_texts[level] = current, text
                    if level == 0:
                        group_sections[1], group_texts[1] = None, ""
                    last = None
        if last is not None and _continues(line, last[0]):
            _append(last[0], line)
            continue
        if not line.name:
            warnings.append(
                _("Row %(row)s has no activity name and was not read: «%(text)s».")
                % {"row": line.row, "text": " | ".join(v for v in line.values if v)[:80]}
            )
            continue
        if _is_section(line, next_keys[index], current, by_key):
            current = _section(line, by_key)
            stage_title = bool(STAGE_TITLE.search(current.title))
            if current.parent is None and stage_title and top is not None:
                current.parent = top  # «1 этап (подготовительный)» under «I. Организационно-управленческие …»
            elif current.parent is None and not stage_title:
                top = current
            sections.append(current)
            own = number_key(current.number) if current.number else None
            if own:
                by_key[own] = current
            last = None
            continue
        if current is None:
            current = ReadSection("", "", row=line.row)
            sections.append(current)
        number, name = line.number, line.name
        if NUMBER not in roles:
            embedded, rest = split_number(name)
            if embedded and _dotted(embedded) and rest:
                number, name = embedded, rest
        activity = ReadActivity(
            number,
            name,
            line.deadline,
            line.responsible,
            line.result,
            row=line.row,
            funding_source=line.funding_source,
            funding=dict(line.funding),
        )
        current.activities.append(activity)
        last = (activity, current)
    if not any(section.activities for section in sections):
        raise NoActivities()
    # Text rows under the last activity («Список используемых сокращений», a closing remark) are not sections.
    children = Counter(id(s.parent) for s in sections if s.parent is not None)
    while sections and not sections[-1].activities and not children[id(sections[-1])]:
        left = sections.pop()
        if left.parent is not None:
            children[id(left.parent)] -= 1
        warnings.insert(
            0,
            _("Row %(row)s under the table was left out: «%(text)s».")
            % {"row": left.row, "text": " ".join(p for p in (left.number, left.title) if p)[:80]},
        )
    _check_lengths(sheet, sections)
    return ReadPlan(title, sheet.title, sections, warnings=warnings[:20])


def _dotted(number: str) -> bool:
    """A number at the start of running text counts only with its dot («1.», «2.3», «II.») or its word («Раздел 2»):
    «2024 год», «I этап олимпиады» are not numbered."""
    core = re.sub(rf"^{NUMBER_WORDS}\s+", "", number.strip(), flags=re.I)
    return core != number.strip() or "." in core or core.endswith(")")


def _continues(line: Line, previous: ReadActivity) -> bool:
    """A row continuing the activity above across a page break, in a table whose activities are numbered: no number
    of its own, no deadline of its own, and either no name or a name that goes on — in lower case, after a dash, or
    with the abbreviation the line above broke before («…работы со | ШНОР по внедрению…»)."""
    if line.merged or line.key or line.number or not previous.number:
        return False
    if previous.deadline_text and _reads_as_deadline(line.deadline):
        return False  # a deadline of its own: an activity without a number (a sub-item), not the rest of the one above
    if not line.name:
        return bool(line.deadline or line.responsible or line.result)
    # Each other cell of the row goes on with the text above (lower case) or fills what the activity above lacks:
    # «организация наставничества | Зам. директора | Приказ» under an activity with its own is an activity.
    for own, above in ((line.responsible, previous.responsible), (line.result, previous.expected_result)):
        if own and above and not (own[0].islower() or own[0] in ",;:)–-—"):
            return False
    first = line.name[0]
    if first.islower() or first in ",;:)–-—•":
        return True
    last_word = previous.name.rsplit(None, 1)[-1].lower() if previous.name.split() else ""
    return bool(re.match(r"[А-ЯЁA-Z]{2,}\b", line.name) and last_word in BREAKING_WORDS)


# The line above broke before the abbreviation: «Организация работы со | ШНОР …», «Совещание для | ОО …».
BREAKING_WORDS = frozenset(
    "с со в во на по для и к ко о об от из за при через между а также или с участием руководителей педагогов".split()
)


def _append(activity: ReadActivity, line: Line) -> None:
    def joined(first, second):
        if first and second and first.endswith("-") and second[:1].islower():
            return first + second  # «Учителя-» | «предметники» broken over the page
        return f"{first} {second}".strip() if first and second else first or second

    bullet = line.name[:1] in ("-", "–", "—", "•")
    activity.name = f"{activity.name}\n{line.name}" if bullet and activity.name else joined(activity.name, line.name)
    activity.deadline_text = joined(activity.deadline_text, line.deadline)
    activity.responsible = joined(activity.responsible, line.responsible)
    activity.expected_result = joined(activity.expected_result, line.result)
    activity.funding_source = joined(activity.funding_source, line.funding_source)
    for year, amount in line.funding.items():
        activity.funding.setdefault(year, amount)  # «X | X» on the continuation line of seed 003's activity 3


def _is_section(line: Line, following, current: ReadSection | None, by_key: dict) -> bool:
    key = line.key
    lowered = line.name.lower()
    extended = bool(key and following and len(following) > len(key) and following[: len(key)] == key)
    stage = bool(
        key
        and following
        and len(key) >= 2
        and len(following) < len(key)
        and following[-1] == 1
        and (not line.responsible or "этап" in lowered)
        and ("этап" in lowered or key[:-1] in by_key)
    )
    if (extended or stage) and not line.result:
        return True  # «1.» before «1.1»; a stage «1.1. Подготовительный этап» before activities «1.», «2.»
    if line.roman:
        return True
    if not key and not (line.result or line.responsible) and STAGE_TITLE.search(line.name):
        return True  # «1 этап (подготовительный) | январь – март 2024»: a stage and its deadline
    if line.result:
        return False  # an activity, even with its name merged across an empty deadline cell
    own = number_key(current.number) if current is not None and current.number else None
    child = bool(key and own and len(key) > len(own) and key[: len(own)] == own)
    if line.merged:
        return not child  # «1.1.» merged over its blank deadline, under section «1.»: an activity
    if line.deadline:
        return False
    if line.responsible:
        return line.name_covers_dates or _next_top_level(key, current)
    if key and current is not None:
        if child:
            return False  # «1.3» under section «1» without the other cells is still an activity
        if current.number and is_roman(current.number) and len(key) == 1:
            return False  # activities numbered «1.», «2.» in a Roman section
        previous = number_key(current.activities[-1].number) if current.activities else None
        if previous and len(previous) == len(key) and key == (*previous[:-1], previous[-1] + 1):
            return False  # the next activity after «1.»: «2. Создание рабочей группы» with its other cells blank
    return True


def _next_top_level(key, current: ReadSection | None) -> bool:
    """«2» after section «1» whose activities are all numbered «1.M»."""
    if key and len(key) == 1 and current is not None and current.activities:
        own = number_key(current.number) if current.number else None
        numbers = [number_key(a.number) if a.number else None for a in current.activities]
        return bool(own and len(own) == 1 and key[0] == own[0] + 1 and all(n and len(n) >= 2 for n in numbers))
    return False


def _section(line: Line, by_key: dict) -> ReadSection:
    number = line.number
    text = " ".join(part for part in (number, line.name) if part) if number and not ONLY_NUMBER.match(number) else None
    if text is None and number:
        section_number, section_title = number, line.name
    else:
        section_number, section_title = split_number(text or line.name)
    if section_number and not _dotted(section_number) and section_title[:1].islower():
        # «1 этап (подготовительный)», «IV квартал»: the number belongs to the words after it
        section_number, section_title = "", f"{section_number} {section_title}"
    section = ReadSection(section_number, section_title, responsible=line.responsible, row=line.row)
    if line.deadline:
        section.deadline_text = line.deadline
    else:
        readable = [(i, v) for i, v in line.others if _reads_as_deadline(v)]
        if readable:
            line.stage_columns.append(readable[0][0])
            section.deadline_text = readable[0][1]
    key = number_key(section.number) if section.number else None
    section.parent = by_key.get(key[:-1]) if key and len(key) >= 2 else None  # «1.1» under the last «1»
    return section


def _check_lengths(sheet, sections: list[ReadSection]) -> None:
    """What the plan cannot keep is refused with its row, not cut short in silence."""
    errors = []
    items = [(s.row, s.number, s.deadline_text) for s in sections]
    items += [(a.row, a.number, a.deadline_text) for s in sections for a in s.activities]
    for row, number, deadline in sorted(items):
        if len(deadline) > MAX_DEADLINE:
            errors.append(
                _("Row %(row)s: the deadline is longer than %(limit)s characters (%(length)s): shorten it.")
                % {"row": row, "limit": MAX_DEADLINE, "length": len(deadline)}
            )
        if len(number) > MAX_NUMBER:
            errors.append(
                _("Row %(row)s: the number «%(number)s…» is longer than %(limit)s characters.")
                % {"row": row, "number": number[:20], "limit": MAX_NUMBER}
            )
    if errors:
        shown = errors[:20]
        if len(errors) > 20:
            shown.append(_("… and %(count)s more rows like these.") % {"count": len(errors) - 20})
        raise PlanFileRefused([_("Sheet «%(sheet)s»:") % {"sheet": sheet.title}, *shown])


def remove_stale_uploads(before) -> int:
    """Uploads of the web wizard last changed before `before` (their session never came back to confirm, or a
    confirmation stopped half-way): removed. Returns how many."""
    try:
        names = default_storage.listdir(UPLOADS_FOLDER)[1]
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        stored = f"{UPLOADS_FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(stored) < before:
                default_storage.delete(stored)
                removed += 1
        except FileNotFoundError:
            continue
    return removed
