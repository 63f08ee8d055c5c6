from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry of schools")

    def ready(self):
        from .audit import register_models

        register_models()  # the audit trail follows this app's history-bearing models
