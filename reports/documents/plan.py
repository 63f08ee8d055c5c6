"""Kind 1: the plan annex (План мероприятий / дорожная карта) of any plan, in the seeds' layout.

Sections and activities print with their numbers exactly as the plan holds them («1.», «I.», «1.1», none at all in
seed 000); the columns are those of seeds 000/001: № п/п · Наименование мероприятия · Сроки исполнения ·
Ответственные · Ожидаемый результат (the number column only when the plan numbers anything). A plan with funding
data (seed 003) adds «Источник финансирования» and the amounts per year under the grouped header «Объем средств
(рублей)», before the expected result as in the seed. Three queries whatever the plan's size.
"""

from __future__ import annotations

import decimal

from roadmaps.models import Activity, Section
from shnor_portal.xlsx import HeaderCell

from . import formatting as f
from .base import Annex, Column, Document, Row, Table
from .selection import APPROVED

AMOUNTS_GROUP = "Объем средств на реализацию программы (рублей)"


def amount_value(amount: str):
    """A year's amount as a Decimal to print with decimal commas; «x» (not applicable) or text as written."""
    try:
        return decimal.Decimal(amount) if amount and amount != "x" else amount
    except decimal.InvalidOperation:
        return amount


def order_label(plan) -> str:
    """«от 04.09.2020 № 400а/п» of the plan's approval order; empty when it has none."""
    parts = []
    if plan.approval_date:
        parts.append(f"от {f.ru_date(plan.approval_date)}")
    if plan.approval_number:
        parts.append(f"№ {plan.approval_number}")
    return " ".join(parts)


class PlanAnnex(Document):
    kind = "plan"
    kind_label = "План мероприятий (дорожная карта)"
    landscape = True
    template_name = "reports/documents/plan.html"
    needs_plan = True
    annex_number = "1"

    def annex(self) -> Annex:
        plan = self.plan
        order = order_label(plan)
        if plan.status not in APPROVED:
            return Annex(number=self.annex_number, draft=True)
        approved = [line for line in (plan.approved_by, f"приказ {order}" if order else "") if line]
        return Annex(
            number=self.annex_number,
            to_order=f"к приказу {order}" if order else "",
            approved=approved or ["приказом руководителя"],
        )

    def build(self) -> dict:
        plan = self.plan
        sections = list(Section.objects.filter(plan=plan).order_by("order", "pk"))
        activities: dict[int, list[Activity]] = {}
        for activity in (
            Activity.objects.filter(section__plan=plan)
            .only(
                "pk",
                "section_id",
                "number",
                "name",
                "deadline_text",
                "responsible",
                "expected_result",
                "funding_source",
                "funding",
            )
            .order_by("order", "pk")
        ):
            activities.setdefault(activity.section_id, []).append(activity)

        every = [a for group in activities.values() for a in group]
        numbered = any(s.number for s in sections) or any(a.number for a in every)
        funded = any(a.funding_source or a.funding for a in every)
        years = sorted({year for a in every for year in a.funding or {}})
        columns = [
            Column("Наименование мероприятия", 50 if funded else 60),
            Column("Сроки исполнения", 22),
            Column("Ответственные", 28 if funded else 34),
            Column("Ожидаемый результат", 30 if funded else 44),
        ]
        if funded:
            columns[3:3] = [
                Column("Источник финансирования", 24),
                *(Column(year, 14, f.NUMBER2, "num") for year in years),
            ]
        if numbered:
            columns.insert(0, Column("№ п/п", 8, css="center"))
        header = None
        if years:
            # The seed's grouped header: each column spans both rows, the amounts' group spans the year columns.
            first = [HeaderCell(str(column.title), rowspan=2) for column in columns]
            at = columns.index(Column("Источник финансирования", 24)) + 1
            first[at : at + len(years)] = [HeaderCell(AMOUNTS_GROUP, colspan=len(years))]
            header = [first, [HeaderCell(year) for year in years]]
        blank_funding = [""] * (1 + len(years)) if funded else []

        rows = []
        for section in sections:
            title = section.title or ""
            if section.deadline_text or section.responsible:
                # A stage row with its own deadline or responsible (seed 003): those belong to the section.
                values = [title, section.deadline_text, section.responsible, *blank_funding, ""]
                rows.append(Row([section.number, *values] if numbered else values, section=True))
            elif title or section.number:
                rows.append(Row([section.number if numbered else "", title], section=True))
            for activity in activities.get(section.pk, ()):
                funding, fmts = [], None
                if funded:
                    amounts = [amount_value((activity.funding or {}).get(year, "")) for year in years]
                    funding = [activity.funding_source, *amounts]
                    # «x» and text written in an amount's cell print as written, not as a number.
                    own = ["" if isinstance(value, decimal.Decimal) else f.TEXT for value in amounts]
                    fmts = [*([""] * (5 if numbered else 4)), *own, ""]
                values = [
                    activity.name,
                    activity.deadline_text,
                    activity.responsible,
                    *funding,
                    activity.expected_result,
                ]
                rows.append(Row([activity.number, *values] if numbered else values, fmts=fmts))

        owner = plan.owner
        subtitle = [str(owner)] if owner is not None and str(owner) not in plan.title else []
        return {
            "title": plan.title,
            "subtitle_lines": subtitle,
            "passport": [(str(label), value) for label, value in plan.passport()],
            "tables": [Table(columns, rows, header=header, empty_text="В плане нет мероприятий.")],
            "activity_count": sum(len(group) for group in activities.values()),
        }
