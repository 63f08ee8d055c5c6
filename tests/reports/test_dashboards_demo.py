"""The dashboards on the demo world (docs/demo.md): the coordinator's indicator panel and the regional comparison agree
with the stored values that `indicators --json` prints."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.dashboard_data import KEY_INDICATORS
from reports.indicators.models import IndicatorValue
from reports.indicators.selectors import indicator_rows

pytestmark = pytest.mark.django_db
PASSWORD = "shnor-demo-2024"


def test_the_demo_dashboards_show_the_indicators_of_the_adopted_sets(client):
    call_command("load_demo", stdout=StringIO())
    assert client.login(username="coord-oktyabrsky", password=PASSWORD)
    response = client.get("/", {"year": "2021"})
    [panel] = response.context["municipal_panels"]
    municipality = panel["municipality"]
    rows = [row for row in indicator_rows(municipality, 2021) if row.adopted]
    summary = panel["indicators"]
    assert summary["adopted"] == len(rows) > 0
    assert summary["met"] == sum(row.met is True for row in rows)
    assert summary["not_met"] == sum(row.met is False for row in rows)
    assert summary["no_data"] == sum(row.met is None for row in rows)
    assert "Школы, требующие внимания" in response.content.decode()

    assert client.login(username="inspector-oktyabrsky", password=PASSWORD)
    assert "Документы" in client.get("/", {"year": "2021"}).content.decode()

    assert client.login(username="region-hmao", password=PASSWORD)
    comparison = client.get(reverse("reports:municipality-comparison"), {"year": "2021"})
    assert comparison.status_code == 200
    for row in comparison.context["page"]:
        stored = dict(
            IndicatorValue.objects.filter(
                municipality=row.municipality, year=2021, school__isnull=True, indicator__code__in=KEY_INDICATORS
            ).values_list("indicator__code", "value")
        )
        assert row.indicators == [stored.get(code) for code in KEY_INDICATORS]
    assert "oktyabrsky" in {row.municipality.code for row in comparison.context["page"]}
