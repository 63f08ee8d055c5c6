"""The «Target indicators» block of a plan activity's page: which indicators the activity serves, edited by those who
may change the plan. Served here, since the link is reports' data and roadmaps may not import reports; the activity
page loads it with htmx, and without JavaScript its link opens it as a page of its own."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from roadmaps.access import can_change_plan, can_edit_plan, get_activity_for
from shnor_portal.htmx import render_page_or_fragment, wants_fragment

from .indicators.activities import indicators_of_activity, linkable_indicators, set_indicators


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class ActivityIndicatorsForm(forms.Form):
    indicators = IndicatorChoiceField(
        label=gettext_lazy("Target indicators the activity serves"),
        queryset=linkable_indicators(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def may_link(user, plan) -> bool:
    """The owner municipality's coordinators (and the administrator) at any stage; a principal while they may edit
    the school plan itself."""
    return can_change_plan(user, plan) or can_edit_plan(user, plan)


@login_required
@require_http_methods(["GET", "POST"])
def activity_indicators(request, pk: int):
    activity = get_activity_for(request.user, pk)  # the activity page's own lookup: 404 alike
    plan = activity.section.plan
    can_link = may_link(request.user, plan)
    form = None
    if request.method == "POST":
        if not can_link:
            raise PermissionDenied
        form = ActivityIndicatorsForm(request.POST)
        if form.is_valid():
            set_indicators(activity, form.cleaned_data["indicators"])
            if not wants_fragment(request):
                messages.success(request, _("The activity's target indicators are saved."))
                return redirect(f"{activity_url(activity)}#indicators")
            form = None
    linked = indicators_of_activity(activity)
    if form is None and can_link and request.GET.get("edit") == "1":
        form = ActivityIndicatorsForm(initial={"indicators": linked})
    context = {"activity": activity, "plan": plan, "linked": linked, "can_link": can_link, "form": form}
    return render_page_or_fragment(
        request, "reports/activity/indicators.html", "reports/activity/_indicators.html", context
    )


def activity_url(activity) -> str:
    return reverse("roadmaps:activity-detail", args=[activity.pk])
