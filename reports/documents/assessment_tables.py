"""Kind 5: the assessment tables of each supported school (seed 004 Таблицы 7, 9, 10 and 12), SPEC §2.5.

- Таблица 7, ВПР: Год · Предмет · Класс · Количество обучающихся · Максимальный балл за работу в целом · Средний
  первичный балл · Средняя отметка · Качество/успеваемость (two columns here, so that a workbook holds two numbers);
  a row per parallel, then a row per class.
- Таблицы 9 and 10, ВПР per subject: Год · Класс · Количество выполнявших работу · Подтвердили / Повысили / Понизили
  результат, % (the marks of the work against the journal's).
- Таблица 12, ЕГЭ per subject: Год · Количество обучающихся · Средний балл · Максимальный балл, набранный учеником.

Numbers come from the stored aggregates (`SchoolAggregate`, `row_of` with its rounding) and their class rows
(`class_rows_of`); where the portal has no results of a work, those a document published (`PublishedResult`, seed
004's own tables in the demo) are shown as written, marked «*» — «по данным источника». The tables cover the
document's year and the three before it. Five queries whatever the number of schools and campaigns.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.assessments.aggregates import class_rows_of, row_of
from reports.assessments.models import Procedure, PublishedResult, SchoolAggregate

from . import formatting as f
from .base import Column, Document, Row, Table
from .scope import document_scope, supported_schools

YEARS_BACK = 3  # the seed's tables cover three years before the report
SHOWN = (Procedure.VPR, Procedure.EGE)
PUBLISHED_MARK = "*"


@dataclass(frozen=True)
class ResultRow:
    """One line of a table: a parallel (class_name "") or one of its classes, in one campaign."""

    procedure: str
    year: int
    subject: str
    grade: int
    class_name: str
    participants: int | None
    max_score: object = None
    mean_primary: object = None
    mean_mark: object = None
    quality: object = None
    success: object = None
    confirmed: object = None
    raised: object = None
    lowered: object = None
    mean_score: object = None
    best_score: object = None
    published: bool = False

    @property
    def year_label(self) -> str:
        return f"{self.year}{PUBLISHED_MARK if self.published else ''}"

    @property
    def class_label(self) -> str:
        """«5» for the parallel, «5а» for a class (a source that names the class by its letter alone gets the grade)."""
        if not self.class_name:
            return str(self.grade)
        return self.class_name if self.class_name[0].isdigit() else f"{self.grade}{self.class_name}"

    @property
    def compared(self) -> bool:
        return any(value is not None for value in (self.confirmed, self.raised, self.lowered))


def computed_row(procedure: str, year: int, subject: str, grade: int, class_name: str, row: dict, primary_max):
    return ResultRow(
        procedure=procedure,
        year=year,
        subject=subject,
        grade=grade,
        class_name=class_name,
        participants=row["participants"],
        max_score=primary_max,
        mean_primary=row.get("mean_primary"),
        mean_mark=row.get("mean_mark"),
        quality=row.get("quality_pct"),
        success=row.get("success_pct"),
        confirmed=row.get("confirmed_pct"),
        raised=row.get("raised_pct"),
        lowered=row.get("lowered_pct"),
        mean_score=row.get("mean_score"),
        best_score=row.get("max_score"),
    )


def school_results(schools, year: int) -> dict[int, list[ResultRow]]:
    """school id → its rows of the years [year − 3, year]: the portal's own, then the published ones of works the
    portal has no results of."""
    years = list(range(year - YEARS_BACK, year + 1))
    if not schools:
        return {}
    aggregates = list(
        SchoolAggregate.objects.filter(school__in=schools, campaign__year__in=years, campaign__procedure__in=SHOWN)
        .select_related("school", "campaign__subject")
        .order_by("school_id", "campaign__year", "campaign__subject__name", "campaign__grade")
    )
    classes = class_rows_of({a.campaign for a in aggregates}, schools)
    result: dict[int, list[ResultRow]] = {}
    known = set()
    for aggregate in aggregates:
        campaign = aggregate.campaign
        subject = campaign.subject.name
        key = (campaign.procedure, campaign.year, subject, campaign.grade)
        known.add((aggregate.school_id, *key))
        rows = result.setdefault(aggregate.school_id, [])
        rows.append(computed_row(*key, "", row_of(aggregate, campaign.procedure), aggregate.primary_max))
        for class_name, row in classes.get((campaign.pk, aggregate.school_id), []):
            rows.append(computed_row(*key, class_name, row, aggregate.primary_max))
    published = PublishedResult.objects.filter(school__in=schools, year__in=years, procedure__in=SHOWN).select_related(
        "subject"
    )
    for item in published.order_by("school_id", "year", "subject__name", "grade", "class_name"):
        key = (item.procedure, item.year, item.subject.name, item.grade)
        if (item.school_id, *key) in known:
            continue
        result.setdefault(item.school_id, []).append(
            ResultRow(
                *key,
                class_name=item.class_name,
                participants=item.participants,
                max_score=item.max_score,
                mean_primary=item.mean_primary,
                mean_mark=item.mean_mark,
                quality=item.quality_pct,
                success=item.success_pct,
                confirmed=item.confirmed_pct,
                raised=item.raised_pct,
                lowered=item.lowered_pct,
                mean_score=item.mean_score,
                best_score=item.best_score,
                published=True,
            )
        )
    return result


def vpr_table(school_name: str, rows: list[ResultRow]) -> Table:
    """Таблица 7: a row per parallel and per class, by year and subject."""
    ordered = sorted(rows, key=lambda r: (r.year, r.subject, r.grade, r.class_name))
    return Table(
        [
            Column("Год", 8, css="center"),
            Column("Предмет", 18),
            Column("Класс", 8, css="center"),
            Column("Количество обучающихся", 12, f.INTEGER),
            Column("Максимальный балл за работу в целом", 13, f.INTEGER),
            Column("Средний первичный балл", 12, f.NUMBER2),
            Column("Средняя отметка", 11, f.NUMBER2),
            Column("Качество, %", 11, f.PERCENT1),
            Column("Успеваемость, %", 11, f.PERCENT1),
        ],
        [
            Row(
                [
                    r.year_label,
                    r.subject,
                    r.class_label,
                    r.participants,
                    r.max_score,
                    r.mean_primary,
                    r.mean_mark,
                    r.quality,
                    r.success,
                ],
                css="" if r.class_name else "total",
            )
            for r in ordered
        ],
        caption=f"{school_name}. Анализ результатов ВПР",
    )


def confirmation_table(school_name: str, subject: str, rows: list[ResultRow]) -> Table:
    """Таблицы 9 and 10: the marks of the work against the journal's, per year and parallel (or class)."""
    ordered = sorted(rows, key=lambda r: (r.year, r.grade, r.class_name))
    return Table(
        [
            Column("Год", 9, css="center"),
            Column("Класс", 9, css="center"),
            Column("Количество выполнявших работу", 16, f.INTEGER),
            Column("Подтвердили результат, %", 15, f.PERCENT1),
            Column("Повысили результат, %", 15, f.PERCENT1),
            Column("Понизили результат, %", 15, f.PERCENT1),
        ],
        [
            Row([r.year_label, r.class_label, r.participants, r.confirmed, r.raised, r.lowered])
            for r in ordered
            if r.compared
        ],
        caption=f"{school_name}. ВПР, {subject.lower()}: подтверждение отметок",
    )


def ege_table(school_name: str, rows: list[ResultRow]) -> Table:
    """Таблица 12: per subject (a section row), a row per year."""
    table_rows: list[Row] = []
    for subject in sorted({r.subject for r in rows}):
        table_rows.append(Row(["", subject], section=True))
        for r in sorted((r for r in rows if r.subject == subject and not r.class_name), key=lambda r: r.year):
            table_rows.append(Row([r.year_label, r.participants, r.mean_score, r.best_score]))
    return Table(
        [
            Column("Год", 10, css="center"),
            Column("Количество обучающихся", 16, f.INTEGER),
            Column("Средний балл", 14, f.NUMBER2),
            Column("Максимальный балл, набранный учеником", 18, f.INTEGER),
        ],
        table_rows,
        caption=f"{school_name}. Сравнительный анализ результатов ЕГЭ по предметам",
    )


def school_tables(school_name: str, rows: list[ResultRow]) -> list[Table]:
    vpr = [r for r in rows if r.procedure == Procedure.VPR]
    ege = [r for r in rows if r.procedure == Procedure.EGE]
    tables = []
    if vpr:
        tables.append(vpr_table(school_name, vpr))
        for subject in sorted({r.subject for r in vpr if r.compared}):
            tables.append(confirmation_table(school_name, subject, [r for r in vpr if r.subject == subject]))
    if ege:
        tables.append(ege_table(school_name, ege))
    return tables


class AssessmentTables(Document):
    """Kind 5 (SPEC §2.5): the ВПР and ЕГЭ tables of each supported school of the year."""

    kind = "results"
    kind_label = "Результаты оценочных процедур"
    landscape = True
    template_name = "reports/documents/results.html"

    def build(self) -> dict:
        scope = document_scope(self.unit, self.year)
        schools = list(supported_schools(scope))
        results = school_results(schools, self.year)
        sections = []
        for school in schools:
            rows = results.get(school.pk, [])
            if rows:
                sections.append((school, school_tables(school.short_name, rows)))
        tables = [table for _school, own in sections for table in own]
        subtitle = [
            "школ с низкими образовательными результатами",
            f"{self.unit_name}, {self.year - YEARS_BACK}–{self.year} годы",
        ]
        if any(row.published for rows in results.values() for row in rows):
            subtitle.append(f"{PUBLISHED_MARK} — по данным источника (результаты, опубликованные в документах)")
        if not tables:
            tables = [
                Table(
                    [Column("Результаты", 100)],
                    [],
                    empty_text="Результатов ВПР и ЕГЭ школ с низкими образовательными результатами за эти годы нет.",
                )
            ]
        return {
            "title": "РЕЗУЛЬТАТЫ ОЦЕНОЧНЫХ ПРОЦЕДУР",
            "subtitle_lines": subtitle,
            "tables": tables,
            "sections": sections,
        }
