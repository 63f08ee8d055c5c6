"""The histogram and zone-bar SVG charts of the analysis (shnor_portal/charts.py): well-formed, escaped, readable."""

from decimal import Decimal

import pytest
from defusedxml import ElementTree as ET
from django.utils import translation

from shnor_portal.charts import chart_table, histogram_chart, zone_bar_chart

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('x')</script>"


@pytest.fixture(autouse=True)
def russian():
    with translation.override("ru"):
        yield


def test_the_histogram_has_a_slot_per_score_boundaries_and_hatched_peaks():
    chart = histogram_chart(
        {5: 2, 6: 4, 11: 5},
        title=HOSTILE,
        boundaries=[("«3»", 6), ("«4»", 11), ("«5»", None)],
        highlighted={6},
        value_label="число работ",
        score_label="первичный балл",
    )
    root = ET.fromstring(str(chart))
    assert root.find(f"{SVG}title").text == HOSTILE  # escaped by the chart, parsed back as text
    assert [score for score, _works in chart.counts] == list(range(12))  # zeros included, up to the last score
    hatched = [
        r
        for r in root.iter(f"{SVG}rect")
        if (r.get("fill") or "").startswith("url(") and r.find(f"{SVG}title") is not None
    ]
    assert len(hatched) == 1 and "6: 4" in hatched[0].find(f"{SVG}title").text
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray") == "4 3"]
    assert len(dashed) == 3  # the legend's sample and the boundaries of «3» and «4» («5» has no score)
    table = chart_table(chart)
    assert table[0] == ["первичный балл", "число работ", "Граница", "Пик"]
    assert table[7] == ["6", "4", "«3»", "да"] and table[12] == ["11", "5", "«4»", ""]


def test_an_empty_histogram_draws_nothing():
    chart = histogram_chart({}, title="t", value_label="v", score_label="s")
    assert not chart and str(chart) == ""


def test_the_zone_chart_writes_each_value_beside_its_levels_zone():
    chart = zone_bar_chart(
        [("1", 57.0, 57, 63, "базовый: пограничная зона"), ("2", None, Decimal("28.5"), Decimal("31.5"), "")],
        title="Выполнение",
        value_label="выполнение, %",
    )
    root = ET.fromstring(str(chart))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "57,0" in texts and "нет данных" in texts
    assert chart_table(chart)[1:] == [
        ["1", "57,0", "57,0–63,0", "базовый: пограничная зона"],
        ["2", "нет данных", "28,5–31,5", ""],
    ]
