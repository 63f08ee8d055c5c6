"""The joint plans of a pair (plans of level «pair»), shown on support's pairing page.

Served here because plans are this app's data and roadmaps builds on support, not the other way round: the
pairing page loads this fragment with htmx, and without JavaScript its link opens it as a small page of its own.
"""

from django.contrib.auth.decorators import login_required
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from shnor_portal.htmx import render_page_or_fragment
from support.access import can_change_pairing, get_pairing_for

from ..access import plans_visible_to
from ..models import Level


@login_required
@require_GET
def pairing_plans(request, pk):
    # The pairing page's own lookup: a pairing outside the reader's scope is 404 here as there.
    pairing = get_pairing_for(request.user, pk)
    plans = plans_visible_to(request.user).filter(level=Level.PAIR, pairing=pairing).order_by("-period_start", "title")
    new_plan_url = ""
    if can_change_pairing(request.user, pairing):
        # The plan form reads ?level=pair&pairing=<id>.
        new_plan_url = f"{reverse('roadmaps:plan-list')}new/?{urlencode({'level': Level.PAIR, 'pairing': pairing.pk})}"
    context = {"pairing": pairing, "plans": plans, "new_plan_url": new_plan_url}
    return render_page_or_fragment(request, "roadmaps/pairing/plans.html", "roadmaps/pairing/_plans.html", context)


urlpatterns = [path("pairings/<int:pk>/plans/", pairing_plans, name="pairing-plans")]
