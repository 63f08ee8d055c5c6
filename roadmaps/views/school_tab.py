"""The «Plans» tab of the registry's school page — the plans the school owns, the joint plans of its pairings and the
municipal plans in which it executes activities — served here because plans are this app's data: the school page
loads it with htmx, and without JavaScript its link opens it as a whole school page."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.views.decorators.http import require_GET

from registry.access import get_school_for
from registry.school_page import school_page_context
from shnor_portal.htmx import render_page_or_fragment
from shnor_portal.pagination import paginate
from shnor_portal.xlsx import xlsx_response

from ..access import plans_visible_to
from ..deadlines import Kind
from ..exports import plans_workbook
from ..models import Activity, Level

PAGE_SIZE = getattr(settings, "ROADMAPS_PAGE_SIZE", 25)


def plans_of_school(user, school):
    """The school's plans the reader may see: its own, its pairings' (either side), and municipal plans in which it
    executes an activity — with their activity counts, newest first."""
    concerns = (
        Q(level=Level.SCHOOL, school=school)
        | Q(level=Level.PAIR, pairing__mentor=school)
        | Q(level=Level.PAIR, pairing__mentee=school)
        | Q(level=Level.MUNICIPAL, pk__in=Activity.objects.filter(executors=school).values("section__plan_id"))
    )
    return (
        plans_visible_to(user)
        .filter(concerns)
        .select_related("municipality", "school", "pairing__mentor", "pairing__mentee")
        .annotate(
            activity_count=Count("sections__activities", distinct=True),
            unparsed_count=Count(
                "sections__activities", filter=Q(sections__activities__deadline_kind=Kind.UNPARSED), distinct=True
            ),
        )
        .order_by("-period_start", "title", "pk")
    )


@login_required
@require_GET
def school_plans_tab(request, code):
    # The school page's own lookup: a school outside the reader's scope is 404 here as there.
    school = get_school_for(request.user, code)
    plans = plans_of_school(request.user, school)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"plans-{school.code}.xlsx", plans_workbook(plans))
    page, query = paginate(request, plans, PAGE_SIZE)
    context = school_page_context(request.user, school, "plans")
    context.update(page=page, query=query, filtered=False)
    return render_page_or_fragment(
        request, "roadmaps/school/plans_tab.html", "roadmaps/school/_plans_tab.html", context
    )
