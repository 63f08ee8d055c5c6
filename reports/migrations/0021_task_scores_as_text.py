# Task scores kept as text on PostgreSQL (reports/assessments/fields.py TextJSONField).

import reports.assessments.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0020_participant_rows_partitioned'),
    ]

    operations = [
        migrations.AlterField(
            model_name='participantresult',
            name='task_scores',
            field=reports.assessments.fields.TextJSONField(null=True),
        ),
    ]
