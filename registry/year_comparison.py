"""The school's yearly profiles side by side: contingent, staff, social passport and ИОР as a table of years, each
value with its difference from the year before (the «Years compared» tab of the school page). One query."""

from django.utils.translation import gettext as _

from shnor_portal.deltas import compare

from .academic_year import AcademicYear
from .profiles import SOCIAL_ROWS, STAFF_ROWS, SchoolYearProfile
from .rounding import share_pct


def _staff_share(profile, name):
    """The share of teachers in a staff row: from the counts, or as the source published it."""
    derived = share_pct(getattr(profile, name), profile.teachers_total)
    if derived is not None:
        return derived
    return (profile.staff_published_pct or {}).get(name)


def profile_comparison(school) -> dict:
    """{"years": [AcademicYear], "sections": [(title, [(label, [DeltaCell per year])])], "ior_points": [...]}."""
    profiles = list(SchoolYearProfile.objects.filter(school=school).order_by("year"))
    years = [AcademicYear(profile.year) for profile in profiles]
    labels = [year.label for year in years]

    def row(label, values, decimals=0, unit=""):
        return label, compare(values, labels, decimals=decimals, unit=unit)

    points = _("p.p.")
    sections = [
        (
            _("Contingent, pupils"),
            [
                row(_("grades 1–4"), [p.pupils_primary for p in profiles]),
                row(_("grades 5–9"), [p.pupils_basic for p in profiles]),
                row(_("grades 10–11"), [p.pupils_secondary for p in profiles]),
                row(_("total"), [p.pupils_total for p in profiles]),
            ],
        ),
        (
            _("Staff"),
            [
                row(_("teachers in total"), [p.teachers_total for p in profiles]),
                *(
                    row(f"{label}, %", [_staff_share(p, name) for p in profiles], 1, points)
                    for name, label, _parent in STAFF_ROWS
                ),
            ],
        ),
        (
            _("Social passport, children"),
            [row(label, [getattr(p, name) for p in profiles]) for name, label in SOCIAL_ROWS],
        ),
        (
            _("Educational results index (ИОР)"),
            [row(_("ИОР"), [p.ior for p in profiles], 3)],
        ),
    ]
    # A row no year has a value for says nothing; a section left without rows goes too.
    sections = [
        (title, shown)
        for title, rows in sections
        if (shown := [(label, cells) for label, cells in rows if any(c.value is not None for c in cells)])
    ]
    return {
        "years": years,
        "sections": sections,
        "ior_points": [(year.label, profile.ior) for year, profile in zip(years, profiles, strict=True)],
    }
