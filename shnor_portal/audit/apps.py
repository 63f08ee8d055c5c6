from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "shnor_portal.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from simple_history.signals import post_create_historical_record

        from . import recording

        post_create_historical_record.connect(recording.on_historical_record, dispatch_uid="audit-entry")
        post_migrate.connect(recording.backfill_after_migrate, sender=self, dispatch_uid="audit-backfill")
