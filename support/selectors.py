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


# Fewer diagnosed teachers than this in a group of numbers (a year, a competency, the total) would let a reader who
# may not see names work out a person's result: for such readers the group is suppressed.
MIN_GROUP = 3


def competency_summary(school, *, suppress_small_groups: bool = False) -> dict:
    """Levels of the latest diagnostic of each active teacher of `school`, per competency and in total (the picture
    of seed 004 Приложение 2); the dynamics of the school by year of all its diagnostics (teachers who have left
    included, so a year's numbers do not change when someone leaves); the critical group («группа риска») with its
    deficits and the state of each one's development route. Five queries whatever the staff size.

    With `suppress_small_groups` (readers who may not see names) every year row, competency row or total based on
    fewer than MIN_GROUP teachers is returned as `hidden` with its numbers removed, and so is the size of the
    critical group when the total is hidden."""
    from .competency import Level, Result, results_of
    from .models import Competency, Diagnostic, RouteStep, Teacher

    teachers = {t.pk: t for t in Teacher.objects.filter(school=school, is_active=True)}
    diagnostics = list(
        Diagnostic.objects.filter(teacher__school=school)
        .order_by("date", "pk")
        .values_list("pk", "teacher_id", "date", "note")
    )
    results = results_of([pk for pk, *_ in diagnostics])
    competencies = list(Competency.objects.all())
    latest: dict[int, int] = {}
    by_year: dict[int, dict[int, int]] = {}
    for pk, teacher_id, date, _note in diagnostics:
        if "total" in results.get(pk, {}):
            by_year.setdefault(date.year, {})[teacher_id] = pk  # ordered by date: the last one of the year wins
            if teacher_id in teachers:
                latest[teacher_id] = pk  # the last one wins
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

    def too_small(size: int) -> bool:
        return suppress_small_groups and size < MIN_GROUP

    dynamics = []
    for year, ids in sorted(by_year.items()):
        counts = dict.fromkeys(Level.values, 0)
        points = maximum = 0
        for diagnostic_id in ids.values():
            total = results[diagnostic_id]["total"]
            counts[total.level] += 1
            points, maximum = points + total.points, maximum + total.maximum
        row = {"year": year, "diagnosed": len(ids), "counts": list(counts.values()), "mean": Result(points, maximum)}
        if too_small(len(ids)):
            row.update(counts=None, mean=None, hidden=True)
        dynamics.append(row)
    rows = []
    for c in competencies:
        counts = [distribution[c.pk][level] for level in Level.values]
        hidden = too_small(sum(counts))
        rows.append({"competency": c, "counts": None if hidden else counts, "hidden": hidden})
    total = [distribution["total"][level] for level in Level.values]
    total_hidden = too_small(len(latest))
    if total_hidden:
        critical = []  # its size (and with it the levels of one or two teachers) is not shown either
    return {
        "rows": rows,
        "total": None if total_hidden else total,
        "total_hidden": total_hidden,
        "levels": Level.choices,
        "diagnosed": len(latest),
        "teachers": len(teachers),
        "critical": critical,
        "dynamics": dynamics,
        "notes": sorted(
            {note.strip() for _pk, teacher_id, _date, note in diagnostics if teacher_id in teachers and note.strip()}
        ),
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
