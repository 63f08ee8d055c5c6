"""Roadmaps' objects in the audit trail (shnor_portal/audit): where each belongs; all open on their plan's page."""

from shnor_portal.audit.registry import register


def _of_plan(plan):
    return plan.municipality_id, plan.school_id


def _of_report(report):
    plan = report.activity.section.plan
    return plan.municipality_id, report.school_id or plan.school_id


def register_models():
    from .models import Activity, Evidence, Plan, ProgressReport, Section

    register(Plan, place=_of_plan, url=lambda p: p.get_absolute_url())
    register(Section, place=lambda s: _of_plan(s.plan), url=lambda s: s.plan.get_absolute_url(), related=("plan",))
    register(
        Activity,
        place=lambda a: _of_plan(a.section.plan),
        url=lambda a: a.section.plan.get_absolute_url(),
        related=("section__plan",),
    )
    register(ProgressReport, place=_of_report, url=lambda r: r.activity.section.plan.get_absolute_url())
    register(
        Evidence,
        place=lambda e: _of_report(e.report),
        url=lambda e: e.report.activity.section.plan.get_absolute_url(),
    )
