"""The numbers of the role dashboards, set-wise over a list of municipalities (or schools): every function is one SQL
statement or a fixed few, whatever the number of municipalities, schools, activities or indicators — the
coordinator's panel, the inspector's and the regional comparison all read them.

The indicators are those of a calendar year (INDICATORS.md); the dashboard's academic year Y/Y+1 reads the indicators
of the calendar year Y, the one in which that academic year starts.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Count, Max, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from registry.models import Listing, School, Status
from registry.rounding import share_pct
from roadmaps.selectors import PLAN, Progress, due_items
from shnor_portal.periods import overlapping

from .assessments.aggregates import row_of
from .assessments.models import Recalculation, ResultImport, SchoolAggregate
from .indicators.models import AdoptedIndicator, Indicator, IndicatorScope, IndicatorTarget, IndicatorValue
from .indicators.selectors import is_met
from .indicators.table import format_value

# The indicators the regional comparison shows for each municipality: the share of low-results schools, the network
# coverage of the registry, the plans done in time and the top marks — what a region compares its districts by.
KEY_INDICATORS = ("LOW_RESULTS_SHARE", "NETWORK_SHARE", "PLAN_DONE_SHARE", "TOP_MARK_SHARE")
RECENT = 5  # imports and recalculations listed on a coordinator's dashboard


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def registry_counts(municipality_ids, year: int) -> dict[int, dict[str, int]]:
    """{municipality id: {"shnor": n, "shfnsu": n}}: distinct schools with a listing active on some day of the
    calendar year (the rule of REG_COUNT), one query."""
    start, end = year_bounds(year)
    rows = (
        Listing.objects.filter(overlapping(start, end), school__municipality_id__in=list(municipality_ids))
        .values("school__municipality_id")
        .annotate(
            shnor=Count("school", filter=Q(status=Status.SHNOR), distinct=True),
            shfnsu=Count("school", filter=Q(status=Status.SHFNSU), distinct=True),
        )
        .order_by()
    )
    return {row.pop("school__municipality_id"): row for row in rows}


def plan_execution(municipality_ids, year: int, *, today: dt.date | None = None) -> dict[int, dict[str, int]]:
    """{municipality id: {"due", "done", "overdue"}}: the due items (roadmaps/selectors.py) of the municipalities'
    plans being carried out whose due date falls in the year and has come by `today`, one query."""
    today = today or timezone.localdate()
    start, end = year_bounds(year)
    rows = (
        due_items(today=today)
        .filter(end__gte=start, end__lte=min(end, today), **{f"{PLAN}__municipality_id__in": list(municipality_ids)})
        .values(f"{PLAN}__municipality_id")
        .annotate(
            due=Count("pk"),
            done=Count("pk", filter=Q(progress=Progress.DONE)),
            overdue=Count("pk", filter=Q(progress=Progress.OVERDUE)),
        )
        .order_by()
    )
    return {row.pop(f"{PLAN}__municipality_id"): row for row in rows}


def done_percent(execution: dict | None) -> Decimal | None:
    """Items done of the items due, in per cent with one decimal rounded half-up like every share (1 of 8 is 12,5;
    1 of 16 is 6,3, not Python's 6,2); None when nothing was due."""
    if not execution or not execution["due"]:
        return None
    return share_pct(execution["done"], execution["due"])


def indicator_values(municipality_ids, year: int, codes=KEY_INDICATORS) -> dict[int, dict[str, object]]:
    """{municipality id: {code: stored actual value or None}} for the municipal indicators `codes`, one query."""
    rows = IndicatorValue.objects.filter(
        municipality_id__in=list(municipality_ids), school__isnull=True, year=year, indicator__code__in=list(codes)
    ).values_list("municipality_id", "indicator__code", "value")
    values: dict[int, dict[str, object]] = defaultdict(dict)
    for municipality_id, code, value in rows:
        values[municipality_id][code] = value
    return values


def indicator_summary(municipality_ids, year: int) -> dict[int, dict]:
    """{municipality id: {"adopted", "met", "not_met", "no_data", "calculated_at"}} over the indicators each
    municipality adopted, for the year (three queries: adoptions, targets, values)."""
    ids = list(municipality_ids)
    adoptions = list(
        AdoptedIndicator.objects.filter(
            municipality_id__in=ids, indicator__scope=IndicatorScope.MUNICIPALITY
        ).values_list("pk", "municipality_id", "indicator_id", "indicator__direction")
    )
    targets = dict(
        IndicatorTarget.objects.filter(adopted__municipality_id__in=ids, year=year).values_list("adopted_id", "target")
    )
    values = {
        (m, i): (value, at)
        for m, i, value, at in IndicatorValue.objects.filter(
            municipality_id__in=ids, school__isnull=True, year=year
        ).values_list("municipality_id", "indicator_id", "value", "calculated_at")
    }
    summary = {m: {"adopted": 0, "met": 0, "not_met": 0, "no_data": 0, "calculated_at": None} for m in ids}
    for (m, _indicator), (_value, at) in values.items():
        if at is not None and (summary[m]["calculated_at"] is None or at > summary[m]["calculated_at"]):
            summary[m]["calculated_at"] = at
    for adopted_id, m, indicator_id, direction in adoptions:
        value = values.get((m, indicator_id), (None, None))[0]
        met = is_met(direction, value, targets.get(adopted_id))
        row = summary[m]
        row["adopted"] += 1
        row["met" if met else "no_data" if met is None else "not_met"] += 1
    return summary


# --- Imports and recalculations: a results file names its schools (summary["school_ids"]), not a municipality.

_IMPORT_MUNICIPALITIES = """
    SELECT s.municipality_id, MAX(r.committed_at)
    FROM {imports} r
    CROSS JOIN LATERAL jsonb_array_elements_text(r.summary -> 'school_ids') AS e(school_id)
    JOIN {schools} s ON s.id = e.school_id::bigint
    WHERE r.state = %s AND s.municipality_id = ANY(%s)
    GROUP BY s.municipality_id
"""


def last_import_dates(municipality_ids) -> dict[int, dt.datetime]:
    """{municipality id: when the latest committed results file with a school of it was committed}, one query."""
    if connection.vendor != "postgresql":
        return _embedded_last_import_dates(municipality_ids)
    sql = _IMPORT_MUNICIPALITIES.format(imports=ResultImport._meta.db_table, schools=School._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [ResultImport.State.COMMITTED, list(municipality_ids)])
        return dict(cursor.fetchall())


def _touches(table: str, column: str, municipality_ids) -> RawSQL:
    """The row's JSON list of school ids (`column`) names a school of the municipalities. Table and column names are
    the code's own; the ids go as a parameter."""
    schools = School._meta.db_table
    sql = f"EXISTS (SELECT 1 FROM jsonb_array_elements_text({table}.{column}) AS e(school_id) JOIN {schools} s ON s.id = e.school_id::bigint WHERE s.municipality_id = ANY(%s))"  # noqa: E501, S608 — the code's own names
    return RawSQL(sql, [list(municipality_ids)], output_field=BooleanField())  # noqa: S611 — ids as a parameter


def recent_imports(municipality_ids, limit: int = RECENT):
    """The latest committed results files with a school of the municipalities, newest first (one query)."""
    if connection.vendor != "postgresql":
        imports = ResultImport.objects.filter(state=ResultImport.State.COMMITTED).select_related("user")
        return _embedded_touching(
            imports.order_by("-committed_at"), lambda r: r.summary.get("school_ids"), municipality_ids, limit
        )
    table = ResultImport._meta.db_table
    return list(
        ResultImport.objects.filter(state=ResultImport.State.COMMITTED)
        .alias(touches=_touches(table, "summary -> 'school_ids'", municipality_ids))
        .filter(touches=True)
        .select_related("user")
        .only(
            "id",
            "original_name",
            "summary",
            "rows",
            "committed_at",
            "created_at",
            "user__username",
            "user__first_name",
            "user__last_name",
        )
        .order_by("-committed_at")[:limit]
    )


def recent_recalculations(municipality_ids, limit: int = RECENT):
    """The latest recalculation jobs (after imports) that covered a school of the municipalities (one query)."""
    if connection.vendor != "postgresql":
        return _embedded_touching(
            Recalculation.objects.order_by("-created_at"), lambda r: r.schools, municipality_ids, limit
        )
    table = Recalculation._meta.db_table
    return list(
        Recalculation.objects.alias(touches=_touches(table, "schools", municipality_ids))
        .filter(touches=True)
        .only("id", "state", "created_at", "finished_at", "indicators_at", "source_id")
        .order_by("-created_at")[:limit]
    )


# The embedded demo's SQLite has no jsonb functions: there the same answers are read in Python from its handful of
# imports (two queries); PostgreSQL, the production database, answers them in SQL above.


def _school_municipalities(municipality_ids) -> dict[int, int]:
    return dict(School.objects.filter(municipality_id__in=list(municipality_ids)).values_list("pk", "municipality_id"))


def _embedded_last_import_dates(municipality_ids) -> dict[int, dt.datetime]:
    of_school = _school_municipalities(municipality_ids)
    latest: dict[int, dt.datetime] = {}
    committed = ResultImport.objects.filter(state=ResultImport.State.COMMITTED).values_list("summary", "committed_at")
    for summary, committed_at in committed:
        for school_id in (summary or {}).get("school_ids") or ():
            m = of_school.get(int(school_id))
            if m is not None and committed_at and (m not in latest or committed_at > latest[m]):
                latest[m] = committed_at
    return latest


def _embedded_touching(rows, school_ids_of, municipality_ids, limit: int) -> list:
    of_school = _school_municipalities(municipality_ids)
    found = []
    for row in rows:
        if any(int(school_id) in of_school for school_id in school_ids_of(row) or ()):
            found.append(row)
            if len(found) == limit:
                break
    return found


# --- A principal's school


def school_indicators(school_ids, year: int) -> dict[int, list[tuple[Indicator, object, str]]]:
    """{school id: [(indicator, stored value or None, the value as its unit writes it)]} of the per-school indicators
    (VPR_*, IOR), two queries."""
    indicators = list(Indicator.objects.filter(scope=IndicatorScope.SCHOOL))
    values = {
        (s, i): v
        for s, i, v in IndicatorValue.objects.filter(school_id__in=list(school_ids), year=year).values_list(
            "school_id", "indicator_id", "value"
        )
    }
    return {
        s: [
            (indicator, value, format_value(value, indicator.unit))
            for indicator in indicators
            for value in [values.get((s, indicator.pk))]
        ]
        for s in school_ids
    }


def latest_results(school_ids, limit: int = 30) -> dict[int, list[dict]]:
    """{school id: rows of its stored aggregates of its latest assessment year} (one query): procedure, subject,
    grade, participants, mean mark or test score, успеваемость and качество."""
    latest = (
        SchoolAggregate.objects.filter(school_id=OuterRef("school_id"))
        .order_by("-campaign__year")
        .values("campaign__year")[:1]
    )
    aggregates = (
        SchoolAggregate.objects.filter(school_id__in=list(school_ids), campaign__year=Subquery(latest))
        .select_related("campaign__subject", "school")
        .order_by("school_id", "campaign__procedure", "campaign__subject__name", "campaign__grade")
    )
    rows: dict[int, list[dict]] = defaultdict(list)
    for aggregate in aggregates[: limit * max(len(school_ids), 1)]:
        if len(rows[aggregate.school_id]) < limit:
            procedure = aggregate.campaign.procedure
            rows[aggregate.school_id].append(
                row_of(aggregate, procedure) | {"procedure": procedure, "year": aggregate.campaign.year}
            )
    return rows


def latest_value_year(municipality_ids) -> int | None:
    """The latest calendar year with a stored indicator value of the municipalities (one query)."""
    return IndicatorValue.objects.filter(municipality_id__in=list(municipality_ids)).aggregate(year=Max("year"))["year"]


RECENT_DOCUMENTS = 5


def recent_documents(municipality_ids: list[int]) -> dict[int, list]:
    """The latest signed documents of each municipality (revoked ones too, marked), RECENT_DOCUMENTS at most each:
    one query whatever the number of municipalities (a row number per municipality)."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    from .signatures.models import SignedDocument

    rows = (
        SignedDocument.objects.filter(municipality_id__in=municipality_ids)
        .annotate(rank=Window(RowNumber(), partition_by=F("municipality_id"), order_by=[F("signed_at").desc()]))
        .filter(rank__lte=RECENT_DOCUMENTS)
        .only("pk", "number", "title", "year", "signed_at", "revoked_at", "municipality_id")
        .order_by("municipality_id", "rank")
    )
    recent: dict[int, list] = {pk: [] for pk in municipality_ids}
    for entry in rows:
        recent[entry.municipality_id].append(entry)
    return recent
