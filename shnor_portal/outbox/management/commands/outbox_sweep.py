from django.core.management.base import BaseCommand

from shnor_portal.outbox import services


class Command(BaseCommand):
    help = "Send the tasks waiting in the outbox and re-queue stale jobs once (what beat does every minute)."

    def handle(self, *args, **options):
        counts = services.sweep()
        self.stdout.write(", ".join(f"{name}: {value}" for name, value in counts.items()))
