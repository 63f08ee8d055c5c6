"""The pairing tables take registry's names. After support/0008: by then every migration that creates a column or
a constraint against support_pairing (roadmaps/0001 among them) has run. The foreign keys that point at the tables
follow the rename in PostgreSQL; the rows stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0008_pairing_from_support'),
        ('support', '0008_pairing_to_registry'),
    ]

    operations = [
        migrations.AlterModelTable(name='pairing', table=None),
        migrations.AlterModelTable(name='historicalpairing', table=None),
    ]
