"""Subjects of the reference list with spelling variants and ЕГЭ certificate minimums (docs/identification.md)."""

from django.db import migrations


def load(apps, schema_editor):
    from reports.assessments.reference import SUBJECTS

    Subject = apps.get_model("reports", "Subject")
    for name, minimum, marked, synonyms in SUBJECTS:
        Subject.objects.update_or_create(
            name=name,
            defaults={"ege_min_score": minimum, "marked_at_ege": marked, "synonyms": "\n".join(synonyms)},
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_assessments")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
