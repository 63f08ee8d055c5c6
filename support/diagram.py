"""The mentoring network as server-side SVG: mentor schools on the left, supported schools on the right."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

ROW = 34
WIDTH = 760
BOX_W = 300
BOX_H = 26


def _box(x: int, y: float, text: str, fill: str, href: str | None) -> str:
    """A school's box, a link to its page when the reader may open it (`href`), else only its name."""
    label = escape(text if len(text) <= 44 else text[:43] + "…")
    box = (
        f'<rect x="{x}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="5" fill="{fill}" stroke="#6c757d"/>'
        f'<text x="{x + 8}" y="{y + 17:.0f}" font-size="12" fill="#212529">'
        f"<title>{escape(text)}</title>{label}</text>"
    )
    return f'<a href="{escape(href)}">{box}</a>' if href else box


def _href(school, linked_schools) -> str | None:
    return school.get_absolute_url() if linked_schools is None or school.pk in linked_schools else None


def network_svg(pairings, label: str, linked_schools=None) -> str:
    """Mentor → supported school arrows for `pairings` (mentor and mentee loaded); '' when there are none. A school
    not in `linked_schools` (ids; None: every school) is drawn without a link to its page."""
    pairings = list(pairings)
    if not pairings:
        return ""
    mentors = sorted({p.mentor for p in pairings}, key=lambda s: s.short_name)
    mentees = sorted({p.mentee for p in pairings}, key=lambda s: s.short_name)
    rows = max(len(mentors), len(mentees))
    height = rows * ROW + 40
    left_x, right_x = 10, WIDTH - BOX_W - 10

    def y_of(index: int, count: int) -> float:
        offset = (rows - count) * ROW / 2  # centre the shorter column
        return 30 + offset + index * ROW

    mentor_y = {s.pk: y_of(i, len(mentors)) for i, s in enumerate(mentors)}
    mentee_y = {s.pk: y_of(i, len(mentees)) for i, s in enumerate(mentees)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" class="chart network-diagram">',
        f"<title>{escape(label)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#0d6efd"/></marker></defs>',
    ]
    for p in pairings:
        y1 = mentor_y[p.mentor_id] + BOX_H / 2
        y2 = mentee_y[p.mentee_id] + BOX_H / 2
        colour = "#0d6efd" if p.status == "active" else "#adb5bd"
        dash = "" if p.status == "active" else ' stroke-dasharray="4 3"'
        parts.append(
            f'<line x1="{left_x + BOX_W}" y1="{y1:.0f}" x2="{right_x - 2}" y2="{y2:.0f}" stroke="{colour}" '
            f'stroke-width="1.5"{dash} marker-end="url(#arrow)"><title>{escape(str(p))} · {escape(p.period_label)}'
            f"</title></line>"
        )
    for s in mentors:
        parts.append(_box(left_x, mentor_y[s.pk], s.short_name, "#d1e7dd", _href(s, linked_schools)))
    for s in mentees:
        parts.append(_box(right_x, mentee_y[s.pk], s.short_name, "#f8d7da", _href(s, linked_schools)))
    parts.append("</svg>")
    return mark_safe("".join(parts))
