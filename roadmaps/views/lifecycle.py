"""The plan's lifecycle: transitions, amendments, the approval history, versions (read, export, compare) and copies.

Every view gets the plan from the access service (404 outside the scope); what the user may not do is a 403; what
the plan's state does not allow is a message beside the form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shnor_portal.pagination import paginate
from shnor_portal.params import parse_pk
from shnor_portal.xlsx import Column, build_workbook, xlsx_response

from ..access import can_change_plan, get_plan_for
from ..copying import copy_for_schools, copy_plan
from ..exports import plan_workbook
from ..forms_lifecycle import (
    AmendmentApplyForm,
    AmendmentOpenForm,
    AmendmentWithdrawForm,
    CopyForm,
    SchoolsCopyForm,
    transition_form,
)
from ..lifecycle import (
    APPROVED_STATES,
    TRANSITIONS,
    LifecycleError,
    NotPermitted,
    apply_amendment,
    approval_history,
    available,
    begin_amendment,
    may,
    may_amend,
    open_amendment,
    transition,
    withdraw_amendment,
)
from ..models import Amendment, PlanStatus, PlanVersion, clean_order_number
from ..services import PlanError
from ..versions import compare, take_snapshot, version_plan, version_sections

PAGE_SIZE = 25
# The panel's forms share the plan page with the editing forms: their ids get a prefix of their own.
PANEL_ID = "id_lifecycle_%s"
STATUS_LABELS = dict(PlanStatus.choices)


def _posted(request):
    """The form's data on a POST (even an empty one: a step without fields), None on a GET."""
    return request.POST if request.method == "POST" else None


def _refused(form, error: LifecycleError) -> None:
    if isinstance(error, NotPermitted):
        raise PermissionDenied(error.message)
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- The panel on the plan page ------------------------------------------------------------------------------------


def panel_context(user, plan) -> dict:
    """What templates/roadmaps/plan/_lifecycle.html shows to this user: the steps they may take now (with their
    forms), the open amendment, the count of versions."""
    amendment = open_amendment(plan)
    steps = [
        {
            "action": step.action,
            "label": step.label,
            "form": transition_form(
                step.action, action=reverse("roadmaps:plan-transition", args=[plan.pk, step.action]), auto_id=PANEL_ID
            ),
        }
        for step in available(user, plan)
    ]
    amend = may_amend(user, plan)
    context = {
        "steps": steps,
        "amendment": amendment,
        "may_amend": amend,
        "version_count": plan.versions.count(),
        "can_copy": can_change_plan(user, plan),
    }
    if amend and plan.status in APPROVED_STATES:
        if amendment is None:
            context["amendment_form"] = AmendmentOpenForm(
                action=reverse("roadmaps:amendment-open", args=[plan.pk]), auto_id=PANEL_ID
            )
        else:
            context["apply_form"] = AmendmentApplyForm(
                action=reverse("roadmaps:amendment-apply", args=[plan.pk, amendment.number]), auto_id=PANEL_ID
            )
    return context


# --- Transitions ---------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_transition(request, pk: int, action: str):
    plan = get_plan_for(request.user, pk)
    if action not in TRANSITIONS:
        raise Http404
    step = TRANSITIONS[action]
    if not may(request.user, plan, action):
        raise PermissionDenied
    form = transition_form(action, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            transition(plan, request.user, action, **form.cleaned_data)
        except LifecycleError as error:
            plan.refresh_from_db()
            _refused(form, error)
        else:
            messages.success(request, _("The plan is now «%(status)s».") % {"status": STATUS_LABELS[str(step.target)]})
            return redirect(plan)
    refusal = ""
    if request.method == "GET" and plan.status not in step.sources:
        refusal = _("A plan that is «%(status)s» cannot be sent on with «%(action)s».") % {
            "status": plan.get_status_display(),
            "action": step.label,
        }
    context = {"plan": plan, "form": form, "step": step, "refusal": refusal}
    return render(request, "roadmaps/lifecycle/transition.html", context)


# --- Amendments ----------------------------------------------------------------------------------------------------


def _amendment_for(plan, number: int) -> Amendment:
    return get_object_or_404(Amendment.objects.select_related("opened_by", "closed_by"), plan=plan, number=number)


@login_required
@require_http_methods(["GET", "POST"])
def amendment_open(request, pk: int):
    plan = get_plan_for(request.user, pk)
    if not may_amend(request.user, plan):
        raise PermissionDenied
    form = AmendmentOpenForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            amendment = begin_amendment(plan, request.user, form.cleaned_data["reason"])
        except LifecycleError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("Amendment No. %(number)s is open: the plan can be edited.") % {"number": amendment.number},
            )
            return redirect(plan)
    return render(request, "roadmaps/lifecycle/amendment_open.html", {"plan": plan, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def amendment_apply(request, pk: int, number: int):
    plan = get_plan_for(request.user, pk)
    amendment = _amendment_for(plan, number)
    if not may_amend(request.user, plan):
        raise PermissionDenied
    form = AmendmentApplyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            version = apply_amendment(
                amendment, request.user, form.cleaned_data["order_number"], form.cleaned_data["order_date"]
            )
        except LifecycleError as error:
            _refused(form, error)
        else:
            messages.success(
                request, _("The changes are applied: version %(number)s of the plan.") % {"number": version.number}
            )
            return redirect(plan)
    context = {"plan": plan, "amendment": amendment, "form": form, "comparison": _pending(plan)}
    return render(request, "roadmaps/lifecycle/amendment_apply.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def amendment_withdraw(request, pk: int, number: int):
    plan = get_plan_for(request.user, pk)
    amendment = _amendment_for(plan, number)
    if not may_amend(request.user, plan):
        raise PermissionDenied
    form = AmendmentWithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            withdraw_amendment(amendment, request.user)
        except LifecycleError as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _("Amendment No. %(number)s is withdrawn: the plan is as its last version.")
                % {"number": amendment.number},
            )
            return redirect(plan)
    context = {"plan": plan, "amendment": amendment, "form": form, "comparison": _pending(plan)}
    return render(request, "roadmaps/lifecycle/amendment_withdraw.html", context)


def _pending(plan):
    """What the open amendment has changed so far: the last version against the plan as it stands."""
    last = plan.versions.order_by("-number").first()
    if last is None:
        return None
    return {"version": last, "diff": compare(last.snapshot, take_snapshot(plan))}


# --- History -------------------------------------------------------------------------------------------------------


def _history_rows(plan):
    rows = []
    for record in approval_history(plan):
        rows.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "from": STATUS_LABELS.get(record.previous_status, ""),
                "to": STATUS_LABELS.get(record.status, record.status),
                "comment": record.history_change_reason or "",
                "order": " ".join(
                    part
                    for part in (
                        f"№{clean_order_number(record.approval_number)}" if record.approval_number else "",
                        record.approval_date.strftime("%d.%m.%Y") if record.approval_date else "",
                    )
                    if part
                )
                if record.status == PlanStatus.APPROVED
                else "",
            }
        )
    return rows


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@login_required
@require_GET
def plan_history(request, pk: int):
    plan = get_plan_for(request.user, pk)
    rows = _history_rows(plan)
    if request.GET.get("export") == "xlsx":
        columns = [Column(_("Date"), 18), Column(_("Who"), 28), Column(_("Status"), 24), Column(_("Comment"), 60)]
        data = (
            [row["date"].strftime("%d.%m.%Y %H:%M"), _person(row["user"]), row["to"], row["comment"]] for row in rows
        )
        return xlsx_response(f"plan-{plan.pk}-history.xlsx", build_workbook(plan.title, columns, data))
    page, query = paginate(request, rows, PAGE_SIZE)
    amendments = plan.amendments.select_related("opened_by", "closed_by", "version")
    context = {"plan": plan, "page": page, "query": query, "amendments": amendments}
    return render(request, "roadmaps/lifecycle/history.html", context)


# --- Versions ------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def version_list(request, pk: int):
    plan = get_plan_for(request.user, pk)
    versions = PlanVersion.objects.filter(plan=plan).select_related("created_by").defer("snapshot").order_by("-number")
    if request.GET.get("export") == "xlsx":
        columns = [
            Column(capfirst(_("version")), 10),
            Column(_("Date"), 18),
            Column(_("Who"), 28),
            Column(capfirst(_("reason")), 70),
        ]
        data = ([v.number, v.created_at.strftime("%d.%m.%Y %H:%M"), _person(v.created_by), v.reason] for v in versions)
        return xlsx_response(f"plan-{plan.pk}-versions.xlsx", build_workbook(plan.title, columns, data))
    page, query = paginate(request, versions, PAGE_SIZE)
    context = {"plan": plan, "page": page, "query": query}
    return render(request, "roadmaps/versions/list.html", context)


def _version_for(plan, number: int) -> PlanVersion:
    return get_object_or_404(PlanVersion.objects.select_related("created_by"), plan=plan, number=number)


@login_required
@require_GET
def version_detail(request, pk: int, number: int):
    plan = get_plan_for(request.user, pk)
    version = _version_for(plan, number)
    as_then = version_plan(plan, version.snapshot)
    sections = version_sections(version.snapshot)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"plan-{plan.pk}-v{version.number}.xlsx", plan_workbook(as_then, sections))
    activities = [activity for section in sections for activity in section.activities]
    counts = {
        "total": len(activities),
        "unparsed": sum(1 for a in activities if a.is_unparsed),
        "outside": sum(1 for a in activities if a.outside_period),
    }
    context = {"plan": plan, "version": version, "as_then": as_then, "sections": sections, "counts": counts}
    return render(request, "roadmaps/versions/detail.html", context)


@login_required
@require_GET
def version_compare(request, pk: int, number: int):
    """The version against the plan as it stands (or against another version: ?with=N)."""
    plan = get_plan_for(request.user, pk)
    version = _version_for(plan, number)
    other = None
    number_with = parse_pk(request.GET.get("with"))
    if number_with is not None:
        other = _version_for(plan, number_with)
    diff = compare(version.snapshot, other.snapshot if other else take_snapshot(plan))
    numbers = list(plan.versions.exclude(pk=version.pk).values_list("number", flat=True))
    context = {"plan": plan, "version": version, "other": other, "diff": diff, "numbers": numbers}
    return render(request, "roadmaps/versions/compare.html", context)


# --- Copies --------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_copy(request, pk: int):
    plan = get_plan_for(request.user, pk)
    if not can_change_plan(request.user, plan):
        raise PermissionDenied
    form = CopyForm(_posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            copy = copy_plan(
                plan,
                request.user,
                data["period_start"],
                data["period_end"],
                shift=data["shift_years"],
                title=data["title"],
            )
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        except PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The copy is a new draft plan."))
            return redirect(copy)
    return render(request, "roadmaps/lifecycle/copy.html", {"plan": plan, "form": form, "for_schools": False})


@login_required
@require_http_methods(["GET", "POST"])
def plan_copy_for_schools(request, pk: int):
    plan = get_plan_for(request.user, pk)
    if not can_change_plan(request.user, plan):
        raise PermissionDenied
    form = SchoolsCopyForm(_posted(request), plan=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plans = copy_for_schools(
                plan,
                request.user,
                data["schools"],
                data["period_start"],
                data["period_end"],
                shift=data["shift_years"],
                title=data["title"],
            )
        except NotPermitted as error:
            raise PermissionDenied(error.message) from error
        except PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Draft school plans created: %(count)s.") % {"count": len(plans)},
            )
            if len(plans) == 1:
                return redirect(plans[0])
            return redirect(
                f"{reverse('roadmaps:plan-list')}?municipality={plan.municipality.code}&level=school&status=draft"
            )
    return render(request, "roadmaps/lifecycle/copy.html", {"plan": plan, "form": form, "for_schools": True})


urlpatterns = [
    path("<int:pk>/lifecycle/<slug:action>/", plan_transition, name="plan-transition"),
    path("<int:pk>/amendments/open/", amendment_open, name="amendment-open"),
    path("<int:pk>/amendments/<int:number>/apply/", amendment_apply, name="amendment-apply"),
    path("<int:pk>/amendments/<int:number>/withdraw/", amendment_withdraw, name="amendment-withdraw"),
    path("<int:pk>/history/", plan_history, name="plan-history"),
    path("<int:pk>/versions/", version_list, name="plan-versions"),
    path("<int:pk>/versions/<int:number>/", version_detail, name="plan-version"),
    path("<int:pk>/versions/<int:number>/compare/", version_compare, name="plan-version-compare"),
    path("<int:pk>/copy/", plan_copy, name="plan-copy"),
    path("<int:pk>/copy/schools/", plan_copy_for_schools, name="plan-copy-schools"),
]
