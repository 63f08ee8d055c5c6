"""Demo results: the shared sample files of Городецкий (ВПР and ЕГЭ 2021) and Дубенский (ВПР 2024) районы,
imported exactly as a coordinator would, so that result pages, charts and flags have real content on first start.

A file already imported (by its SHA-256) is not imported again: a second `load_demo` changes nothing.
"""

import hashlib

from django.core.files import File
from django.utils import timezone

from registry.models import School
from shnor_portal.demo import FIXTURES, Tally

from .assessments.aggregates import recalculate
from .assessments.commit import import_file
from .assessments.models import ResultImport

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
        record = ResultImport(original_name=name, state=ResultImport.State.COMMITTED)
        outcome = import_file(path, allowed_schools=schools, record=record, max_bytes=None)
        if outcome.summary is None:
            problems = "; ".join(problem.message for problem in outcome.parsed.problems[:5])
            raise RuntimeError(f"demo results file {name} does not import: {problems}")
        record.shape, record.rows = outcome.parsed.shape, outcome.parsed.rows
        record.summary = {**outcome.summary, "sha256": digest, "demo": True}
        record.committed_at = timezone.now()
        with path.open("rb") as handle:
            record.file.save(f"{record.pk}{path.suffix}", File(handle), save=False)
        record.save()
        recalculate(outcome.summary["campaign_ids"], outcome.summary["school_ids"])
        tally.note(label, True, False)
