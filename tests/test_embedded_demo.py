"""`make demo`: the embedded default (SQLite, eager Celery, no services) with debug off migrates, collects the static
files, loads the demo and serves pages, with the portal's own error pages."""

import http.cookiejar
import itertools
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
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


MAKE = shutil.which("make")


def demo_commands(secret: Path) -> list[tuple[dict, list[str]]]:
    """The `manage.py` commands of `make demo` as make itself prints them (`make -n`), each with its variables."""
    printed = subprocess.run(
        [MAKE, "-n", "--no-print-directory", "demo", f"DEMO_SECRET={secret}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    commands = []
    for line in printed.splitlines():
        if " manage.py " not in line:
            continue
        words = shlex.split(line)
        assignments = list(itertools.takewhile(lambda word: re.fullmatch(r"[A-Z_]+=.*", word), words))
        variables = dict(word.split("=", 1) for word in assignments)
        program = words[len(assignments) :]
        assert program[0] == ".venv/bin/python", line
        commands.append((variables, program[1:]))
    return commands


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    if MAKE is None:
        pytest.skip("make is not installed")
    folder = tmp_path_factory.mktemp("embedded")
    secret = folder / "demo-secret-key"
    made = subprocess.run([MAKE, "-s", f"DEMO_SECRET={secret}", str(secret)], cwd=ROOT, capture_output=True, timeout=60)
    assert made.returncode == 0, made.stderr
    commands = demo_commands(secret)
    *preparation, (serve_variables, serve) = commands
    assert [program[1] for _, program in commands] == ["migrate", "collectstatic", "load_demo", "runserver"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "DJANGO_"))}
    # Exactly `make demo`'s commands and variables, except that the database file and the collected static files go
    # to a temporary folder instead of the project (with the uploaded files: the demo's signed documents), and the
    # server listens on a free port.
    env.update(serve_variables)
    env.update({"DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}", "DJANGO_STATIC_ROOT": str(folder / "static")})
    env["DJANGO_MEDIA_ROOT"] = str(folder / "media")

    def manage(*args, timeout=300):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    outputs = []
    for variables, program in preparation:
        assert variables == serve_variables
        done = manage(*program[1:])
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    second = manage("load_demo")
    assert second.returncode == 0, second.stderr
    port = free_port()
    assert serve[-1] == "127.0.0.1:8000"
    server = subprocess.Popen(
        [sys.executable, *serve[:-1], "--noreload", f"127.0.0.1:{port}"],
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
        yield {
            "base": base,
            "first": outputs[-1],
            "second": second.stdout,
            "manage": manage,
            "secret": secret,
            "folder": folder,
        }
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_the_secret_key_is_made_once_outside_the_repository_and_kept(embedded):
    secret = embedded["secret"]
    key = secret.read_text().strip()
    assert len(key) >= 50
    assert secret.stat().st_mode & 0o077 == 0
    again = subprocess.run(
        [MAKE, "-s", f"DEMO_SECRET={secret}", str(secret)], cwd=ROOT, capture_output=True, timeout=60
    )
    assert again.returncode == 0 and secret.read_text().strip() == key
    # The default place is under var/, which git ignores.
    assert "DEMO_SECRET ?= var/" in (ROOT / "Makefile").read_text()
    assert "var/" in (ROOT / ".gitignore").read_text().splitlines()


def test_a_wrong_address_gets_the_portals_russian_404_page_not_the_debug_page(embedded):
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{embedded['base']}/no-such-page/", timeout=10)
    assert caught.value.code == 404
    page = caught.value.read().decode()
    assert "Страница не найдена" in page
    assert "ШНОР" in page  # the portal's own layout around it
    assert "DEBUG = True" not in page and "Page not found" not in page and "URLconf" not in page
    stylesheet = re.search(r'<link[^>]+href="(/static/[^"]+\.css)"', page).group(1)
    # Collected, hashed names (the manifest storage), served by WhiteNoise with a long cache life.
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet
    served = urllib.request.urlopen(f"{embedded['base']}{stylesheet}", timeout=10)
    assert served.status == 200
    assert "text/css" in served.headers["Content-Type"]
    assert "immutable" in served.headers.get("Cache-Control", "")
    assert len(served.read()) > 1000


def test_it_serves_localhost_names_and_refuses_other_hosts(embedded):
    port = embedded["base"].rsplit(":", 1)[1]
    for host in ("localhost", "127.0.0.1"):
        request = urllib.request.Request(f"{embedded['base']}/healthz", headers={"Host": f"{host}:{port}"})
        assert urllib.request.urlopen(request, timeout=10).status == 200
    request = urllib.request.Request(f"{embedded['base']}/healthz", headers={"Host": "evil.example"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    assert caught.value.code == 400


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
