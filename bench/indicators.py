"""Recalculating the target indicators of a region (issue «Target indicators», section «Speed»): 1,000 schools in
20 municipalities, a year of ВПР results (BENCH_PARTICIPANTS per-participant rows, 1,000,000 by default, written by
`generate_region` and imported), the registry, support data (events with target schools, pairings, teachers with
diagnostics and professional development, profiles) and plans with activities and accepted reports.

Measures `reports.indicators.services.recalculate` for every municipality and the year (time and SQL statements) and
the list of one municipality's indicators (`selectors.indicator_rows`).
"""

import datetime as dt
import io
import os
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "1000000"))
SCHOOLS = 1000
MUNICIPALITIES = 20
YEAR = 2024


def build_region() -> list[int]:
    """The synthetic region of `generate_region` spread over 20 municipalities, with the data every formula reads;
    returns the municipality ids."""
    from registry.models import Listing, Municipality, Pairing, School, SchoolYearProfile, Status
    from roadmaps.models import (
        Activity,
        ActivityPeriod,
        Level,
        Plan,
        PlanStatus,
        ProgressReport,
        ReportStatus,
        Review,
        Section,
    )
    from support.models import (
        Criterion,
        DevelopmentRecord,
        Diagnostic,
        EventSchool,
        EventType,
        Rater,
        Score,
        SupportEvent,
        Teacher,
    )

    first = Municipality.objects.get(code="synthetic")
    municipalities = [first] + [
        Municipality.objects.create(region=first.region, code=f"synthetic-{n:02d}", name=f"Синтетический район {n}")
        for n in range(1, MUNICIPALITIES)
    ]
    schools = list(School.objects.filter(municipality=first).order_by("pk"))
    for index, school in enumerate(schools):
        school.municipality = municipalities[index % MUNICIPALITIES]
    School.objects.bulk_update(schools, ["municipality"], batch_size=1000)
    listings = []
    for index, school in enumerate(schools):
        if index % 3 == 0:
            listings.append(Listing(school=school, status=Status.SHNOR, start=dt.date(YEAR - 1, 9, 1), basis="№1"))
        elif index % 7 == 0:
            listings.append(Listing(school=school, status=Status.SHFNSU, start=dt.date(YEAR, 1, 1), basis="№2"))
    Listing.objects.bulk_create(listings)
    Pairing.objects.bulk_create(
        Pairing(mentor=schools[i + 1], mentee=schools[i], start=dt.date(YEAR, 2, 1), agreement_number=str(i),
                agreement_date=dt.date(YEAR, 2, 1))
        for i in range(0, SCHOOLS - MUNICIPALITIES, 3 * MUNICIPALITIES)
    )  # fmt: skip
    SchoolYearProfile.objects.bulk_create(SchoolYearProfile(school=s, year=YEAR, teachers_total=20) for s in schools)
    events = SupportEvent.objects.bulk_create(
        SupportEvent(
            municipality=m,
            type=[EventType.SEMINAR, EventType.CONSULTATION, EventType.CONTEST][n % 3],
            is_targeted=n % 2 == 0,
            start=dt.date(YEAR, 1 + n % 12, 10),
            topic=f"Мероприятие {n}",
            organiser_text="ИРО",
        )
        for m in municipalities
        for n in range(20)
    )
    by_municipality = {}
    for school in schools:
        by_municipality.setdefault(school.municipality_id, []).append(school)
    EventSchool.objects.bulk_create(
        EventSchool(event=event, school=school, participants=2)
        for event in events
        for school in by_municipality[event.municipality_id][::5]
    )
    teachers = Teacher.objects.bulk_create(
        Teacher(school=school, full_name=f"Педагог {school.pk}-{n}") for school in schools for n in range(10)
    )
    DevelopmentRecord.objects.bulk_create(
        DevelopmentRecord(teacher=t, programme="Курс", start=dt.date(YEAR, 3, 1), end=dt.date(YEAR, 3, 20),
                          completed=True)
        for t in teachers[::3]
    )  # fmt: skip
    diagnostics = Diagnostic.objects.bulk_create(
        Diagnostic(teacher=t, date=day) for t in teachers[::2] for day in (dt.date(YEAR - 1, 5, 1), dt.date(YEAR, 5, 1))
    )
    criteria = list(Criterion.objects.order_by("pk"))
    Score.objects.bulk_create(
        (
            Score(diagnostic=d, criterion=c, rater=Rater.SELF, value=(d.pk + c.pk) % 3)
            for d in diagnostics
            for c in criteria
        ),
        batch_size=5000,
    )
    plans = Plan.objects.bulk_create(
        Plan(level=Level.SCHOOL, municipality_id=s.municipality_id, school=s, title=f"Программа {s.pk}",
             period_start=dt.date(YEAR, 1, 1), period_end=dt.date(YEAR + 1, 12, 31), status=PlanStatus.IN_PROGRESS)
        for s in schools
    )  # fmt: skip
    sections = Section.objects.bulk_create(Section(plan=p, number="1.", title="Раздел", order=1) for p in plans)
    activities = Activity.objects.bulk_create(
        Activity(section=s, number=f"1.{n}", order=n, name="Мероприятие", improves_facilities=n == 1)
        for s in sections
        for n in range(1, 9)
    )
    executor = Activity.executors.through
    school_of_plan = {p.pk: p.school_id for p in plans}
    plan_of_section = {s.pk: s.plan_id for s in sections}
    school_of = {a.pk: school_of_plan[plan_of_section[a.section_id]] for a in activities}
    executor.objects.bulk_create(executor(activity_id=a.pk, school_id=school_of[a.pk]) for a in activities)
    periods = ActivityPeriod.objects.bulk_create(
        ActivityPeriod(activity=a, start=dt.date(YEAR, 3, 1), end=dt.date(YEAR, 3, 31)) for a in activities
    )
    submitted = timezone.make_aware(dt.datetime(YEAR, 3, 20, 12))
    ProgressReport.objects.bulk_create(
        (
            ProgressReport(activity_id=p.activity_id, school_id=school_of[p.activity_id], period=p,
                           status=ReportStatus.DONE, percent=100, review=Review.ACCEPTED, submitted_at=submitted)
            for p in periods[::2]
        ),
        batch_size=5000,
    )  # fmt: skip
    return [m.pk for m in municipalities]


def run(report) -> None:
    from bench.__main__ import timed
    from bench.registry_list import counting_queries
    from registry.models import Municipality
    from reports.indicators.selectors import indicator_rows
    from reports.indicators.services import recalculate

    folder = Path(tempfile.mkdtemp(prefix="shnor-bench-indicators-"))
    csv_path = folder / "region.csv"
    call_command("generate_region", schools=SCHOOLS, participants=PARTICIPANTS, year=YEAR, out=str(csv_path))
    call_command("import_results", str(csv_path), stdout=io.StringIO())
    municipality_ids = build_region()
    with counting_queries() as queries:
        start = time.perf_counter()
        rows = recalculate(municipality_ids, [YEAR])
        seconds = time.perf_counter() - start
    report(
        f"indicators of {SCHOOLS:,} schools in {MUNICIPALITIES} municipalities, one year, {PARTICIPANTS:,} "
        f"participant rows: {seconds:.2f} s, {queries.count} SQL queries, {rows} values"
    )
    municipality = Municipality.objects.get(pk=municipality_ids[0])
    with counting_queries() as queries:
        indicator_rows(municipality, YEAR)
    median, best = timed(lambda: indicator_rows(municipality, YEAR))
    report(f"indicator list of one municipality: median {median:.0f} ms, best {best:.0f} ms, {queries.count} SQL")
