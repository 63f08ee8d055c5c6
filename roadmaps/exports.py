"""Plans as .xlsx: the list of plans as filtered on screen, and one plan in the seeds' table layout."""

from django.utils.translation import gettext as _

from shnor_portal.xlsx import Column, build_workbook


def _owner(plan) -> str:
    if plan.pairing_id:
        return f"{plan.pairing.mentor.short_name} → {plan.pairing.mentee.short_name}"
    if plan.school_id:
        return plan.school.short_name
    return plan.municipality.name


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
    same layout `import_plan` reads back."""
    columns = [
        Column(_("No."), 8),
        Column(_("Activity name"), 60),
        Column(_("Deadline"), 22),
        Column(_("Responsible"), 30),
        Column(_("Expected result"), 36),
    ]
    rows = []
    for section in sections:
        if section.number or section.title:
            rows.append([section.number, section.title, section.deadline_text, section.responsible, ""])
        for activity in section.activities.all():
            rows.append(
                [activity.number, activity.name, activity.deadline_text, activity.responsible, activity.expected_result]
            )
    subtitle = f"{_owner(plan)} · {plan.period_label} · {plan.get_status_display()}"
    if plan.approval_label:
        subtitle += f" · {plan.approval_label}"
    return build_workbook(plan.title, columns, rows, subtitle=subtitle)
