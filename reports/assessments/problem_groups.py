"""The problems of a results file as a person reads them: grouped by kind and value (shnor_portal/problems.py), a
school outside the importer's area named with its municipality, and a file wholly of such schools said so first.

The reader records «школа «osh-16» вне вашей зоны» once per row with the code as typed. Which problems are of that
kind is decided when the file is checked (`mark_outside_schools`: the code is a school of the registry the importer
may not import for — the reader's own rule), and kept on the problem as the school's id, so that the page names the
school as it is now without re-reading the file or the importer's scope.
"""

from dataclasses import dataclass, field

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from registry.models import School
from shnor_portal.problems import ProblemGroup, default_key, group_problems

from .reader import HEADER_NAMES

SCHOOL_COLUMN = HEADER_NAMES["school"]


def mark_outside_schools(problems: list[dict], allowed: dict[str, int]) -> list[dict]:
    """Give each problem of a school code that belongs to a school outside `allowed` the school's id
    (`outside_school`). One query for the codes of the file's school-code problems."""
    codes = {
        str(problem["value"]).strip().lower()
        for problem in problems
        if problem.get("column") == SCHOOL_COLUMN and problem.get("value")
    }
    allowed_codes = {code.strip().lower() for code in allowed}
    codes -= allowed_codes
    if not codes:
        return problems
    known = dict(
        School.objects.annotate(lower_code=Lower("code")).filter(lower_code__in=codes).values_list("lower_code", "pk")
    )
    for problem in problems:
        if problem.get("column") == SCHOOL_COLUMN and problem.get("value"):
            school_id = known.get(str(problem["value"]).strip().lower())
            if school_id is not None:
                problem["outside_school"] = school_id
    return problems


@dataclass
class ImportProblems:
    groups: list[ProblemGroup]
    total: int  # every problem of the file; `shown` of them are kept on the record (the reader's limit)
    shown: int
    all_outside: list[str] = field(default_factory=list)  # municipalities, when every row is of a school outside

    @property
    def truncated(self) -> bool:
        return self.total > self.shown


def import_problems(problems: list[dict], *, total: int | None = None, rows: int = 0) -> ImportProblems:
    """Group a record's problems; `rows`: the file's data rows, to tell a file wholly outside the area (one query
    for the schools named)."""
    outside_ids = {problem["outside_school"] for problem in problems if problem.get("outside_school")}
    schools = {
        school.pk: school
        for school in School.objects.filter(pk__in=outside_ids)
        .select_related("municipality")
        .only("short_name", "municipality__name")
    }

    def key(problem):
        school = schools.get(problem.get("outside_school"))
        if school is None:
            return default_key(problem)
        label = _("School %(school)s (%(municipality)s) is not in your area") % {
            "school": school.short_name,
            "municipality": school.municipality.name,
        }
        return ("outside", school.pk), label

    groups = group_problems(problems, key)
    outside_rows = {problem["row"] for problem in problems if problem.get("outside_school") in schools}
    all_outside = []
    if rows and outside_rows and len(outside_rows) >= rows:
        all_outside = sorted({school.municipality.name for school in schools.values()})
    return ImportProblems(groups, total if total is not None else len(problems), len(problems), all_outside)
