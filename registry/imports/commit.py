"""Writing a checked registry workbook: atomic, and a second import of the same file changes nothing."""

from dataclasses import dataclass, field

from django.db import transaction

from ..models import School
from ..profiles import RiskAssessment, SchoolYearProfile, SwotItem
from ..services.profiles import save_risk_profile, save_swot
from .reader import Workbook


@dataclass
class Outcome:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def note(self, kind: str, status: str) -> None:
        bucket = getattr(self, status)
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


class _DryRun(Exception):
    pass


def commit_workbook(book: Workbook, municipality, *, dry_run: bool = False) -> Outcome:
    """Apply the workbook; with `dry_run`, apply and roll back to tell what a commit would change."""
    if not book.ok:
        raise ValueError("a workbook with problems cannot be committed")
    outcome = Outcome()
    try:
        with transaction.atomic():
            _apply(book, municipality, outcome)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return outcome


def _upsert(model, lookup: dict, values: dict):
    obj = model.objects.select_for_update().filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.full_clean(exclude=["school", "municipality"])
    obj.save(update_fields=changed)
    return obj, "updated"


def _apply(book: Workbook, municipality, outcome: Outcome) -> None:
    schools = {}
    for code, values in book.schools.items():
        school, status = _upsert(School, {"code": code}, {"municipality": municipality, **values})
        schools[code] = school
        outcome.note("schools", status)
    needed = {code for code, _year in [*book.profiles, *book.risks, *book.swot]} - set(schools)
    schools.update(School.objects.filter(municipality=municipality, code__in=needed).in_bulk(field_name="code"))
    for (code, year), values in book.profiles.items():
        _profile, status = _upsert(SchoolYearProfile, {"school": schools[code], "year": year}, values)
        outcome.note("profiles", status)
    for (code, year), values in book.risks.items():
        school = schools[code]
        before = set(RiskAssessment.objects.filter(school=school, year=year).values_list("factor", "level", "comment"))
        save_risk_profile(school, year, values)
        after = {(factor, level, comment) for factor, (level, comment) in values.items()}
        outcome.note("risk_profiles", "unchanged" if before == after else ("updated" if before else "created"))
    for (code, year), lists in book.swot.items():
        school = schools[code]
        before = list(
            SwotItem.objects.filter(school=school, year=year).order_by("kind", "position").values_list("kind", "text")
        )
        save_swot(school, year, lists)
        after = sorted(((kind, text) for kind, texts in lists.items() for text in texts), key=lambda kt: kt[0])
        before_sorted = sorted(before, key=lambda kt: kt[0])
        outcome.note("swot", "unchanged" if before_sorted == after else ("updated" if before else "created"))
