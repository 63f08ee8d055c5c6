"""The task table of a work (IMPORT_FORMATS «Task table»): its tasks with maxima, levels and skills, and the mark
scale, read from .xlsx/.csv through shnor_portal/files and stored on the campaign, replacing the table kept before.

Columns «Номер задания» (or «Задание»), «Максимальный балл», «Уровень сложности» (Б / П / В or базовый / повышенный /
высокий), optionally «Проверяемые умения» (or «Проверяемые требования»). The scale comes as rows «Отметка 3 от» |
score, or as a «шкала перевода»: a row «Отметка» | 2 | 3 | 4 | 5 and under it «Первичный балл» | 0–4 | 5–8 | ….
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from shnor_portal.files.limits import MAX_UPLOAD
from shnor_portal.files.refusals import FileRefused
from shnor_portal.files.rows import open_rows

from .models import Campaign, MaxScore, Task, TaskLevel
from .reader import TASK_COLUMN, Problem, SubjectIndex, _cell, normalise_header

MAX_TASKS = 200
MAX_TASK_POINTS = 100
COLUMNS = {
    "label": ["номер задания", "задание", "№ задания", "№"],
    "max": ["максимальный балл", "макс. балл", "максимальный первичный балл"],
    "level": ["уровень сложности", "уровень"],
    "skills": ["проверяемые умения", "проверяемые требования", "проверяемые требования (умения)"],
}
HEADER_NAMES = {
    "label": "Номер задания",
    "max": "Максимальный балл",
    "level": "Уровень сложности",
    "skills": "Проверяемые умения",
}
LEVELS = {"б": TaskLevel.BASIC, "п": TaskLevel.ADVANCED, "в": TaskLevel.HIGH}
SCALE_ROW = re.compile(r"^отметк[аи]\s*[«\"']?([345])[»\"']?\s*(?:от|с)?\s*(\d{1,3})?$")
RANGE = re.compile(r"^(\d{1,3})\s*(?:[-–—]|\.\.|…)\s*(\d{1,3})$")


@dataclass
class TaskTable:
    sheet: str = ""
    tasks: list[dict] = field(default_factory=list)  # {"label", "max_points", "level", "skills"} in the file's order
    scale: dict[int, int] = field(default_factory=dict)  # mark → lowest primary score
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, row, column, value, message):
        shown = "" if value is None else str(value)[:100]
        self.problems.append(Problem(self.sheet, row, HEADER_NAMES.get(column, column), shown, str(message)))


def _has_header(raw) -> bool:
    names = {normalise_header(v) for v in raw if v is not None}
    return not names.isdisjoint(COLUMNS["label"]) and not names.isdisjoint(COLUMNS["max"])


def read_task_table(source, *, work_max: int | None = None, max_bytes=MAX_UPLOAD, name=None) -> TaskTable:
    """Check a task table; `work_max` is the work's maximum primary score where it is known."""
    table = TaskTable()
    try:
        _kind, table.sheet, rows = open_rows(source, max_bytes=max_bytes, has_header=_has_header, name=name)
        _read(table, rows)
    except FileRefused as refusal:
        table.problem(None, "", "", str(refusal))
        return table
    if not table.ok:
        return table
    if not table.tasks:
        table.problem(None, "", "", _("The task table has no tasks."))
        return table
    total = sum(task["max_points"] for task in table.tasks)
    if work_max is not None and total != work_max:
        table.problem(
            None,
            "max",
            total,
            _("The tasks' maxima add up to %(total)s, but the work's maximum primary score is %(max)s.")
            % {"total": total, "max": work_max},
        )
    if table.scale:
        missing = [mark for mark in (3, 4, 5) if mark not in table.scale]
        if missing:
            table.problem(
                None, "", "", _("The mark scale lacks mark %(marks)s.") % {"marks": ", ".join(map(str, missing))}
            )
        elif not table.scale[3] < table.scale[4] < table.scale[5] <= total:
            table.problem(
                None,
                "",
                f"{table.scale[3]}, {table.scale[4]}, {table.scale[5]}",
                _("The mark scale must rise (3 < 4 < 5) and stay within the work's maximum %(max)s.") % {"max": total},
            )
    return table


def _read(table: TaskTable, rows) -> None:
    positions = None
    seen_names: set[str] = set()
    labels: dict[str, int] = {}
    scale_marks = None  # positions of marks 3, 4, 5 in a «шкала перевода» row «Отметка | 2 | 3 | 4 | 5»
    for number, raw in rows:
        names = [normalise_header(v) for v in raw]
        if positions is None:
            seen_names.update(names)
            positions = _header(names)
            if positions is None and number >= 50:
                break
            continue
        values = [_cell(table, number, "", v) if type(v) is str else v for v in raw]
        lead = next((str(v).strip() for v in values if v not in (None, "")), None)
        if lead is None:
            continue
        key = normalise_header(lead)
        if scale_marks is not None and key.startswith("первичный балл"):
            _scale_ranges(table, number, values, scale_marks)
            scale_marks = None
            continue
        if key in ("отметка", "отметки"):
            scale_marks = {mark: i for i, v in enumerate(names) if (mark := _small_int(v)) in (3, 4, 5)}
            continue
        match = SCALE_ROW.match(key)
        if match:
            _scale_row(table, number, match, values, raw)
            continue
        _task_row(table, number, values, positions, labels)
    if positions is None:
        found = [HEADER_NAMES[k] for k in ("label", "max") if seen_names.isdisjoint(COLUMNS[k])]
        table.problem(
            None,
            "",
            "",
            _("This is not a task table: no row holds the columns %(columns)s.")
            % {"columns": ", ".join(f"«{name}»" for name in found or HEADER_NAMES.values())},
        )


def _header(names):
    positions = {}
    for key, spellings in COLUMNS.items():
        for index, name in enumerate(names):
            if name in spellings and key not in positions:
                positions[key] = index
    if "label" in positions and "max" in positions:
        return positions
    return None


def _small_int(value):
    text = str(value if value is not None else "").strip().replace(",", ".")
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() and len(text) <= 3 else None


def _task_row(table: TaskTable, number, values, positions, labels: dict[str, int]) -> None:
    def at(key):
        index = positions.get(key)
        return values[index] if index is not None and index < len(values) else None

    raw_label = at("label")
    if raw_label in (None, ""):
        return  # a note under the table
    match = TASK_COLUMN.match(normalise_header(raw_label))
    if match is None:
        table.problem(number, "label", raw_label, _("«%(value)s» is not a task number.") % {"value": raw_label})
        return
    label = re.sub(r"\s+", "", match.group(1))
    if label in labels:
        table.problem(
            number,
            "label",
            raw_label,
            _("Task %(task)s is already in row %(row)s.") % {"task": label, "row": labels[label]},
        )
        return
    labels[label] = number
    maximum = _small_int(at("max"))
    if maximum is None or not 1 <= maximum <= MAX_TASK_POINTS:
        table.problem(
            number,
            "max",
            at("max"),
            _("The maximum of a task is a whole number from 1 to %(max)s.") % {"max": MAX_TASK_POINTS},
        )
    level_text = normalise_header(at("level")).replace("ё", "е")
    level = LEVELS.get(level_text[:1]) if level_text else None
    if level is None or (len(level_text) > 1 and not level_text.startswith(("баз", "пов", "выс"))):
        table.problem(
            number,
            "level",
            at("level"),
            _("The difficulty level is Б, П or В (базовый, повышенный, высокий)."),
        )
        level = None
    skills = str(at("skills") or "").strip()
    if len(table.tasks) >= MAX_TASKS:
        table.problem(number, "label", raw_label, _("More than %(n)s tasks.") % {"n": MAX_TASKS})
        return
    if maximum is not None and level is not None and 1 <= maximum <= MAX_TASK_POINTS:
        table.tasks.append({"label": label, "max_points": maximum, "level": str(level), "skills": skills})


def _scale_row(table: TaskTable, number, match, values, raw) -> None:
    mark = int(match.group(1))
    score = int(match.group(2)) if match.group(2) else None
    if score is None:
        numbers = [_small_int(v) for v in values[1:] if v not in (None, "")]
        score = numbers[0] if numbers and numbers[0] is not None else None
    if score is None:
        table.problem(number, "", raw[0], _("The row «Отметка %(mark)s от» gives no score.") % {"mark": mark})
        return
    table.scale[mark] = score


def _scale_ranges(table: TaskTable, number, values, scale_marks) -> None:
    for mark, index in scale_marks.items():
        text = str(values[index] if index < len(values) else "").strip()
        match = RANGE.match(text)
        if match is None:
            table.problem(
                number, "", text, _("«%(value)s» is not a range of primary scores such as 5–8.") % {"value": text}
            )
            continue
        table.scale[mark] = int(match.group(1))


def work_maximum(procedure: str, year: int, subject, grade: int) -> int | None:
    found = MaxScore.objects.filter(procedure=procedure, year=year, subject=subject, grade=grade).first()
    return found.max_score if found else None


def resolve_work(procedure, year, subject_name, grade, table: TaskTable):
    """The subject of the work, or a problem on `table`."""
    subject = SubjectIndex().find(subject_name)
    if subject is None:
        table.problem(None, "", subject_name, _("Unknown subject «%(value)s».") % {"value": subject_name})
    return subject


@transaction.atomic
def store_task_table(table: TaskTable, *, procedure: str, year: int, subject, grade: int) -> Campaign:
    """Replace the campaign's task table (and its scale, when the file gives one); the campaign is created if new."""
    campaign, _created = Campaign.objects.get_or_create(procedure=procedure, year=year, subject=subject, grade=grade)
    Campaign.objects.select_for_update().filter(pk=campaign.pk).exists()
    campaign.tasks.all().delete()
    Task.objects.bulk_create(
        Task(campaign=campaign, position=position, **task) for position, task in enumerate(table.tasks, start=1)
    )
    if table.scale:
        campaign.scale_3, campaign.scale_4, campaign.scale_5 = table.scale[3], table.scale[4], table.scale[5]
        campaign.save(update_fields=["scale_3", "scale_4", "scale_5"])
    return campaign


def import_task_table(source, *, procedure, year, subject_name, grade, max_bytes=MAX_UPLOAD, name=None):
    """Check and store a task table: (TaskTable, campaign or None when refused)."""
    probe = TaskTable()
    subject = resolve_work(procedure, year, subject_name, grade, probe)
    if procedure not in {choice for choice, _label in Campaign._meta.get_field("procedure").choices}:
        probe.problem(None, "", procedure, _("Unknown procedure «%(value)s».") % {"value": procedure})
    if not probe.ok:
        return probe, None
    table = read_task_table(
        source, work_max=work_maximum(procedure, year, subject, grade), max_bytes=max_bytes, name=name
    )
    if not table.ok:
        return table, None
    return table, store_task_table(table, procedure=procedure, year=year, subject=subject, grade=grade)
