from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Assessments, indicators and reports")

    def ready(self):
        from shnor_portal import reference_data

        reference_data.connect()

        from shnor_portal.outbox.services import register_sweeper

        from .tasks import requeue_stale_recalculations

        register_sweeper(requeue_stale_recalculations)
