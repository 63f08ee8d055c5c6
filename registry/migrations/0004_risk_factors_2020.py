"""The ten risk factors of the federal «500+» methodology, edition 2020 (docs/identification.md), valid until replaced.

Reference data: the administrator may edit them or add a region's own edition with other years.
"""

from django.db import migrations

EDITION_2020 = [
    ("RF01", "Низкий уровень оснащения школы"),
    ("RF02", "Дефицит педагогических кадров"),
    ("RF03", "Недостаточная предметная и методическая компетентность педагогических работников"),
    ("RF04", "Риски низкой адаптивности учебного и воспитательного процесса"),
    ("RF05", "Несформированность внутришкольной системы повышения квалификации"),
    ("RF06", "Низкое качество преодоления языковых и культурных барьеров"),
    ("RF07", "Несформированность системы профориентации"),
    ("RF08", "Высокая доля обучающихся с рисками учебной неуспешности"),
    ("RF09", "Низкий уровень вовлечённости родителей"),
    ("RF10", "Пониженный уровень качества школьной образовательной и воспитательной среды"),
]


def load(apps, schema_editor):
    RiskFactor = apps.get_model("registry", "RiskFactor")
    for position, (code, name) in enumerate(EDITION_2020, start=1):
        RiskFactor.objects.update_or_create(
            code=code, valid_from=None, defaults={"name": name, "position": position, "valid_to": None}
        )


def unload(apps, schema_editor):
    apps.get_model("registry", "RiskFactor").objects.filter(valid_from=None, code__in=[c for c, _ in EDITION_2020]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_yearly_profiles")]
    operations = [migrations.RunPython(load, unload)]
