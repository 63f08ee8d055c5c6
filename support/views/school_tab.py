"""The «Mentoring» tab of the registry's school page — its pairings both ways and its support events — served here
because they are this app's data: the school page loads it with htmx, and without JavaScript its link opens it as
a whole school page."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from registry.access import get_school_for
from registry.models import Pairing
from registry.school_page import school_page_context
from shnor_portal.htmx import render_page_or_fragment


@login_required
@require_GET
def school_mentoring_tab(request, code):
    # The school page's own lookup: a school outside the reader's scope is 404 here as there.
    school = get_school_for(request.user, code)
    context = school_page_context(request.user, school, "mentoring")
    context["mentors"] = Pairing.objects.filter(mentee=school).select_related("mentor").order_by("-start")
    context["mentees"] = Pairing.objects.filter(mentor=school).select_related("mentee").order_by("-start")
    return render_page_or_fragment(
        request, "support/school/mentoring_tab.html", "support/school/_mentoring_tab.html", context
    )
