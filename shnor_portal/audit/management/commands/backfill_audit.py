from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shnor_portal.audit.recording import backfill


class Command(BaseCommand):
    help = "Write audit entries for historical records that have none yet (safe to run twice)."

    def handle(self, *args, **options):
        made = backfill()
        self.stdout.write(_("Audit entries written: %(count)s") % {"count": made})
