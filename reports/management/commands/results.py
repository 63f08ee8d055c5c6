import json

from django.core.management.base import CommandError

from registry.models import Municipality
from reports.assessments.aggregates import results_rows
from reports.assessments.models import Procedure
from shnor_portal.commands import RussianArgumentsCommand


class Command(RussianArgumentsCommand):
    help = "Prints the aggregates per school × subject × grade of a procedure and year."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--procedure", required=True)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        municipality = Municipality.objects.filter(code=options["municipality"].strip().lower()).first()
        if municipality is None:
            raise CommandError(f"Неизвестный код муниципалитета «{options['municipality']}».")
        procedure = options["procedure"].strip().upper()
        if procedure not in Procedure.values:
            raise CommandError(f"Неизвестная процедура «{options['procedure']}».")
        rows = results_rows(municipality=municipality, year=options["year"], procedure=procedure)
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for row in rows:
            self.stdout.write("  ".join(f"{key}={value}" for key, value in row.items()))
        if not rows:
            self.stderr.write("Результатов нет.")
