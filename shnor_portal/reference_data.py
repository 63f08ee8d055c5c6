"""Reference rows that data migrations load — risk factors, subjects, identification rules, the competency card.

Like Django's content types, they are loaded again by `post_migrate` when their table is empty: after a `flush`
(which transactional and browser tests end with) the next tests would otherwise run without them. A table that has
rows is left alone, so the administrator's edits are never overwritten.
"""

import importlib

from django.apps import apps as global_apps
from django.db.models.signals import post_migrate

# (app label, model that holds the rows, migration module, its loading function)
LOADERS = [
    ("registry", "RiskFactor", "registry.migrations.0004_risk_factors_2020", "load"),
    ("reports", "Subject", "reports.migrations.0002_subjects", "load"),
    ("reports", "FlagRule", "reports.migrations.0004_flag_rules", "load_rules"),
    ("support", "Competency", "support.migrations.0004_competency_card", "load_card"),
    ("reports", "Indicator", "reports.migrations.0012_indicator_catalogue", "load"),
]


def restore(sender, using="default", **kwargs):
    label = getattr(sender, "label", None)
    for app_label, model_name, module, function in LOADERS:
        if app_label != label:
            continue
        model = global_apps.get_model(app_label, model_name)
        if model.objects.using(using).exists():
            continue
        getattr(importlib.import_module(module), function)(global_apps, None)


def connect() -> None:
    post_migrate.connect(restore, dispatch_uid="shnor_portal.reference_data.restore")
