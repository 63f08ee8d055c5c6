"""The three imports read uploaded tables through the one reader of the file-safety package (files/rows.py):
none opens an archive, a CSV or a workbook on its own (writing workbooks, as the registry's template does, is fine)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
READERS = {
    "results import": "reports/assessments/reader.py",
    "registry import": "registry/imports/reader.py",
    "plan import": "roadmaps/imports.py",
}
OPENERS = {
    "zipfile",
    "csv",
    "python_calamine",
    "shnor_portal.files.archive.open_archive",
    "shnor_portal.files.archive.inspect_parts",
    "shnor_portal.files.archive.check_unpacked",
}
OPENPYXL_READERS = {"load_workbook"}


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
            names.update(alias.name for alias in node.names if node.module.startswith("openpyxl"))
    return names


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_each_import_reads_through_the_shared_reader(reader):
    names = imported_names(ROOT / reader)
    assert any(name.startswith("shnor_portal.files.rows.") for name in names), names
    assert not names & OPENERS, f"{reader} opens files on its own: {sorted(names & OPENERS)}"
    assert not names & OPENPYXL_READERS


def test_the_check_sees_a_reader_of_its_own(tmp_path):
    planted = tmp_path / "reader.py"
    planted.write_text("import zipfile\nfrom openpyxl import load_workbook\n", encoding="utf-8")
    assert {"zipfile", "load_workbook"} <= imported_names(planted)
