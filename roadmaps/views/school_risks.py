"""The activities that address each risk factor of a school (SPEC §2.2), shown on the registry's «Risks» tab: served
here, since plans are this app's data and the registry sits below; the tab loads it with htmx, and without
JavaScript its link opens it as a whole school page."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.urls import path
from django.views.decorators.http import require_GET

from registry.academic_year import AcademicYear
from registry.access import get_school_for
from registry.models import RiskAssessment, RiskFactor
from registry.profiles import RiskLevel
from registry.school_page import school_page_context
from shnor_portal.htmx import render_page_or_fragment
from shnor_portal.params import parse_year

from ..access import plans_visible_to
from ..models import Activity, Level


def activities_of_school_q(school) -> Q:
    """Activities (rows of Activity) that concern the school: those of its own plans and of its pairings' joint plans,
    and those of its municipality's plans that name it as an executor or name no executor (the whole municipality)."""
    return (
        Q(section__plan__level=Level.SCHOOL, section__plan__school=school)
        | Q(section__plan__level=Level.PAIR, section__plan__pairing__mentee=school)
        | Q(section__plan__level=Level.PAIR, section__plan__pairing__mentor=school)
        | (
            Q(section__plan__level=Level.MUNICIPAL, section__plan__municipality_id=school.municipality_id)
            & (Q(executors=school) | Q(executors__isnull=True))
        )
    )


def risk_activities(user, school, year: int) -> list[dict]:
    """Per risk factor — those of the school's risk profile of the year (highest level first), then any other factor
    that an activity addresses — the activities of visible plans concerning the school that address it. Three
    queries: the profile, the factors, the activity links."""
    levels = dict(RiskAssessment.objects.filter(school=school, year=year).values_list("factor_id", "level"))
    activities = (
        Activity.objects.filter(activities_of_school_q(school), section__plan__in=plans_visible_to(user))
        .values("pk")
        .distinct()
    )
    through = Activity.risk_factors.through
    links = (
        through.objects.filter(activity__in=activities)
        .select_related("activity__section__plan")
        .order_by("activity__section__plan__title", "activity__section__order", "activity__order", "activity_id")
    )
    by_factor: dict[int, list] = {}
    for link in links:
        by_factor.setdefault(link.riskfactor_id, []).append(link.activity)
    factors = RiskFactor.objects.filter(pk__in=set(levels) | set(by_factor)).order_by("position", "code")
    rank = {RiskLevel.HIGH: 0, RiskLevel.MEDIUM: 1, RiskLevel.LOW: 2, RiskLevel.NONE: 3}
    labels = dict(RiskLevel.choices)
    rows = [
        {
            "factor": factor,
            "level": levels.get(factor.pk),
            "level_label": labels.get(levels.get(factor.pk), ""),
            "activities": by_factor.get(factor.pk, []),
        }
        for factor in factors
    ]
    return sorted(rows, key=lambda row: (rank.get(row["level"], 4), row["factor"].position, row["factor"].code))


@login_required
@require_GET
def school_risk_activities(request, code):
    # The school page's own lookup: a school outside the reader's scope is 404 here as there.
    school = get_school_for(request.user, code)
    year = parse_year(request.GET.get("year")) or AcademicYear.current().start_year
    context = school_page_context(request.user, school, "risks")
    context.update(year=AcademicYear(year), rows=risk_activities(request.user, school, year))
    return render_page_or_fragment(
        request, "roadmaps/school/risk_activities.html", "roadmaps/school/_risk_activities.html", context
    )


urlpatterns = [
    path("schools/<slug:code>/risk-activities/", school_risk_activities, name="school-risk-activities"),
]
