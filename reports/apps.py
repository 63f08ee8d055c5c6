from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Assessments, indicators and reports")

    def ready(self):
        from shnor_portal import reference_data

        reference_data.connect()

        from .indicators import formulas  # noqa: F401 — registers every formula in base.FORMULAS
        from .indicators.audit import register_models

        register_models()  # the audit trail follows adoptions, targets and manual values

        from .signatures.audit import register_models as register_documents

        register_documents()  # and every signed document and its revocation

        from .indicators import triggers

        triggers.connect()  # edits of the data the formulas read enqueue a debounced recalculation

        from shnor_portal.outbox.services import register_sweeper

        from .tasks import requeue_stale_recalculations

        register_sweeper(requeue_stale_recalculations)

        from .documents.services import sweep_renders

        register_sweeper(sweep_renders)  # documents whose worker died, and those past their retention
