import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from shnor_portal.demo import Tally

# Each app contributes a `load(tally, stdout)` in its demo module; order follows the dependencies.
DEMO_LOADERS = ["registry.demo", "support.demo", "accounts.demo"]
# Data that builds on the registry: (module, function).
EXTRA_LOADERS = [
    ("registry.demo", "load_profiles"),
    ("reports.demo", "load"),
    ("reports.demo", "load_published"),
    ("roadmaps.demo", "load"),
]


class Command(BaseCommand):
    help = "Loads the demo world of docs/demo.md (idempotent, deterministic) and prints the demo logins."

    def handle(self, *args, **options):
        tally = Tally()
        logins = []
        with transaction.atomic():
            for path in DEMO_LOADERS:
                result = importlib.import_module(path).load(tally)
                if path == "accounts.demo":
                    logins = result
            for path, function in EXTRA_LOADERS:
                getattr(importlib.import_module(path), function)(tally)
        if tally.created or tally.updated:
            for label, count in sorted(tally.created.items()):
                self.stdout.write(f"создано: {label} — {count}")
            for label, count in sorted(tally.updated.items()):
                self.stdout.write(f"обновлено: {label} — {count}")
        else:
            self.stdout.write("Демо-данные уже загружены, изменений нет.")
        self.stdout.write("\nДемо-логины (пароль у всех одинаковый, см. README):")
        for username, description in logins:
            self.stdout.write(f"  {username:<24} {description}")
