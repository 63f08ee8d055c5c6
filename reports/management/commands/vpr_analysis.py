import json

from django.core.management.base import CommandError

from registry.models import Municipality
from reports.analysis.vpr import analyse, find_campaign
from reports.assessments.models import Procedure
from shnor_portal.commands import RussianArgumentsCommand


class Command(RussianArgumentsCommand):
    help = "Prints the ВПР analysis of a campaign for a municipality (SPEC §2.6), as the analysis page shows it."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--subject", required=True)
        parser.add_argument("--grade", type=int, required=True)
        parser.add_argument("--procedure", default=Procedure.VPR)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        municipality = Municipality.objects.filter(code=options["municipality"].strip().lower()).first()
        if municipality is None:
            raise CommandError(f"Неизвестный код муниципалитета «{options['municipality']}».")
        procedure = options["procedure"].strip().upper()
        if procedure not in Procedure.values:
            raise CommandError(f"Неизвестная процедура «{options['procedure']}».")
        campaign = find_campaign(
            procedure=procedure, year=options["year"], subject=options["subject"], grade=options["grade"]
        )
        if campaign is None:
            raise CommandError(
                f"Нет оценочной процедуры {procedure} {options['year']} года по предмету «{options['subject']}» "
                f"для {options['grade']} класса."
            )
        result = analyse(campaign, municipality)["analysis"]
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{campaign}: {municipality.name}")
        for row in [*result["schools"], result["total"]]:
            name = row["school"] or "итого"
            self.stdout.write(
                f"{name}: участников {row['participants']}, «2» {row['marks_pct']['2']} %, "
                f"динамика {row['marks_2_dynamics_pp']}, расхождение с журналом на 2 {row['journal_gap_2']}, "
                f"пики {len(row['boundary_peaks'] or [])}"
            )
