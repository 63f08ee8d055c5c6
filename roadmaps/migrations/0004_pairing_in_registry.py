"""The plans' pairing keys point at registry.Pairing (moved there from support by registry/0008), in state only:
the database constraint already follows the renamed table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0008_pairing_from_support'),
        ('roadmaps', '0003_history_of_evidence'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='historicalplan',
                    name='pairing',
                    field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.pairing', verbose_name='mentor pair'),
                ),
                migrations.AlterField(
                    model_name='plan',
                    name='pairing',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='registry.pairing', verbose_name='mentor pair'),
                ),
            ],
        ),
    ]
