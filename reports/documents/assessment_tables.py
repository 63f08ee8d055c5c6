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
from shnor_portal.xlsx import SheetWriter

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
    def has_figures(self) -> bool:
        """Whether the row has a figure of Таблица 7 (a published row may hold only the confirmation shares)."""
        figures = (self.max_score, self.mean_primary, self.mean_mark, self.quality, self.success)
        return any(value is not None for value in figures)

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


VPR_COLUMNS = [
    Column("Год", 8, css="center"),
    Column("Предмет", 18),
    Column("Класс", 8, css="center"),
    Column("Количество обучающихся", 12, f.INTEGER),
    Column("Максимальный балл за работу в целом", 13, f.INTEGER),
    Column("Средний первичный балл", 12, f.NUMBER2),
    Column("Средняя отметка", 11, f.NUMBER2),
    Column("Качество, %", 11, f.PERCENT1),
    Column("Успеваемость, %", 11, f.PERCENT1),
]
CONFIRMATION_COLUMNS = [
    Column("Год", 9, css="center"),
    Column("Класс", 9, css="center"),
    Column("Количество выполнявших работу", 16, f.INTEGER),
    Column("Подтвердили результат, %", 15, f.PERCENT1),
    Column("Повысили результат, %", 15, f.PERCENT1),
    Column("Понизили результат, %", 15, f.PERCENT1),
]
EGE_COLUMNS = [
    Column("Год", 10, css="center"),
    Column("Количество обучающихся", 16, f.INTEGER),
    Column("Средний балл", 14, f.NUMBER2),
    Column("Максимальный балл, набранный учеником", 18, f.INTEGER),
]
# The document's three tables, each with the schools as section rows; in the workbook each is a sheet of its own, so
# that each sheet freezes and prints its own header.
TABLES = (
    ("ВПР", "1. Анализ результатов ВПР (по параллелям и классам)"),
    ("ВПР, отметки", "2. Результаты ВПР и отметки по журналу: подтвердили, повысили, понизили"),
    ("ЕГЭ", "3. Сравнительный анализ результатов ЕГЭ по предметам"),
)


def vpr_rows(rows: list[ResultRow]) -> list[Row]:
    """Таблица 7: a row per parallel (bold) and per class, by year and subject."""
    shown = [r for r in rows if r.has_figures or not r.compared]
    ordered = sorted(shown, key=lambda r: (r.year, r.subject, r.grade, r.class_name))
    return [
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
    ]


def confirmation_rows(rows: list[ResultRow]) -> list[Row]:
    """Таблицы 9 and 10: per subject (a section row), the marks of the work against the journal's."""
    result = []
    for subject in sorted({r.subject for r in rows if r.compared}):
        result.append(Row(["", subject], section=True, css="subsection"))
        own = sorted(
            (r for r in rows if r.subject == subject and r.compared), key=lambda r: (r.year, r.grade, r.class_name)
        )
        result.extend(Row([r.year_label, r.class_label, r.participants, r.confirmed, r.raised, r.lowered]) for r in own)
    return result


def ege_rows(rows: list[ResultRow]) -> list[Row]:
    """Таблица 12: per subject (a section row), a row per year."""
    result = []
    for subject in sorted({r.subject for r in rows}):
        result.append(Row(["", subject], section=True, css="subsection"))
        own = sorted((r for r in rows if r.subject == subject and not r.class_name), key=lambda r: r.year)
        result.extend(Row([r.year_label, r.participants, r.mean_score, r.best_score]) for r in own)
    return result


def result_tables(schools, results: dict[int, list[ResultRow]]) -> list[Table]:
    """The three tables, a section row per school that has rows in it; a table no school has rows in is left out."""
    parts: list[list[Row]] = [[], [], []]
    for school in schools:
        rows = results.get(school.pk, [])
        vpr = [r for r in rows if r.procedure == Procedure.VPR]
        ege = [r for r in rows if r.procedure == Procedure.EGE]
        for index, own in enumerate((vpr_rows(vpr), confirmation_rows(vpr), ege_rows(ege))):
            if own:
                parts[index].append(Row(["", school.short_name], section=True))
                parts[index].extend(own)
    columns = (VPR_COLUMNS, CONFIRMATION_COLUMNS, EGE_COLUMNS)
    return [Table(columns[index], rows, caption=TABLES[index][1]) for index, rows in enumerate(parts) if rows]


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
        tables = result_tables(schools, results)
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
        return {"title": "РЕЗУЛЬТАТЫ ОЦЕНОЧНЫХ ПРОЦЕДУР", "subtitle_lines": subtitle, "tables": tables}

    def xlsx(self) -> bytes:
        """A sheet per table, each with the document's title, its own frozen header and print titles."""
        context = self.context()
        first = None
        for index, table in enumerate(context["tables"]):
            name = next((short for short, caption in TABLES if caption == table.caption), self.kind_label)
            sheet = SheetWriter(name, [float(column.width) for column in table.columns], landscape=self.landscape)
            if first is None:
                first = sheet
            else:  # the same workbook: a writer per sheet, so that each keeps its own widths and header
                sheet.workbook = first.workbook
                sheet.ws = first.workbook.create_sheet(name)
            sheet.text(self.title, bold=True, size=13, align="center")
            for line in context["subtitle_lines"]:
                sheet.text(line, align="center")
            sheet.blank()
            write_table(sheet, table)
            if index:
                sheet.save()  # applies this sheet's widths, header and page set-up
        return first.save()


def write_table(sheet: SheetWriter, table: Table) -> None:
    """A table on its sheet as Document.xlsx writes one: caption, header, rows with their number formats, section
    rows across the table."""
    if table.caption:
        sheet.text(table.caption, bold=True)
    sheet.header(table.header_rows())
    for row in table.rows:
        if row.section and not row.full:  # its title across the table, after its number if it has one
            number, title = [*row.values, "", ""][:2]
            if number:
                sheet.data([number, title], bold=True, merge_from=2)
            else:
                sheet.data([title], bold=True, merge_from=1)
            continue
        values, formats = table.xlsx_values(row)
        sheet.data(values, formats, bold=row.section or row.css == "total")
    if not table.rows and table.empty_text:
        sheet.data([table.empty_text], merge_from=1)
