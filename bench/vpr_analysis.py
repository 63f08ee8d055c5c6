"""The ВПР analysis of a municipality's campaign (issue 16, «Speed»: under 300 ms with a bounded number of queries).

`generate_region` writes BENCH_PARTICIPANTS rows (1,000,000 by default) with 16 task columns for 1,000 schools, ten
campaigns; a campaign (ВПР, Математика, 8 класс) gets its task table of 16 tasks, last year's campaign (a tenth of
the rows) gives the dynamics, and ФИС ОКО references are there. Measured twice: with all 1,000 schools in the one
municipality `synthetic` (the extreme: 100,000 works of the campaign), then with the schools spread over 20
municipalities as a region has them (50 schools, 5,000 works): `analyse` (every school and the total), the
coordinator's page sorted by the dynamics of «2», and one school's page with its charts.
"""

import io
import os
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "1000000"))
SCHOOLS = 1000
TASKS = 16
YEAR = 2024


def build():
    from accounts.models import Role, RoleAssignment, User
    from registry.models import Municipality
    from reports.assessments.aggregates import recalculate
    from reports.assessments.models import Campaign, ReferenceDistribution, Task
    from reports.management.commands.generate_region import MAXIMUM

    folder = Path(tempfile.mkdtemp(prefix="shnor-bench-vpr-"))
    for year, rows, tasks in ((YEAR - 1, PARTICIPANTS // 10, 0), (YEAR, PARTICIPANTS, TASKS)):
        path = folder / f"region-{year}.csv"
        call_command("generate_region", schools=SCHOOLS, participants=rows, year=year, out=str(path), tasks=tasks)
        call_command("import_results", str(path), stdout=io.StringIO())
    campaign = Campaign.objects.get(procedure="ВПР", year=YEAR, subject__name="Математика", grade=8)
    maximum = MAXIMUM[("Математика", 8)]
    Task.objects.bulk_create(
        Task(
            campaign=campaign,
            position=n,
            label=str(n + 1),
            max_points=maximum // TASKS + (1 if n < maximum % TASKS else 0),
            level="Б" if n < 10 else "П" if n < 14 else "В",
        )
        for n in range(TASKS)
    )
    recalculate(list(Campaign.objects.values_list("pk", flat=True)))  # as the import's task does after commit
    municipality = Municipality.objects.get(code="synthetic")
    for level, where in (
        ("russia", {}),
        ("region", {"region": municipality.region}),
        ("municipality", {"municipality": municipality}),
    ):
        ReferenceDistribution.objects.create(
            campaign=campaign,
            level=level,
            name=level,
            participants=1000,
            pct_2=10,
            pct_3=40,
            pct_4=35,
            pct_5=15,
            **where,
        )
    user = User.objects.create_user("bench-vpr", password="bench-password-123")  # noqa: S106
    RoleAssignment.objects.create(user=user, role=Role.MUNICIPAL_COORDINATOR, municipality=municipality)
    return campaign, municipality, user


def spread(municipality, parts: int = 20) -> None:
    """The schools over `parts` municipalities of the region, round robin (the first keeps its name)."""
    from registry.models import Municipality, School

    others = [
        Municipality.objects.create(region=municipality.region, code=f"synthetic-{n:02d}", name=f"Синтетический {n}")
        for n in range(1, parts)
    ]
    schools = list(School.objects.filter(municipality=municipality).order_by("pk"))
    for index, school in enumerate(schools):
        if index % parts:
            school.municipality = others[index % parts - 1]
    School.objects.bulk_update(schools, ["municipality"], batch_size=1000)


def run(report) -> None:
    campaign, municipality, user = build()
    measure(report, campaign, municipality, user)
    spread(municipality)
    measure(report, campaign, municipality, user)


def measure(report, campaign, municipality, user) -> None:
    from bench.__main__ import timed
    from bench.registry_list import counting_queries
    from reports.analysis.vpr import analyse

    schools = municipality.schools.count()
    rows = campaign.participants.filter(school__municipality=municipality).count()
    with counting_queries() as queries:
        result = analyse(campaign, municipality)
    assert len(result["analysis"]["schools"]) == schools and len(result["analysis"]["total"]["tasks"]) == TASKS
    median, best = timed(lambda: analyse(campaign, municipality))
    report(
        f"ВПР analysis of one campaign of {schools:,} schools, {rows:,} works with {TASKS} task scores: "
        f"median {median:.0f} ms, best {best:.0f} ms, {queries.count} SQL queries"
    )
    client = Client()
    client.force_login(user)
    url = reverse("reports:vpr-analysis", kwargs={"pk": campaign.pk})
    assert client.get(url).status_code == 200
    with counting_queries() as queries:
        client.get(url, {"sort": "dynamics", "dir": "desc"})
    median, best = timed(lambda: client.get(url, {"sort": "dynamics", "dir": "desc"}))
    report(
        f"ВПР analysis page, sorted by the dynamics of «2»: median {median:.0f} ms, best {best:.0f} ms, "
        f"{queries.count} SQL"
    )
    school = result["analysis"]["schools"][0]["school"]
    school_url = reverse("reports:vpr-analysis-school", kwargs={"pk": campaign.pk, "code": school})
    with counting_queries() as queries:
        client.get(school_url)
    median, best = timed(lambda: client.get(school_url))
    report(f"ВПР analysis of one school (charts): median {median:.0f} ms, best {best:.0f} ms, {queries.count} SQL")
