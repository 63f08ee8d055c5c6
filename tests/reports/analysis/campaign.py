"""A small hand-built ВПР campaign of two schools whose every analysis figure is worked out in the tests."""

from reports.assessments.aggregates import recalculate
from reports.assessments.models import Campaign, ParticipantResult, Subject

# School A (world.school): (primary score, mark, works). The lowest score seen with «3» is 6, with «4» 11, with «5» 16.
# n(6) = 4 and n(5) = 2: a peak exactly at the factor 2; n(11) = 5 and n(10) = 3: just below it (5 < 6).
A_WORKS = [(5, 2, 2), (6, 3, 4), (10, 3, 3), (11, 4, 5), (16, 5, 1)]
# School B (world.second_school): ten works, three «2» (30.0 %) against two of ten last year (20.0 %): +10.0 points.
B_WORKS = [(3, 2, 3), (7, 3, 7)]
# Journal marks of school A: two gaps of two marks (one each way) and a gap of one, which does not count.
A_JOURNAL = {"a-0": ("5А", 4), "a-2": ("5Б", 5), "a-9": ("5А", 4)}


def rows(campaign, school, works, prefix, journal=None):
    journal = journal or {}
    n = 0
    result = []
    for score, mark, count in works:
        for _ in range(count):
            code = f"{prefix}-{n}"
            class_name, journal_mark = journal.get(code, ("5А", None))
            result.append(
                ParticipantResult(
                    campaign=campaign,
                    school=school,
                    participant=code,
                    class_name=class_name,
                    primary_score=score,
                    max_score=20,
                    mark=mark,
                    journal_mark=journal_mark,
                )
            )
            n += 1
    return result


def build(world, *, with_previous=True):
    subject = Subject.objects.get(name="Математика")
    campaign = Campaign.objects.create(procedure="ВПР", year=2025, subject=subject, grade=5)
    created = rows(campaign, world.school, A_WORKS, "a", A_JOURNAL) + rows(campaign, world.second_school, B_WORKS, "b")
    ids = [campaign.pk]
    if with_previous:
        previous = Campaign.objects.create(procedure="ВПР", year=2024, subject=subject, grade=5)
        created += rows(previous, world.school, [(4, 2, 1), (9, 3, 9)], "pa")
        created += rows(previous, world.second_school, [(4, 2, 2), (9, 3, 8)], "pb")
        ids.append(previous.pk)
    ParticipantResult.objects.bulk_create(created)
    recalculate(ids)
    return campaign
