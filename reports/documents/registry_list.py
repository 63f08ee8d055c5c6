"""Kind 4: the registry list of schools with low results, their mentor schools and agreements (seed 004 Таблица 1,
«СПИСОК „ПАРТНЕРОВ“ СЕТЕВОГО ВЗАИМОДЕЙСТВИЯ»), SPEC §2.5.

The seed pairs each mentor school and its head with a school of low results and its head; the portal adds what the
registry keeps about both: the status of the year with its basis, and the agreement of the pair with its number,
date and period. A row per supported school of the year (scope.py); a school with several agreements in the year
lists each on its own line of the mentor's cells. Three queries: the schools, their listings, their pairings.
"""

from __future__ import annotations

from django.db.models import Prefetch

from registry.models import SUPPORT_STATUSES, Listing, Pairing

from .analytical import agreement_text
from .base import Column, Document, Row, Table
from .scope import document_scope, supported_schools


def registry_rows(scope) -> list[tuple[object, list]]:
    """(school, [its values]) of every supported school of the scope's year, by municipality and name."""
    listings = Listing.objects.filter(scope.listed_in_year(), status__in=SUPPORT_STATUSES).order_by("start", "status")
    pairings = (
        Pairing.objects.filter(scope.listed_in_year()).select_related("mentor").order_by("start", "mentor__short_name")
    )
    schools = supported_schools(scope).prefetch_related(
        Prefetch("listings", queryset=listings, to_attr="year_listings"),
        Prefetch("mentored_by", queryset=pairings, to_attr="year_pairings"),
    )
    rows = []
    for school in schools:
        statuses = "\n".join(
            f"{listing.get_status_display()} ({listing.period_label}); {listing.basis_short}".rstrip("; ")
            for listing in school.year_listings
        )
        pairs = school.year_pairings

        def lines(values, pairs=pairs):
            # One line per agreement, so that a mentor's head and agreement stand beside its name.
            values = [value or "" for value in values]
            return "\n".join(value or "—" for value in values) if len(pairs) > 1 else "".join(values)

        rows.append(
            (
                school,
                [
                    school.name or school.short_name,
                    school.director,
                    statuses,
                    lines(pairing.mentor.name or pairing.mentor.short_name for pairing in pairs),
                    lines(pairing.mentor.director for pairing in pairs),
                    lines(agreement_text(pairing.agreement_number, pairing.agreement_date) for pairing in pairs),
                    lines(pairing.period_label for pairing in pairs),
                ],
            )
        )
    return rows


class RegistryList(Document):
    """Kind 4 (SPEC §2.5): the supported schools of the year with their mentors and agreements."""

    kind = "registry"
    kind_label = "Реестр ШНОР и наставники"
    landscape = True
    template_name = "reports/documents/registry.html"

    def build(self) -> dict:
        scope = document_scope(self.unit, self.year)
        columns = [
            Column("№ п/п", 5, css="center"),
            Column("Общеобразовательная организация с низкими образовательными результатами", 26),
            Column("Руководитель", 14),
            Column("Статус, основание включения", 20),
            Column("Общеобразовательная организация «наставник»", 24),
            Column("Руководитель", 14),
            Column("Соглашение о сетевом взаимодействии", 16),
            Column("Срок действия", 13),
        ]
        rows: list[Row] = []
        municipality = None
        number = 0
        for school, values in registry_rows(scope):
            if scope.is_region and school.municipality_id != getattr(municipality, "pk", None):
                municipality = school.municipality
                rows.append(Row(["", municipality.name], section=True))
                number = 0
            number += 1
            rows.append(Row([f"{number}.", *values]))
        return {
            "title": "СПИСОК «ПАРТНЁРОВ» СЕТЕВОГО ВЗАИМОДЕЙСТВИЯ",
            "subtitle_lines": [
                "школ с низкими образовательными результатами, закреплённых за ними школ-наставников и соглашений",
                f"{self.unit_name}, {self.year} год",
            ],
            "tables": [
                Table(
                    columns,
                    rows,
                    numbered_columns=True,
                    empty_text=f"В {self.year} году школ с низкими образовательными результатами в реестре нет.",
                )
            ],
        }
