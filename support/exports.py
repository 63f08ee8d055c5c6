from django.utils import timezone
from django.utils.translation import gettext as _

from shnor_portal.xlsx import Column, build_workbook


def pairings_workbook(pairings, subtitle: str) -> bytes:
    columns = [
        Column(_("Mentor school"), 34),
        Column(_("Supported school"), 34),
        Column(_("Municipality"), 22),
        Column(_("Agreement"), 24),
        Column(_("Agreement date"), 12),
        Column(_("Agreement start"), 12),
        Column(_("Agreement end"), 12),
        Column(_("Status"), 14),
        Column(_("Basis"), 44),
        Column(_("Support model"), 18),
        Column(_("Goals"), 60),
    ]
    rows = (
        [
            p.mentor.short_name,
            p.mentee.short_name,
            p.mentee.municipality.name,
            p.agreement_number,
            p.agreement_date,
            p.start,
            p.end,
            p.get_status_display(),
            p.basis,
            p.get_support_model_display() if p.support_model else "",
            p.goals,
        ]
        for p in pairings
    )
    return build_workbook(_("Mentoring network"), columns, rows, subtitle=subtitle)


def events_workbook(events, title: str, subtitle: str) -> bytes:
    """The event list as filtered on screen (`event_schools` prefetched with their schools)."""
    columns = [
        Column(_("Start date"), 12),
        Column(_("End date"), 12),
        Column(_("Type"), 20),
        Column(_("Targeted"), 10),
        Column(_("Topic"), 50),
        Column(_("Format"), 14),
        Column(_("Organiser"), 34),
        Column(_("Target schools"), 40),
        Column(_("Participants"), 12),
        Column(_("Result"), 50),
    ]

    def rows():
        for event in events:
            schools = event.event_schools.all()
            counts = [row.participants for row in schools if row.participants is not None]
            yield [
                event.start,
                event.end,
                event.get_type_display(),
                _("yes") if event.is_targeted else _("no"),
                event.topic,
                event.get_format_display(),
                event.organiser_label,
                "; ".join(
                    f"{row.school.short_name} ({row.participants})"
                    if row.participants is not None
                    else row.school.short_name
                    for row in schools
                ),
                sum(counts) if counts else None,
                event.result,
            ]

    return build_workbook(title, columns, rows(), subtitle=subtitle)


def teachers_workbook(teachers, school, subtitle: str) -> bytes:
    """The school's teachers as filtered on screen, each with `latest` (the total of the latest diagnostic)."""
    columns = [
        Column(_("Full name"), 34),
        Column(_("Position"), 30),
        Column(_("Subjects"), 30),
        Column(_("Category"), 20),
        Column(_("Experience, years"), 10),
        Column(_("Works at the school"), 10),
        Column(_("Latest diagnostic, %"), 12, "0.0"),
        Column(_("Level"), 14),
    ]
    rows = (
        [
            t.full_name,
            t.position,
            t.subjects,
            t.get_category_display(),
            t.experience_years,
            _("yes") if t.is_active else _("no"),
            float(t.latest.percent) if t.latest else None,
            t.latest.level_label if t.latest else "",
        ]
        for t in teachers
    )
    return build_workbook(_("Teachers · %(school)s") % {"school": school.short_name}, columns, rows, subtitle=subtitle)


def competency_workbook(summary, school) -> bytes:
    """The distribution of levels per competency (latest diagnostics) and the dynamics by year: no names; a group of
    numbers the summary suppressed (fewer than three teachers) says so instead of its numbers."""
    levels = [str(label) for _value, label in summary["levels"]]
    columns = [Column(_("Competency"), 50), *(Column(label, 14) for label in levels), Column(_("Mean, %"), 12, "0.0")]
    hidden = [_("hidden: fewer than 3 teachers"), *([None] * len(levels))]

    def rows():
        for row in summary["rows"]:
            yield [str(row["competency"]), *(hidden if row.get("hidden") else [*row["counts"], None])]
        yield [_("Total"), *(hidden if summary.get("total_hidden") else [*summary["total"], None])]
        for year in summary["dynamics"]:
            label = _("Diagnostics of %(year)s: %(count)s teachers") % {
                "year": year["year"],
                "count": year["diagnosed"],
            }
            if year.get("hidden"):
                yield [label, *hidden]
            else:
                yield [label, *year["counts"], float(year["mean"].percent)]

    subtitle = _("Latest diagnostic of each teacher: %(diagnosed)s of %(teachers)s teachers diagnosed") % {
        "diagnosed": summary["diagnosed"],
        "teachers": summary["teachers"],
    }
    title = _("Competency levels · %(school)s") % {"school": school.short_name}
    return build_workbook(title, columns, rows(), subtitle=subtitle)


def risk_group_workbook(summary, school) -> bytes:
    """The critical group by name with deficits and the state of each one's development route."""
    columns = [
        Column(_("Full name"), 34),
        Column(_("Position"), 30),
        Column(_("Subjects"), 30),
        Column(_("Total, %"), 10, "0.0"),
        Column(_("Deficits (competencies at the critical level)"), 50),
        Column(_("Route steps"), 10),
        Column(_("Open steps"), 10),
        Column(_("Next due date"), 12),
    ]
    rows = (
        [
            row["teacher"].full_name,
            row["teacher"].position,
            row["teacher"].subjects,
            float(row["total"].percent),
            "; ".join(c.name for c in row["deficits"]),
            row.get("route_steps", 0),
            row.get("route_open", 0),
            row.get("route_next_due"),
        ]
        for row in summary["critical"]
    )
    title = _("Risk group: teachers at the critical level · %(school)s") % {"school": school.short_name}
    return build_workbook(title, columns, rows)


def participants_workbook(event, participants) -> bytes:
    columns = [Column(_("Full name"), 34), Column(_("Position"), 30), Column(_("School"), 40)]
    rows = ([p.full_name, p.position, p.school.short_name] for p in participants)
    return build_workbook(_("Participants"), columns, rows, subtitle=str(event))


def export_log_workbook(entries, subtitle: str) -> bytes:
    """The log of named exports (logins and list names, not the people of the lists)."""
    columns = [
        Column(_("Exported at"), 18),
        Column(_("Login"), 20),
        Column(_("List"), 26),
        Column(_("What was exported"), 50),
        Column(_("Filters and parameters"), 40),
        Column(_("Rows"), 8),
        Column(_("Municipality"), 24),
        Column(_("School"), 34),
    ]
    rows = (
        [
            timezone.localtime(e.created_at).strftime("%d.%m.%Y %H:%M"),
            e.username,
            e.get_kind_display(),
            e.description,
            params_label(e.params),
            e.rows,
            e.municipality.name,
            e.school.short_name if e.school else "",
        ]
        for e in entries.iterator(chunk_size=2000)
    )
    return build_workbook(_("Log of named exports"), columns, rows, subtitle=subtitle)


def params_label(params) -> str:
    if not isinstance(params, dict):
        return ""
    parts = []
    for key, value in params.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        parts.append(f"{key}={shown}")
    return "; ".join(parts)
