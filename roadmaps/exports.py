"""Plans as .xlsx: the list of plans as filtered on screen, and one plan in the seeds' table layout."""

import decimal

from django.utils.translation import gettext as _

from shnor_portal.xlsx import Column, build_workbook


def _owner(plan) -> str:
    if plan.pairing_id:
        return f"{plan.pairing.mentor.short_name} → {plan.pairing.mentee.short_name}"
    if plan.school_id:
        return plan.school.short_name
    return plan.municipality.name


def _amount(amount: str):
    """A year's amount as a number for the workbook; «x» (not applicable) and text as written."""
    try:
        return decimal.Decimal(amount) if amount and amount != "x" else amount
    except decimal.InvalidOperation:
        return amount


def plans_workbook(plans) -> bytes:
    columns = [
        Column(_("Plan"), 60),
        Column(_("Owner"), 30),
        Column(_("Level"), 16),
        Column(_("Period"), 12),
        Column(_("Status"), 18),
        Column(_("Approval"), 24),
        Column(_("Activities"), 12),
    ]
    rows = (
        [
            plan.title,
            _owner(plan),
            plan.get_level_display(),
            plan.period_label,
            plan.get_status_display(),
            plan.approval_label,
            plan.activity_count,
        ]
        for plan in plans
    )
    return build_workbook(_("Plans and roadmaps"), columns, rows)


def plan_workbook(plan, sections) -> bytes:
    """№ · Наименование мероприятия · Сроки · Ответственный · Ожидаемый результат, with the section rows; the
    same layout `import_plan` reads back. A plan with funding data (seed 003) adds «Источник финансирования» and one
    «Объем средств (рублей), YYYY» column per year before the result."""
    activities = [(section, list(section.activities.all())) for section in sections]
    funded = any(a.funding_source or a.funding for _section, group in activities for a in group)
    years = sorted({year for _section, group in activities for a in group for year in a.funding or {}})
    columns = [
        Column(_("No."), 8),
        Column(_("Activity name"), 60),
        Column(_("Deadline"), 22),
        Column(_("Responsible"), 30),
        Column(_("Expected result"), 36),
    ]
    if funded:
        columns[4:4] = [
            Column(_("Funding source"), 24),
            *(Column(_("Funds (roubles), %(year)s") % {"year": year}, 16, "0.00") for year in years),
        ]
    blank = [""] * (1 + len(years)) if funded else []
    rows = []
    for section, group in activities:
        if section.number or section.title:
            rows.append([section.number, section.title, section.deadline_text, section.responsible, *blank, ""])
        for activity in group:
            funding = []
            if funded:
                amounts = [_amount((activity.funding or {}).get(year, "")) for year in years]
                funding = [activity.funding_source, *amounts]
            rows.append(
                [
                    activity.number,
                    activity.name,
                    activity.deadline_text,
                    activity.responsible,
                    *funding,
                    activity.expected_result,
                ]
            )
    subtitle = f"{_owner(plan)} · {plan.period_label} · {plan.get_status_display()}"
    if plan.approval_label:
        subtitle += f" · {plan.approval_label}"
    return build_workbook(plan.title, columns, rows, subtitle=subtitle)
