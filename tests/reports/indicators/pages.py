"""Shared setup of the indicator page tests: the world's municipality with two indicators adopted and 2020
recalculated. chemashi is the only ШНОР of three schools: REG_COUNT 1 (no direction: «нет данных» for met),
METH_SUPPORT_SHARE 0 of 1 = 0,0 % (↑ target 100: not met), LOW_RESULTS_SHARE 1 / 3 = 33,3 % (↓ target 40: met)."""

from decimal import Decimal

from django.urls import reverse

from reports.indicators.models import AdoptedIndicator, Indicator, IndicatorTarget
from reports.indicators.services import recalculate

YEAR = 2020


def adopt(municipality, code, *, target=None, baseline=None, year=YEAR, note=""):
    adopted = AdoptedIndicator.objects.create(
        municipality=municipality,
        indicator=Indicator.objects.get(code=code),
        baseline_value=baseline[0] if baseline else None,
        baseline_year=baseline[1] if baseline else None,
        note=note,
    )
    if target is not None:
        IndicatorTarget.objects.create(adopted=adopted, year=year, target=Decimal(target))
    return adopted


def setup_indicators(world):
    adopt(world.municipality, "REG_COUNT", target="2", baseline=("1", 2019))
    adopt(world.municipality, "METH_SUPPORT_SHARE", target="100")
    adopt(world.municipality, "LOW_RESULTS_SHARE", target="40")
    recalculate([world.municipality.pk], [YEAR])


def list_url(municipality, **params):
    from django.utils.http import urlencode

    query = urlencode({"municipality": municipality.code, "year": YEAR, **params})
    return f"{reverse('reports:indicator-list')}?{query}"


def detail_url(municipality, code, year=YEAR):
    return f"{reverse('reports:indicator-detail', args=[code])}?municipality={municipality.code}&year={year}"


def table_cells(content: str):
    """The rows of the indicator table as lists of cell texts (tags stripped, spaces collapsed)."""
    import re
    from html import unescape

    table = content[content.index('id="indicator-table"') :]
    table = table[: table.index("</table>")]
    body = table[table.index("<tbody>") :]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
        cells = []
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S):
            inputs = re.findall(r'name="target"[^>]*value="([^"]*)"', cell)
            text = inputs[0] if inputs else re.sub(r"<[^>]+>", " ", cell)
            cells.append(" ".join(unescape(text).split()))
        rows.append(cells)
    return rows
