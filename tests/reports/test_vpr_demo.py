"""The demo's ВПР analysis data (reports/vpr_demo.py): the kept files are what the module writes, they import through
the real services once, and every signal of SPEC §2.6 shows in the stored rows (worked out here by hand, not by the
analysis code)."""

from collections import Counter
from decimal import Decimal

import pytest

from reports import vpr_demo
from reports.assessments.models import Campaign, ParticipantResult, ReferenceDistribution, ResultImport
from shnor_portal.demo import Tally

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    from registry import demo as registry_demo

    registry_demo.load(Tally())
    vpr_demo.load(Tally())


def test_the_kept_files_are_what_the_module_writes():
    for name, text in vpr_demo.files(*vpr_demo.demo_names()).items():
        assert (vpr_demo.FOLDER / name).read_bytes() == text.encode("utf-8"), name


def test_a_second_load_changes_nothing(loaded):
    before = (ResultImport.objects.count(), ParticipantResult.objects.count(), ReferenceDistribution.objects.count())
    tally = Tally()
    vpr_demo.load(tally)
    assert not tally.created and not tally.updated
    assert (ResultImport.objects.count(), ParticipantResult.objects.count(), ReferenceDistribution.objects.count()) == (
        before
    )
    assert all(record.summary.get("demo") for record in ResultImport.objects.all())


def _campaign(year):
    return Campaign.objects.get(procedure="ВПР", year=year, subject__name="Математика", grade=5)


def test_the_task_table_scale_and_references_are_stored(loaded):
    campaign = _campaign(2025)
    assert (campaign.scale_3, campaign.scale_4, campaign.scale_5) == (5, 9, 12)
    assert Counter(campaign.tasks.values_list("level", flat=True)) == {"Б": 6, "П": 3, "В": 1}
    references = {r.level: r for r in campaign.references.select_related("municipality")}
    assert references["municipality"].municipality.code == "oktyabrsky"
    assert references["municipality"].participants == 121
    # 18 «2» of 121 works: 14.876 → 14.88.
    assert references["municipality"].pct_2 == Decimal("14.88")
    assert references["russia"].name == "Вся выборка"


def _marks(year, school):
    return Counter(
        ParticipantResult.objects.filter(campaign=_campaign(year), school__code=school).values_list("mark", flat=True)
    )


def test_every_signal_shows(loaded):
    # «2» at Чемашинская: 3 of 24 in 2024 (12.5 %), 6 of 24 in 2025 (25.0 %): +12.5 points, «отрицательная динамика».
    before, now = _marks(2024, "chemashi"), _marks(2025, "chemashi")
    assert (before[2], sum(before.values()), now[2], sum(now.values())) == (3, 24, 6, 24)
    # A boundary peak at mark 3 (lowest score 5): 6 works scored 5, 3 scored 4 — 6 ≥ 3 and 6 ≥ 2 × 3.
    scores = Counter(
        ParticipantResult.objects.filter(campaign=_campaign(2025), school__code="chemashi").values_list(
            "primary_score", flat=True
        )
    )
    assert (scores[5], scores[4]) == (6, 3)
    # Journal gaps of two marks or more.
    rows = list(ParticipantResult.objects.filter(campaign=_campaign(2025)))
    assert sum(1 for r in rows if abs(r.mark - r.journal_mark) >= 2) == 10
    # Mark groups: Шеркальская has 14 «3» (10 or more) and 4 «5» (under 10).
    sherkaly = _marks(2025, "sherkaly")
    assert (sherkaly[3], sherkaly[5]) == (14, 4)
    # Task mastery of the municipality, by level: every status shows for Б and for П.
    tasks = {t.label: t for t in _campaign(2025).tasks.all()}
    statuses = set()
    for label, task in tasks.items():
        points = sum(r.task_scores[label] for r in rows)
        mastery = Decimal(points * 100) / (len(rows) * task.max_points)
        low, high = (Decimal("57.0"), Decimal("63.0")) if task.level == "Б" else (Decimal("28.5"), Decimal("31.5"))
        status = "not_mastered" if mastery < low else "borderline" if mastery <= high else "mastered"
        statuses.add((task.level, status))
    assert {("Б", s) for s in ("mastered", "borderline", "not_mastered")} <= statuses
    assert {("П", s) for s in ("mastered", "borderline", "not_mastered")} <= statuses
    # Each work's task scores add up to its primary score.
    assert all(sum(r.task_scores.values()) == r.primary_score for r in rows)
