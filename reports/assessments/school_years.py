"""A school's results year by year for each procedure, subject and grade, with the differences from the year before,
and the distribution of marks per campaign: the tables and charts of the school page's «Results» tab. One query."""

from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shnor_portal.charts import distribution_chart
from shnor_portal.deltas import DeltaCell, compare

from .aggregates import mean, pct
from .models import Procedure, SchoolAggregate

MARKS = ("2", "3", "4", "5")


@dataclass(frozen=True)
class YearRow:
    year: int
    participants: DeltaCell
    mean: DeltaCell
    success: DeltaCell
    quality: DeltaCell
    primary: DeltaCell  # the mean primary score
    marks: tuple[int, int, int, int]


@dataclass(frozen=True)
class Work:
    """One procedure × subject × grade over the years (a campaign per year)."""

    procedure: str
    subject: str
    grade: int
    rows: list[YearRow]

    @property
    def by_test_score(self) -> bool:
        return self.procedure == Procedure.EGE

    @property
    def title(self) -> str:
        return _("%(procedure)s. %(subject)s, grade %(grade)s") % {
            "procedure": self.procedure,
            "subject": self.subject,
            "grade": self.grade,
        }


def school_results_by_year(school) -> list[Work]:
    """Each work the school took part in, its years in order, every number counted by SQL from the stored
    aggregates (one query); means and shares rounded as on every result table (`mean`, `pct`)."""
    rows = (
        SchoolAggregate.objects.filter(school=school)
        .values("campaign__procedure", "campaign__subject__name", "campaign__grade", "campaign__year")
        .annotate(
            n=Sum("participants"),
            m2=Sum("marks_2"),
            m3=Sum("marks_3"),
            m4=Sum("marks_4"),
            m5=Sum("marks_5"),
            mark_total=Sum("mark_sum"),
            marked_n=Sum("marked"),
            test_total=Sum("test_sum"),
            tested_n=Sum("tested"),
            primary_total=Sum("primary_sum"),
            scored_n=Sum("scored"),
        )
        .order_by("campaign__procedure", "campaign__subject__name", "campaign__grade", "campaign__year")
    )
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        key = (row["campaign__procedure"], row["campaign__subject__name"], row["campaign__grade"])
        groups.setdefault(key, []).append(row)
    works = []
    for (procedure, subject, grade), years in groups.items():
        ege = procedure == Procedure.EGE
        labels = [str(row["campaign__year"]) for row in years]
        participants = compare([row["n"] for row in years], labels)
        means = compare(
            [
                mean(row["test_total"], row["tested_n"]) if ege else mean(row["mark_total"], row["marked_n"])
                for row in years
            ],
            labels,
            decimals=2,
        )
        success = compare(
            [None if ege else pct(row["m3"] + row["m4"] + row["m5"], row["n"]) for row in years], labels, decimals=1
        )
        quality = compare([None if ege else pct(row["m4"] + row["m5"], row["n"]) for row in years], labels, decimals=1)
        primary = compare([mean(row["primary_total"], row["scored_n"]) for row in years], labels, decimals=2)
        works.append(
            Work(
                procedure,
                subject,
                grade,
                [
                    YearRow(row["campaign__year"], *cells, (row["m2"], row["m3"], row["m4"], row["m5"]))
                    for row, *cells in zip(years, participants, means, success, quality, primary, strict=True)
                ],
            )
        )
    return works


def marks_charts(works: list[Work]) -> list:
    """A distribution of marks per procedure and subject, a bar per campaign (year and grade); works scored by test
    score (ЕГЭ) have no marks to show."""
    bars: dict[tuple[str, str], list] = {}
    for work in works:
        if work.by_test_score:
            continue
        for row in work.rows:
            label = _("%(year)s, grade %(grade)s") % {"year": row.year, "grade": work.grade}
            bars.setdefault((work.procedure, work.subject), []).append((row.year, work.grade, label, row.marks))
    charts = []
    for (procedure, subject), items in bars.items():
        items.sort()
        chart = distribution_chart(
            [(label, marks) for _year, _grade, label, marks in items],
            title=_("%(procedure)s, %(subject)s: marks by campaign") % {"procedure": procedure, "subject": subject},
            categories=MARKS,
            category_caption=pgettext("marks chart", "mark"),
        )
        if chart:
            charts.append(((procedure, subject), chart))
    return charts
