from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from registry.access import municipalities_visible_to
from shnor_portal.htmx import render_page_or_fragment
from shnor_portal.pagination import paginate
from shnor_portal.xlsx import xlsx_response

from ..access import can_change_plan, can_create_plans, can_edit_plan, get_plan_for, plans_visible_to
from ..deadlines import Kind
from ..editing import plan_sections
from ..exports import plan_workbook, plans_workbook
from ..models import Level, PlanStatus
from .editing import table_context

PAGE_SIZE = getattr(settings, "ROADMAPS_PAGE_SIZE", 25)


@login_required
@require_GET
def plan_list(request):
    plans = plans_visible_to(request.user).select_related(
        "municipality", "school", "pairing__mentor", "pairing__mentee"
    )
    municipalities = municipalities_visible_to(request.user).order_by("name")
    chosen = {name: request.GET.get(name, "") for name in ("municipality", "level", "status")}
    if chosen["municipality"]:
        plans = plans.filter(municipality__code=chosen["municipality"])
    if chosen["level"] in Level.values:
        plans = plans.filter(level=chosen["level"])
    if chosen["status"] in PlanStatus.values:
        plans = plans.filter(status=chosen["status"])
    plans = plans.annotate(
        activity_count=Count("sections__activities", distinct=True),
        unparsed_count=Count(
            "sections__activities", filter=Q(sections__activities__deadline_kind=Kind.UNPARSED), distinct=True
        ),
    ).order_by("municipality__name", "-period_start", "title")
    if request.GET.get("export") == "xlsx":
        return xlsx_response("plans.xlsx", plans_workbook(plans))
    page, query = paginate(request, plans, PAGE_SIZE)
    context = {
        "page": page,
        "query": query,
        "municipalities": municipalities,
        "levels": Level.choices,
        "statuses": PlanStatus.choices,
        "chosen": chosen,
        "filtered": any(chosen.values()),
        "can_create": can_create_plans(request.user),
    }
    return render_page_or_fragment(request, "roadmaps/plan/list.html", "roadmaps/plan/_table.html", context)


@login_required
@require_GET
def plan_detail(request, pk: int):
    plan = get_plan_for(request.user, pk)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"plan-{plan.pk}.xlsx", plan_workbook(plan, plan_sections(plan)))
    context = {
        **table_context(plan, can_edit=can_edit_plan(request.user, plan)),
        "can_change": can_change_plan(request.user, plan),
    }
    return render(request, "roadmaps/plan/detail.html", context)
