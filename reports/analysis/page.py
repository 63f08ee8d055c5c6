"""What the analysis pages show, built from `vpr.analyse`: sortable school rows, their .xlsx, the charts of a school.

Thin helpers between the computation and the templates: the numbers are the analysis's own (the command prints the
same dictionary), only formatted and labelled here. Labels say what a number is and which threshold it is compared
with, never what it means about a school (REFERENCE §3).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from shnor_portal.charts import distribution_chart, format_number, histogram_chart, zone_bar_chart
from shnor_portal.xlsx import Column, build_workbook

from .vpr import MARKS, Thresholds, zone

SAMPLE_NOTES = {
    "informative": gettext_lazy("sample sufficient"),
    "approximate": gettext_lazy("approximate"),
    "limited": gettext_lazy("small sample, limited conclusions"),
}
STATUS_NOTES = {
    "mastered": gettext_lazy("mastered"),
    "borderline": gettext_lazy("borderline zone"),
    "not_mastered": gettext_lazy("not mastered"),
}
LEVEL_NAMES = {
    "Б": pgettext_lazy("task level", "basic"),
    "П": pgettext_lazy("task level", "advanced"),
    "В": pgettext_lazy("task level", "high"),
}
# Sort keys of the municipality's table: how each is read from a school's row. Nulls go last either way.
SORTS = {
    "school": lambda row: row["name"].lower(),
    "participants": lambda row: row["figures"]["participants"],
    "marks_2": lambda row: row["figures"]["marks_pct"]["2"],
    "marks_2_prev": lambda row: row["figures"]["marks_2_pct_prev"],
    "dynamics": lambda row: row["figures"]["marks_2_dynamics_pp"],
    "journal_gap": lambda row: row["figures"]["journal_gap_2"],
    "peaks": lambda row: None if row["figures"]["boundary_peaks"] is None else len(row["figures"]["boundary_peaks"]),
    "not_mastered": lambda row: row["not_mastered"],
}


def school_rows(result: dict) -> list[dict]:
    """A row per listed school: its code, name and figures, and its tasks counted by status."""
    rows = []
    for figures in result["analysis"]["schools"]:
        school = result["details"][figures["school"]]["school"]
        rows.append(_row(figures, school.short_name, school.code))
    return rows


def total_row(result: dict, name: str) -> dict:
    return _row(result["analysis"]["total"], name, None)


def _row(figures: dict, name: str, code: str | None) -> dict:
    tasks = figures["tasks"]
    counted = [task for task in tasks if task["status"] is not None]
    return {
        "name": name,
        "code": code,
        "figures": figures,
        "sample_note": SAMPLE_NOTES[figures["sample"]],
        "not_mastered": sum(task["status"] == "not_mastered" for task in tasks) if counted else None,
        "borderline": sum(task["status"] == "borderline" for task in tasks) if counted else None,
        "peaks": ", ".join(f"«{p['mark']}» {p['score']}: {p['at']} / {p['below']}" for p in figures["boundary_peaks"])
        if figures["boundary_peaks"]
        else "",
    }


def sort_rows(rows: list[dict], key: str, descending: bool) -> list[dict]:
    """Rows ordered by one signal; a school without the number is last whichever the direction."""
    read = SORTS.get(key, SORTS["school"])
    present = [row for row in rows if read(row) is not None]
    missing = [row for row in rows if read(row) is None]
    present.sort(key=lambda row: (read(row), row["name"].lower()), reverse=descending)
    return present + missing


def shown(value, decimals: int = 1) -> str:
    return "—" if value is None else format_number(value, decimals)


def workbook(title: str, rows: list[dict], total: dict) -> bytes:
    columns = [
        Column(_("School"), 40),
        Column(_("participants"), 12),
        Column(_("sample"), 16),
        Column("«2», %", 8, "0.0"),
        Column("«3», %", 8, "0.0"),
        Column("«4», %", 8, "0.0"),
        Column("«5», %", 8, "0.0"),
        Column(_("«2» last year, %"), 12, "0.0"),
        Column(_("dynamics of «2», points"), 14, "0.0"),
        Column(_("negative dynamics"), 12),
        Column(_("journal gap of 2 marks or more"), 14),
        Column(_("boundary peaks"), 28),
        Column(_("tasks not mastered"), 12),
        Column(_("tasks in the borderline zone"), 12),
    ]

    def line(row):
        f = row["figures"]
        return [
            row["name"],
            f["participants"],
            str(row["sample_note"]),
            *(f["marks_pct"][mark] for mark in MARKS),
            f["marks_2_pct_prev"],
            f["marks_2_dynamics_pp"],
            None if f["negative_dynamics"] is None else (_("yes") if f["negative_dynamics"] else _("no")),
            f["journal_gap_2"],
            row["peaks"],
            row["not_mastered"],
            row["borderline"],
        ]

    return build_workbook(title, columns, [*(line(row) for row in rows), line(total)])


def distribution(result: dict, school_details: dict, school_name: str, municipality_name: str):
    """The school's marks beside the municipality's (exact counts) and the ФИС ОКО references, which publish shares:
    a reference is drawn from its shares times its participants (the chart turns them back into the same shares)."""
    bars = [
        (school_name, [school_details["marks"][mark] for mark in MARKS]),
        (
            _("%(name)s (portal data)") % {"name": municipality_name},
            [result["total_details"]["marks"][mark] for mark in MARKS],
        ),
    ]
    labels = {
        "municipality": _("municipality (ФИС ОКО)"),
        "region": _("region (ФИС ОКО)"),
        "russia": _("Russia (ФИС ОКО)"),
    }
    references = []
    for level in ("municipality", "region", "russia"):
        found = (result["analysis"]["reference"] or {}).get(level)
        if found is None:
            continue
        references.append((labels[level], found))
        if found["participants"]:
            counts = [round((found["marks_pct"][mark] or 0) * found["participants"] / 100) for mark in MARKS]
            bars.append((labels[level], counts))
    chart = distribution_chart(
        bars, title=_("Distribution of marks"), categories=MARKS, category_caption=pgettext("marks chart", "mark")
    )
    return chart, references


def histogram(details: dict, scale: dict, figures: dict, title: str):
    peaks = {peak["score"] for peak in figures["boundary_peaks"] or ()}
    boundaries = [(f"«{mark}»", scale.get(mark)) for mark in ("3", "4", "5")]
    return histogram_chart(
        details["histogram"],
        title=title,
        boundaries=boundaries,
        highlighted=peaks,
        value_label=_("number of works"),
        score_label=_("primary score"),
    )


def mastery(figures: dict, limits: Thresholds):
    bars = []
    for task in figures["tasks"]:
        low, high = zone(task["level"], limits)
        note = f"{LEVEL_NAMES.get(task['level'], task['level'])}: {STATUS_NOTES.get(task['status'], '—')}"
        bars.append((task["task"], task["mastery_pct"], low, high, note))
    return zone_bar_chart(bars, title=_("Task mastery, percent of the maximum"), value_label=_("mastery, %"))
