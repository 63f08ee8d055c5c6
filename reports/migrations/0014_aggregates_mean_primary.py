"""The mean primary score (SPEC §2.4) stored with the aggregates as its exact parts; the aggregates already stored
get theirs from the stored rows, by the same sums as reports/assessments/aggregates.py."""

from django.db import migrations, models

FILL = """
UPDATE reports_schoolaggregate
SET primary_sum = g.primary_sum, scored = g.scored, primary_max = g.primary_max
FROM (
    SELECT campaign_id, school_id, SUM(primary_sum) AS primary_sum, SUM(scored) AS scored,
           MAX(primary_max) AS primary_max
    FROM (
        SELECT campaign_id, school_id, COALESCE(SUM(primary_score), 0) AS primary_sum,
               COUNT(primary_score) AS scored, MAX(max_score) AS primary_max
        FROM reports_participantresult GROUP BY campaign_id, school_id
        UNION ALL
        SELECT campaign_id, school_id, COALESCE(SUM(mean_primary * participants), 0),
               COALESCE(SUM(CASE WHEN mean_primary IS NOT NULL THEN participants ELSE 0 END), 0), NULL
        FROM reports_aggregatedresult GROUP BY campaign_id, school_id
    ) parts
    GROUP BY campaign_id, school_id
) g
WHERE reports_schoolaggregate.campaign_id = g.campaign_id AND reports_schoolaggregate.school_id = g.school_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0013_activity_indicators"),
    ]

    operations = [
        migrations.AddField(
            model_name="schoolaggregate",
            name="primary_max",
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="schoolaggregate",
            name="primary_sum",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=14),
        ),
        migrations.AddField(
            model_name="schoolaggregate",
            name="scored",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
