"""Use cases of plans that touch several models: whose plan it is, and creating a draft plan from a read table."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from registry.models import Municipality, Pairing, School
from shnor_portal.audit.recording import record_bulk
from shnor_portal.periods import overlapping

from .imports import ReadPlan
from .models import Activity, ActivityPeriod, Level, Plan, PlanStatus, Section
from .periods import PeriodRefused, check_period


class PlanError(Exception):
    """A use case of plans refused; the message says why, in Russian."""


@dataclass
class Owner:
    level: str
    municipality: Municipality
    school: School | None = None
    pairing: Pairing | None = None


def resolve_owner(code: str, level: str | None, start: dt.date, end: dt.date) -> Owner:
    """The owner named by a municipality or school code. A pair plan belongs to a pairing of the school (as the
    supported school, or else as the mentor) that is active during the plan's period, and to the municipality of the
    supported school, as a pair plan created on its page does (the mentor may be of another municipality)."""
    municipality = Municipality.objects.filter(code=code).first()
    school = None if municipality else School.objects.select_related("municipality").filter(code=code).first()
    if municipality is None and school is None:
        raise PlanError(_("There is no municipality or school with the code «%(code)s».") % {"code": code})
    if municipality is not None:
        if level not in (None, Level.MUNICIPAL):
            raise PlanError(
                _("«%(code)s» is a municipality: its plan is municipal; give a school code for a school or pair plan.")
                % {"code": code}
            )
        return Owner(Level.MUNICIPAL, municipality)
    if level == Level.MUNICIPAL:
        raise PlanError(_("«%(code)s» is a school: a municipal plan needs a municipality code.") % {"code": code})
    if level == Level.PAIR:
        during = (
            Pairing.objects.filter(overlapping(start, end))
            .select_related("mentor", "mentee__municipality")
            .order_by("-start")
        )
        pairing = during.filter(mentee=school).first() or during.filter(mentor=school).first()
        if pairing is None:
            raise PlanError(_("The school «%(code)s» has no mentor pairing during the plan's period.") % {"code": code})
        return Owner(Level.PAIR, pairing.mentee.municipality, school=pairing.mentee, pairing=pairing)
    return Owner(Level.SCHOOL, school.municipality, school=school)


@transaction.atomic
def create_plan_from_table(read: ReadPlan, owner: Owner, start: dt.date, end: dt.date, title: str = "") -> Plan:
    """A draft plan of the owner with the sections and activities that were read, deadlines read for its period
    (the period rule of every plan: roadmaps/periods.py)."""
    try:
        check_period(start, end)
    except PeriodRefused as refused:
        raise PlanError(refused.message) from refused
    plan = Plan.objects.create(
        level=owner.level,
        municipality=owner.municipality,
        school=owner.school,
        pairing=owner.pairing,
        title=(title or read.title or _("Imported plan"))[:1000],
        period_start=start,
        period_end=end,
        status=PlanStatus.DRAFT,
    )
    created: dict[int, Section] = {}
    activities = []
    for order, read_section in enumerate(read.sections, start=1):
        parent = created.get(id(read_section.parent)) if read_section.parent is not None else None
        section = Section.objects.create(
            plan=plan,
            parent=parent,
            number=read_section.number[:50],
            title=read_section.title,
            order=order,
            responsible=read_section.responsible,
            deadline_text=read_section.deadline_text[:500],
        )
        created[id(read_section)] = section
        for position, read_activity in enumerate(read_section.activities, start=1):
            activity = Activity(
                section=section,
                number=read_activity.number[:50],
                order=position,
                name=read_activity.name,
                deadline_text=read_activity.deadline_text[:500],
                responsible=read_activity.responsible,
                expected_result=read_activity.expected_result,
                funding_source=read_activity.funding_source,
                funding=read_activity.funding,
            )
            activity.apply_reading(plan)
            activities.append(activity)
    # A plan table has thousands of activities at most: one insert per batch, with their history and their
    # reporting periods (what Activity.save() does for a new row), instead of three queries per activity.
    bulk_create_with_history(activities, Activity, batch_size=1000)
    record_bulk(Activity, activities)  # bulk writes send no signal: the audit trail is told itself
    ActivityPeriod.objects.bulk_create(
        [
            ActivityPeriod(activity=activity, start=dt.date.fromisoformat(a), end=dt.date.fromisoformat(b))
            for activity in activities
            for a, b in sorted({tuple(period) for period in activity.deadline_periods})
        ],
        batch_size=5000,
    )
    return plan
