"""Importing assessment results at region scale (issue «Assessment results», section «Speed»).

- 1,000,000 per-participant rows of a CSV written by `generate_region`, imported by `import_results` into
  PostgreSQL — reading, every check, COPY and the recalculation of aggregates — against a plain COPY of the same
  file into a bare table, both measured in this run; the ratio is printed.
- The same file imported again (it replaces all its rows) in a separate process, whose peak memory is measured.
- Recalculating every aggregate of the region: time and SQL statements.
- A 200,000-row .xlsx checked (`--dry-run`) in a separate process: time and peak memory.
"""

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent
PARTICIPANTS = int(os.environ.get("BENCH_PARTICIPANTS", "1000000"))
XLSX_ROWS = int(os.environ.get("BENCH_XLSX_ROWS", "200000"))
SCHOOLS = 1000
TASKS = int(os.environ.get("BENCH_TASKS", "16"))  # task columns «1» … «16» of every row (issue 16)


def run(report) -> None:
    folder = Path(tempfile.mkdtemp(prefix="shnor-bench-"))
    csv_path = folder / "region.csv"
    call_command(
        "generate_region", schools=SCHOOLS, participants=PARTICIPANTS, year=2024, out=str(csv_path), tasks=TASKS
    )
    size_mb = csv_path.stat().st_size / 2**20

    copy_seconds = _plain_copy(csv_path)
    report(
        f"plain COPY of {PARTICIPANTS:,} rows with {TASKS} task columns ({size_mb:.0f} MB) into a bare logged table: "
        f"{copy_seconds:.2f} s"
    )

    start = time.perf_counter()
    call_command("import_results", str(csv_path), stdout=io.StringIO())
    import_seconds = time.perf_counter() - start
    report(
        f"import_results of {PARTICIPANTS:,} rows (read, check, COPY, recalculate): {import_seconds:.2f} s, "
        f"{import_seconds / copy_seconds:.1f}× the plain COPY"
    )

    seconds, peak = _in_process_of_its_own(["import_results", str(csv_path)])
    report(
        f"import_results again, replacing all {PARTICIPANTS:,} rows (own process): {seconds:.2f} s, "
        f"{seconds / copy_seconds:.1f}× the plain COPY, peak {peak}"
    )

    from reports.assessments.aggregates import recalculate
    from reports.assessments.models import Campaign

    campaign_ids = list(Campaign.objects.filter(year=2024).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        count = recalculate(campaign_ids)
        seconds = time.perf_counter() - start
    report(
        f"recalculate all aggregates of the region ({count:,} campaign × school rows): {seconds:.2f} s, "
        f"{len(queries)} SQL statements"
    )

    xlsx_path = folder / "region.xlsx"
    _write_xlsx(csv_path, xlsx_path, XLSX_ROWS)
    seconds, peak = _in_process_of_its_own(["import_results", str(xlsx_path), "--dry-run"])
    report(f"check a {XLSX_ROWS:,}-row .xlsx (--dry-run, own process): {seconds:.2f} s, peak {peak}")
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


def _plain_copy(csv_path: Path) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_bare (year text, procedure text, subject text, grade text, school text, "
            "class text, participant text, primary_score text, max_score text, mark text, journal_mark text"
            + "".join(f", task_{n} text" for n in range(1, TASKS + 1))
            + ")"
        )
        try:
            with csv_path.open("rb") as handle:
                start = time.perf_counter()
                cursor.copy_expert("COPY bench_bare FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)", handle)
                seconds = time.perf_counter() - start
        finally:
            cursor.execute("DROP TABLE bench_bare")
    return seconds


# Runs manage.py and, at exit, writes the process's own peak memory (VmHWM: the high-water mark of its resident
# memory since exec, not counting what it inherited from the benchmark at fork) to the file named in argv[1].
PEAK_WRAPPER = """
import atexit, runpy, sys
out = sys.argv.pop(1)
def peak():
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    open(out, "w").write(line.split()[1])
atexit.register(peak)
sys.argv[0] = "manage.py"
runpy.run_path("manage.py", run_name="__main__")
"""


def _in_process_of_its_own(arguments: list[str]) -> tuple[float, str]:
    """Run a management command in a fresh process on the bench database: wall time and its peak memory."""
    settings = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}",
    }
    with tempfile.NamedTemporaryFile(suffix=".peak") as peak:
        start = time.perf_counter()
        subprocess.run(  # noqa: S603 — our own manage.py with fixed arguments
            [sys.executable, "-c", PEAK_WRAPPER, peak.name, *arguments],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - start
        peak_kib = int(Path(peak.name).read_text() or 0)
    return seconds, f"{peak_kib / 1024:.0f} MiB"


def _write_xlsx(csv_path: Path, xlsx_path: Path, rows: int) -> None:
    import csv

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Протокол")
    sheet.append(["ВПР 2024. Протокол результатов"])
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        sheet.append(next(reader))
        for number, row in enumerate(reader):
            if number >= rows:
                break
            sheet.append([int(v) if v.isdigit() else v for v in row])
    workbook.save(xlsx_path)
