"""The embedded default (SQLite, eager Celery, no services) migrates, loads the demo and serves pages."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.xdist_group("embedded")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embedded")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "DJANGO_"))}
    # Like `make demo`, except for the database file and the uploaded files (the demo's signed documents), which go
    # to a temporary folder instead of the project.
    env.update(
        {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(folder / "media"),
        }
    )

    def manage(*args, timeout=300):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    migrate = manage("migrate", "--no-input")
    assert migrate.returncode == 0, migrate.stderr
    first = manage("load_demo")
    assert first.returncode == 0, first.stderr
    second = manage("load_demo")
    assert second.returncode == 0, second.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    try:
        yield {"base": base, "first": first.stdout, "second": second.stdout, "manage": manage}
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_it_reports_eager_tasks_and_sqlite(embedded):
    import json

    body = json.loads(urllib.request.urlopen(f"{embedded['base']}/healthz", timeout=5).read())
    assert body == {
        "status": "ok",
        "database": {"status": "ok", "vendor": "sqlite"},
        "broker": {"status": "ok", "mode": "eager"},
    }


def test_load_demo_prints_the_logins_and_changes_nothing_the_second_time(embedded):
    assert "coord-oktyabrsky" in embedded["first"] and "создано" in embedded["first"]
    assert "изменений нет" in embedded["second"]


def test_a_demo_user_logs_in_and_sees_a_russian_dashboard(embedded):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"{embedded['base']}/accounts/login/"
    page = opener.open(login_url, timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "coord-oktyabrsky", "password": "shnor-demo-2024"}
    ).encode()
    request = urllib.request.Request(login_url, data=data, headers={"Referer": login_url})
    dashboard = opener.open(request, timeout=30).read().decode()
    assert "Муниципальный координатор" in dashboard
    assert "Реестр года" in dashboard
    registry = opener.open(f"{embedded['base']}/registry/schools/?year=2019&status=shnor", timeout=30).read().decode()
    assert "МКОУ «Чемашинская СОШ»" in registry


def test_results_import_into_sqlite_gives_the_expected_numbers(embedded):
    """SQLite has no COPY: the batched fallback must store the same rows and give the same numbers."""
    import json

    samples = ROOT / "fixtures" / "demo" / "results"
    expected = json.loads((samples / "expected.json").read_text(encoding="utf-8"))
    for name, case in sorted(expected.items()):
        imported = embedded["manage"]("import_results", str(samples / name))
        assert imported.returncode == 0, imported.stderr
        again = embedded["manage"]("import_results", str(samples / name))
        assert again.returncode == 0 and "заменено прежних строк" in again.stdout, again.stderr
        results = embedded["manage"](*case["results"].split())
        assert results.returncode == 0, results.stderr
        assert json.loads(results.stdout) == case["rows"], name
