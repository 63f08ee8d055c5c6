"""Demo results: the shared sample files of Городецкий (ВПР and ЕГЭ 2021) and Дубенский (ВПР 2024) районы,
imported exactly as a coordinator would, so that result pages, charts and flags have real content on first start.

A file already imported (by its SHA-256) is not imported again: a second `load_demo` changes nothing.
"""

import hashlib
from decimal import Decimal

from registry.models import School
from shnor_portal.demo import FIXTURES, Tally, read_fixture, upsert

from . import vpr_demo
from .assessments.models import PublishedResult, ResultImport, Subject
from .assessments.services import import_path

RESULTS = FIXTURES / "results"
FILES = ("vpr_2021_gorodets_protocol.xlsx", "ege_2021_gorodets_protocol.csv", "vpr_2024_dubensky_statistics.csv")


def load(tally: Tally) -> None:
    schools = dict(School.objects.values_list("code", "pk"))
    for name in FILES:
        path = RESULTS / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        label = ResultImport._meta.verbose_name_plural
        if ResultImport.objects.filter(state=ResultImport.State.COMMITTED, summary__sha256=digest).exists():
            tally.note(label, False, False)
            continue
        outcome, _record = import_path(path, allowed_schools=schools, summary={"sha256": digest, "demo": True})
        if outcome.summary is None:
            problems = "; ".join(problem.message for problem in outcome.parsed.problems[:5])
            raise RuntimeError(f"demo results file {name} does not import: {problems}")
        tally.note(label, True, False)
    vpr_demo.load(tally)  # the ВПР analysis data of Октябрьский район (task scores, task table, ФИС ОКО report)


PUBLISHED_FIELDS = (
    "participants",
    "max_score",
    "mean_primary",
    "mean_mark",
    "mean_score",
    "best_score",
    "quality_pct",
    "success_pct",
    "confirmed_pct",
    "raised_pct",
    "lowered_pct",
)


def load_published(tally: Tally) -> None:
    """The results seed 004 publishes for the Октябрьский ШНОР (docs/demo.md), as written."""
    subjects = {subject.name: subject for subject in Subject.objects.all()}
    for block in read_fixture("published_results.yaml"):
        school = School.objects.get(code=block["school"])
        for row in block["rows"]:
            lookup = {
                "school": school,
                "procedure": block["procedure"],
                "year": row["year"],
                "subject": subjects[row["subject"]],
                "grade": row["grade"],
                "class_name": row.get("class", ""),
            }
            values = {name: _number(row.get(name)) for name in PUBLISHED_FIELDS}
            values |= {"note": row.get("note", ""), "source": block["source"]}
            upsert(PublishedResult, lookup, values, tally)


def _number(value):
    if value is None or isinstance(value, int):
        return value
    return Decimal(str(value))
