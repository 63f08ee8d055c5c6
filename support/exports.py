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
