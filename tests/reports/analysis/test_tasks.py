"""Task mastery by level and by mark group, on a campaign whose points are chosen to land on the thresholds."""

import pytest

from reports.analysis.vpr import analyse
from reports.assessments.aggregates import recalculate
from reports.assessments.models import Campaign, ParticipantResult, Subject, Task

pytestmark = pytest.mark.django_db

# Points per participant of each mark group: 9 works with «3», 10 with «4», 1 with «5» (20 works with task scores).
TASKS = {
    # label: (level, max, points of the «3» group, of the «4» group, of the «5» work)
    "1": ("Б", 5, [2, 2, 2, 1, 1, 1, 1, 1, 1], [4] * 10, [5]),  # 57 of 20 × 5 = 57.0 → borderline
    "2": ("Б", 5, [4] + [3] * 8, [3] * 10, [5]),  # 63 of 100 = 63.0 → borderline
    "3": ("Б", 5, [2] * 9, [3] * 7 + [4] * 3, [5]),  # 56 of 100 = 56.0 → not mastered
    "4(1)": ("П", 10, [1] * 9, [4] * 10, [8]),  # 57 of 200 = 28.5 → borderline
    "4(2)": ("В", 10, [2] * 9, [4] * 10, [6]),  # 64 of 200 = 32.0 → mastered
}


def build(world):
    subject = Subject.objects.get(name="Русский язык")
    campaign = Campaign.objects.create(procedure="ВПР", year=2025, subject=subject, grade=6, scale_3=10, scale_4=20)
    for position, (label, (level, maximum, *_groups)) in enumerate(TASKS.items()):
        Task.objects.create(campaign=campaign, position=position, label=label, max_points=maximum, level=level)
    rows = []
    for mark, index, size in ((3, 2, 9), (4, 3, 10), (5, 4, 1)):
        for n in range(size):
            scores = {label: spec[index][n] for label, spec in TASKS.items()}
            rows.append(
                ParticipantResult(
                    campaign=campaign,
                    school=world.school,
                    participant=f"m{mark}-{n}",
                    primary_score=sum(scores.values()),
                    mark=mark,
                    task_scores=scores,
                )
            )
    # A work without task columns counts in the distribution, not in any task's denominator.
    rows.append(ParticipantResult(campaign=campaign, school=world.school, participant="x", primary_score=1, mark=2))
    ParticipantResult.objects.bulk_create(rows)
    recalculate([campaign.pk])
    return campaign


def tasks_of(world):
    result = analyse(build(world), world.municipality)["analysis"]
    (school,) = result["schools"]
    return {task["task"]: task for task in school["tasks"]}, result


def test_it_puts_57_0_and_63_0_of_a_basic_task_in_the_borderline_zone(world):
    tasks, _ = tasks_of(world)
    assert (tasks["1"]["mastery_pct"], tasks["1"]["status"]) == (57.0, "borderline")
    assert (tasks["2"]["mastery_pct"], tasks["2"]["status"]) == (63.0, "borderline")
    assert (tasks["3"]["mastery_pct"], tasks["3"]["status"]) == (56.0, "not_mastered")


def test_advanced_and_high_tasks_use_28_5_and_31_5(world):
    tasks, _ = tasks_of(world)
    assert (tasks["4(1)"]["level"], tasks["4(1)"]["mastery_pct"], tasks["4(1)"]["status"]) == ("П", 28.5, "borderline")
    assert (tasks["4(2)"]["level"], tasks["4(2)"]["mastery_pct"], tasks["4(2)"]["status"]) == ("В", 32.0, "mastered")
    assert [task["max"] for task in tasks.values()] == [5, 5, 5, 10, 10]


def test_a_mark_group_of_nine_is_null_and_one_of_ten_is_shown(world):
    tasks, _ = tasks_of(world)
    # «4» group: 40 of 10 × 5 = 80.0; 30 → 60.0; 33 → 66.0; 40 of 10 × 10 = 40.0 twice. «3» has 9 works, «5» one,
    # «2» one work without task scores: all three «мало данных».
    assert [task["by_mark"]["4"] for task in tasks.values()] == [80.0, 60.0, 66.0, 40.0, 40.0]
    for task in tasks.values():
        assert (task["by_mark"]["2"], task["by_mark"]["3"], task["by_mark"]["5"]) == (None, None, None)


def test_the_total_has_the_same_tasks_and_the_scale_comes_from_the_task_table(world):
    tasks, result = tasks_of(world)
    total = {task["task"]: task for task in result["total"]["tasks"]}
    assert total == tasks  # one school: the municipality's figures are the school's
    # «5» is not in the task table: the lowest score seen with «5», 5 + 5 + 5 + 8 + 6 = 29.
    assert result["scale"] == {"3": 10, "4": 20, "5": 29}


def test_a_task_label_with_quotes_and_sql_is_read_as_a_key(world):
    """Labels come from files: one that would end a quoted identifier is still only a JSON key."""
    label = 'x" int) --'
    campaign = Campaign.objects.create(procedure="ВПР", year=2025, subject=Subject.objects.get(name="История"), grade=6)
    Task.objects.create(campaign=campaign, position=0, label=label, max_points=2, level="Б")
    ParticipantResult.objects.bulk_create(
        ParticipantResult(
            campaign=campaign, school=world.school, participant=f"q{n}", mark=3, task_scores={label: n % 3}
        )
        for n in range(10)
    )
    recalculate([campaign.pk])
    (task,) = analyse(campaign, world.municipality)["analysis"]["schools"][0]["tasks"]
    # 0+1+2 repeated: 0,1,2,0,1,2,0,1,2,0 = 9 points of 10 × 2 → 45.0; the «3» group has exactly 10 works.
    assert (task["task"], task["mastery_pct"], task["by_mark"]["3"]) == (label, 45.0, 45.0)
