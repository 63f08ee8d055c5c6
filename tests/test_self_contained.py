"""The repository is self-contained: no tracked text file cites the product documents outside it.

The domain reference lives in docs/ (indicators, import formats, identification, deadlines, the demo); a path into
the folder the product documents came from would send a maintainer to a file that a clone does not have.
"""

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Spelled in two pieces so that this file does not match itself.
OUTSIDE = re.compile("(?:\\.\\./)?" + "shared" + "/")
SKIPPED_FOLDERS = {".git", ".venv", "node_modules", "__pycache__", "var", "test-results", ".pytest_cache"}


def tracked_files() -> list[Path]:
    """The files git tracks; without git (an unpacked archive), every file outside the local folders."""
    git = shutil.which("git")
    if git and (ROOT / ".git").exists():
        listed = subprocess.run([git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60)
        return [ROOT / name for name in listed.stdout.decode().split("\0") if name]
    return [
        path for path in ROOT.rglob("*") if path.is_file() and not SKIPPED_FOLDERS & set(path.relative_to(ROOT).parts)
    ]


def text_of(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:  # deleted in the work tree, not yet in the index
        return None
    if b"\0" in data[:8192]:
        return None  # binary: a workbook, an image, a compiled catalogue
    return data.decode("utf-8", errors="replace")


def test_the_file_list_covers_the_code_the_docs_and_the_fixtures():
    names = {path.relative_to(ROOT).as_posix() for path in tracked_files()}
    assert {"README.md", "Makefile", "docs/indicators.md", "fixtures/demo/registry.yaml"} <= names
    assert "tests/test_self_contained.py" in names or not (ROOT / ".git").exists()


def test_no_tracked_text_file_cites_a_path_outside_the_repository():
    found = []
    for path in tracked_files():
        text = text_of(path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}")
    assert not found, "cite docs/ instead:\n" + "\n".join(found)
