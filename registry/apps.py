from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.mentees import register_mentee_source


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry of schools")

    def ready(self):
        from .audit import register_models
        from .pairings import active_mentee_ids

        register_models()  # the audit trail follows this app's history-bearing models
        register_mentee_source(active_mentee_ids)  # a mentor's scope opens the schools of its active pairings
