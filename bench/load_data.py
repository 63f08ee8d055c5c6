"""Data of the load bench, built in a Django process on the bench database (see bench/load.py).

A region of 1,000 schools in 20 municipalities (codes `syn-00001` …, as `generate_region` writes them, so its CSV of
a year of ВПР results is imported through the real `import_results`), listings, pairings, support events and users
of every persona. Writes the plan the locust users read: accounts by persona, school codes and campaign ids.
"""

import datetime as dt
import io
import json
import os
import sys
import tempfile
from pathlib import Path

PASSWORD = "load-bench-password-123"  # noqa: S105 — users of the throwaway bench database
SCHOOLS = 1000
MUNICIPALITIES = 20
RESULTS_YEAR = 2025


def build() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shnor_portal.settings")
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction

    from accounts.models import Role, RoleAssignment, User
    from registry.models import Listing, Municipality, Pairing, Region, School, Status
    from reports.assessments.models import Campaign
    from support.models import EventSchool, EventType, SupportEvent

    plan_path = Path(sys.argv[1])
    participants = int(os.environ.get("BENCH_LOAD_PARTICIPANTS", "300000"))
    with transaction.atomic():
        region = Region.objects.create(code="synthetic", name="Синтетический регион")
        # The first is the municipality `generate_region` looks for; it finds it and adds no other.
        municipalities = [
            Municipality.objects.create(
                region=region, code="synthetic" if n == 0 else f"synthetic-{n:02d}", name=f"Район №{n + 1:02d}"
            )
            for n in range(MUNICIPALITIES)
        ]
        schools = School.objects.bulk_create(
            School(
                municipality=municipalities[(n - 1) % MUNICIPALITIES],
                code=f"syn-{n:05d}",
                short_name=f"МБОУ «Синтетическая СОШ №{n}»",
                name=f"Муниципальное бюджетное общеобразовательное учреждение «Синтетическая СОШ №{n}»",
                settlement="с. Тест",
            )
            for n in range(1, SCHOOLS + 1)
        )
        Listing.objects.bulk_create(
            Listing(
                school=school,
                status=Status.SHNOR if n % 3 else Status.RISK_ZONE,
                start=dt.date(RESULTS_YEAR - 1, 9, 1),
                basis=f"приказ №{n} от 01.09.{RESULTS_YEAR - 1}",
                basis_number=str(n),
                basis_date=dt.date(RESULTS_YEAR - 1, 9, 1),
            )
            for n, school in enumerate(schools)
            if n % 2 == 0  # half of the region is listed
        )
        Pairing.objects.bulk_create(
            Pairing(mentor=schools[n - 1], mentee=schools[n], start=dt.date(RESULTS_YEAR - 1, 9, 1))
            for n in range(1, SCHOOLS, 4)
        )
        password = make_password(PASSWORD)
        plan: dict[str, list] = {"regional": [], "municipal": [], "principal": [], "inspector": [], "admin": []}

        def user(username, role, **scope):
            account = User.objects.create(username=username, password=password, is_superuser=role == Role.ADMIN)
            RoleAssignment.objects.create(user=account, role=role, **scope)
            return account

        admin = user("load-admin", Role.ADMIN)
        plan["admin"].append({"username": admin.username, "schools": [s.code for s in schools[:50]]})
        user("load-regional", Role.REGIONAL_COORDINATOR, region=region)
        plan["regional"].append({"username": "load-regional", "schools": [s.code for s in schools[::20]]})
        user("load-inspector-region", Role.INSPECTOR, region=region)
        plan["inspector"].append({"username": "load-inspector-region", "schools": [s.code for s in schools[5::20]]})
        for n, municipality in enumerate(municipalities):
            own = [s.code for s in schools if s.municipality_id == municipality.pk]
            user(f"load-coordinator-{n:02d}", Role.MUNICIPAL_COORDINATOR, municipality=municipality)
            plan["municipal"].append({"username": f"load-coordinator-{n:02d}", "schools": own})
            if n < 10:
                user(f"load-inspector-{n:02d}", Role.INSPECTOR, municipality=municipality)
                plan["inspector"].append({"username": f"load-inspector-{n:02d}", "schools": own})
        for school in schools[: SCHOOLS : SCHOOLS // 40]:
            user(f"load-principal-{school.code}", Role.PRINCIPAL, school=school)
            plan["principal"].append({"username": f"load-principal-{school.code}", "schools": [school.code]})
        events = SupportEvent.objects.bulk_create(
            SupportEvent(
                municipality=municipalities[n % MUNICIPALITIES],
                type=EventType.values[n % len(EventType.values)],
                start=dt.date(RESULTS_YEAR, 1 + n % 12, 1 + n % 28),
                topic=f"Семинар №{n + 1}",
                organiser_municipality=municipalities[n % MUNICIPALITIES],
                created_by=admin,
            )
            for n in range(10 * MUNICIPALITIES)
        )
        EventSchool.objects.bulk_create(
            # Target schools of the event's own municipality (school i lies in municipality i mod 20).
            EventSchool(event=event, school=schools[(n // MUNICIPALITIES * 60 + k * MUNICIPALITIES + n) % SCHOOLS])
            for n, event in enumerate(events)
            for k in range(3)
        )

    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "region.csv"
        call_command(
            "generate_region",
            schools=SCHOOLS,
            participants=participants,
            year=RESULTS_YEAR,
            out=str(csv_path),
            stdout=io.StringIO(),
        )
        call_command("import_results", str(csv_path), stdout=io.StringIO())
    _adopt_indicators(Municipality.objects.filter(pk__in=[m.pk for m in municipalities]), RESULTS_YEAR)
    plan["campaigns"] = list(Campaign.objects.filter(year=RESULTS_YEAR).values_list("pk", flat=True))
    plan["year"] = RESULTS_YEAR
    plan["password"] = PASSWORD
    # Statistics as autovacuum leaves them on a server that has run for a while: without them the planner guesses
    # one row per table and the first minutes of a run measure its guesses, not the pages.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan_path.write_text(json.dumps(plan, ensure_ascii=False))


def _adopt_indicators(municipalities, year: int) -> None:
    """Every municipality adopts the whole municipal catalogue with a baseline of the year before and a target for the
    year, and the indicators are calculated: the dashboards and «Целевые показатели» then show what a region's do."""
    from decimal import Decimal

    from reports.indicators.models import AdoptedIndicator, Indicator, IndicatorScope, IndicatorTarget
    from reports.indicators.services import recalculate

    catalogue = list(Indicator.objects.filter(scope=IndicatorScope.MUNICIPALITY))
    adopted = AdoptedIndicator.objects.bulk_create(
        AdoptedIndicator(
            municipality=municipality, indicator=indicator, baseline_value=Decimal(10 + n % 40), baseline_year=year - 1
        )
        for municipality in municipalities
        for n, indicator in enumerate(catalogue)
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(adopted=adoption, year=year, target=Decimal(20 + n % 60)) for n, adoption in enumerate(adopted)
    )
    recalculate([m.pk for m in municipalities], [year - 1, year])
