"""The registry list of a region of 1,000 schools: page render, full .xlsx export, SQL query count."""

import contextlib
import datetime as dt

from django.db import connection
from django.test import Client

from accounts.models import Role, RoleAssignment, User
from registry.models import Listing, Municipality, Pairing, Region, School, Status

SCHOOLS = 1000


def build_region():
    region = Region.objects.create(code="bench", name="Регион для замеров")
    municipalities = [
        Municipality.objects.create(region=region, code=f"bench-{n:02d}", name=f"Район №{n:02d}") for n in range(20)
    ]
    schools = School.objects.bulk_create(
        School(
            municipality=municipalities[n % 20],
            code=f"bench-school-{n:04d}",
            short_name=f"МБОУ «СОШ №{n}»",
            name=f"Муниципальное бюджетное общеобразовательное учреждение «СОШ №{n}»",
            settlement="с. Тест",
        )
        for n in range(SCHOOLS)
    )
    Listing.objects.bulk_create(
        Listing(
            school=school,
            status=Status.SHNOR if n % 3 else Status.RISK_ZONE,
            start=dt.date(2024, 9, 1),
            end=dt.date(2025, 8, 31),
            basis=f"приказ №{n} от 01.09.2024",
            basis_number=str(n),
            basis_date=dt.date(2024, 9, 1),
        )
        for n, school in enumerate(schools)
    )
    Pairing.objects.bulk_create(
        Pairing(mentor=schools[n - 1], mentee=schools[n], start=dt.date(2024, 9, 1)) for n in range(1, SCHOOLS, 4)
    )
    user = User.objects.create_user("bench-regional", password="bench-password-123")  # noqa: S106
    RoleAssignment.objects.create(user=user, role=Role.REGIONAL_COORDINATOR, region=region)
    return user


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextlib.contextmanager
def counting_queries():
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


def run(report):
    from bench.__main__ import timed

    user = build_region()
    client = Client()
    client.force_login(user)
    for label, params in [
        ("registry list, page of 50 of 1,000 schools", {"year": "2024"}),
        ("registry list, status filter + search", {"year": "2024", "status": "shnor", "q": "СОШ №1"}),
        ("registry export, all 1,000 schools to .xlsx", {"year": "2024", "export": "xlsx"}),
    ]:
        with counting_queries() as queries:
            response = client.get("/registry/schools/", params)
        assert response.status_code == 200, response.status_code
        median, best = timed(lambda params=params: client.get("/registry/schools/", params))
        report(f"{label}: median {median:.0f} ms, best {best:.0f} ms, {queries.count} SQL queries")
    with counting_queries() as queries:
        client.get("/")
    median, best = timed(lambda: client.get("/"))
    report(
        f"regional dashboard over 20 municipalities: median {median:.0f} ms, best {best:.0f} ms, "
        f"{queries.count} SQL queries"
    )
