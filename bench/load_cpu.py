"""Single-user pass of the load bench: CPU milliseconds, SQL queries and size of each main page, one request at a time.

Run by `python -m bench load --cpu-pass` in a process of its own on the bench database with production settings
(`--app` another checkout to compare). Each page is asked REPEAT times by the persona that sees the most of it; the
minimum CPU time is the figure to compare on a busy machine (other processes add to the median, never to the minimum).
"""

import json
import os
import statistics
import sys
import time

REPEAT = int(os.environ.get("BENCH_CPU_REPEAT", "15"))


def pages(plan) -> list[tuple[str, str, str]]:
    regional = plan["regional"][0]
    coordinator = plan["municipal"][0]
    principal = plan["principal"][0]
    admin = plan["admin"][0]
    campaign = plan["campaigns"][0]
    return [
        ("dashboard, regional coordinator", regional["username"], "/"),
        ("dashboard, municipal coordinator", coordinator["username"], "/"),
        ("dashboard, principal", principal["username"], "/"),
        ("registry list, region (page of 50 of 1,000)", regional["username"], "/registry/schools/"),
        ("registry list, municipality", coordinator["username"], "/registry/schools/"),
        ("school page", coordinator["username"], f"/registry/schools/{coordinator['schools'][0]}/"),
        ("school results tab", principal["username"], f"/reports/schools/{principal['schools'][0]}/results/"),
        ("results list", regional["username"], "/reports/results/"),
        ("campaign results, region (1,000 schools)", regional["username"], f"/reports/results/campaigns/{campaign}/"),
        ("campaign results, municipality", coordinator["username"], f"/reports/results/campaigns/{campaign}/"),
        ("flags", regional["username"], f"/reports/results/flags/?year={plan['year']}"),
        ("pairings, region", regional["username"], "/support/pairings/"),
        ("events, administrator (1,000-school filter)", admin["username"], "/support/events/"),
        ("events, municipal coordinator", coordinator["username"], "/support/events/"),
        ("plans", coordinator["username"], "/roadmaps/"),
    ]


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shnor_portal.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    plan = json.loads(open(sys.argv[1], encoding="utf-8").read())
    clients: dict[str, Client] = {}
    print(f"{'page':<48}{'CPU ms min':>11}{'median':>8}{'wall min':>9}{'SQL':>5}{'KiB':>7}")
    for label, username, url in pages(plan):
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        response = client.get(url)  # warms the template cache and the connection
        assert response.status_code == 200, (url, response.status_code)
        cpu, wall = [], []
        for _ in range(REPEAT):
            start_cpu, start_wall = time.process_time(), time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            cpu.append((time.process_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start_wall) * 1000)
        print(
            f"{label:<48}{min(cpu):>11.1f}{statistics.median(cpu):>8.1f}{min(wall):>9.0f}{len(queries):>5}"
            f"{len(response.content) / 1024:>7.0f}"
        )


if __name__ == "__main__":
    main()
