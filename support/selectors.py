"""Numbers for the indicators issue: SQL aggregates over support events, each in one query.

«Reached» means a school is a target school of an event that takes place at least one day within the period.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Min, Q

from .models import METHODOLOGICAL_TYPES, EventSchool, SupportEvent


def _events(start: dt.date, end: dt.date, *, municipality=None, types: Iterable[str] | None = METHODOLOGICAL_TYPES):
    events = SupportEvent.objects.overlapping(start, end)
    if municipality is not None:
        events = events.filter(municipality=municipality)
    if types is not None:
        events = events.of_types(types)
    return events


def schools_reached(
    start: dt.date, end: dt.date, *, municipality=None, schools=None, types=METHODOLOGICAL_TYPES
) -> int:
    """How many distinct target schools methodological events reached in [start, end] (one query)."""
    rows = EventSchool.objects.filter(event__in=_events(start, end, municipality=municipality, types=types))
    if schools is not None:
        rows = rows.filter(school__in=schools)
    return rows.values("school_id").distinct().count()


def events_by_school(start: dt.date, end: dt.date, schools, *, types=METHODOLOGICAL_TYPES) -> dict[int, int]:
    """school id → number of events in [start, end] that targeted it (one query; schools without events absent)."""
    rows = (
        EventSchool.objects.filter(event__in=_events(start, end, types=types), school__in=schools)
        .values("school_id")
        .annotate(events=Count("event_id", distinct=True))
    )
    return {row["school_id"]: row["events"] for row in rows}


def counts_by_type(start: dt.date, end: dt.date, *, municipality=None, schools=None) -> dict[str, int]:
    """event type → number of events in [start, end] (all types; one query)."""
    events = _events(start, end, municipality=municipality, types=None)
    if schools is not None:
        events = events.filter(event_schools__school__in=schools)
    rows = events.values("type").annotate(events=Count("pk", distinct=True)).order_by("type")
    return {row["type"]: row["events"] for row in rows}


# --- Staff development and competency diagnostics.


def competency_summary(school) -> dict:
    """Levels of the latest diagnostic of each active teacher of `school`, per competency and in total (the picture
    of seed 004 Приложение 2); the dynamics of the school by year of the diagnostics; the critical group («группа
    риска») with its deficits and the state of each one's development route. Five queries whatever the staff size."""
    from .competency import Level, Result, results_of
    from .models import Competency, Diagnostic, RouteStep, Teacher

    teachers = {t.pk: t for t in Teacher.objects.filter(school=school, is_active=True)}
    diagnostics = list(
        Diagnostic.objects.filter(teacher__school=school, teacher__is_active=True)
        .order_by("date", "pk")
        .values_list("pk", "teacher_id", "date", "note")
    )
    results = results_of([pk for pk, *_ in diagnostics])
    competencies = list(Competency.objects.all())
    latest: dict[int, int] = {}
    by_year: dict[int, dict[int, int]] = {}
    for pk, teacher_id, date, _note in diagnostics:
        if "total" in results.get(pk, {}):
            latest[teacher_id] = pk  # ordered by date: the last one wins
            by_year.setdefault(date.year, {})[teacher_id] = pk
    keys = [c.pk for c in competencies] + ["total"]
    distribution = {key: dict.fromkeys(Level.values, 0) for key in keys}
    critical = []
    for teacher_id, diagnostic_id in latest.items():
        result = results[diagnostic_id]
        for key in keys:
            if key in result:
                distribution[key][result[key].level] += 1
        if result["total"].level == Level.CRITICAL:
            deficits = [c for c in competencies if c.pk in result and result[c.pk].level == Level.CRITICAL]
            critical.append({"teacher": teachers[teacher_id], "total": result["total"], "deficits": deficits})
    critical.sort(key=lambda row: (row["total"].percent, row["teacher"].full_name))
    if critical:
        routes = (
            RouteStep.objects.filter(teacher_id__in=[row["teacher"].pk for row in critical])
            .values("teacher_id")
            .annotate(
                steps=Count("pk"),
                open=Count("pk", filter=Q(done=False)),
                next_due=Min("due", filter=Q(done=False)),
            )
            .order_by()
        )
        by_teacher = {row["teacher_id"]: row for row in routes}
        for row in critical:
            route = by_teacher.get(row["teacher"].pk, {})
            row["route_steps"], row["route_open"] = route.get("steps", 0), route.get("open", 0)
            row["route_next_due"] = route.get("next_due")
    dynamics = []
    for year, ids in sorted(by_year.items()):
        counts = dict.fromkeys(Level.values, 0)
        points = maximum = 0
        for diagnostic_id in ids.values():
            total = results[diagnostic_id]["total"]
            counts[total.level] += 1
            points, maximum = points + total.points, maximum + total.maximum
        dynamics.append(
            {"year": year, "diagnosed": len(ids), "counts": list(counts.values()), "mean": Result(points, maximum)}
        )
    rows = [{"competency": c, "counts": [distribution[c.pk][level] for level in Level.values]} for c in competencies]
    return {
        "rows": rows,
        "total": [distribution["total"][level] for level in Level.values],
        "levels": Level.choices,
        "diagnosed": len(latest),
        "teachers": len(teachers),
        "critical": critical,
        "dynamics": dynamics,
        "notes": sorted({note.strip() for *_, note in diagnostics if note.strip()}),
    }


def teachers_at_critical_level(schools) -> int:
    """How many active teachers of `schools` are at the critical level by their latest diagnostic (three queries)."""
    from .competency import Level, latest_diagnostics, results_of
    from .models import Teacher

    latest = latest_diagnostics(Teacher.objects.filter(school__in=schools, is_active=True))
    results = results_of(list(latest.values()))
    return sum(1 for result in results.values() if result["total"].level == Level.CRITICAL)


def staff_with_completed_development(schools, start: dt.date, end: dt.date) -> int:
    """Teachers of `schools` who completed a professional development course ending within [start, end] (one query)."""
    from .models import DevelopmentRecord

    return (
        DevelopmentRecord.objects.filter(teacher__school__in=schools, completed=True, end__gte=start, end__lte=end)
        .values("teacher_id")
        .distinct()
        .count()
    )
