from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support of schools")

    def ready(self):
        from . import signals  # noqa: F401  (the receivers that remove the files of deleted rows)
        from .audit import register_models

        register_models()  # the audit trail follows this app's history-bearing models
