from django.core.management.base import CommandError

from registry.models import Municipality
from reports.assessments.aggregates import recalculate
from reports.assessments.models import Campaign
from reports.indicators import services as indicators
from shnor_portal.commands import RussianArgumentsCommand, indicator_year


class Command(RussianArgumentsCommand):
    help = (
        "Recalculates the stored assessment aggregates, then the target indicators, synchronously: for one "
        "municipality and one year, or for every municipality and every year with data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality")
        parser.add_argument("--year", type=indicator_year)

    def handle(self, *args, municipality=None, year=None, **options):
        campaigns = Campaign.objects.all()
        if year is not None:
            campaigns = campaigns.filter(year=year)
        schools = None
        municipality_ids = None
        if municipality:
            found = Municipality.objects.filter(code=municipality.strip().lower()).first()
            if found is None:
                raise CommandError(f"Неизвестный код муниципалитета «{municipality}».")
            schools = list(found.schools.values_list("pk", flat=True))
            municipality_ids = [found.pk]
        ids = list(campaigns.values_list("pk", flat=True))
        count = recalculate(ids, schools) if ids else 0
        self.stdout.write(f"Пересчитано: процедур — {len(ids)}, сводных строк «процедура × школа» — {count}.")
        years = [year] if year is not None else indicators.data_years()
        values = indicators.recalculate(municipality_ids, years)
        label = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "—")
        self.stdout.write(f"Пересчитано показателей: {values} (годы: {label}).")
