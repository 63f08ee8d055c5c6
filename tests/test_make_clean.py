"""`make clean` removes what a local run makes under var/ (media, static, mail) and keeps var/backups.

The recipe runs on a copy of the Makefile in a temporary folder: clean has no prerequisites, so nothing is built."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_clean_removes_var_but_keeps_the_backups(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for folder in ("var/media/plans", "var/static/css", "var/mail", "var/backups/20250101T000000Z", ".venv/bin"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "var/media/plans/plan.xlsx").write_bytes(b"x")
    (tmp_path / "var/backups/20250101T000000Z/manifest.json").write_text("{}")
    (tmp_path / "db.sqlite3").write_bytes(b"")
    subprocess.run([MAKE, "-s", "clean"], cwd=tmp_path, check=True, capture_output=True, timeout=60)
    left = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*"))
    assert left == [
        "Makefile",
        "var",
        "var/backups",
        "var/backups/20250101T000000Z",
        "var/backups/20250101T000000Z/manifest.json",
    ]
