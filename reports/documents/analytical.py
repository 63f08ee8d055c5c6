"""Kind 3: the analytical report («Аналитическая справка о выполнении дорожной карты», seed 004 Приложение 5).

Two halves, kept apart so that each is tested on its own:
- the builders (`plan_execution`, `indicator_part`, `pairing_part`, `event_part`, `result_part`) read the
  database through the apps' own selectors — roadmaps' due items, the indicators' rows and histories, support's
  counts, the stored result aggregates — a fixed number of queries per plan set and per municipality, never per
  activity, indicator or school;
- the sentence functions (`execution_sentences`, `indicator_sentences`, …) take plain values and return Russian
  sentences: numbers with decimal commas, dates as «26.03.2021», counted nouns in the right form.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import Sum
from openpyxl import load_workbook

from registry.models import Pairing, SchoolYearProfile
from reports.assessments.aggregates import mean, pct
from reports.assessments.models import Procedure, SchoolAggregate
from reports.indicators.models import Unit
from reports.indicators.selectors import indicator_histories, indicator_rows
from reports.indicators.table import places
from roadmaps.models import Plan, ProgressReport, Section
from roadmaps.selectors import PLAN, Progress, due_items
from roadmaps.states import APPROVED_STATES
from shnor_portal.charts import dynamics_chart
from shnor_portal.periods import overlapping
from support.models import EventType, SupportEvent
from support.selectors import counts_by_type, schools_reached

from . import formatting as f
from .base import Column, Document, Figure, Heading, Paragraph, Row, Table
from .scope import DocumentScope, document_scope, supported_schools
from .text import counted, join_names, plural, sentence

PROGRESS_TEXT = {
    Progress.DONE: "выполнено",
    Progress.IN_PROGRESS: "в работе",
    Progress.OVERDUE: "просрочено",
    Progress.NOT_STARTED: "не начато",
}
MET_TEXT = {True: "выполнено", False: "не выполнено", None: "нет данных"}


def share(part: int, whole: int):
    """The share of `part` in `whole`, half-up to one decimal (the registry's rule), None without a whole."""
    from registry.rounding import share_pct

    return share_pct(part, whole)


def percent_text(part: int, whole: int) -> str:
    return f.display(share(part, whole), f.PERCENT1)


# --- Execution of the plans


@dataclass(frozen=True)
class Counts:
    """Due items (an activity's reporting period for one executor) by where they stand on the report date."""

    label: str
    total: int = 0
    done: int = 0
    in_progress: int = 0
    overdue: int = 0
    not_started: int = 0


@dataclass(frozen=True)
class ItemRow:
    number: str
    name: str
    reporter: str
    due: dt.date
    progress: str
    done_text: str


@dataclass
class PlanExecution:
    plan: Plan
    sections: list[Counts]
    total: Counts
    items: list[ItemRow]
    sentences: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> list[ItemRow]:
        return [item for item in self.items if item.progress == Progress.OVERDUE]


def plans_of(scope: DocumentScope, plan: Plan | None = None) -> list[Plan]:
    """The plan asked for, or every plan being carried out in the scope whose period shares a day with the year."""
    if plan is not None:
        return [plan]
    return list(
        Plan.objects.filter(
            municipality_id__in=scope.municipality_ids,
            status__in=sorted(APPROVED_STATES),
            period_start__lte=scope.last_day,
            period_end__gte=scope.first_day,
        )
        .select_related("municipality", "school")
        .order_by("municipality__name", "level", "school__short_name", "title", "pk")
    )


def plan_execution(plans: list[Plan], scope: DocumentScope, report_date: dt.date) -> list[PlanExecution]:
    """Per plan, its due items of the year up to the report date (periods that started by then and end within the
    year or later), each in the state roadmaps' selector gives it on that date, counted per section: three queries
    for all the plans together."""
    if not plans:
        return []
    rows = (
        due_items(today=report_date)
        .filter(**{f"{PLAN}__in": plans, "start__lte": report_date, "end__gte": scope.first_day})
        .values(
            f"{PLAN}_id",
            "activity__section_id",
            "activity__number",
            "activity__name",
            "reporter_label",
            "end",
            "progress",
            "report_id",
        )
        .order_by(f"{PLAN}_id", "activity__section__order", "activity__order", "activity_id", "end", "reporter_label")
    )
    rows = list(rows)
    # What the reports say was done, read by their ids: an OuterRef to the item's own report annotation would be
    # resolved inside that annotation's subquery and pick the wrong report.
    done = dict(
        ProgressReport.objects.filter(pk__in={row["report_id"] for row in rows if row["report_id"]}).values_list(
            "pk", "done_text"
        )
    )
    sections = {
        section.pk: section
        for section in Section.objects.filter(plan__in=plans)
        .order_by("plan_id", "order", "pk")
        .only("pk", "plan_id", "number", "title", "order")
    }
    result = []
    for plan in plans:
        own = [row for row in rows if row[f"{PLAN}_id"] == plan.pk]
        per_section: dict[int, list[dict]] = {}
        for row in own:
            per_section.setdefault(row["activity__section_id"], []).append(row)
        section_counts = [
            count_items(section_label(section), per_section[pk])
            for pk, section in sections.items()
            if pk in per_section
        ]
        total = count_items("Итого", own)
        items = [
            ItemRow(
                number=row["activity__number"],
                name=row["activity__name"],
                reporter=row["reporter_label"] or "",
                due=row["end"],
                progress=row["progress"],
                done_text=done.get(row["report_id"]) or "",
            )
            for row in own
        ]
        execution = PlanExecution(plan, section_counts, total, items)
        execution.sentences = execution_sentences(plan.title, section_counts, total, scope.year, report_date)
        result.append(execution)
    return result


def section_label(section: Section) -> str:
    return " ".join(part for part in (section.number, section.title) if part).strip() or "Без раздела"


def count_items(label: str, items: list[dict]) -> Counts:
    def n(progress):
        return sum(1 for item in items if item["progress"] == progress)

    return Counts(
        label,
        total=len(items),
        done=n(Progress.DONE),
        in_progress=n(Progress.IN_PROGRESS),
        overdue=n(Progress.OVERDUE),
        not_started=n(Progress.NOT_STARTED),
    )


def state_phrase(counts: Counts, *, with_share: bool = False) -> str:
    """«выполнено 3 из 5 (60,0 %), в работе 1, просрочено 1»; «…, просроченных нет» when nothing is overdue."""
    done = f"выполнено {counts.done} из {counts.total}"
    if with_share:
        done += f" ({percent_text(counts.done, counts.total)})"
    parts = [done]
    if counts.in_progress:
        parts.append(f"в работе {counts.in_progress}")
    if counts.not_started:
        parts.append(f"не начато {counts.not_started}")
    parts.append(f"просрочено {counts.overdue}" if counts.overdue else "просроченных нет")
    return ", ".join(parts)


def execution_sentences(
    title: str, sections: list[Counts], total: Counts, year: int, report_date: dt.date
) -> list[str]:
    """What was done and what is overdue: for the plan, then for each section."""
    if not total.total:
        return [sentence(f"По плану «{title}» в {year} году до {f.ru_date(report_date)} сроков исполнения не было")]
    terms = counted(total.total, "срок", "срока", "сроков")
    verb = plural(total.total, "учтён", "учтено", "учтено")
    texts = [
        sentence(
            f"По плану «{title}» на {f.ru_date(report_date)} в {year} году {verb} "
            f"{terms} исполнения мероприятий (мероприятие, исполнитель, срок): {state_phrase(total, with_share=True)}"
        )
    ]
    texts.extend(sentence(f"Раздел «{counts.label}»: {state_phrase(counts)}") for counts in sections)
    return texts


def execution_tables(execution: PlanExecution) -> list[Table]:
    numbers = [
        Column("Раздел плана", 46),
        Column("Всего", 9, f.INTEGER),
        Column("Выполнено", 11, f.INTEGER),
        Column("В работе", 10, f.INTEGER),
        Column("Просрочено", 11, f.INTEGER),
        Column("Не начато", 10, f.INTEGER),
        Column("Выполнено, %", 11, f.PERCENT1),
    ]

    def counts_row(counts: Counts, total=False) -> Row:
        values = [counts.label, counts.total, counts.done, counts.in_progress, counts.overdue, counts.not_started]
        return Row([*values, share(counts.done, counts.total)], css="total" if total else "")

    summary = Table(
        numbers,
        [*(counts_row(counts) for counts in execution.sections), counts_row(execution.total, total=True)],
        caption=f"Выполнение плана «{execution.plan.title}» по разделам",
    )
    items = Table(
        [
            Column("№", 7, css="center"),
            Column("Мероприятие", 40),
            Column("Исполнитель", 20),
            Column("Срок", 11, f.DATE),
            Column("Состояние", 12),
            Column("Отметка о выполнении", 30),
        ],
        [
            Row(
                [item.number, item.name, item.reporter, item.due, PROGRESS_TEXT[item.progress], item.done_text],
                css="overdue" if item.progress == Progress.OVERDUE else "",
            )
            for item in execution.items
        ],
        caption="Выполненные и реализуемые мероприятия",
        empty_text="Сроков исполнения в отчётном периоде нет.",
    )
    return [summary, items]


# --- Target indicators


@dataclass(frozen=True)
class IndicatorLine:
    number: int
    name: str
    unit: str
    target: object
    actual: object
    met: bool | None


@dataclass
class IndicatorPart:
    municipality: object
    lines: list[IndicatorLine]
    charts: list
    sentences: list[str] = field(default_factory=list)


def indicator_part(scope: DocumentScope) -> list[IndicatorPart]:
    """Per municipality, its adopted indicators of the year as the indicators' selector gives them, and the
    dynamics chart of each as the indicator page draws it (six queries per municipality)."""
    parts = []
    for municipality in scope.municipalities:
        rows = indicator_rows(municipality, scope.year, adopted_only=True)
        histories = indicator_histories(municipality, [row.indicator for row in rows])
        lines, charts = [], []
        for number, row in enumerate(rows, start=1):
            lines.append(IndicatorLine(number, row.name, row.unit, row.target, row.actual, row.met))
            history = [point for point in histories.get(row.indicator.pk, []) if point["year"] <= scope.year]
            chart = dynamics_chart(
                [(point["year"], point["actual"], point["target"]) for point in history],
                title=f"{row.name}, {row.unit}",
                value_label="фактическое значение",
                target_label="плановое значение",
                baseline=(row.baseline_year, row.baseline_value) if row.baseline_year else None,
                baseline_label="базовое значение",
                decimals=places(row.unit),
            )
            if chart:
                charts.append(chart)
        part = IndicatorPart(municipality, lines, charts)
        part.sentences = indicator_sentences([(line.name, line.met) for line in lines], scope.year)
        parts.append(part)
    return parts


def indicator_sentences(lines: list[tuple[str, bool | None]], year: int) -> list[str]:
    """Which indicators are met, not met and without data: `lines` are (name, met or None)."""
    if not lines:
        return [sentence(f"Целевые показатели на {year} год не приняты")]
    met = [name for name, state in lines if state is True]
    missed = [name for name, state in lines if state is False]
    unknown = [name for name, state in lines if state is None]
    n = len(lines)
    texts = [
        sentence(
            f"На {year} год {plural(n, 'принят', 'принято', 'принято')} "
            f"{counted(n, 'целевой показатель', 'целевых показателя', 'целевых показателей')}"
        )
    ]

    def names(group):
        return "; ".join(f"«{name}»" for name in group)

    if met:
        texts.append(sentence(f"Плановое значение достигнуто по {len(met)} из них: {names(met)}"))
    elif missed:
        texts.append(sentence("Плановое значение не достигнуто ни по одному показателю"))
    if missed:
        texts.append(sentence(f"Не достигнуто по {len(missed)}: {names(missed)}"))
    if unknown:
        texts.append(sentence(f"Нет данных для оценки по {len(unknown)}: {names(unknown)}"))
    return texts


def indicator_table(part: IndicatorPart) -> Table:
    def fmt(unit):
        return f.PERCENT1 if unit == Unit.PERCENT else f.NUMBER

    return Table(
        [
            Column("№", 6, css="center"),
            Column("Показатель", 50),
            Column("Ед. изм.", 10, css="center"),
            Column("Плановое значение", 12),
            Column("Фактическое значение", 12),
            Column("Выполнение", 13, css="center"),
        ],
        [
            Row(
                [f"{line.number}.", line.name, line.unit, line.target, line.actual, MET_TEXT[line.met]],
                fmts=[f.TEXT, f.TEXT, f.TEXT, fmt(line.unit), fmt(line.unit), f.TEXT],
                css={True: "met", False: "not-met"}.get(line.met, ""),
            )
            for line in part.lines
        ],
        caption=f"Целевые показатели: {part.municipality.name}",
        empty_text="Территория не приняла ни одного целевого показателя.",
    )


# --- Pairings and agreements


@dataclass(frozen=True)
class PairingLine:
    mentee: str
    mentor: str
    agreement: str
    period: str
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def period_words(self) -> str:
        """«действует с 20.05.2020 по 31.08.2021» / «…, дата окончания не указана»."""
        if self.start is None:
            return f"срок действия {self.period}"
        if self.end is None:
            return f"действует с {f.ru_date(self.start)}, дата окончания не указана"
        return f"действует с {f.ru_date(self.start)} по {f.ru_date(self.end)}"


@dataclass
class PairingPart:
    lines: list[PairingLine]
    unpaired: list[str]
    sentences: list[str] = field(default_factory=list)


def agreement_text(number: str, date: dt.date | None) -> str:
    """«соглашение №12 от 19.06.2020», as much as is known."""
    parts = ["соглашение"]
    if number:
        parts.append(f"№{number}")
    if date:
        parts.append(f"от {f.ru_date(date)}")
    return " ".join(parts)


def pairing_part(scope: DocumentScope, schools: list) -> PairingPart:
    """The agreements in force during the year for the scope's schools, and the supported schools without one
    (one query; `schools` are the year's supported schools, already read)."""
    pairings = list(
        Pairing.objects.filter(
            overlapping(scope.first_day, scope.last_day), mentee__municipality_id__in=scope.municipality_ids
        )
        .select_related("mentor", "mentee")
        .order_by("mentee__short_name", "start", "pk")
    )
    lines = [
        PairingLine(
            mentee=pairing.mentee.short_name,
            mentor=pairing.mentor.short_name,
            agreement=agreement_text(pairing.agreement_number, pairing.agreement_date),
            period=pairing.period_label,
            start=pairing.start,
            end=pairing.end,
        )
        for pairing in pairings
    ]
    paired = {pairing.mentee_id for pairing in pairings}
    unpaired = [school.short_name for school in schools if school.pk not in paired]
    part = PairingPart(lines, unpaired)
    part.sentences = pairing_sentences(lines, unpaired, scope.year)
    return part


def pairing_sentences(lines: list[PairingLine], unpaired: list[str], year: int) -> list[str]:
    n = len(lines)
    if not n:
        texts = [sentence(f"Соглашения о наставничестве (сетевом взаимодействии) в {year} году не действовали")]
    else:
        texts = [
            sentence(
                f"В {year} году {plural(n, 'действовало', 'действовали', 'действовали')} "
                f"{counted(n, 'соглашение', 'соглашения', 'соглашений')} о сетевом взаимодействии школ-наставников "
                "со школами с низкими образовательными результатами"
            )
        ]
        texts.extend(
            sentence(f"{line.agreement} между {line.mentee} и {line.mentor} (школа-наставник), {line.period_words}")
            for line in lines
        )
    if unpaired:
        texts.append(sentence(f"Школа-наставник не закреплена: {join_names(unpaired)}"))
    return texts


def pairing_table(part: PairingPart) -> Table:
    return Table(
        [
            Column("Школа с низкими образовательными результатами", 30),
            Column("Школа-наставник", 30),
            Column("Соглашение", 22),
            Column("Срок действия", 18),
        ],
        [Row([line.mentee, line.mentor, line.agreement, line.period]) for line in part.lines],
        caption="Наставнические пары и соглашения",
        empty_text="Соглашений нет.",
    )


# --- Support events


@dataclass(frozen=True)
class EventLine:
    dates: str
    type: str
    topic: str
    schools: str


@dataclass
class EventPart:
    by_type: list[tuple[str, int]]
    lines: list[EventLine]
    reached: int
    supported: int
    sentences: list[str] = field(default_factory=list)


def event_part(scope: DocumentScope, schools: list) -> EventPart:
    """The year's support events of the scope: counts by type and the supported schools reached, by support's
    selectors (two queries per municipality), and the list of events with their target schools (two queries)."""
    counts: dict[str, int] = {}
    reached = 0
    for municipality in scope.municipalities:
        for kind, n in counts_by_type(scope.first_day, scope.last_day, municipality=municipality).items():
            counts[kind] = counts.get(kind, 0) + n
        if schools:
            reached += schools_reached(
                scope.first_day, scope.last_day, municipality=municipality, schools=schools, types=None
            )
    labels = dict(EventType.choices)
    by_type = sorted(((str(labels.get(kind, kind)), n) for kind, n in counts.items()), key=lambda p: (-p[1], p[0]))
    events = (
        SupportEvent.objects.overlapping(scope.first_day, scope.last_day)
        .filter(municipality_id__in=scope.municipality_ids)
        .prefetch_related("target_schools")
        .order_by("start", "topic", "pk")
    )
    lines = [
        EventLine(
            dates=event.dates_label,
            type=event.get_type_display(),
            topic=event.topic,
            schools=", ".join(sorted(school.short_name for school in event.target_schools.all())),
        )
        for event in events
    ]
    part = EventPart(by_type, lines, reached, len(schools))
    part.sentences = event_sentences(by_type, reached, len(schools), scope.year)
    return part


def event_sentences(by_type: list[tuple[str, int]], reached: int, supported: int, year: int) -> list[str]:
    total = sum(n for _label, n in by_type)
    if not total:
        return [sentence(f"Мероприятия поддержки в {year} году не проводились")]
    kinds = ", ".join(f"{label} — {n}" for label, n in by_type)
    texts = [
        sentence(
            f"В {year} году {plural(total, 'проведено', 'проведено', 'проведено')} "
            f"{counted(total, 'мероприятие', 'мероприятия', 'мероприятий')} поддержки: {kinds}"
        )
    ]
    if supported:
        texts.append(
            sentence(
                f"Мероприятиями {plural(reached, 'охвачена', 'охвачено', 'охвачено')} {reached} из "
                f"{counted(supported, 'школы', 'школ', 'школ')} с низкими образовательными результатами "
                f"({percent_text(reached, supported)})"
            )
        )
    return texts


def event_table(part: EventPart) -> Table:
    return Table(
        [
            Column("Дата", 14),
            Column("Вид", 18),
            Column("Тема", 40),
            Column("Школы", 28),
        ],
        [Row([line.dates, line.type, line.topic, line.schools]) for line in part.lines],
        caption="Мероприятия поддержки",
        empty_text="Мероприятий нет.",
    )


# --- Assessment results year to year


@dataclass(frozen=True)
class ResultLine:
    school: str
    procedure: str
    subject: str
    previous: float | None
    current: float | None
    quality_previous: float | None
    quality_current: float | None

    @property
    def ege(self) -> bool:
        return self.procedure == Procedure.EGE

    @property
    def measure(self) -> str:
        return "средний тестовый балл" if self.ege else "средняя отметка"

    @property
    def change(self) -> float | None:
        if self.previous is None or self.current is None:
            return None
        return round(self.current - self.previous, 2)


@dataclass
class ResultPart:
    lines: list[ResultLine]
    ior_years: list[int]
    ior_rows: list[tuple[str, list]]
    sentences: list[str] = field(default_factory=list)


def result_part(scope: DocumentScope, schools: list) -> ResultPart:
    """The supported schools' results of the year against the year before, per procedure and subject (grades
    pooled), from the stored aggregates with their rounding (one query), and their ИОР over four years (one)."""
    years = (scope.year - 1, scope.year)
    grouped: dict[tuple, dict[int, dict]] = {}
    if schools:
        rows = (
            SchoolAggregate.objects.filter(school__in=schools, campaign__year__in=years)
            .values("school_id", "campaign__procedure", "campaign__subject__name", "campaign__year")
            .annotate(
                n=Sum("participants"),
                m4=Sum("marks_4"),
                m5=Sum("marks_5"),
                mark_total=Sum("mark_sum"),
                marked_n=Sum("marked"),
                test_total=Sum("test_sum"),
                tested_n=Sum("tested"),
            )
            .order_by("school_id", "campaign__procedure", "campaign__subject__name", "campaign__year")
        )
        for row in rows:
            key = (row["school_id"], row["campaign__procedure"], row["campaign__subject__name"])
            grouped.setdefault(key, {})[row["campaign__year"]] = row
    names = {school.pk: school.short_name for school in schools}
    order = {school.pk: index for index, school in enumerate(schools)}
    lines = []
    for (school_id, procedure, subject), by_year in sorted(grouped.items(), key=lambda item: order[item[0][0]]):
        ege = procedure == Procedure.EGE

        def value(year, by_year=by_year, ege=ege):
            row = by_year.get(year)
            if row is None:
                return None
            return mean(row["test_total"], row["tested_n"]) if ege else mean(row["mark_total"], row["marked_n"])

        def quality(year, by_year=by_year, ege=ege):
            row = by_year.get(year)
            return None if row is None or ege else pct(row["m4"] + row["m5"], row["n"])

        lines.append(
            ResultLine(
                school=names[school_id],
                procedure=procedure,
                subject=subject,
                previous=value(years[0]),
                current=value(years[1]),
                quality_previous=quality(years[0]),
                quality_current=quality(years[1]),
            )
        )
    ior_years = list(range(scope.year - 3, scope.year + 1))
    iors: dict[int, dict[int, object]] = {}
    if schools:
        for school_id, year, ior in SchoolYearProfile.objects.filter(
            school__in=schools, year__in=ior_years, ior__isnull=False
        ).values_list("school_id", "year", "ior"):
            iors.setdefault(school_id, {})[year] = ior
    ior_rows = [
        (school.short_name, [iors[school.pk].get(y) for y in ior_years]) for school in schools if school.pk in iors
    ]
    part = ResultPart(lines, ior_years, ior_rows)
    part.sentences = result_sentences(lines, scope.year) + ior_sentences(ior_years, ior_rows)
    return part


VERBS = {  # the measure's gender decides the verb: «средняя отметка выросла», «средний балл вырос»
    False: ("выросла", "снизилась", "не изменилась"),
    True: ("вырос", "снизился", "не изменился"),
}


def result_sentences(lines: list[ResultLine], year: int) -> list[str]:
    """How the results moved from the year before: a summary, then one sentence per school, procedure and subject."""
    previous = year - 1
    if not lines:
        return [
            sentence(
                f"Результатов оценочных процедур школ с низкими образовательными результатами за {previous}–{year} "
                "годы в портале нет"
            )
        ]
    texts = []
    up = down = 0
    for line in lines:
        subject = f"{line.school}, {line.procedure}, {line.subject.lower()}"
        if line.change is None:
            known_year = year if line.current is not None else previous
            known = line.current if line.current is not None else line.previous
            other = previous if known_year == year else year
            texts.append(
                sentence(
                    f"{subject}: {line.measure} {f.ru_number(known, 2)} в {known_year} году, "
                    f"данных за {other} год для сравнения нет"
                )
            )
            continue
        rose, fell, same = VERBS[line.ege]
        before, after = f.ru_number(line.previous, 2), f.ru_number(line.current, 2)
        if line.change > 0:
            up += 1
            text = f"{subject}: {line.measure} {rose} с {before} ({previous}) до {after} ({year})"
        elif line.change < 0:
            down += 1
            text = f"{subject}: {line.measure} {fell} с {before} ({previous}) до {after} ({year})"
        else:
            text = f"{subject}: {line.measure} {same} ({after} в {previous} и {year} годах)"
        if line.quality_previous is not None and line.quality_current is not None:
            text += (
                f", качество знаний {f.display(line.quality_previous, f.PERCENT1)} → "
                f"{f.display(line.quality_current, f.PERCENT1)}"
            )
        texts.append(sentence(text))
    compared = sum(1 for line in lines if line.change is not None)
    if compared:
        texts.insert(
            0,
            sentence(
                f"По сравнению с {previous} годом результаты выросли по {up}, снизились по {down} из "
                f"{counted(compared, 'сопоставимой работы', 'сопоставимых работ', 'сопоставимых работ')}"
            ),
        )
    return texts


def ior_sentences(years: list[int], rows: list[tuple[str, list]]) -> list[str]:
    """«Индекс образовательных результатов (ИОР): МКОУ X — 0,566 (2017), 0,395 (2018)»."""
    if not rows:
        return []

    def series(values):
        known = [(year, value) for year, value in zip(years, values, strict=True) if value is not None]
        return ", ".join(f"{f.ru_number(value, 3)} ({year})" for year, value in known)

    schools = "; ".join(f"{name} — {series(values)}" for name, values in rows)
    return [sentence(f"Индекс образовательных результатов (ИОР): {schools}")]


def result_tables(part: ResultPart, year: int) -> list[Table]:
    tables = []
    if part.lines:
        tables.append(
            Table(
                [
                    Column("Школа", 24),
                    Column("Процедура, предмет", 20),
                    Column("Показатель", 14),
                    Column(f"{year - 1}", 9, f.NUMBER2),
                    Column(f"{year}", 9, f.NUMBER2),
                    Column("Изменение", 10, f.NUMBER2),
                    Column(f"Качество знаний {year - 1}, %", 10, f.PERCENT1),
                    Column(f"Качество знаний {year}, %", 10, f.PERCENT1),
                ],
                [
                    Row(
                        [
                            line.school,
                            f"{line.procedure}, {line.subject}",
                            line.measure,
                            line.previous,
                            line.current,
                            line.change,
                            line.quality_previous,
                            line.quality_current,
                        ]
                    )
                    for line in part.lines
                ],
                caption="Динамика результатов оценочных процедур",
            )
        )
    if part.ior_rows:
        tables.append(
            Table(
                [Column("Школа", 40), *(Column(str(y), 12, f.NUMBER3) for y in part.ior_years)],
                [Row([name, *values]) for name, values in part.ior_rows],
                caption="Индекс образовательных результатов (ИОР)",
            )
        )
    return tables


# --- The whole report


@dataclass
class Part:
    heading: str
    paragraphs: list[str]
    tables: list[Table]
    charts: list = field(default_factory=list)

    def blocks(self) -> list:
        """The part as the document's blocks: its heading, its sentences, its tables, then each chart followed by
        the table of its numbers (the text alternative, and what the workbook holds instead of a picture)."""
        blocks = [Heading(self.heading), *(Paragraph(text) for text in self.paragraphs), *self.tables]
        for chart in self.charts:
            blocks.extend([Figure(chart.svg(), caption=str(chart.title)), chart_numbers(chart)])
        return blocks


DECIMAL_FORMATS = {0: f.INTEGER, 1: f.NUMBER1, 2: f.NUMBER2, 3: f.NUMBER3}


def chart_numbers(chart) -> Table:
    """A dynamics chart's years, actual values and targets as a table of numbers."""
    fmt = DECIMAL_FORMATS.get(chart.decimals, f.NUMBER)
    columns = [Column("Год", 10, css="center"), Column(str(chart.value_label).capitalize(), 18, fmt)]
    targets = chart.targets if chart.targets is not None else ()
    if targets:
        columns.append(Column(str(chart.target_label).capitalize(), 18, fmt))
    rows = [
        Row([str(category), chart.values[index], *([targets[index]] if targets else [])])
        for index, category in enumerate(chart.categories)
    ]
    return Table(columns, rows, caption=f"{chart.title}: значения по годам")


def introduction(scope: DocumentScope, plans: list[Plan], schools: list) -> list[str]:
    texts = []
    for plan in plans:
        # The titles begin with «План…» or «Программа…» themselves: the sentence starts with the title.
        text = f"«{plan.title}» ({plan.period_label}): "
        if plan.approval_label:
            text += f"утверждён приказом {plan.approval_label}"
            if plan.approved_by:
                text += f" ({plan.approved_by})"
            text += ", "
        texts.append(sentence(text + f"статус — {plan.get_status_display()}"))
    if not plans:
        texts.append(sentence(f"В {scope.year} году планов мероприятий, находящихся на исполнении, не было"))
    if schools:
        n = len(schools)
        texts.append(
            sentence(
                f"В {scope.year} году {plural(n, 'сопровождалась', 'сопровождались', 'сопровождались')} "
                f"{counted(n, 'школа', 'школы', 'школ')} с низкими образовательными результатами: "
                f"{join_names(school.short_name for school in schools)}"
            )
        )
    else:
        texts.append(sentence(f"В {scope.year} году школ с низкими образовательными результатами в реестре не было"))
    return texts


def analytical_parts(scope: DocumentScope, plan: Plan | None = None, *, today: dt.date | None = None) -> dict:
    """Everything the report says, as numbered parts of sentences, tables and charts."""
    report_date = scope.report_date(today)
    schools = list(supported_schools(scope))
    plans = plans_of(scope, plan)
    execution = plan_execution(plans, scope, report_date)
    indicators = indicator_part(scope)
    pairings = pairing_part(scope, schools)
    events = event_part(scope, schools)
    results = result_part(scope, schools)

    execution_paragraphs, execution_tables_ = [], []
    for item in execution:
        execution_paragraphs.extend(item.sentences)
        execution_tables_.extend(execution_tables(item))
    if not execution:
        execution_paragraphs.append(sentence("Планов мероприятий на исполнении в отчётном году не было"))
    indicator_paragraphs = []
    for part in indicators:
        prefix = f"{part.municipality.name}. " if scope.is_region else ""
        indicator_paragraphs.extend(prefix + text for text in part.sentences)
    parts = [
        Part("1. Общие сведения", introduction(scope, plans, schools), []),
        Part("2. Выполнение мероприятий дорожной карты", execution_paragraphs, execution_tables_),
        Part(
            "3. Достижение целевых показателей",
            indicator_paragraphs,
            [indicator_table(part) for part in indicators],
            [chart for part in indicators for chart in part.charts],
        ),
        Part("4. Наставничество и сетевое взаимодействие", pairings.sentences, [pairing_table(pairings)]),
        Part("5. Мероприятия поддержки", events.sentences, [event_table(events)]),
        Part("6. Результаты оценочных процедур", results.sentences, result_tables(results, scope.year)),
    ]
    return {
        "report_date": report_date,
        "schools": schools,
        "plans": plans,
        "execution": execution,
        "indicators": indicators,
        "pairings": pairings,
        "events": events,
        "results": results,
        "parts": parts,
    }


class AnalyticalReport(Document):
    """Kind 3 (SPEC §2.5): the report on the roadmap's execution, written from the data of the year."""

    kind = "analytical"
    kind_label = "Аналитическая справка"
    landscape = False
    template_name = "reports/documents/analytical.html"  # the shared blocks

    def build(self) -> dict:
        scope = document_scope(self.unit, self.year)
        data = analytical_parts(scope, self.plan)
        parts = data["parts"]
        return {
            "title": "АНАЛИТИЧЕСКАЯ СПРАВКА",
            "subtitle_lines": [
                "о выполнении плана мероприятий («дорожной карты») по повышению качества образования "
                "в общеобразовательных организациях с низкими образовательными результатами",
                f"{self.unit_name}, {self.year} год (по состоянию на {f.ru_date(data['report_date'])})",
            ],
            "blocks": [block for part in parts for block in part.blocks()],
            "parts": parts,
            "report_date": data["report_date"],
        }

    def xlsx(self) -> bytes:
        """The shared workbook of the blocks, with the document's title row kept in view and printed on every page:
        a sheet of text and many tables has no one table header to freeze or to repeat."""
        workbook = load_workbook(io.BytesIO(super().xlsx()))
        sheet = workbook.active
        title_row = next(
            (cell.row for cell in sheet["A"][:10] if cell.value == self.title), 1
        )  # below the annex lines, if any
        sheet.freeze_panes = sheet.cell(row=title_row + 1, column=1)
        sheet.print_title_rows = f"{title_row}:{title_row}"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
