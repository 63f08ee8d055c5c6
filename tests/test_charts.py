"""The shared SVG chart module (shnor_portal/charts.py): escaping, gaps, axes, the text alternative, determinism."""

import re

import pytest
from defusedxml import ElementTree as ET
from django.utils import translation

from shnor_portal.charts import (
    axis_range,
    chart_table,
    distribution_chart,
    dynamics_chart,
    format_number,
    trend_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('x')</script> & \"quoted\""


@pytest.fixture(autouse=True)
def russian():
    with translation.override("ru"):
        yield


def parsed(chart):
    """The SVG as XML: it must be well-formed, whatever the labels held."""
    return ET.fromstring(str(chart))


def texts(root) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def all_three(label=HOSTILE):
    return [
        trend_chart([(label, 1), ("2021", 2)], title=label, value_label=label),
        dynamics_chart(
            [(label, 1, 2), ("2021", 3, 4)],
            title=label,
            value_label=label,
            target_label=label,
            baseline=(label, 1),
            baseline_label=label,
        ),
        distribution_chart([(label, (1, 2, 3, 4))], title=label, categories=(label, 3, 4, 5), category_caption=label),
    ]


@pytest.mark.parametrize("chart", all_three(), ids=["trend", "dynamics", "distribution"])
def test_it_escapes_a_hostile_label_everywhere(chart):
    svg = str(chart)
    assert "<script" not in svg
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;" in svg
    root = parsed(chart)
    # Read back as XML, the label is text again — and there is no element the label could have smuggled in.
    assert HOSTILE in root.find(f"{SVG}title").text
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter("script"))


@pytest.mark.parametrize("chart", all_three("2020"), ids=["trend", "dynamics", "distribution"])
def test_it_needs_nothing_a_strict_content_security_policy_blocks(chart):
    svg = str(chart)
    assert "<style" not in svg and " style=" not in svg
    assert not re.search(r"\son\w+=", svg)


@pytest.mark.parametrize("chart", all_three("2020"), ids=["trend", "dynamics", "distribution"])
def test_it_carries_its_text_alternative(chart):
    root = parsed(chart)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == "2020" and desc.text
    assert chart.columns and chart.rows


def test_the_line_and_its_table_hold_the_same_numbers():
    chart = dynamics_chart(
        [(2019, 10, None), (2020, 12.25, 15), (2021, None, 18)],
        title="Доля",
        value_label="Факт",
        target_label="Цель",
        baseline=(2019, 10),
        baseline_label="База",
    )
    assert chart.columns == ["Год", "Факт", "Цель"]
    assert chart.rows == [["2019", "10,0", "нет данных"], ["2020", "12,3", "15,0"], ["2021", "нет данных", "18,0"]]
    assert chart_table(chart) == [chart.columns, *chart.rows]
    desc = parsed(chart).find(f"{SVG}desc").text
    assert "Факт: 2019 — 10,0; 2020 — 12,3; 2021 — нет данных" in desc
    assert "Цель: 2019 — нет данных; 2020 — 15,0; 2021 — 18,0" in desc and "База (2019): 10,0" in desc
    # The legend names the three series, each drawn differently (solid, dashed, dotted): not by colour alone.
    assert {"Факт", "Цель", "База (2019)"} <= set(texts(parsed(chart)))
    dashes = {line.get("stroke-dasharray") for line in parsed(chart).iter(f"{SVG}polyline")}
    assert dashes == {None, "6 4"}


def polylines(chart) -> list[int]:
    """The number of points of each drawn line."""
    return [len(line.get("points").split()) for line in parsed(chart).iter(f"{SVG}polyline")]


def test_a_missing_value_leaves_a_gap_in_the_line():
    whole = trend_chart([("2019", 1), ("2020", 2), ("2021", 3), ("2022", 4)], title="t", value_label="v")
    assert polylines(whole) == [4]
    gap = trend_chart([("2019", 1), ("2020", 2), ("2021", None), ("2022", 4), ("2023", 5)], title="t", value_label="v")
    assert polylines(gap) == [2, 2]
    assert len(list(parsed(gap).iter(f"{SVG}circle"))) == 4
    alone = trend_chart([("2019", 1), ("2020", None), ("2021", 3)], title="t", value_label="v")
    assert polylines(alone) == []  # two single points: dots, no line across the missing year
    assert len(list(parsed(alone).iter(f"{SVG}circle"))) == 2
    assert ["2020", "нет данных"] in alone.rows


def test_targets_have_their_own_gaps():
    chart = dynamics_chart(
        [(2019, 1, 5), (2020, 2, None), (2021, 3, 6), (2022, 4, 7)], title="t", value_label="v", target_label="g"
    )
    assert sorted(polylines(chart)) == [2, 4]
    markers = [r for r in parsed(chart).iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [m.find(f"{SVG}title").text for m in markers] == ["g, 2019: 5,0", "g, 2021: 6,0", "g, 2022: 7,0"]


def test_a_chart_without_any_value_is_empty_and_falsy():
    assert not trend_chart([("2019", None)], title="t", value_label="v")
    assert str(trend_chart([], title="t", value_label="v")) == ""
    assert not distribution_chart([("ВПР", (0, 0, 0, 0))], title="t", categories="2345")
    assert trend_chart([("2019", 0)], title="t", value_label="v")  # zero is a value


def test_the_axis_gives_one_value_room_around_it():
    axis = axis_range([5])
    assert axis.low < 5 < axis.high
    assert axis.ticks[0] == axis.low and axis.ticks[-1] == axis.high
    single = trend_chart([("2021", 5)], title="t", value_label="v")
    circle = next(parsed(single).iter(f"{SVG}circle"))
    assert float(circle.get("cx")) == pytest.approx(48 + (480 - 48 - 20) / 2)  # the one year in the middle


def test_the_axis_of_equal_values_is_not_flat():
    axis = axis_range([3, 3, 3])
    assert axis.low < 3 < axis.high and axis.step > 0
    zeros = axis_range([0, 0])
    assert zeros.low < 0 < zeros.high
    chart = trend_chart([("2019", 3), ("2020", 3)], title="t", value_label="v")
    ys = {circle.get("cy") for circle in parsed(chart).iter(f"{SVG}circle")}
    assert len(ys) == 1  # drawn, on one level, without a division by zero


def test_the_axis_takes_negative_values_and_zero():
    axis = axis_range([-12.5, 4])
    assert axis.low <= -12.5 and axis.high >= 4 and 0 in axis.ticks
    assert axis_range([-3, -1]).high <= 0
    assert axis_range([-3, -1], include_zero=True).high == 0
    assert axis_range([20, 30], include_zero=True).low == 0
    chart = dynamics_chart([(2020, -2, -1), (2021, 3, 0)], title="t", value_label="v", target_label="g")
    labels = texts(parsed(chart))
    assert "−2,0" in labels and "3,0" in labels


def test_the_axis_keeps_fixed_bounds_unless_a_value_lies_beyond():
    assert (axis_range([0.4, 0.5], lower=0, upper=1).low, axis_range([0.4, 0.5], lower=0, upper=1).high) == (0, 1)
    assert axis_range([3.2], lower=2, upper=5).ticks == [2, 3, 4, 5]
    assert axis_range([6], lower=2, upper=5).high >= 6
    assert axis_range([], lower=0, upper=100).ticks == [0, 25, 50, 75, 100]


def test_the_distribution_writes_the_percentages_in_and_in_its_table():
    chart = distribution_chart(
        [("ВПР 2021", (1, 1, 2, 0)), ("ВПР 2022", (0, 0, 0, 0))],
        title="Отметки",
        categories=(2, 3, 4, 5),
        category_caption="отметка",
    )
    assert chart.columns == ["", "отметка 2", "отметка 3", "отметка 4", "отметка 5", "Итого"]
    assert chart.rows == [
        ["ВПР 2021", "1 (25,0 %)", "1 (25,0 %)", "2 (50,0 %)", "0 (0,0 %)", "4"],
        ["ВПР 2022", "—", "—", "—", "—", "0"],
    ]
    labels = texts(parsed(chart))
    assert labels.count("25 %") == 2 and "50 %" in labels and "нет данных" in labels
    widths = [float(r.get("width")) for r in parsed(chart).iter(f"{SVG}rect") if r.get("height") == "24"]
    assert widths[:3] == pytest.approx([(480 - 150 - 8 - 20) / 4] * 2 + [(480 - 150 - 8 - 20) / 2])
    assert "ВПР 2021: отметка 2 — 25,0 %" in parsed(chart).find(f"{SVG}desc").text


def test_the_distribution_refuses_counts_that_do_not_match_the_categories():
    with pytest.raises(ValueError):
        distribution_chart([("x", (1, 2))], title="t", categories="2345")


def test_the_output_is_deterministic_and_ids_differ_between_charts():
    def make(values):
        return str(
            dynamics_chart([(2020, values[0], 3), (2021, values[1], 4)], title="t", value_label="v", target_label="g")
        )

    assert make((1, 2)) == make((1, 2))
    assert make((1, 2)) != make((1, 5))
    ids = {ET.fromstring(make(v)).find(f"{SVG}title").get("id") for v in ((1, 2), (1, 5))}
    assert len(ids) == 2


def test_numbers_read_in_russian_and_round_half_up():
    assert format_number(2.345, 2) == "2,35"
    assert format_number(0.125, 2) == "0,13"
    assert format_number(-1.5, 1) == "−1,5"
    assert format_number(-0.01, 1) == "0,0"
    assert format_number(None) == "нет данных"
    assert format_number(float("nan")) == "нет данных"


def test_weasyprint_draws_the_charts_into_a_pdf():
    """The next issue's documents put the same SVG into PDF through WeasyPrint."""
    import weasyprint

    charts = "".join(str(chart) for chart in all_three("2020"))
    pdf = weasyprint.HTML(string=f'<html lang="ru"><body>{charts}</body></html>').write_pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


def test_crowded_years_are_labelled_every_few_never_cut_short():
    years = [f"{y}/{y + 1}" for y in range(2010, 2024)]
    chart = trend_chart([(year, 0.5) for year in years], title="t", value_label="v")
    shown = [text for text in texts(parsed(chart)) if "/" in text]
    assert shown[0] == "2010/2011" and 2 < len(shown) < len(years)
    assert all(text in years for text in shown)
    assert [row[0] for row in chart.rows] == years  # the table names every year
    assert texts(parsed(chart)).count("0,50") == len(shown)  # the values written at the same few points
    assert len(list(parsed(chart).iter(f"{SVG}circle"))) == len(years)  # every point drawn, with its title
    few = trend_chart([(year, 0.5) for year in years[:4]], title="t", value_label="v")
    assert [text for text in texts(parsed(few)) if "/" in text] == years[:4]


def test_a_legend_too_wide_for_one_line_wraps_inside_the_picture():
    chart = dynamics_chart(
        [("2021", 10, 12), ("2022", 11, 13)],
        title="Доля школ",
        value_label="фактическое значение показателя",
        target_label="целевое значение показателя",
        baseline=("2020", 9),
        baseline_label="базовое значение показателя",
    )
    root = parsed(chart)
    width = float(root.get("viewBox").split()[2])
    height = float(root.get("viewBox").split()[3])
    legend = [t for t in root.iter(f"{SVG}text") if "значение" in "".join(t.itertext())]
    assert len(legend) == 3
    for text in legend:  # each starts inside and its estimated end stays inside
        x = float(text.get("x"))
        assert x + len("".join(text.itertext())) * 6.6 <= width
        assert float(text.get("y")) <= height
    assert len({text.get("y") for text in legend}) >= 2  # wrapped


def test_a_short_legend_stays_on_one_line():
    chart = dynamics_chart(
        [("2021", 10, 12)],
        title="Доля",
        value_label="факт",
        target_label="цель",
        baseline=("2020", 9),
        baseline_label="база",
    )
    legend = [t for t in parsed(chart).iter(f"{SVG}text") if "".join(t.itertext()).startswith(("факт", "цель", "база"))]
    assert len(legend) == 3 and len({text.get("y") for text in legend}) == 1


def test_a_trend_of_one_year_is_a_single_point_and_axes_are_captioned():
    from shnor_portal.charts import trend_chart

    one = trend_chart([("2020", None), ("2021", 3.8)], title="t", value_label="Средняя отметка", decimals=2)
    assert one.single_point == ("2021", "3,80")
    two = trend_chart(
        [("2020", 3.5), ("2021", 3.8)], title="t", value_label="v", x_label="Год", y_label="Средняя отметка"
    )
    assert two.single_point is None
    svg = str(two)
    assert 'class="axis-caption"' in svg and ">Год</text>" in svg and "rotate(-90" in svg
    assert 'class="axis-caption"' not in str(trend_chart([("2020", 3.5), ("2021", 3.8)], title="t", value_label="v"))
