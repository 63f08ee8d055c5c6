"""Writing checked results: atomic, replacing for every (campaign, school) in the file all rows held before."""

from django.db import transaction

from .models import AggregatedResult, Campaign, ParticipantResult
from .reader import Parsed

BATCH = 5000


def commit_results(parsed: Parsed, source=None) -> dict:
    if not parsed.ok:
        raise ValueError("a file with problems cannot be committed")
    with transaction.atomic():
        campaigns = {}
        for key, info in parsed.campaigns.items():
            campaigns[key], _created = Campaign.objects.get_or_create(
                procedure=info["procedure"], year=info["year"], subject=info["subject"], grade=info["grade"]
            )
        touched = {(row[0], row[1]) for row in parsed.participants} | {(row[0], row[1]) for row in parsed.aggregates}
        replaced = 0
        by_campaign: dict[tuple, set[int]] = {}
        for key, school_id in touched:
            by_campaign.setdefault(key, set()).add(school_id)
        for key, school_ids in by_campaign.items():
            campaign = campaigns[key]
            replaced += ParticipantResult.objects.filter(campaign=campaign, school_id__in=school_ids).delete()[0]
            replaced += AggregatedResult.objects.filter(campaign=campaign, school_id__in=school_ids).delete()[0]
        ParticipantResult.objects.bulk_create(
            (
                ParticipantResult(
                    campaign=campaigns[key],
                    school_id=school,
                    class_name=class_name,
                    participant=code,
                    primary_score=primary,
                    max_score=maximum,
                    mark=mark,
                    test_score=test,
                    journal_mark=journal,
                    source=source,
                )
                for key, school, class_name, code, primary, maximum, mark, test, journal in parsed.participants
            ),
            batch_size=BATCH,
        )
        AggregatedResult.objects.bulk_create(
            (
                AggregatedResult(
                    campaign=campaigns[key],
                    school_id=school,
                    class_name=class_name,
                    participants=n,
                    marks_2=m2,
                    marks_3=m3,
                    marks_4=m4,
                    marks_5=m5,
                    mean_primary=mean,
                    lowered=lowered,
                    confirmed=confirmed,
                    raised=raised,
                    source=source,
                )
                for key, school, class_name, n, m2, m3, m4, m5, mean, lowered, confirmed, raised in parsed.aggregates
            ),
            batch_size=BATCH,
        )
    return {
        "campaign_ids": sorted(c.pk for c in campaigns.values()),
        "school_ids": sorted(parsed.schools),
        "campaign_count": len(campaigns),
        "school_count": len(parsed.schools),
        "participant_rows": len(parsed.participants),
        "aggregate_rows": len(parsed.aggregates),
        "replaced_rows": replaced,
    }
