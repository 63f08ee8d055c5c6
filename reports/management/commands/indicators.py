import json
from decimal import ROUND_HALF_UP, Decimal

from django.core.management.base import CommandError
from django.utils import timezone

from registry.models import Municipality
from reports.indicators.selectors import indicator_rows
from reports.indicators.table import places as unit_places
from shnor_portal.commands import RussianArgumentsCommand, indicator_year


def number(value: Decimal | None, places: int):
    """A JSON number rounded half-up to `places` decimals (an int for none); None stays null. The places of a unit
    are the table's (reports/indicators/table.py `places`: percentages one decimal, means two, counts whole)."""
    if value is None:
        return None
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(rounded) if places == 0 else float(rounded)


def exact(value: Decimal | None):
    """A numerator or denominator: whole counts as integers, other numbers as they are stored."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def row_json(row) -> dict:
    places = unit_places(row.unit)
    return {
        "code": row.code,
        "name": row.name,
        "unit": row.unit,
        "baseline": number(row.baseline_value, places),
        "target": number(row.target, places),
        "actual": number(row.actual, places),
        "met": row.met,
        "numerator": exact(row.numerator),
        "denominator": exact(row.denominator),
        "calculated_at": timezone.localtime(row.calculated_at).isoformat() if row.calculated_at else None,
    }


class Command(RussianArgumentsCommand):
    help = (
        "Prints every catalogue indicator of a municipality for a year: baseline and target where the municipality "
        "has adopted it, the stored actual value, met or not (SPEC §5)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True)
        parser.add_argument("--year", type=indicator_year, required=True)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        municipality = Municipality.objects.filter(code=options["municipality"].strip().lower()).first()
        if municipality is None:
            raise CommandError(f"Неизвестный код муниципалитета «{options['municipality']}».")
        rows = [row_json(row) for row in indicator_rows(municipality, options["year"])]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for row in rows:
            actual = "нет данных" if row["actual"] is None else f"{row['actual']} {row['unit']}"
            target = "—" if row["target"] is None else f"{row['target']} {row['unit']}"
            met = {True: "выполнен", False: "не выполнен", None: "—"}[row["met"]]
            self.stdout.write(f"{row['code']}  {row['name']}: факт {actual}, цель {target}, {met}")
        if not any(row["calculated_at"] for row in rows):
            self.stderr.write("Показатели за этот год ещё не рассчитаны: выполните recalc_indicators.")
