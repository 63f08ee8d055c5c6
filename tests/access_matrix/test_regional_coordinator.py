"""The README's word on the regional coordinator («reads every municipality of the region; may import assessment
results for the region; edits nothing else») against the access matrix, whose every entry is checked against the
views themselves by the tests of this folder."""

import re
from pathlib import Path

from .test_every_route_has_an_entry import ENTRIES

ROOT = Path(__file__).resolve().parents[2]


def test_the_regional_coordinator_writes_only_through_the_results_import():
    writes = sorted({item.name for item in ENTRIES if item.may_write("regional")})
    # Its own password aside, every route it may write through is a step of the results import.
    assert writes == [
        "password-change",
        "reports:results-confirm",
        "reports:results-retry",
        "reports:results-upload",
        "reports:task-table-upload",  # a work's task table belongs to the results import
    ]


def test_the_regional_coordinator_reads_what_a_coordinator_reads_in_the_region():
    readable = {item.name for item in ENTRIES if item.get.get("regional") == 200}
    for name in ("registry:school-list", "roadmaps:report-reviews", "reports:results-upload", "roadmaps:plan-list"):
        assert name in readable, name


def test_the_readme_says_so():
    row = next(line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `region-hmao`"))
    assert re.search(r"import assessment results for the region", row) and "edits nothing else" in row
