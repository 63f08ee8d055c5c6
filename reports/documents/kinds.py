"""The document kinds of SPEC §2.5 and how a document is chosen for a unit, a year and (for a plan) a plan.

KINDS maps a kind's identifier to its class, in the spec's order; the report centre and `render_report` list what
is here, so a kind added to this dict appears in both.
"""

from __future__ import annotations

from registry.models import Municipality, Region
from roadmaps.models import Plan

from .base import Document, DocumentUnavailable
from .indicators import IndicatorsAnnex
from .plan import PlanAnnex
from .selection import plans_for, plans_in

__all__ = ["KINDS", "document_for", "plans_for", "plans_in"]

KINDS: dict[str, type[Document]] = {
    PlanAnnex.kind: PlanAnnex,
    IndicatorsAnnex.kind: IndicatorsAnnex,
}


def document_for(kind: str, unit: Municipality | Region, year: int, plan: Plan | None = None) -> Document:
    """The document of `kind` for the unit and year; a plan annex takes `plan` or the best of `plans_for`. Raises
    DocumentUnavailable (Russian) when the choice does not make a document."""
    document_class = KINDS.get(kind)
    if document_class is None:
        raise DocumentUnavailable(f"Неизвестный вид документа «{kind}»; возможны: {', '.join(KINDS)}.")
    if plan is not None and not plans_in(unit).filter(pk=plan.pk).exists():
        raise DocumentUnavailable(f"План №{plan.pk} не относится к территории «{unit.name}».")
    if document_class.needs_plan and plan is None:
        plan = plans_for(unit, year).first()
        if plan is None:
            raise DocumentUnavailable(
                f"У территории «{unit.name}» нет утверждённого плана, действующего в {year} году."
            )
    return document_class(unit=unit, year=year, plan=plan)
