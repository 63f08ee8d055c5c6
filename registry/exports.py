from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shnor_portal.xlsx import Column, build_workbook


def _settlement(school) -> str:
    if school.is_rural:
        return _("%(settlement)s (rural)") % {"settlement": school.settlement or "—"}
    return school.settlement


def _number(value):
    return None if value is None else float(value)


def _risks(school) -> str:
    parts = []
    if school.risks_high:
        parts.append(ngettext("%(n)s high", "%(n)s high", school.risks_high) % {"n": school.risks_high})
    if school.risks_medium:
        parts.append(ngettext("%(n)s medium", "%(n)s medium", school.risks_medium) % {"n": school.risks_medium})
    return ", ".join(parts)


def registry_workbook(schools, year_label: str, filters_label: str) -> bytes:
    """The registry list exactly as filtered on screen (prefetched `year_listings`/`year_mentors`)."""
    columns = [
        Column(_("Code"), 16),
        Column(_("School"), 40),
        Column(_("Municipality"), 24),
        Column(_("Type"), 18),
        Column(_("Settlement"), 22),
        Column(_("Statuses"), 30),
        Column(_("ИОР"), 8, "0.000"),
        Column(_("ИОР of the year before"), 10, "0.000"),
        Column(_("Risks"), 16),
        Column(_("Basis"), 50),
        Column(_("Support model"), 20),
        Column(_("Mentor school"), 34),
        Column(_("ФИС ОКО login"), 12),
    ]

    def rows():
        for school in schools:
            listings = school.year_listings
            yield [
                school.code,
                school.short_name,
                school.municipality.name,
                school.get_type_display(),
                _settlement(school),
                "; ".join(f"{item.get_status_display()} ({item.period_label})" for item in listings),
                _number(school.ior),
                _number(school.ior_previous),
                _risks(school),
                "; ".join(dict.fromkeys(item.basis_label for item in listings if item.basis_label)),
                "; ".join(dict.fromkeys(item.get_support_model_display() for item in listings if item.support_model)),
                "; ".join(dict.fromkeys(pairing.mentor.short_name for pairing in school.year_mentors)),
                school.fis_oko_login or "",
            ]

    title = _("Registry of schools, %(year)s") % {"year": year_label}
    return build_workbook(title, columns, rows(), subtitle=filters_label)
