from django.core.management.base import CommandError

from registry.models import Municipality
from reports.assessments.aggregates import recalculate
from reports.assessments.models import Campaign
from shnor_portal.commands import RussianArgumentsCommand


class Command(RussianArgumentsCommand):
    help = "Recalculates the stored assessment aggregates (and, once they exist, the indicators) synchronously."

    def add_arguments(self, parser):
        parser.add_argument("--municipality")
        parser.add_argument("--year", type=int)

    def handle(self, *args, municipality=None, year=None, **options):
        campaigns = Campaign.objects.all()
        if year is not None:
            campaigns = campaigns.filter(year=year)
        schools = None
        if municipality:
            found = Municipality.objects.filter(code=municipality.strip().lower()).first()
            if found is None:
                raise CommandError(f"Неизвестный код муниципалитета «{municipality}».")
            schools = list(found.schools.values_list("pk", flat=True))
        ids = list(campaigns.values_list("pk", flat=True))
        count = recalculate(ids, schools) if ids else 0
        self.stdout.write(f"Пересчитано: процедур — {len(ids)}, сводных строк «процедура × школа» — {count}.")
