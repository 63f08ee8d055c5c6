"""Server-side SVG charts: the same markup in an HTML page and in a PDF document.

The module draws and knows no domain: callers pass labels and numbers. Three kinds:
- `dynamics_chart`: values across years against targets (a solid line with dots; targets as a dashed line with open
  squares; the baseline as a dotted horizontal line) — an indicator's dynamics;
- `trend_chart`: one line of values across years (the ИОР, a mean mark);
- `distribution_chart`: one stacked bar of shares per row (marks 2/3/4/5 per campaign), the percentages written in.

Every chart is an object: `{{ chart }}` renders its SVG, `chart.columns` and `chart.rows` (or `chart_table(chart)`,
header first) hold the same numbers as a table (the text alternative, `templates/includes/_chart_table.html`), and a
falsy chart has nothing to show.

Rules the markup keeps:
- every text is XML-escaped here (labels come from users and files), so the SVG may be marked safe as a whole;
- no `style` attribute and no `<style>`: presentation attributes only (`fill=`, `stroke=`, `font-size=`), which a
  strict Content-Security-Policy does not block when the SVG is inlined in HTML;
- readable in black and white: series differ by dashes and markers, bars carry their percentages as text;
- `role="img"` with `aria-labelledby` pointing at the chart's own `<title>` and `<desc>`;
- deterministic: the same data gives the same bytes (ids are derived from the data, not random).
"""

import hashlib
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .numbers import format_decimal

FONT = "DejaVu Sans, PT Sans, Arial, sans-serif"
INK = "#212529"
MUTED = "#495057"
GRID = "#dee2e6"
ACTUAL = "#0b4f9c"
TARGET = "#343a40"
BASELINE = "#6c757d"
# Fills of a distribution's parts, from the first category to the last, and the text colour readable on each. Their
# greys differ (about 96, 212, 147 and 60 of 255, the first hatched besides) so that a black-and-white print tells
# them apart.
FILLS = ("#c0392b", "#f5d76e", "#6b9bd1", "#1d3f7a")
TEXT_ON = ("#ffffff", INK, INK, "#ffffff")
NICE_STEPS = (1, 2, 2.5, 5, 10)


def _x(text) -> str:
    """XML-escaped text (quotes too: the same text goes into attributes)."""
    return escape(str(text), quote=True)


def number(value) -> Decimal | None:
    """A finite number as Decimal, or None (None, NaN, infinities and non-numbers draw nothing)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return result if result.is_finite() else None


def format_number(value, decimals: int = 1) -> str:
    """«12,5» with a decimal comma, half-up rounded (the portal's one rule: shnor_portal/numbers.py); «нет данных»
    for a missing value."""
    return format_decimal(number(value), decimals, _("no data"))


def _chart_id(*parts) -> str:
    """An id for the chart's <title>, <desc> and patterns: derived from its content (strings only, never an object's
    repr with its address), so the output is deterministic and two charts of a page do not share ids."""
    return "chart-" + hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:10]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Axis:
    """A value axis from `low` to `high` with ticks every `step`."""

    low: float
    high: float
    step: float

    @property
    def ticks(self) -> list[float]:
        count = round((self.high - self.low) / self.step)
        return [round(self.low + index * self.step, 10) for index in range(count + 1)]

    @property
    def decimals(self) -> int:
        """Decimals enough to tell the ticks apart (0,25 → 2; 5 → 0)."""
        for decimals in range(0, 7):
            if abs(round(self.step, decimals) - self.step) < 1e-9:
                return decimals
        return 6

    def fraction(self, value: float) -> float:
        return (value - self.low) / (self.high - self.low)


def _nice_step(raw: float) -> float:
    exponent = math.floor(math.log10(raw))
    scale = 10.0**exponent
    for nice in NICE_STEPS:
        if raw <= nice * scale * (1 + 1e-9):
            return round(nice * scale, 12)
    return round(10 * scale, 12)  # pragma: no cover - NICE_STEPS ends with 10


def axis_range(values, *, lower=None, upper=None, include_zero: bool = False, ticks: int = 5) -> Axis:
    """The value axis for `values` (None ignored): round ticks that include every value.

    `lower`/`upper` fix a bound the domain has (ИОР 0–1, marks 2–5) unless a value lies beyond it; `include_zero`
    starts the axis at 0 for values all of one sign. One value, or all equal, gets room around it; with no value at
    all the axis is 0–1 (or the fixed bounds)."""
    found = [float(v) for v in (number(value) for value in values) if v is not None]
    low = min(found) if found else None
    high = max(found) if found else None
    if lower is not None:
        low = float(lower) if low is None else min(low, float(lower))
    if upper is not None:
        high = float(upper) if high is None else max(high, float(upper))
    if include_zero and low is not None:
        low, high = min(low, 0.0), max(high, 0.0)
    if low is None:
        low, high = 0.0, 1.0
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        low, high = (low if lower is not None else low - pad), (high if upper is not None else high + pad)
        if low == high:  # both bounds fixed at one value
            low, high = low - pad, high + pad
    step = _nice_step((high - low) / (ticks - 1))
    return Axis(
        low=round(math.floor(round(low / step, 9)) * step, 10),
        high=round(math.ceil(round(high / step, 9)) * step, 10),
        step=step,
    )


# Line charts -----------------------------------------------------------------------------------------------------

WIDTH = 480
LEGEND_ROW = 16  # px between the rows of a wrapped legend
LEFT, RIGHT, TOP = 48, 20, 18
INSET = 22


class SvgChart:
    """A chart is placed in a template as itself: `{{ chart }}` writes its SVG (already escaped inside `svg()`)."""

    def __html__(self) -> str:
        return self.svg()

    def __str__(self) -> str:
        return self.svg()


@dataclass(frozen=True)
class LineChart(SvgChart):
    """Values by category (years) as a line; optionally targets as a dashed line and a baseline."""

    title: str
    categories: tuple[str, ...]
    values: tuple
    value_label: str
    targets: tuple | None = None
    target_label: str = ""
    baseline: tuple[str, object] | None = None  # (its label, e.g. the year; its value)
    baseline_label: str = ""
    decimals: int = 1
    lower: float | None = None
    upper: float | None = None
    include_zero: bool = False
    label_points: bool = True
    x_label: str = ""  # the axes' captions («Год», «Средняя отметка»); empty: none drawn
    y_label: str = ""

    def __bool__(self) -> bool:
        return any(number(v) is not None for v in (*self.values, *(self.targets or ())))

    @property
    def single_point(self) -> tuple[str, str] | None:
        """(category, value as text) when only one category has a value and there are no targets: a line of one
        point shows no trend, so pages say it in words instead of drawing it."""
        known = [(c, v) for c, v in zip(self.categories, self.values, strict=True) if number(v) is not None]
        if len(known) != 1 or (self.targets is not None and any(number(t) is not None for t in self.targets)):
            return None
        category, value = known[0]
        return str(category), format_number(value, self.decimals)

    # The text alternative: the same numbers as a table.
    @property
    def columns(self) -> list[str]:
        columns = [_("Year"), self.value_label]
        if self.targets is not None:
            columns.append(self.target_label)
        return columns

    @property
    def rows(self) -> list[list[str]]:
        rows = []
        for index, category in enumerate(self.categories):
            row = [str(category), format_number(self.values[index], self.decimals)]
            if self.targets is not None:
                row.append(format_number(self.targets[index], self.decimals))
            rows.append(row)
        return rows

    @property
    def description(self) -> str:
        parts = [self._series_text(self.value_label, self.values)]
        if self.targets is not None:
            parts.append(self._series_text(self.target_label, self.targets))
        if self.baseline is not None:
            label, value = self.baseline
            parts.append(f"{self.baseline_label} ({label}): {format_number(value, self.decimals)}")
        return ". ".join(parts) + "."

    def _series_text(self, label: str, values) -> str:
        pairs = "; ".join(
            f"{category} — {format_number(value, self.decimals)}"
            for category, value in zip(self.categories, values, strict=True)
        )
        return f"{label}: {pairs}"

    def svg(self) -> SafeString:
        if not self:
            return SafeString("")
        chart_id = _chart_id("line", str(self.title), self.description, self.categories)
        legend = self.targets is not None or self.baseline is not None
        extra_rows = self._legend_rows()[-1][0] if legend else 0  # a legend too wide for one line wraps
        caption = 16 if self.x_label else 0  # the x axis caption's line under the years
        height = (240 if legend else 210) + LEGEND_ROW * extra_rows + caption
        bottom = (56 if legend else 30) + LEGEND_ROW * extra_rows + caption
        plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - bottom
        baseline_value = number(self.baseline[1]) if self.baseline else None
        axis = axis_range(
            [*self.values, *(self.targets or ()), baseline_value],
            lower=self.lower,
            upper=self.upper,
            include_zero=self.include_zero,
        )
        count = len(self.categories)

        def x_of(index: int) -> float:
            # Inset from the axes, so that the first value's label does not run into the tick labels.
            return LEFT + plot_w / 2 if count == 1 else LEFT + INSET + (plot_w - 2 * INSET) * index / (count - 1)

        def y_of(value) -> float:
            return TOP + plot_h * (1 - axis.fraction(float(value)))

        parts = _open(chart_id, height, self.title, self.description, "chart chart-line")
        for tick in axis.ticks:
            ty = y_of(tick)
            parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{GRID}"/>')
            parts.append(
                f'<text x="{LEFT - 6}" y="{ty + 3.5:.1f}" font-size="10" text-anchor="end" fill="{MUTED}">'
                f"{format_number(tick, axis.decimals)}</text>"
            )
        axis_y = TOP + plot_h
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{axis_y}" y2="{axis_y}" stroke="{MUTED}"/>')
        # Crowded years are labelled every few (the table and the points' titles name each one), never cut short.
        spacing = plot_w if count == 1 else (plot_w - 2 * INSET) / (count - 1)
        labels = [_shorten(str(category), 24) for category in self.categories]
        every = max(1, math.ceil((max(map(len, labels)) * 6.5 + 6) / spacing))
        for index, label in enumerate(labels):
            if index % every:
                continue
            parts.append(
                f'<text x="{x_of(index):.1f}" y="{axis_y + 16}" font-size="11" text-anchor="middle" fill="{INK}">'
                f"{_x(label)}</text>"
            )
        if self.x_label:
            parts.append(
                f'<text class="axis-caption" x="{LEFT + plot_w / 2:.1f}" y="{axis_y + 32}" font-size="11" '
                f'text-anchor="middle" fill="{MUTED}">{_x(_shorten(self.x_label, 60))}</text>'
            )
        if self.y_label:
            middle = TOP + plot_h / 2
            parts.append(
                f'<text class="axis-caption" x="10" y="{middle:.1f}" font-size="10" text-anchor="middle" '
                f'fill="{MUTED}" transform="rotate(-90 10 {middle:.1f})">{_x(_shorten(self.y_label, 30))}</text>'
            )
        if baseline_value is not None:
            by = y_of(baseline_value)
            parts.append(
                f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{by:.1f}" y2="{by:.1f}" stroke="{BASELINE}" '
                f'stroke-width="1.5" stroke-dasharray="2 3"/>'
            )
        if self.targets is not None:
            parts.extend(self._series(self.targets, x_of, y_of, kind="target"))
        parts.extend(self._series(self.values, x_of, y_of, kind="actual", every=every))
        if legend:
            parts.extend(self._legend(height))
        parts.append("</svg>")
        return mark_safe("".join(parts))  # every text above went through _x or format_number

    def _series(self, values, x_of, y_of, *, kind: str, every: int = 1) -> list[str]:
        actual = kind == "actual"
        label = self.value_label if actual else self.target_label
        colour = ACTUAL if actual else TARGET
        dash = "" if actual else ' stroke-dasharray="6 4"'
        width = "2.5" if actual else "1.5"
        lines, markers, segment = [], [], []
        for index, value in enumerate(values):
            value = number(value)
            if value is None:  # a gap: the line stops and starts again after it
                if len(segment) > 1:
                    lines.append(segment)
                segment = []
                continue
            x, y = x_of(index), y_of(value)
            segment.append(f"{x:.1f},{y:.1f}")
            tip = f"<title>{_x(label)}, {_x(self.categories[index])}: {format_number(value, self.decimals)}</title>"
            if actual:
                markers.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">{tip}</circle>')
                if self.label_points and not index % every:  # as crowded as the years: every few
                    markers.append(
                        f'<text x="{x:.1f}" y="{y - 8:.1f}" font-size="11" text-anchor="middle" fill="{colour}">'
                        f"{format_number(value, self.decimals)}</text>"
                    )
            else:
                markers.append(
                    f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="#ffffff" stroke="{colour}" '
                    f'stroke-width="1.5">{tip}</rect>'
                )
        if len(segment) > 1:
            lines.append(segment)
        drawn = [
            f'<polyline points="{" ".join(line)}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>'
            for line in lines
        ]
        return drawn + markers

    def _legend_rows(self) -> list[tuple[int, int, str, str]]:
        """(row, x, kind, text) of each legend item: left to right, on the next row when the line is full."""
        items = [("actual", self.value_label)]
        if self.targets is not None:
            items.append(("target", self.target_label))
        if self.baseline is not None:
            items.append(("baseline", f"{self.baseline_label} ({self.baseline[0]})"))
        placed, row, x = [], 0, LEFT
        for kind, label in items:
            text = _shorten(label, 28)
            width = 30 + int(len(text) * 6.6)
            if x > LEFT and x + width > WIDTH - RIGHT:
                row, x = row + 1, LEFT
            placed.append((row, x, kind, text))
            x += width + 16
        return placed

    def _legend(self, height: int) -> list[str]:
        placed = self._legend_rows()
        first_y = height - 12 - LEGEND_ROW * placed[-1][0]
        parts = []
        for row, x, kind, text in placed:
            y = first_y + LEGEND_ROW * row
            if kind == "actual":
                parts.append(f'<line x1="{x}" x2="{x + 24}" y1="{y}" y2="{y}" stroke="{ACTUAL}" stroke-width="2.5"/>')
                parts.append(f'<circle cx="{x + 12}" cy="{y}" r="4" fill="{ACTUAL}"/>')
            elif kind == "target":
                parts.append(
                    f'<line x1="{x}" x2="{x + 24}" y1="{y}" y2="{y}" stroke="{TARGET}" stroke-width="1.5" '
                    f'stroke-dasharray="6 4"/>'
                )
                parts.append(
                    f'<rect x="{x + 8}" y="{y - 4}" width="8" height="8" fill="#ffffff" stroke="{TARGET}" '
                    f'stroke-width="1.5"/>'
                )
            else:
                parts.append(
                    f'<line x1="{x}" x2="{x + 24}" y1="{y}" y2="{y}" stroke="{BASELINE}" stroke-width="1.5" '
                    f'stroke-dasharray="2 3"/>'
                )
            parts.append(f'<text x="{x + 30}" y="{y + 4}" font-size="11" fill="{INK}">{_x(text)}</text>')
        return parts


def dynamics_chart(
    points,
    *,
    title: str,
    value_label: str,
    target_label: str,
    baseline=None,
    baseline_label: str = "",
    decimals: int = 1,
    lower=None,
    upper=None,
    include_zero: bool = True,
) -> LineChart:
    """Values against targets: `points` are (category, value, target), either number may be None (a gap);
    `baseline` is (its category, its value) or None."""
    points = list(points)
    return LineChart(
        title=title,
        categories=tuple(str(category) for category, _v, _t in points),
        values=tuple(value for _c, value, _t in points),
        value_label=value_label,
        targets=tuple(target for _c, _v, target in points),
        target_label=target_label,
        baseline=(str(baseline[0]), baseline[1]) if baseline is not None and number(baseline[1]) is not None else None,
        baseline_label=baseline_label,
        decimals=decimals,
        lower=lower,
        upper=upper,
        include_zero=include_zero,
    )


def trend_chart(
    points,
    *,
    title: str,
    value_label: str,
    decimals: int = 2,
    lower=None,
    upper=None,
    x_label: str = "",
    y_label: str = "",
) -> LineChart:
    """One line of (category, value or None) points: a trend over the years; `x_label`, `y_label` caption the axes."""
    points = list(points)
    return LineChart(
        title=title,
        categories=tuple(str(category) for category, _value in points),
        values=tuple(value for _category, value in points),
        value_label=value_label,
        decimals=decimals,
        lower=lower,
        upper=upper,
        x_label=x_label,
        y_label=y_label,
    )


# Distributions ---------------------------------------------------------------------------------------------------

BAR_H, BAR_GAP, LABEL_W = 24, 10, 150


def _share(count: int, total: int) -> Decimal:
    return (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DistributionChart(SvgChart):
    """One 100 % bar per row, split into the categories' shares, each part with its percentage written in."""

    title: str
    categories: tuple[str, ...]
    bars: tuple[tuple[str, tuple], ...]  # (row label, counts per category)
    category_caption: str = ""  # «отметка»: the legend reads «отметка 2»

    def __bool__(self) -> bool:
        return any(self._total(counts) for _label, counts in self.bars)

    @staticmethod
    def _total(counts) -> int:
        return sum(int(c) for c in counts if c)

    def shares(self, counts) -> list[Decimal | None]:
        total = self._total(counts)
        return [_share(int(c or 0), total) if total else None for c in counts]

    def _category_name(self, category: str) -> str:
        return f"{self.category_caption} {category}" if self.category_caption else str(category)

    @property
    def columns(self) -> list[str]:
        return ["", *(self._category_name(c) for c in self.categories), _("Total")]

    @property
    def rows(self) -> list[list[str]]:
        rows = []
        for label, counts in self.bars:
            total = self._total(counts)
            cells = [
                f"{int(c or 0)} ({format_number(share, 1)} %)" if share is not None else "—"
                for c, share in zip(counts, self.shares(counts), strict=True)
            ]
            rows.append([str(label), *cells, str(total)])
        return rows

    @property
    def description(self) -> str:
        lines = []
        for label, counts in self.bars:
            shares = self.shares(counts)
            if not self._total(counts):
                lines.append(f"{label}: {_('no data')}")
                continue
            parts = ", ".join(
                f"{self._category_name(c)} — {format_number(s, 1)} %"
                for c, s in zip(self.categories, shares, strict=True)
            )
            lines.append(f"{label}: {parts}")
        return "; ".join(lines) + "."

    def svg(self) -> SafeString:
        if not self:
            return SafeString("")
        chart_id = _chart_id("distribution", str(self.title), self.description)
        legend_h = 28
        height = TOP + legend_h + len(self.bars) * (BAR_H + BAR_GAP)
        bar_x, bar_w = LABEL_W + 8, WIDTH - LABEL_W - 8 - RIGHT
        parts = _open(chart_id, height, self.title, self.description, "chart chart-distribution")
        hatch = f"{chart_id}-hatch"
        parts.append(
            f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{FILLS[0]}"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="1.5" stroke-opacity="0.5"/>'
            f"</pattern></defs>"
        )

        def fill(index: int) -> str:
            return f"url(#{hatch})" if index == 0 else FILLS[index % len(FILLS)]

        x = 8
        for index, category in enumerate(self.categories):  # the legend, above the bars
            name = self._category_name(category)
            parts.append(f'<rect x="{x}" y="{TOP - 10}" width="14" height="14" fill="{fill(index)}" stroke="{INK}"/>')
            parts.append(f'<text x="{x + 19}" y="{TOP + 1}" font-size="11" fill="{INK}">{_x(name)}</text>')
            x += 30 + int(len(name) * 6.5)
        y = TOP + legend_h
        for label, counts in self.bars:
            text = str(label)
            parts.append(
                f'<text x="{LABEL_W}" y="{y + BAR_H / 2 + 4:.1f}" font-size="11" text-anchor="end" fill="{INK}">'
                f"<title>{_x(text)}</title>{_x(_shorten(text, 26))}</text>"
            )
            shares = self.shares(counts)
            if not self._total(counts):
                parts.append(
                    f'<rect x="{bar_x}" y="{y}" width="{bar_w}" height="{BAR_H}" fill="#ffffff" stroke="{GRID}"/>'
                    f'<text x="{bar_x + 6}" y="{y + BAR_H / 2 + 4:.1f}" font-size="11" fill="{MUTED}">'
                    f"{_x(_('no data'))}</text>"
                )
                y += BAR_H + BAR_GAP
                continue
            total = self._total(counts)
            left = 0
            for index, (category, count) in enumerate(zip(self.categories, counts, strict=True)):
                count = int(count or 0)
                if not count:
                    continue
                x0 = bar_x + bar_w * left / total
                left += count
                width = bar_x + bar_w * left / total - x0
                share = format_number(shares[index], 0)
                tip = f"{self._category_name(category)}: {count} ({format_number(shares[index], 1)} %)"
                parts.append(
                    f'<rect x="{x0:.1f}" y="{y}" width="{width:.1f}" height="{BAR_H}" fill="{fill(index)}" '
                    f'stroke="#ffffff" stroke-width="1"><title>{_x(text)} · {_x(tip)}</title></rect>'
                )
                written = f"{share} %" if width >= 34 else (share if width >= 18 else "")
                if written:
                    colour = TEXT_ON[index % len(TEXT_ON)]
                    parts.append(
                        f'<text x="{x0 + width / 2:.1f}" y="{y + BAR_H / 2 + 4:.1f}" font-size="11" '
                        f'text-anchor="middle" fill="{colour}" font-weight="bold">{written}</text>'
                    )
            y += BAR_H + BAR_GAP
        parts.append("</svg>")
        return mark_safe("".join(parts))  # every text above went through _x or format_number


def distribution_chart(bars, *, title: str, categories, category_caption: str = "") -> DistributionChart:
    """`bars` are (row label, counts in the order of `categories`); a row of no counts shows «нет данных»."""
    categories = tuple(str(c) for c in categories)
    rows = []
    for label, counts in bars:
        counts = tuple(counts)
        if len(counts) != len(categories):
            raise ValueError(f"{len(counts)} counts for {len(categories)} categories")
        rows.append((str(label), counts))
    return DistributionChart(title=title, categories=categories, bars=tuple(rows), category_caption=category_caption)


def chart_table(chart) -> list[list[str]]:
    """The chart's numbers as table rows, the header first: the text alternative for a page, a PDF or a workbook."""
    return [list(chart.columns), *chart.rows]


def _open(chart_id: str, height: int, title: str, description: str, css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="{css_class}" font-family="{FONT}">',
        f'<title id="{chart_id}-title">{_x(title)}</title>',
        f'<desc id="{chart_id}-desc">{_x(description)}</desc>',
    ]


# Histograms ------------------------------------------------------------------------------------------------------

HIST_H = 170  # px of the plot area
PEAK = "#c0392b"


@dataclass(frozen=True)
class HistogramChart(SvgChart):
    """Works per score as vertical bars, with marked boundaries (a dashed line before the first score of each named
    class, e.g. the lowest primary score of a mark) and highlighted bars (the peaks at a boundary, drawn hatched)."""

    title: str
    counts: tuple[tuple[int, int], ...]  # (score, works), every score of the range, zeros included
    boundaries: tuple[tuple[str, int], ...]  # (label, first score)
    highlighted: frozenset  # scores drawn as peaks
    value_label: str
    score_label: str

    def __bool__(self) -> bool:
        return any(works for _score, works in self.counts)

    @property
    def columns(self) -> list[str]:
        return [self.score_label, self.value_label, _("Boundary"), _("Peak")]

    @property
    def rows(self) -> list[list[str]]:
        starts = {score: label for label, score in self.boundaries}
        return [
            [str(score), str(works), starts.get(score, ""), _("yes") if score in self.highlighted else ""]
            for score, works in self.counts
        ]

    @property
    def description(self) -> str:
        works = ", ".join(f"{score}: {count}" for score, count in self.counts if count)
        bounds = ", ".join(f"{label} — {score}" for label, score in self.boundaries)
        text = f"{self.score_label} — {self.value_label}: {works}."
        if bounds:
            text += " " + _("Boundaries: %(bounds)s.") % {"bounds": bounds}
        if self.highlighted:
            peaks = ", ".join(str(score) for score in sorted(self.highlighted))
            text += " " + _("Peaks at: %(scores)s.") % {"scores": peaks}
        return text

    def svg(self) -> SafeString:
        if not self:
            return SafeString("")
        chart_id = _chart_id("histogram", str(self.title), self.description)
        axis = axis_range([works for _score, works in self.counts], include_zero=True)
        legend_h = 22
        top = TOP + legend_h
        height = top + HIST_H + 40
        plot_x, plot_w = LEFT, WIDTH - LEFT - RIGHT
        slot = plot_w / max(len(self.counts), 1)
        parts = _open(chart_id, height, self.title, self.description, "chart chart-histogram")
        hatch = f"{chart_id}-hatch"
        parts.append(
            f'<defs><pattern id="{hatch}" width="5" height="5" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="5" height="5" fill="{PEAK}"/>'
            f'<line x1="0" y1="0" x2="0" y2="5" stroke="#ffffff" stroke-width="1.5" stroke-opacity="0.6"/>'
            f"</pattern></defs>"
        )
        # Legend: ordinary bars, peak bars, boundary lines.
        parts.append(f'<rect x="8" y="{TOP - 10}" width="14" height="14" fill="{ACTUAL}"/>')
        parts.append(f'<text x="27" y="{TOP + 1}" font-size="11" fill="{INK}">{_x(self.value_label)}</text>')
        x = 40 + int(len(self.value_label) * 6.5)
        parts.append(f'<rect x="{x}" y="{TOP - 10}" width="14" height="14" fill="url(#{hatch})" stroke="{INK}"/>')
        peak, boundary = _("peak"), _("mark boundary")
        parts.append(f'<text x="{x + 19}" y="{TOP + 1}" font-size="11" fill="{INK}">{_x(peak)}</text>')
        x += 70
        parts.append(
            f'<line x1="{x}" y1="{TOP - 3}" x2="{x + 18}" y2="{TOP - 3}" stroke="{TARGET}" stroke-dasharray="4 3" '
            f'stroke-width="2"/><text x="{x + 23}" y="{TOP + 1}" font-size="11" fill="{INK}">'
            f"{_x(boundary)}</text>"
        )
        for tick in axis.ticks:
            y = top + HIST_H * (1 - axis.fraction(tick))
            parts.append(
                f'<line x1="{plot_x}" y1="{y:.1f}" x2="{plot_x + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>'
                f'<text x="{plot_x - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="{MUTED}">'
                f"{format_number(tick, axis.decimals)}</text>"
            )
        every = max(1, math.ceil(len(self.counts) / 24))
        for index, (score, works) in enumerate(self.counts):
            x0 = plot_x + index * slot
            if works:
                bar_h = HIST_H * axis.fraction(works)
                fill = f"url(#{hatch})" if score in self.highlighted else ACTUAL
                parts.append(
                    f'<rect x="{x0 + 1:.1f}" y="{top + HIST_H - bar_h:.1f}" width="{max(slot - 2, 1):.1f}" '
                    f'height="{bar_h:.1f}" fill="{fill}" stroke="{INK}" stroke-width="0.5">'
                    f"<title>{_x(self.score_label)} {score}: {works}</title></rect>"
                )
            if index % every == 0:
                parts.append(
                    f'<text x="{x0 + slot / 2:.1f}" y="{top + HIST_H + 14}" font-size="10" text-anchor="middle" '
                    f'fill="{MUTED}">{score}</text>'
                )
        index_of = {score: index for index, (score, _works) in enumerate(self.counts)}
        for label, score in self.boundaries:
            if score not in index_of:
                continue
            x0 = plot_x + index_of[score] * slot
            parts.append(
                f'<line x1="{x0:.1f}" y1="{top - 4}" x2="{x0:.1f}" y2="{top + HIST_H}" stroke="{TARGET}" '
                f'stroke-dasharray="4 3" stroke-width="2"/>'
                f'<text x="{x0 + 3:.1f}" y="{top + 6}" font-size="11" fill="{INK}" font-weight="bold">'
                f"{_x(label)}</text>"
            )
        parts.append(
            f'<line x1="{plot_x}" y1="{top + HIST_H}" x2="{plot_x + plot_w}" y2="{top + HIST_H}" stroke="{INK}"/>'
            f'<text x="{plot_x + plot_w / 2:.1f}" y="{top + HIST_H + 32}" font-size="11" text-anchor="middle" '
            f'fill="{INK}">{_x(self.score_label)}</text>'
        )
        parts.append("</svg>")
        return mark_safe("".join(parts))  # every text above went through _x or format_number


def histogram_chart(
    counts: dict, *, title: str, boundaries=(), highlighted=(), value_label: str, score_label: str, upper=None
) -> HistogramChart:
    """`counts` {score: works}; every score from 0 to the highest seen (or `upper`) gets a slot, zeros included."""
    last = max([*counts, *(score for _label, score in boundaries if score is not None), upper or 0], default=0)
    return HistogramChart(
        title=title,
        counts=tuple((score, int(counts.get(score, 0))) for score in range(0, int(last) + 1)),
        boundaries=tuple((str(label), int(score)) for label, score in boundaries if score is not None),
        highlighted=frozenset(highlighted),
        value_label=value_label,
        score_label=score_label,
    )


# Shares against a zone --------------------------------------------------------------------------------------------

ZONE = "#e9ecef"


@dataclass(frozen=True)
class ZoneBarChart(SvgChart):
    """One horizontal bar per row (a share 0–100 %) over its own zone [low, high] drawn as a grey band, with the
    value written at the bar's end: task mastery against its level's borderline zone."""

    title: str
    bars: tuple[tuple[str, Decimal | None, Decimal, Decimal, str], ...]  # (label, value, low, high, note)
    value_label: str

    def __bool__(self) -> bool:
        return any(value is not None for _label, value, _low, _high, _note in self.bars)

    @property
    def columns(self) -> list[str]:
        return ["", self.value_label, _("Zone"), ""]

    @property
    def rows(self) -> list[list[str]]:
        return [
            [label, format_number(value, 1), f"{format_number(low, 1)}–{format_number(high, 1)}", note]
            for label, value, low, high, note in self.bars
        ]

    @property
    def description(self) -> str:
        return (
            "; ".join(
                f"{label}: {format_number(value, 1)} % "
                f"({format_number(low, 1)}–{format_number(high, 1)}) {note}".strip()
                for label, value, low, high, note in self.bars
            )
            + "."
        )

    def svg(self) -> SafeString:
        if not self:
            return SafeString("")
        chart_id = _chart_id("zones", str(self.title), self.description)
        row_h, gap, label_w = 18, 6, 70
        height = TOP + 10 + len(self.bars) * (row_h + gap) + 18
        bar_x, bar_w = label_w + 8, WIDTH - label_w - 8 - RIGHT - 44
        parts = _open(chart_id, height, self.title, self.description, "chart chart-zones")
        y = TOP
        for tick in (0, 25, 50, 75, 100):
            x = bar_x + bar_w * tick / 100
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 6}" x2="{x:.1f}" y2="{height - 18}" stroke="{GRID}"/>'
                f'<text x="{x:.1f}" y="{height - 5}" font-size="10" text-anchor="middle" fill="{MUTED}">{tick}</text>'
            )
        for label, value, low, high, note in self.bars:
            parts.append(
                f'<text x="{label_w}" y="{y + row_h / 2 + 4:.1f}" font-size="11" text-anchor="end" fill="{INK}">'
                f"{_x(_shorten(label, 10))}</text>"
            )
            zx = bar_x + bar_w * float(low) / 100
            zw = bar_w * float(high - low) / 100
            parts.append(
                f'<rect x="{zx:.1f}" y="{y - 2}" width="{max(zw, 1):.1f}" height="{row_h + 4}" fill="{ZONE}" '
                f'stroke="{BASELINE}" stroke-dasharray="2 2"/>'
            )
            if value is None:
                parts.append(
                    f'<text x="{bar_x + 4}" y="{y + row_h / 2 + 4:.1f}" font-size="11" fill="{MUTED}">'
                    f"{_x(_('no data'))}</text>"
                )
            else:
                width = bar_w * float(min(max(value, 0), 100)) / 100
                parts.append(
                    f'<rect x="{bar_x}" y="{y + 3}" width="{width:.1f}" height="{row_h - 6}" fill="{ACTUAL}">'
                    f"<title>{_x(label)}: {format_number(value, 1)} % · {_x(note)}</title></rect>"
                    f'<text x="{bar_x + width + 4:.1f}" y="{y + row_h / 2 + 4:.1f}" font-size="11" fill="{INK}">'
                    f"{format_number(value, 1)}</text>"
                )
            y += row_h + gap
        parts.append("</svg>")
        return mark_safe("".join(parts))  # every text above went through _x or format_number


def zone_bar_chart(bars, *, title: str, value_label: str) -> ZoneBarChart:
    """`bars` are (label, value or None, low, high, note)."""
    return ZoneBarChart(
        title=title,
        bars=tuple(
            (str(label), number(value), Decimal(str(low)), Decimal(str(high)), str(note))
            for label, value, low, high, note in bars
        ),
        value_label=value_label,
    )
