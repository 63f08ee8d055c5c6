"""The layers contract (`.importlinter`, run by `make lint`) holds, and it notices an upward import.

The second test plants one in a copy of the code — at module level and inside a function, since a late import
hides a cycle, it does not remove it — and expects import-linter to refuse both.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("shnor_portal", "accounts", "registry", "support", "roadmaps", "reports")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def _lint(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # the linter of this venv on a copy of this repository
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=folder,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(folder)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_its_layers(tmp_path):
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    "planted",
    [
        "from reports.assessments.models import Campaign  # noqa: F401\n",
        "\n\ndef _planted():\n    from reports import views  # noqa: F401\n",
    ],
    ids=["module level", "inside a function"],
)
def test_an_upward_import_breaks_the_contract(tmp_path, planted):
    folder = _copy(tmp_path)
    target = folder / "registry" / "models.py"
    target.write_text(target.read_text(encoding="utf-8") + planted, encoding="utf-8")
    result = _lint(folder)
    assert result.returncode == 1
    assert "registry.models -> reports" in result.stdout.replace("\n", " ")
