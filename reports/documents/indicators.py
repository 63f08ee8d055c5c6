"""Kind 2: the target indicators annex («ЦЕЛЕВЫЕ ПОКАЗАТЕЛИ», seed 003 Приложение № 1), SPEC §2.5:
№ · показатель · ед. изм. · базовое значение · плановое · фактическое · выполнение.

The figures are those of the indicator pages (reports.indicators.selectors.indicator_rows, four queries per
municipality): the indicators the municipality adopted, their baseline, the target of the year and the stored actual
value. A region's annex lists each of its municipalities as a section.
"""

from __future__ import annotations

from registry.models import Municipality
from reports.indicators.models import Unit
from reports.indicators.selectors import IndicatorRow, indicator_rows

from . import formatting as f
from .base import Annex, Column, Document, Row, Table
from .plan import order_label
from .selection import plans_for

MET_LABELS = {True: "выполнено", False: "не выполнено", None: "нет данных"}


def _fmt(unit: str) -> str:
    return f.PERCENT1 if unit == Unit.PERCENT else f.NUMBER


def indicator_row(number: int, row: IndicatorRow) -> Row:
    fmt = _fmt(row.unit)
    baseline = row.baseline_value
    return Row(
        [f"{number}.", row.name, row.unit, baseline, row.target, row.actual, MET_LABELS[row.met]],
        fmts=[f.TEXT, f.TEXT, f.TEXT, fmt, fmt, fmt, f.TEXT],
        css={True: "met", False: "not-met"}.get(row.met, ""),
    )


class IndicatorsAnnex(Document):
    kind = "indicators"
    kind_label = "Целевые показатели"
    landscape = False
    template_name = "reports/documents/indicators.html"
    annex_number = "2"

    def municipalities(self) -> list[Municipality]:
        if isinstance(self.unit, Municipality):
            return [self.unit]
        return list(Municipality.objects.filter(region=self.unit).order_by("name"))

    def source_plan(self):
        """The plan whose order the annex belongs to: the one named, else the unit's approved plan of the year."""
        return self.plan or plans_for(self.unit, self.year).first()

    def annex(self) -> Annex:
        plan = self.source_plan()
        if plan is None:
            return Annex(number=self.annex_number)
        order = order_label(plan)
        return Annex(number=self.annex_number, to_order=f"к приказу {order}" if order else f"к «{plan.title}»")

    def build(self) -> dict:
        municipalities = self.municipalities()
        rows: list[Row] = []
        baseline_years: set[int] = set()
        for municipality in municipalities:
            adopted = indicator_rows(municipality, self.year, adopted_only=True)
            if len(municipalities) > 1:
                rows.append(Row(["", municipality.name], section=True))
            for number, row in enumerate(adopted, start=1):
                rows.append(indicator_row(number, row))
                if row.baseline_year:
                    baseline_years.add(row.baseline_year)
        baseline = "Базовое значение"
        if len(baseline_years) == 1:
            baseline += f" ({next(iter(baseline_years))} г.)"
        columns = [
            Column("№ п/п", 7, css="center"),
            Column("Наименование показателя", 50),
            Column("Единица измерения", 12, css="center"),
            Column(baseline, 12),
            Column(f"Плановое значение на {self.year} г.", 12),
            Column(f"Фактическое значение за {self.year} г.", 12),
            Column("Выполнение", 13, css="center"),
        ]
        plan = self.source_plan()
        subtitle = [f"{self.unit_name}, {self.year} год"]
        if plan is not None:
            subtitle.insert(0, f"реализации «{plan.title}»")
        return {
            "title": "ЦЕЛЕВЫЕ ПОКАЗАТЕЛИ",
            "subtitle_lines": subtitle,
            "tables": [
                Table(
                    columns,
                    rows,
                    numbered_columns=True,
                    empty_text="Территория не приняла ни одного целевого показателя.",
                )
            ],
        }
