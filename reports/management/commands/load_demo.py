import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reports import demo_world
from shnor_portal.demo import Tally


class Command(BaseCommand):
    help = "Loads the demo world of docs/demo.md (idempotent, deterministic) and prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="the day the current plans are placed around (default: today); for tests and rehearsals",
        )

    def handle(self, *args, **options):
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError(f"--today: дата в виде ГГГГ-ММ-ДД, а не «{options['today']}»") from error
        tally = Tally()
        with transaction.atomic():
            logins = demo_world.load(tally, today=today)
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
