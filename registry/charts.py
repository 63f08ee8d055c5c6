"""Server-side SVG charts: the same markup appears in the HTML page and, later, in PDF documents."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe


def line_chart(
    points: list[tuple[str, Decimal | float | None]],
    *,
    ymin: float = 0.0,
    ymax: float = 1.0,
    width: int = 420,
    height: int = 180,
    label: str = "",
    decimals: int = 3,
):
    """A line chart of (x label, value) points; missing values break the line. Returns safe SVG markup."""
    if not points:
        return ""
    left, right, top, bottom = 40, 28, 18, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(points) - 1, 1)

    def y(value) -> float:
        fraction = (float(value) - ymin) / (ymax - ymin) if ymax != ymin else 0.5
        return top + plot_h * (1 - min(max(fraction, 0.0), 1.0))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" class="chart">',
        f"<title>{escape(label)}</title>",
    ]
    for tick in range(5):
        value = ymin + (ymax - ymin) * tick / 4
        ty = y(value)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#dee2e6"/>')
        parts.append(
            f'<text x="{left - 4}" y="{ty + 4:.1f}" font-size="10" text-anchor="end" fill="#6c757d">'
            f"{_number(value, 2)}</text>"
        )
    segment: list[str] = []
    segments = []
    for index, (x_label, value) in enumerate(points):
        x = left + step * index if len(points) > 1 else left + plot_w / 2
        parts.append(
            f'<text x="{x:.1f}" y="{height - 8}" font-size="11" text-anchor="middle" fill="#212529">'
            f"{escape(x_label)}</text>"
        )
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x:.1f},{y(value):.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="3.5" fill="#0d6efd"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y(value) - 7:.1f}" font-size="11" text-anchor="middle" fill="#0d6efd">'
            f"{_number(value, decimals)}</text>"
        )
    if segment:
        segments.append(segment)
    for line in segments:
        if len(line) > 1:
            parts.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="#0d6efd" stroke-width="2"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _number(value, decimals: int) -> str:
    return f"{float(value):.{decimals}f}".replace(".", ",")
