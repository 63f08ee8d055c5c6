"""Aggregates per campaign × school, computed by SQL from both kinds of stored rows (docs/indicators.md)."""

from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import AggregatedResult, Campaign, EgeMinimumScore, ParticipantResult, Procedure, SchoolAggregate


def pct(numerator: int, denominator: int) -> float | None:
    if not denominator:
        return None
    return float((Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def mean(total, count: int) -> float | None:
    if not count or total is None:
        return None
    # str(): a sum SQLite hands back as a float is read as written, not as its binary expansion.
    return float((Decimal(str(total)) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


COUNTS = (
    "participants",
    "marks_2",
    "marks_3",
    "marks_4",
    "marks_5",
    "mark_sum",
    "marked",
    "lowered",
    "confirmed",
    "raised",
    "tested",
    "test_sum",
    "test_max",
    "below_min",
    "has_minimum",
    "primary_sum",
    "scored",
    "primary_max",
)

# Both kinds of stored rows grouped by campaign × school, then added up: the whole recalculation is these few
# statements whatever the number of schools. Portable SQL: PostgreSQL and SQLite.
# Both kinds of stored rows grouped by campaign × school (× class), then added up: the one definition of the counts,
# used for the stored aggregates and for a campaign's class rows. Portable SQL: PostgreSQL and SQLite.
COUNTED = """
SELECT {outer_keys},
       SUM(g.participants) AS participants, SUM(g.marks_2) AS marks_2, SUM(g.marks_3) AS marks_3,
       SUM(g.marks_4) AS marks_4, SUM(g.marks_5) AS marks_5, SUM(g.mark_sum) AS mark_sum, SUM(g.marked) AS marked,
       SUM(g.lowered) AS lowered, SUM(g.confirmed) AS confirmed, SUM(g.raised) AS raised,
       SUM(g.tested) AS tested, SUM(g.test_sum) AS test_sum, MAX(g.test_max) AS test_max,
       SUM(g.below_min) AS below_min, MAX(g.has_minimum) AS has_minimum,
       SUM(g.primary_sum) AS primary_sum, SUM(g.scored) AS scored, MAX(g.primary_max) AS primary_max
FROM (
    SELECT {participant_keys},
           COUNT(*) AS participants,
           SUM(CASE WHEN p.mark = 2 THEN 1 ELSE 0 END) AS marks_2,
           SUM(CASE WHEN p.mark = 3 THEN 1 ELSE 0 END) AS marks_3,
           SUM(CASE WHEN p.mark = 4 THEN 1 ELSE 0 END) AS marks_4,
           SUM(CASE WHEN p.mark = 5 THEN 1 ELSE 0 END) AS marks_5,
           COALESCE(SUM(p.mark), 0) AS mark_sum,
           COUNT(p.mark) AS marked,
           SUM(CASE WHEN p.mark < p.journal_mark THEN 1 ELSE 0 END) AS lowered,
           SUM(CASE WHEN p.mark = p.journal_mark THEN 1 ELSE 0 END) AS confirmed,
           SUM(CASE WHEN p.mark > p.journal_mark THEN 1 ELSE 0 END) AS raised,
           COUNT(p.test_score) AS tested,
           COALESCE(SUM(p.test_score), 0) AS test_sum,
           MAX(p.test_score) AS test_max,
           SUM(CASE WHEN p.test_score < {minimum} THEN 1 ELSE 0 END) AS below_min,
           MAX({has_minimum}) AS has_minimum,
           COALESCE(SUM(p.primary_score), 0) AS primary_sum,
           COUNT(p.primary_score) AS scored,
           MAX(p.max_score) AS primary_max
    FROM {participant} p
    WHERE p.campaign_id IN ({campaigns}) {participant_filter}
    GROUP BY {participant_keys}
    UNION ALL
    SELECT {aggregated_keys},
           SUM(a.participants), SUM(a.marks_2), SUM(a.marks_3), SUM(a.marks_4), SUM(a.marks_5),
           SUM(2 * a.marks_2 + 3 * a.marks_3 + 4 * a.marks_4 + 5 * a.marks_5),
           SUM(a.marks_2 + a.marks_3 + a.marks_4 + a.marks_5),
           COALESCE(SUM(a.lowered), 0), COALESCE(SUM(a.confirmed), 0), COALESCE(SUM(a.raised), 0),
           0, 0, NULL, 0, 0,
           COALESCE(SUM(a.mean_primary * a.participants), 0),
           COALESCE(SUM(CASE WHEN a.mean_primary IS NOT NULL THEN a.participants ELSE 0 END), 0),
           NULL
    FROM {aggregated} a
    WHERE a.campaign_id IN ({campaigns}) {aggregated_filter}
    GROUP BY {aggregated_keys}
) g
GROUP BY {outer_keys}
"""
# The grouping goes into a temporary table first: PostgreSQL runs CREATE TABLE … AS SELECT in parallel, which it
# does not do for INSERT … SELECT, and the grouping is nearly all of the work.
STORE = """
INSERT INTO {aggregate} (campaign_id, school_id, {counts}, computed_at)
SELECT campaign_id, school_id, {values}, %s FROM shnor_recalculated
"""
VALUES = ", ".join("has_minimum = 1" if name == "has_minimum" else name for name in COUNTS)


def _counted(campaign_ids: list[int], school_ids: list[int] | None, keys: tuple[str, ...], classes_only=False):
    """The COUNTED statement and its parameters for campaigns (and schools), grouped by `keys`."""
    # The ЕГЭ minimum of each campaign, written into the statement: cheaper than joining every row.
    # The year's minimum of the table (REFERENCE §4), else the subject's own: one query.
    yearly = EgeMinimumScore.objects.filter(year=OuterRef("year"), subject=OuterRef("subject")).values("min_score")
    minimums = dict(
        Campaign.objects.filter(pk__in=campaign_ids)
        .annotate(minimum=Coalesce(Subquery(yearly[:1]), F("subject__ege_min_score")))
        .filter(minimum__isnull=False)
        .values_list("pk", "minimum")
    )
    if minimums:
        cases = " ".join(f"WHEN {int(pk)} THEN {int(score)}" for pk, score in sorted(minimums.items()))
        minimum = f"(CASE p.campaign_id {cases} END)"
        has_minimum = f"(CASE WHEN p.campaign_id IN ({', '.join(str(int(pk)) for pk in minimums)}) THEN 1 ELSE 0 END)"
    else:
        minimum, has_minimum = "NULL", "0"
    schools = ", ".join(["%s"] * len(school_ids)) if school_ids is not None else ""

    def condition(alias):
        parts = [f"AND {alias}.school_id IN ({schools})"] if schools else []
        if classes_only:
            parts.append(f"AND {alias}.class_name <> ''")
        return " ".join(parts)

    sql = COUNTED.format(
        participant=ParticipantResult._meta.db_table,
        aggregated=AggregatedResult._meta.db_table,
        minimum=minimum,
        has_minimum=has_minimum,
        campaigns=", ".join(["%s"] * len(campaign_ids)),
        participant_keys=", ".join(f"p.{key}" for key in keys),
        aggregated_keys=", ".join(f"a.{key}" for key in keys),
        outer_keys=", ".join(f"g.{key}" for key in keys),
        participant_filter=condition("p"),
        aggregated_filter=condition("a"),
    )
    in_schools = school_ids or []
    return sql, [*campaign_ids, *in_schools, *campaign_ids, *in_schools]


@transaction.atomic
def recalculate(campaign_ids, school_ids=None) -> int:
    """Rebuild the stored aggregates of the campaigns (and schools) from the stored rows, computed by the database
    in a fixed number of statements. Running it twice gives the same rows; returns how many campaign × school
    aggregates now exist for the scope. Classes are grouped when a page asks for them (`class_rows`)."""
    campaign_ids = sorted({int(pk) for pk in campaign_ids})
    filters = Q(campaign_id__in=campaign_ids)
    if school_ids is not None:
        school_ids = sorted({int(pk) for pk in school_ids})
        filters &= Q(school_id__in=school_ids)
    SchoolAggregate.objects.filter(filters).delete()
    if not campaign_ids or school_ids == []:
        return 0
    sql, params = _counted(campaign_ids, school_ids, ("campaign_id", "school_id"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Room to group a region in memory by hash: with the default 4 MB PostgreSQL sorts on disk instead.
            cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("CREATE TEMPORARY TABLE shnor_recalculated AS " + sql, params)
        try:
            store = STORE.format(aggregate=SchoolAggregate._meta.db_table, counts=", ".join(COUNTS), values=VALUES)
            cursor.execute(store, [timezone.now()])
            return cursor.rowcount
        finally:
            cursor.execute("DROP TABLE shnor_recalculated")


def results_rows(*, municipality, year: int, procedure: str) -> list[dict]:
    """The rows of `results --json`, from the stored aggregates: one query."""
    aggregates = (
        SchoolAggregate.objects.filter(
            campaign__year=year, campaign__procedure=procedure, school__municipality=municipality
        )
        .select_related("school", "campaign__subject")
        .order_by("school__code", "campaign__subject__name", "campaign__grade")
    )
    return [row_of(aggregate, procedure) for aggregate in aggregates]


def row_of(t: SchoolAggregate, procedure: str) -> dict:
    head = {
        "school": t.school.code,
        "subject": t.campaign.subject.name,
        "grade": t.campaign.grade,
        "participants": t.participants,
        "mean_primary": mean(t.primary_sum, t.scored),
    }
    if procedure == Procedure.EGE:
        return head | {
            "mean_score": mean(t.test_sum, t.tested),
            "max_score": t.test_max,
            "below_min_pct": pct(t.below_min, t.tested) if t.has_minimum else None,
        }
    compared = t.lowered + t.confirmed + t.raised
    return head | {
        "mean_mark": mean(t.mark_sum, t.marked),
        "success_pct": pct(t.marks_3 + t.marks_4 + t.marks_5, t.participants),
        "quality_pct": pct(t.marks_4 + t.marks_5, t.participants),
        "marks": {"2": t.marks_2, "3": t.marks_3, "4": t.marks_4, "5": t.marks_5},
        "lowered_pct": pct(t.lowered, compared),
        "confirmed_pct": pct(t.confirmed, compared),
        "raised_pct": pct(t.raised, compared),
    }


def campaign_aggregates(campaign, schools):
    """The stored school rows of a campaign for the visible schools, in the order of its table (one query)."""
    return (
        SchoolAggregate.objects.filter(campaign=campaign, school__in=schools)
        .select_related("school", "campaign__subject")
        .order_by("school__municipality__name", "school__short_name", "school_id")
    )


def campaign_rows(campaign, schools, aggregates=None) -> list[tuple]:
    """(school, row of `row_of`, [(class, row)]) for the visible schools of a campaign: three queries.

    `aggregates` (a page of `campaign_aggregates`) limits the rows, and the grouping of classes, to those schools."""
    if aggregates is None:
        aggregates = campaign_aggregates(campaign, schools)
    aggregates = list(aggregates)
    classes = class_rows(campaign, [aggregate.school for aggregate in aggregates])
    return [
        (aggregate.school, row_of(aggregate, campaign.procedure), classes.get(aggregate.school_id, []))
        for aggregate in aggregates
    ]


# The numbers of a table row in the order of the campaign page's columns (and of its .xlsx export).
EGE_COLUMNS = ("participants", "mean_score", "max_score", "below_min_pct")
VPR_COLUMNS = ("participants", "mean_mark", "2", "3", "4", "5", "success_pct", "quality_pct", "lowered_pct")
VPR_COLUMNS += ("confirmed_pct", "raised_pct")


def row_values(row: dict, procedure: str) -> list:
    """The numbers of one row of `row_of`, column by column (None where there is nothing to count)."""
    columns = EGE_COLUMNS if procedure == Procedure.EGE else VPR_COLUMNS
    marks = row.get("marks", {})
    return [marks[column] if column in marks else row[column] for column in columns]


def class_rows(campaign, schools) -> dict[int, list[tuple[str, dict]]]:
    """Per school, the rows of its classes in a campaign (rows that name their class): two queries.

    Grouped when asked, by the same statement as the stored aggregates, rather than stored: a campaign is a small
    part of the table, and storing classes would triple the work of every recalculation after an import."""
    return {school_id: rows for (_campaign, school_id), rows in class_rows_of([campaign], schools).items()}


def school_dynamics(school) -> dict[tuple[str, str], list[tuple[int, float | None]]]:
    """{(procedure, subject): [(year, mean mark or mean test score)]} over the years, grades pooled: one query."""
    rows = (
        SchoolAggregate.objects.filter(school=school)
        .values("campaign__procedure", "campaign__subject__name", "campaign__year")
        .annotate(mark_sum=Sum("mark_sum"), marked=Sum("marked"), test_sum=Sum("test_sum"), tested=Sum("tested"))
        .order_by("campaign__procedure", "campaign__subject__name", "campaign__year")
    )
    series: dict[tuple[str, str], list] = {}
    for row in rows:
        key = (row["campaign__procedure"], row["campaign__subject__name"])
        value = (
            mean(row["test_sum"], row["tested"]) if key[0] == Procedure.EGE else mean(row["mark_sum"], row["marked"])
        )
        series.setdefault(key, []).append((row["campaign__year"], value))
    return series


def class_rows_of(campaigns, schools) -> dict[tuple[int, int], list[tuple[str, dict]]]:
    """`class_rows` of several campaigns at once (the assessment tables of a document): (campaign id, school id) →
    [(class, row of `row_of`)], by the same statement as the stored aggregates — two queries whatever the number of
    campaigns and schools."""
    by_id = {school.pk: school for school in schools}
    by_campaign = {campaign.pk: campaign for campaign in campaigns}
    if not by_id or not by_campaign:
        return {}
    sql, params = _counted(
        sorted(by_campaign), sorted(by_id), ("campaign_id", "school_id", "class_name"), classes_only=True
    )
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY g.campaign_id, g.school_id, g.class_name", params)
        names = [column[0] for column in cursor.description]
        groups = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    result: dict[tuple[int, int], list] = {}
    for group in groups:
        campaign = by_campaign[group["campaign_id"]]
        counts = {name: group[name] or 0 for name in COUNTS}
        counts["test_max"], counts["has_minimum"] = group["test_max"], bool(group["has_minimum"])
        counts["primary_max"] = group["primary_max"]
        numbers = SimpleNamespace(school=by_id[group["school_id"]], campaign=campaign, **counts)
        key = (group["campaign_id"], group["school_id"])
        result.setdefault(key, []).append((group["class_name"], row_of(numbers, campaign.procedure)))
    return result
