"""Load test: 50 concurrent users against gunicorn with production settings (`python -m bench load`).

1. Prepares a PostgreSQL database of its own (`shnor_load_bench` on the server of DATABASE_URL; kept between runs,
   `--rebuild` starts afresh): a region of 1,000 schools in 20 municipalities, listings, pairings, support events,
   users of every persona and a year of ВПР results imported through the real import path (`import_results`).
2. Starts gunicorn on a free port of 127.0.0.1 with DJANGO_DEBUG off, collected static files and a server hook
   (bench/gunicorn_cpu.py) that writes the CPU milliseconds of every request with its URL name.
3. Runs locust headless (bench/locustfile.py): coordinators, principals, inspectors, the regional coordinator and
   the administrator log in and walk their main pages with 0.5–2 s of thinking. The run stops at the time limit or
   after a hard number of requests, whichever comes first; gunicorn is stopped in any case.
4. Prints per page: requests, median, p95, failures and the median / p95 CPU milliseconds of the server.

Loopback only. Figures depend on the machine and on what else runs on it: compare CPU ms, not only wall time.
"""

import argparse
import csv
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "shnor_load_bench"
SECRET = "load-bench-only-secret-key-never-used-anywhere-else-0123456789abcdef"  # noqa: S105 — loopback bench
PARTICIPANTS = int(os.environ.get("BENCH_LOAD_PARTICIPANTS", "300000"))
# Shares of the personas among the locust users (50 users: 20, 15, 10, 4 and 1), at least one of each.
PERSONAS = {"municipal": 0.4, "principal": 0.3, "inspector": 0.2, "regional": 0.08, "admin": 0.02}


def persona_counts(users: int) -> dict[str, int]:
    return {persona: max(1, round(users * share)) for persona, share in PERSONAS.items()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60, help="run time of locust (hard limit)")
    parser.add_argument("--max-requests", type=int, default=5000, help="locust stops after this many requests")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="more than 1: gunicorn's gthread worker")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the bench database")
    parser.add_argument("--prepare-only", action="store_true")
    parser.add_argument("--cpu-pass", action="store_true", help="one request at a time: CPU ms per page, no locust")
    parser.add_argument("--out", help="folder for locust's CSV and the CPU log (default: a temporary folder)")
    parser.add_argument(
        "--app", default=str(ROOT), help="the checkout gunicorn serves (e.g. an older commit, to compare)"
    )
    args = parser.parse_args(argv)

    env = _environment()
    plan_path = _prepare(env, rebuild=args.rebuild)
    if args.prepare_only:
        return 0
    if args.cpu_pass:
        subprocess.run(  # noqa: S603 — bench/load_cpu.py in the served checkout's environment
            [sys.executable, str(ROOT / "bench" / "load_cpu.py"), str(plan_path)],
            cwd=args.app,
            env={**env, "PYTHONPATH": str(args.app)},
            check=True,
        )
        return 0
    out = Path(args.out or tempfile.mkdtemp(prefix="shnor-load-"))
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("cpu-*.tsv"):
        old.unlink()
    port = _free_port()
    server = _start_gunicorn(env, Path(args.app), port, out, args.workers, args.threads)
    try:
        _wait_until_up(port, server)
        _run_locust(env, port, plan_path, out, args)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    _report(out, args)
    return 0


def _environment() -> dict[str, str]:
    """Production settings on loopback: debug off, plain HTTP, the bench database, no broker (eager Celery)."""
    source = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shnor"))
    if not source.scheme.startswith("postgres"):
        raise SystemExit("The load bench needs PostgreSQL: set DATABASE_URL=postgres://…")
    env = {
        **os.environ,
        "DATABASE_URL": urlunsplit(source._replace(path=f"/{DATABASE}")),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(Path(tempfile.gettempdir()) / "shnor-load-static"),
        "DJANGO_MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "shnor-load-media"),
        "DJANGO_SETTINGS_MODULE": "shnor_portal.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("CELERY_BROKER_URL", None)
    return env


def _manage(env, *arguments, quiet=True):
    subprocess.run(  # noqa: S603 — our own manage.py with fixed arguments
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def _prepare(env, rebuild: bool) -> Path:
    plan_path = Path(tempfile.gettempdir()) / f"{DATABASE}.json"
    import psycopg2

    server = urlsplit(env["DATABASE_URL"])
    admin = psycopg2.connect(
        host=server.hostname,
        port=server.port or 5432,
        user=server.username,
        password=server.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        exists = cursor.fetchone() is not None
        if exists and rebuild:
            cursor.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
            exists = False
        if not exists:
            cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    admin.close()
    print(f"bench database {DATABASE}: {'kept' if exists and plan_path.exists() else 'building'}", flush=True)
    _manage(env, "migrate", "--no-input")
    _manage(env, "collectstatic", "--no-input")
    subprocess.run(  # noqa: S603 — translations as in production (the .mo files are built, not committed)
        [str(BIN / "django-admin"), "compilemessages", "--ignore=.venv", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    if not (exists and plan_path.exists()):
        start = time.perf_counter()
        subprocess.run(  # noqa: S603 — this module, building the data in a Django process on the bench database
            [sys.executable, "-c", "import bench.load_data as d; d.build()", str(plan_path)],
            cwd=ROOT,
            env={**env, "BENCH_LOAD_PARTICIPANTS": str(PARTICIPANTS)},
            check=True,
        )
        print(f"built in {time.perf_counter() - start:.0f} s", flush=True)
    return plan_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_gunicorn(env, app: Path, port: int, out: Path, workers: int, threads: int) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "shnor_portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--config",
        str(ROOT / "bench" / "gunicorn_cpu.py"),
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    server_env = {**env, "BENCH_CPU_LOG": str(out), "PYTHONPATH": str(app)}
    return subprocess.Popen(command, cwd=app, env=server_env)  # noqa: S603


def _wait_until_up(port: int, server: subprocess.Popen) -> None:
    from urllib.request import urlopen

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before it answered")
        try:
            with urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 60 s")


def _run_locust(env, port: int, plan_path: Path, out: Path, args) -> None:
    command = [
        str(BIN / "locust"),
        "--headless",
        "--locustfile",
        str(ROOT / "bench" / "locustfile.py"),
        "--users",
        str(sum(persona_counts(args.users).values())),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.seconds}s",
        "--stop-timeout",
        "5",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(out / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    locust_env = {
        **env,
        "BENCH_LOAD_PLAN": str(plan_path),
        "BENCH_LOAD_MAX_REQUESTS": str(args.max_requests),
        "BENCH_LOAD_USERS": str(args.users),
    }
    # A hard bound of the whole run beside locust's own: run time, spawn, stop timeout and a margin.
    with (out / "locust.log").open("w") as log:  # its own tables: the summary below says the same per page
        subprocess.run(  # noqa: S603
            command, cwd=ROOT, env=locust_env, timeout=args.seconds + 60, check=False, stdout=log, stderr=log
        )


def _report(out: Path, args) -> None:
    cpu: dict[str, list[float]] = {}
    for log in out.glob("cpu-*.tsv"):
        for line in log.read_text().splitlines():
            name, method, milliseconds = line.split("\t")
            cpu.setdefault((method, name), []).append(float(milliseconds))
    stats_path = out / "locust_stats.csv"
    if not stats_path.exists():
        raise SystemExit(f"locust wrote no statistics in {out}")
    with stats_path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    print()
    users = sum(persona_counts(args.users).values())
    print(
        f"{users} users, {args.seconds} s, gunicorn {args.workers} workers × {args.threads} threads ({args.app}); {out}"
    )
    header = (
        f"{'page':<34}{'requests':>9}{'median ms':>11}{'p95 ms':>9}{'failures':>10}{'CPU ms med':>12}{'CPU p95':>9}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        name = row["Name"]
        samples = cpu.get((row["Type"], name), [])
        cpu_median = f"{statistics.median(samples):.0f}" if samples else "—"
        cpu_p95 = f"{_percentile(samples, 0.95):.0f}" if samples else "—"
        label = "all requests" if name == "Aggregated" else f"{row['Type']} {name}"
        median = f"{float(row['Median Response Time']):.0f}"
        p95 = f"{float(row['95%']):.0f}" if row["95%"] != "N/A" else "—"
        print(
            f"{label:<34}{row['Request Count']:>9}{median:>11}{p95:>9}{row['Failure Count']:>10}{cpu_median:>12}"
            f"{cpu_p95:>9}"
        )
    measured = {(row["Type"], row["Name"]) for row in rows}
    for (method, name), samples in sorted(cpu.items()):
        if (method, name) not in measured:  # the logins of the ramp-up, before the statistics started
            cpu_columns = f"{statistics.median(samples):>12.0f}{_percentile(samples, 0.95):>9.0f}"
            print(f"{method + ' ' + name + ' (ramp-up)':<34}{len(samples):>9}{'—':>11}{'—':>9}{'—':>10}{cpu_columns}")
    throughput = next((float(r["Requests/s"]) for r in rows if r["Name"] == "Aggregated"), 0.0)
    print(f"throughput: {throughput:.1f} requests/s")
    failures = out / "locust_failures.csv"
    if failures.exists() and len(failures.read_text().splitlines()) > 1:
        print(failures.read_text())


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
