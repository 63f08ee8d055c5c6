"""The preview of an imported plan table: the sections and activities exactly as create_plan_from_table will write
them, with what the coordinator should check — shown by the web wizard and printed by `import_plan`."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .deadlines import Kind
from .imports import ReadPlan
from .models import Activity, Plan, Section


@dataclass
class PreviewSection:
    number: str
    title: str
    responsible: str
    deadline_text: str
    is_child: bool
    activities: list[Activity] = field(default_factory=list)


@dataclass
class Preview:
    title: str
    sheet: str
    sections: list[PreviewSection]
    problems: list[str]

    @property
    def activity_count(self) -> int:
        return sum(len(section.activities) for section in self.sections)

    @property
    def unparsed_count(self) -> int:
        return sum(1 for section in self.sections for activity in section.activities if activity.is_unparsed)

    def rows(self) -> list[tuple]:
        """The activities as create_plan_from_table writes them, for comparing the two."""
        return [
            (
                a.number,
                a.name,
                a.deadline_text,
                a.deadline_kind,
                a.deadline_periods,
                a.outside_period,
                a.responsible,
                a.expected_result,
            )
            for section in self.sections
            for a in section.activities
        ]


def _label(number: str, name: str) -> str:
    return number or name[:60]


def build_preview(read: ReadPlan, start: dt.date, end: dt.date, title: str = "") -> Preview:
    """The sections and activities as create_plan_from_table will write them (the same truncations, the same reading
    of each deadline for the period), with the problems the coordinator should know of, in Russian."""
    plan = Plan(period_start=start, period_end=end)
    sections, problems = [], list(read.warnings)  # what the reader left out: unread columns, notes, other sheets
    for read_section in read.sections:
        section = Section(
            number=read_section.number[:50],
            title=read_section.title,
            responsible=read_section.responsible,
            deadline_text=read_section.deadline_text[:500],
        )
        shown = PreviewSection(
            section.number, section.title, section.responsible, section.deadline_text, read_section.parent is not None
        )
        seen: set[str] = set()
        for read_activity in read_section.activities:
            activity = Activity(
                section=section,
                number=read_activity.number[:50],
                name=read_activity.name,
                deadline_text=read_activity.deadline_text[:500],
                responsible=read_activity.responsible,
                expected_result=read_activity.expected_result,
                funding_source=read_activity.funding_source,
                funding=read_activity.funding,
            )
            activity.apply_reading(plan)
            activity.source_row = read_activity.row
            shown.activities.append(activity)
            label = _label(activity.number, activity.name)
            where = _("row %(row)s, %(activity)s") % {"row": read_activity.row, "activity": label}
            if activity.deadline_kind == Kind.UNPARSED:
                if activity.deadline_text or section.deadline_text:
                    problems.append(
                        _("%(where)s: the deadline «%(text)s» was not read; set its dates by hand after the import.")
                        % {"where": where, "text": activity.deadline_text or section.deadline_text}
                    )
                else:
                    problems.append(_("%(where)s: no deadline is written.") % {"where": where})
            elif activity.outside_period:
                problems.append(
                    _("%(where)s: the deadline «%(text)s» lies outside the plan's period.")
                    % {"where": where, "text": activity.deadline_text or section.deadline_text}
                )
            if activity.number and activity.number in seen:
                problems.append(
                    _("%(where)s: the number %(number)s is repeated within its section.")
                    % {"where": where, "number": activity.number}
                )
            seen.add(activity.number)
        sections.append(shown)
    final_title = (title or read.title or _("Imported plan"))[:1000]
    return Preview(final_title, read.sheet, sections, problems)
