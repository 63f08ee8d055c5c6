"""Pairing and its history now belong to registry (registry/0008 took the tables and their rows over): support
forgets them, state only, once the plans' keys point at registry.Pairing (roadmaps/0004)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0008_pairing_from_support'),
        ('roadmaps', '0004_pairing_in_registry'),
        ('support', '0007_history_of_scores_participants_materials'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='HistoricalPairing'),
                migrations.DeleteModel(name='Pairing'),
            ],
        ),
    ]
