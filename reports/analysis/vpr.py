"""The ВПР analysis of a campaign for a municipality and its schools (SPEC §2.6, docs/vpr-analysis.md).

Everything is counted by the database in a fixed number of grouped queries, whatever the number of schools or works:
the stored aggregates of this year's and last year's campaign (distribution of marks, % «2»), one grouping of the
participant rows by (school, primary score, mark) (histogram, boundaries, peaks, participants with a journal mark),
the rows whose ВПР and journal marks differ by two or more (codes only), the reference distributions, the task table
and one grouping of the task points by (school, mark) through JSON key transforms. Python only adds the groups up
and turns exact counts into percentages (one decimal, half up; null where the denominator is empty).

A threshold is compared with the value as published (one decimal), so that a page never shows «57,0» beside
«не освоено»: the reader can check every label against the number next to it. The thresholds are the «VA» row of
the identification rules, edited in the admin.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, F, Func, IntegerField, Q, Sum

from registry.models import School
from reports.assessments.models import (
    Campaign,
    ParticipantResult,
    Procedure,
    ReferenceDistribution,
    ReferenceLevel,
    SchoolAggregate,
)
from reports.assessments.reader import SubjectIndex
from reports.assessments.rules import DEFAULTS, FlagRule

MARKS = ("2", "3", "4", "5")
BOUNDARY_MARKS = (3, 4, 5)
INFORMATIVE, APPROXIMATE, LIMITED = "informative", "approximate", "limited"
MASTERED, BORDERLINE, NOT_MASTERED = "mastered", "borderline", "not_mastered"
BASIC = "Б"
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Thresholds:
    negative_dynamics_pp: Decimal
    peak_min_works: int
    peak_factor: Decimal
    sample_informative: int
    sample_approximate: int
    basic_low: Decimal
    basic_high: Decimal
    advanced_low: Decimal
    advanced_high: Decimal
    group_min: int


def thresholds() -> Thresholds:
    """The «VA» rule's parameters as the administrator left them (its defaults where the row is missing): one query."""
    rule = FlagRule.objects.filter(code="VA").first() or FlagRule(code="VA", parameters={})
    return Thresholds(**{name: rule.value(name) for name in DEFAULTS["VA"][1]})


def find_campaign(*, procedure: str, year: int, subject: str, grade: int) -> Campaign | None:
    """The campaign of (procedure, year, subject, grade); the subject by its name or a spelling variant."""
    found = SubjectIndex().find(subject)
    if found is None:
        return None
    return (
        Campaign.objects.select_related("subject")
        .filter(procedure=procedure, year=year, grade=grade, subject=found)
        .first()
    )


def previous_campaign(campaign: Campaign) -> Campaign | None:
    """Last year's campaign of the same procedure, subject and grade."""
    return Campaign.objects.filter(
        procedure=campaign.procedure, year=campaign.year - 1, subject_id=campaign.subject_id, grade=campaign.grade
    ).first()


def one_decimal(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(TENTH, rounding=ROUND_HALF_UP))


def pct(numerator: int, denominator: int) -> float | None:
    """numerator / denominator × 100, one decimal, half up, in integers (a page of 1,000 schools × 16 tasks computes
    some 100,000 of them); the same values as `reports.assessments.aggregates.pct`."""
    if not denominator:
        return None
    tenths, rest = divmod(int(numerator) * 1000, int(denominator))
    if 2 * rest >= denominator:
        tenths += 1
    return tenths / 10


def exact_pct(numerator: int, denominator: int) -> Decimal | None:
    return None if not denominator else Decimal(numerator) * 100 / Decimal(denominator)


def sample_of(works: int, limits: Thresholds) -> str:
    if works >= limits.sample_informative:
        return INFORMATIVE
    if works >= limits.sample_approximate:
        return APPROXIMATE
    return LIMITED


def zone(level: str, limits: Thresholds) -> tuple[Decimal, Decimal]:
    """The borderline zone of a task's level: basic, or advanced and high alike."""
    if level == BASIC:
        return limits.basic_low, limits.basic_high
    return limits.advanced_low, limits.advanced_high


def mastery_status(value: float | None, level: str, limits: Thresholds) -> str | None:
    """«не освоено» below the lower line, the borderline zone between the lines (both included), «освоено» above."""
    if value is None:
        return None
    low, high = zone(level, limits)
    shown = Decimal(str(value))
    if shown < low:
        return NOT_MASTERED
    if shown > high:
        return MASTERED
    return BORDERLINE


class SchoolRef(NamedTuple):
    pk: int
    code: str
    short_name: str


@dataclass
class Group:
    """Exact counts of a school (or of the whole municipality) from which every figure of its row is derived."""

    participants: int = 0
    marks: dict = None
    previous_participants: int = 0
    previous_twos: int = 0
    has_previous: bool = False
    histogram: dict = None  # {primary score: works}
    lowest: dict = None  # {mark: lowest primary score seen with it}
    journaled: int = 0  # participants with both a ВПР and a journal mark
    gaps: list = None  # [(class, participant, mark, journal mark)]
    task_points: dict = None  # {mark or None: ([points per task], [participants with a score per task])}

    def __post_init__(self):
        self.marks = {mark: 0 for mark in MARKS}
        self.histogram, self.lowest, self.gaps, self.task_points = defaultdict(int), {}, [], {}


def boundary_peaks(histogram: dict, scale: dict, limits: Thresholds) -> list[dict] | None:
    """Peaks at the lowest score s of marks 3, 4, 5: n(s) ≥ peak_min_works and n(s) ≥ peak_factor × n(s − 1)."""
    if not histogram:
        return None
    peaks = []
    for mark in BOUNDARY_MARKS:
        score = scale.get(str(mark))
        if score is None:
            continue
        at, below = histogram.get(score, 0), histogram.get(score - 1, 0)
        if at >= limits.peak_min_works and at >= limits.peak_factor * below:
            peaks.append({"mark": mark, "score": score, "at": at, "below": below})
    return peaks


def analyse(campaign: Campaign, municipality, school_ids=None) -> dict:
    """The analysis in SPEC §5's shape for the municipality's schools with results in the campaign (`school_ids`
    limits the listed schools, never the total), plus `details` per school code for the page: histogram, gaps
    by class, names. A bounded number of queries whatever the size."""
    limits = thresholds()
    previous = previous_campaign(campaign)
    campaign_ids = [campaign.pk] + ([previous.pk] if previous else [])
    # Plain tuples, not model instances: a municipality of 1,000 schools reads 2,000 rows here.
    stored = (
        SchoolAggregate.objects.filter(campaign_id__in=campaign_ids, school__municipality=municipality)
        .order_by()
        .values_list(
            "campaign_id",
            "school_id",
            "school__code",
            "school__short_name",
            "participants",
            "marks_2",
            "marks_3",
            "marks_4",
            "marks_5",
        )
    )
    groups: dict[int, Group] = {}
    schools: dict[int, SchoolRef] = {}
    previous_rows = []
    for campaign_id, school_id, code, short_name, participants, *marks in stored:
        if campaign_id == campaign.pk:
            schools[school_id] = SchoolRef(school_id, code, short_name)
            group = groups[school_id] = Group()
            group.participants = participants
            group.marks = dict(zip(MARKS, marks, strict=True))
        else:
            previous_rows.append((school_id, participants, marks[0]))
    total = Group()
    total.has_previous = bool(previous_rows)
    for school_id, participants, twos in previous_rows:
        total.previous_participants += participants
        total.previous_twos += twos
        if school_id in groups:
            group = groups[school_id]
            group.has_previous = True
            group.previous_participants, group.previous_twos = participants, twos

    ids = sorted(groups)
    # The municipality's schools as a subquery: a list of 1,000 ids costs more to compile and send than to run.
    rows = ParticipantResult.objects.filter(
        campaign=campaign, school_id__in=School.objects.filter(municipality=municipality).values("pk")
    )
    if ids:
        # Rows of a school whose stored aggregate is not there yet (a recalculation still running) are left out,
        # like the school itself: the page counts what the stored aggregates count.
        histogram = rows.order_by().values_list("school_id", "primary_score", "mark")
        for school_id, score, mark, works, journaled in histogram.annotate(Count("id"), Count("journal_mark")):
            group = groups.get(school_id)
            if group is None:
                continue
            if mark is not None:
                group.journaled += journaled
            if score is None:
                continue
            group.histogram[score] += works
            if mark is not None:
                group.lowest[mark] = min(group.lowest.get(mark, score), score)
        gaps = (
            rows.filter(mark__isnull=False, journal_mark__isnull=False)
            .filter(Q(mark__gte=F("journal_mark") + 2) | Q(journal_mark__gte=F("mark") + 2))
            .order_by("school_id", "class_name", "participant")
            .values_list("school_id", "class_name", "participant", "mark", "journal_mark")
        )
        for school_id, *gap in gaps:
            if school_id in groups:
                groups[school_id].gaps.append(tuple(gap))
    tasks = list(campaign.tasks.order_by("position", "label")) if ids else []
    if tasks:
        _task_points(rows, tasks, groups, campaign, municipality)

    for group in groups.values():
        total.participants += group.participants
        for mark in MARKS:
            total.marks[mark] += group.marks[mark]
        for score, works in group.histogram.items():
            total.histogram[score] += works
        for mark, score in group.lowest.items():
            total.lowest[mark] = min(total.lowest.get(mark, score), score)
        total.journaled += group.journaled
        total.gaps.extend(group.gaps)
        for mark, (points, counted) in group.task_points.items():
            summed = total.task_points.setdefault(mark, ([0] * len(tasks), [0] * len(tasks)))
            for index in range(len(tasks)):
                summed[0][index] += points[index]
                summed[1][index] += counted[index]

    scale = _scale(campaign, total.lowest)
    listed = ids if school_ids is None else [pk for pk in ids if pk in set(school_ids)]
    result = {
        "scale": scale,
        "reference": _references(campaign, municipality),
        "schools": [
            {"school": schools[pk].code, **_figures(groups[pk], scale, tasks, limits)}
            for pk in sorted(listed, key=lambda pk: (schools[pk].short_name, pk))
        ],
        "total": {"school": None, **_figures(total, scale, tasks, limits)},
    }
    details = {schools[pk].code: _details(schools[pk], groups[pk]) for pk in listed}
    return {"analysis": result, "details": details, "total_details": _details(None, total), "limits": limits}


def _scale(campaign: Campaign, lowest: dict) -> dict:
    """The lowest primary score of marks 3, 4, 5: the task table's scale, else the lowest seen in the data."""
    scale = {}
    for mark in BOUNDARY_MARKS:
        stated = getattr(campaign, f"scale_{mark}", None)
        scale[str(mark)] = stated if stated is not None else lowest.get(mark)
    return scale


def _references(campaign: Campaign, municipality) -> dict | None:
    """The ФИС ОКО distributions of the country, the municipality's region and the municipality (one query); per
    level the one brought by the municipality's own report first, then by its region's, then the newest."""
    found = list(
        ReferenceDistribution.objects.filter(campaign=campaign).filter(
            Q(level=ReferenceLevel.RUSSIA)
            | Q(level=ReferenceLevel.REGION, region_id=municipality.region_id)
            | Q(level=ReferenceLevel.MUNICIPALITY, municipality=municipality)
        )
    )
    if not found:
        return None

    def preference(row):
        return (row.municipality_id == municipality.pk, row.region_id == municipality.region_id, row.pk)

    result = {}
    for level in (ReferenceLevel.RUSSIA, ReferenceLevel.REGION, ReferenceLevel.MUNICIPALITY):
        rows = sorted((row for row in found if row.level == level), key=preference)
        if not rows:
            result[level.value] = None
            continue
        row = rows[-1]
        result[level.value] = {
            "participants": row.participants,
            "marks_pct": {mark: one_decimal(getattr(row, f"pct_{mark}")) for mark in MARKS},
        }
    return result


class TaskPoints(Func):
    """A task's points in a participant's `task_scores` (NULL where the work has no score for it).

    Not Django's KeyTextTransform: it reads a key that looks like a number («1», «2») as an array index, and most
    task labels are numbers. The key is always passed as a string parameter here."""

    output_field = IntegerField()

    def __init__(self, label: str):
        super().__init__(F("task_scores"))
        self.label = label

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        # json_each compares the key as a value: SQLite's JSON paths have no escape for a quote inside a key.
        sql = f"(SELECT j.value FROM json_each({column}) AS j WHERE j.key = %s)"  # noqa: S608 — the key a parameter
        return sql, [*params, self.label]

    def as_postgresql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return f"(({column}::json ->> %s)::numeric::integer)", [*params, self.label]


def _task_points(rows, tasks: list, groups: dict, campaign: Campaign, municipality) -> None:
    """Each task's points and the participants who have a score for it, per (school, mark): one grouped query, a
    sum and a count of the task's JSON key per task, read as tuples (1,000 schools × 5 marks × 32 numbers)."""
    if connection.vendor == "postgresql":
        grouped = _task_sums_postgresql(tasks, campaign, municipality)
    else:
        sums = {}
        for index, task in enumerate(tasks):  # in this order: points, works of task 0, then of task 1 …
            sums[f"p{index}"] = Sum(TaskPoints(task.label))
            sums[f"n{index}"] = Count(TaskPoints(task.label))
        grouped = rows.filter(task_scores__isnull=False).order_by().values_list("school_id", "mark").annotate(**sums)
    for school_id, mark, *numbers in grouped:
        if school_id in groups:
            groups[school_id].task_points[mark] = ([int(n or 0) for n in numbers[0::2]], numbers[1::2])


def _task_sums_postgresql(tasks: list, campaign: Campaign, municipality) -> list[tuple]:
    """The same grouping with each row's `task_scores` decomposed once by `json_to_record` into a column per task:
    half the time of one `->>` per task and row (100,000 works × 16 tasks: 0.7 s against 1.4 s on a busy machine)."""
    # Task labels come from files: each is a quoted identifier with its quotes doubled, PostgreSQL's own escaping, so
    # no label can end the identifier (tests/reports/analysis/test_tasks.py tries one that would).
    columns = ['"' + task.label.replace('"', '""') + '"' for task in tasks]
    sums = ", ".join(f"SUM(r.{column}), COUNT(r.{column})" for column in columns)
    record = ", ".join(f"{column} numeric" for column in columns)
    # Identifiers quoted above, values as parameters.
    sql = (
        f"SELECT p.school_id, p.mark, {sums} "  # noqa: S608
        f"FROM {ParticipantResult._meta.db_table} p, json_to_record(p.task_scores::json) AS r({record}) "
        f"WHERE p.campaign_id = %s AND p.task_scores IS NOT NULL "
        f"AND p.school_id IN (SELECT id FROM {School._meta.db_table} WHERE municipality_id = %s) "
        "GROUP BY p.school_id, p.mark"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign.pk, municipality.pk])
        return cursor.fetchall()


def _figures(group: Group, scale: dict, tasks: list, limits: Thresholds) -> dict:
    twos = exact_pct(group.marks["2"], group.participants)
    before = exact_pct(group.previous_twos, group.previous_participants) if group.has_previous else None
    dynamics = one_decimal(twos - before) if twos is not None and before is not None else None
    return {
        "participants": group.participants,
        "sample": sample_of(group.participants, limits),
        "marks_pct": {mark: pct(group.marks[mark], group.participants) for mark in MARKS},
        "marks_2_pct_prev": one_decimal(before),
        "marks_2_dynamics_pp": dynamics,
        "negative_dynamics": None if dynamics is None else Decimal(str(dynamics)) >= limits.negative_dynamics_pp,
        "journal_gap_2": len(group.gaps) if group.journaled else None,
        "boundary_peaks": boundary_peaks(group.histogram, scale, limits),
        "tasks": _task_figures(tasks, group, limits),
    }


def _task_figures(tasks: list, group: Group, limits: Thresholds) -> list[dict]:
    """Per task: its mastery over every work with a score for it, and per mark group (null under `group_min`)."""
    none = ([0] * len(tasks), [0] * len(tasks))
    by_group = {mark: group.task_points.get(int(mark), none) for mark in MARKS}
    unmarked = group.task_points.get(None, none)
    figures = []
    for index, task in enumerate(tasks):
        points, counted = unmarked[0][index], unmarked[1][index]
        by_mark = {}
        for mark, (mark_points, mark_counted) in by_group.items():
            points += mark_points[index]
            counted += mark_counted[index]
            n = mark_counted[index]
            by_mark[mark] = pct(mark_points[index], n * task.max_points) if n >= limits.group_min else None
        mastery = pct(points, counted * task.max_points)
        figures.append(
            {
                "task": task.label,
                "max": task.max_points,
                "level": task.level,
                "mastery_pct": mastery,
                "status": mastery_status(mastery, task.level, limits),
                "by_mark": by_mark,
            }
        )
    return figures


def _details(school, group: Group) -> dict:
    """What the page shows beyond the JSON: the histogram and the gaps by class (codes only)."""
    by_class = defaultdict(list)
    for class_name, participant, mark, journal in group.gaps:
        by_class[class_name].append({"participant": participant, "mark": mark, "journal_mark": journal})
    return {
        "school": school,
        "marks": dict(group.marks),
        "histogram": dict(sorted(group.histogram.items())),
        "scored": sum(group.histogram.values()),
        "journaled": group.journaled,
        "gaps_by_class": sorted(by_class.items()),
    }


def is_marked_vpr(campaign: Campaign) -> bool:
    return campaign.procedure == Procedure.VPR
