"""Creating plans and editing them inline on the plan page (htmx), with plain pages and redirects without JavaScript.

Every view fetches the plan through the access service (404 outside the scope) and refuses with 403 unless the user
may edit its content (`can_edit_plan`); a write (POST) runs in one transaction that first locks the plan's row and
asks again (editing.lock_for_editing), so that it cannot land after an amendment was applied or withdrawn, or the
plan sent for approval, while it waited. Sections and activities are looked up within that plan. htmx requests get
the changed fragment back: a row, a section's block or the whole table; an invalid form comes back with its errors
and the input kept (status 200).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shnor_portal.htmx import wants_fragment as is_htmx
from shnor_portal.params import parse_pk

from .. import editing
from ..access import can_create_plans, can_edit_plan, get_plan_for
from ..forms import ActivityForm, PlanCreateForm, PlanEditForm, SectionForm, period_formset
from ..models import Activity, Section

PAGE = "roadmaps/editing/page.html"


# --- Refusals ------------------------------------------------------------------------------------------------------


def reload_when_refused(view):
    """htmx swaps nothing on a 403 or a 404, so a refused inline action would seem to do nothing (the plan was sent
    for approval, or the activity deleted, in another window): the response keeps its status and asks htmx to reload
    the page, which shows the plan as it stands now, with the reason above it. Plain requests are refused as before."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (PermissionDenied, Http404) as refusal:
            if not is_htmx(request):
                raise
            status = 403 if isinstance(refusal, PermissionDenied) else 404
        note = _(
            "Nothing was changed: this can no longer be done here (perhaps the plan was changed in another window). "
            "The page now shows it as it stands."
        )
        messages.error(request, note)
        response = HttpResponse(note, status=status, content_type="text/plain; charset=utf-8")
        response["HX-Refresh"] = "true"
        return response

    return wrapped


def atomic_writes(view):
    """A POST runs in one transaction, in which `_editable_plan` locks the plan's row before anything is written."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        with transaction.atomic():
            return view(request, *args, **kwargs)

    return wrapped


# --- Lookups -------------------------------------------------------------------------------------------------------


def _editable_plan(request, pk: int):
    """The plan if the user may edit its content; on a POST its row locked (inside `atomic_writes`) and the rule
    asked again on the locked row."""
    plan = get_plan_for(request.user, pk)
    if not can_edit_plan(request.user, plan):
        raise PermissionDenied
    if request.method == "POST":
        plan = editing.lock_for_editing(request.user, plan)
    return plan


def _section(plan, section_pk: int) -> Section:
    section = get_object_or_404(Section, plan=plan, pk=section_pk)
    section.plan = plan
    return section


def _activity(plan, activity_pk: int) -> Activity:
    activity = get_object_or_404(
        Activity.objects.select_related("section").prefetch_related("executors"),
        section__plan=plan,
        pk=activity_pk,
    )
    activity.section.plan = plan
    return activity


def _sections(plan) -> list[Section]:
    return list(Section.objects.filter(plan=plan).order_by("order", "pk"))


# --- Contexts and responses ----------------------------------------------------------------------------------------


def table_context(plan, *, can_edit: bool) -> dict:
    """What the plan table needs, on the plan page and in the fragments: a bounded number of queries."""
    return {
        "plan": plan,
        "sections": editing.plan_sections(plan),
        "counts": editing.plan_counts(plan),
        "can_edit": can_edit,
        "columns": 6 if can_edit else 5,
    }


def _retarget(response, target: str):
    """Where htmx puts the fragment, whatever element asked: a refusal or a move may change more than a row."""
    response["HX-Retarget"] = target
    response["HX-Reswap"] = "outerHTML"
    return response


def _table(request, plan, **extra):
    context = table_context(plan, can_edit=can_edit_plan(request.user, plan)) | extra
    return _retarget(render(request, "roadmaps/editing/_activities.html", context), "#plan-activities")


def _section_block(request, plan, section_pk: int, **extra):
    """A section's tbody (its row, its activities, the row to add one) and the counts above the table."""
    sections = editing.plan_sections(plan)
    section = next((s for s in sections if s.pk == section_pk), None)
    if section is None:
        return _table(request, plan, **extra)
    context = {
        "plan": plan,
        "section": section,
        "sections": sections,
        "counts": editing.plan_counts(plan),
        "can_edit": True,
        "columns": 6,
        "oob_counts": True,
        **extra,
    }
    return _retarget(render(request, "roadmaps/editing/_section.html", context), f"#section-{section.pk}")


def _activity_row(request, plan, activity, **extra):
    sections = _sections(plan)
    section = next(s for s in sections if s.pk == activity.section_id)
    activity.section = section
    context = {
        "plan": plan,
        "activity": activity,
        "section": section,
        "sections": sections,
        "counts": editing.plan_counts(plan),
        "can_edit": True,
        "columns": 6,
        "oob_counts": True,
        **extra,
    }
    return render(request, "roadmaps/editing/_activity_row.html", context)


def _back(plan, anchor: str = ""):
    return redirect(plan.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _form_response(request, plan, fragment: str, context: dict, title: str):
    """The form as a table row for htmx, as a page of its own without JavaScript."""
    context = {"plan": plan, "columns": 6, "title": title, **context}
    if is_htmx(request):
        return render(request, fragment, context)
    return render(request, PAGE, {**context, "in_page": True, "fragment": fragment.replace("_form", "_fields")})


# --- Plans ---------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    if not can_create_plans(request.user):
        raise PermissionDenied
    form = PlanCreateForm(request.POST or None, user=request.user)
    if request.method == "GET":
        form.preselect(request.GET)
    elif form.is_valid():
        plan = editing.create_plan(form)
        messages.success(request, _("The plan «%(plan)s» is created as a draft.") % {"plan": plan.title[:120]})
        return redirect(plan)
    return render(request, "roadmaps/editing/plan_form.html", {"form": form, "plan": None})


@login_required
@require_http_methods(["GET", "POST"])
@atomic_writes
def plan_edit(request, pk: int):
    plan = _editable_plan(request, pk)
    form = PlanEditForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        editing.update_plan(form)
        messages.success(request, _("Changes saved."))
        return redirect(plan)
    return render(request, "roadmaps/editing/plan_form.html", {"form": form, "plan": plan})


@login_required
@reload_when_refused
@require_POST
@atomic_writes
def plan_renumber(request, pk: int):
    plan = _editable_plan(request, pk)
    changed = editing.renumber(plan, user=request.user)
    note = (
        ngettext("Renumbered: %(count)s number changed.", "Renumbered: %(count)s numbers changed.", changed)
        % {"count": changed}
        if changed
        else _("The numbers were already in order.")
    )
    if is_htmx(request):
        return _table(request, plan, notice=note)
    messages.success(request, note)
    return _back(plan)


@login_required
@reload_when_refused
@require_GET
def plan_table(request, pk: int):
    plan = get_plan_for(request.user, pk)
    return _table(request, plan)


# --- Sections ------------------------------------------------------------------------------------------------------


@login_required
@reload_when_refused
@require_http_methods(["GET", "POST"])
@atomic_writes
def section_create(request, pk: int):
    plan = _editable_plan(request, pk)
    sections = _sections(plan)
    form = SectionForm(request.POST or None, plan=plan, sections=sections)
    if request.method == "POST":
        section = editing.save_section(form, user=request.user)
        if section is not None:
            if is_htmx(request):
                return _table(request, plan)
            return _back(plan, f"section-{section.pk}")
    context = {"form": form, "section": None, "action": request.path}
    return _form_response(request, plan, "roadmaps/editing/_section_form.html", context, _("New section"))


@login_required
@reload_when_refused
@require_GET
def section_fragment(request, pk: int, section_pk: int):
    plan = _editable_plan(request, pk)
    _section(plan, section_pk)
    return _section_block(request, plan, section_pk)


@login_required
@reload_when_refused
@require_http_methods(["GET", "POST"])
@atomic_writes
def section_edit(request, pk: int, section_pk: int):
    plan = _editable_plan(request, pk)
    section = _section(plan, section_pk)
    sections = _sections(plan)
    before = section.parent_id
    form = SectionForm(request.POST or None, instance=section, plan=plan, sections=sections)
    if request.method == "POST":
        saved = editing.save_section(form, user=request.user)
        if saved is not None:
            if not is_htmx(request):
                return _back(plan, f"section-{saved.pk}")
            if saved.parent_id != before:
                return _table(request, plan)  # the section moved in the tree
            return _section_block(request, plan, saved.pk)
    context = {"form": form, "section": section, "action": request.path}
    return _form_response(request, plan, "roadmaps/editing/_section_form.html", context, _("Edit the section"))


@login_required
@reload_when_refused
@require_POST
@atomic_writes
def section_delete(request, pk: int, section_pk: int):
    plan = _editable_plan(request, pk)
    section = _section(plan, section_pk)
    try:
        editing.delete_section(section, user=request.user)
    except editing.EditRefused as refusal:
        if is_htmx(request):
            return _section_block(request, plan, section.pk, section_error=str(refusal))
        messages.error(request, str(refusal))
        return _back(plan, f"section-{section.pk}")
    if is_htmx(request):
        return _table(request, plan)
    messages.success(request, _("The section is deleted."))
    return _back(plan)


@login_required
@reload_when_refused
@require_POST
@atomic_writes
def section_move(request, pk: int, section_pk: int):
    plan = _editable_plan(request, pk)
    section = _section(plan, section_pk)
    editing.move_section(section, request.POST.get("direction", ""), user=request.user)
    if is_htmx(request):
        return _table(request, plan)
    return _back(plan, f"section-{section.pk}")


# --- Activities ----------------------------------------------------------------------------------------------------


@login_required
@reload_when_refused
@require_http_methods(["GET", "POST"])
@atomic_writes
def activity_create(request, pk: int, section_pk: int):
    plan = _editable_plan(request, pk)
    section = _section(plan, section_pk)
    sections = _sections(plan)
    form = ActivityForm(request.POST or None, plan=plan, section=section, sections=sections)
    if request.method == "POST":
        activity = editing.save_activity(form)
        if activity is not None:
            if not is_htmx(request):
                return _back(plan, f"activity-{activity.pk}")
            if activity.section_id != section.pk:
                return _table(request, plan)
            return _section_block(request, plan, section.pk)
    context = {"form": form, "section": section, "activity": None, "action": request.path}
    return _form_response(request, plan, "roadmaps/editing/_activity_form.html", context, _("New activity"))


@login_required
@reload_when_refused
@require_GET
def activity_row(request, pk: int, activity_pk: int):
    plan = _editable_plan(request, pk)
    return _activity_row(request, plan, _activity(plan, activity_pk))


@login_required
@reload_when_refused
@require_http_methods(["GET", "POST"])
@atomic_writes
def activity_edit(request, pk: int, activity_pk: int):
    plan = _editable_plan(request, pk)
    activity = _activity(plan, activity_pk)
    sections = _sections(plan)
    before = activity.section_id
    form = ActivityForm(request.POST or None, instance=activity, plan=plan, sections=sections)
    if request.method == "POST":
        saved = editing.save_activity(form)
        if saved is not None:
            if not is_htmx(request):
                return _back(plan, f"activity-{saved.pk}")
            if saved.section_id != before:
                return _table(request, plan)
            return _activity_row(request, plan, _activity(plan, saved.pk))
    context = {"form": form, "section": activity.section, "activity": activity, "action": request.path}
    return _form_response(request, plan, "roadmaps/editing/_activity_form.html", context, _("Edit the activity"))


@login_required
@reload_when_refused
@require_POST
@atomic_writes
def activity_delete(request, pk: int, activity_pk: int):
    plan = _editable_plan(request, pk)
    activity = _activity(plan, activity_pk)
    section_pk = activity.section_id
    try:
        editing.delete_activity(activity)
    except editing.EditRefused as refusal:
        if is_htmx(request):
            return _section_block(request, plan, section_pk, error=str(refusal), error_for=activity.pk)
        messages.error(request, str(refusal))
        return _back(plan, f"activity-{activity.pk}")
    if is_htmx(request):
        return _section_block(request, plan, section_pk)
    messages.success(request, _("The activity is deleted."))
    return _back(plan, f"section-{section_pk}")


@login_required
@reload_when_refused
@require_POST
@atomic_writes
def activity_move(request, pk: int, activity_pk: int):
    """Up or down within the section (`direction`), or to the end of another section of the plan (`section`)."""
    plan = _editable_plan(request, pk)
    activity = _activity(plan, activity_pk)
    target = request.POST.get("section", "")
    if target:
        section_pk = parse_pk(target)
        if section_pk is None:
            raise Http404
        editing.move_activity_to(activity, _section(plan, section_pk))
        if is_htmx(request):
            return _table(request, plan)
    else:
        editing.move_activity(activity, request.POST.get("direction", ""), user=request.user)
        if is_htmx(request):
            return _section_block(request, plan, activity.section_id)
    return _back(plan, f"activity-{activity.pk}")


@login_required
@reload_when_refused
@require_http_methods(["GET", "POST"])
@atomic_writes
def activity_periods(request, pk: int, activity_pk: int):
    """Periods set by hand for a deadline the reader could not read, or back to the reader («clear»)."""
    plan = _editable_plan(request, pk)
    activity = _activity(plan, activity_pk)
    if not (activity.is_unparsed or activity.deadline_set_by_hand):
        raise PermissionDenied  # a deadline that was read is edited as text
    formset = period_formset(activity, request.POST or None)
    if request.method == "POST":
        if "clear" in request.POST:
            editing.clear_hand_set_periods(activity)
            saved = True
        elif formset.is_valid():
            editing.set_periods_by_hand(activity, formset.periods())
            saved = True
        else:
            saved = False
        if saved:
            if is_htmx(request):
                return _activity_row(request, plan, _activity(plan, activity.pk))
            return _back(plan, f"activity-{activity.pk}")
    context = {"formset": formset, "activity": activity, "section": activity.section, "action": request.path}
    return _form_response(request, plan, "roadmaps/editing/_periods_form.html", context, _("Deadline set by hand"))


urlpatterns = [
    path("new/", plan_create, name="plan-create"),
    path("<int:pk>/edit/", plan_edit, name="plan-edit"),
    path("<int:pk>/renumber/", plan_renumber, name="plan-renumber"),
    path("<int:pk>/table/", plan_table, name="plan-table"),
    path("<int:pk>/sections/new/", section_create, name="section-create"),
    path("<int:pk>/sections/<int:section_pk>/", section_fragment, name="section-fragment"),
    path("<int:pk>/sections/<int:section_pk>/edit/", section_edit, name="section-edit"),
    path("<int:pk>/sections/<int:section_pk>/delete/", section_delete, name="section-delete"),
    path("<int:pk>/sections/<int:section_pk>/move/", section_move, name="section-move"),
    path("<int:pk>/sections/<int:section_pk>/activities/new/", activity_create, name="activity-create"),
    path("<int:pk>/activities/<int:activity_pk>/", activity_row, name="activity-row"),
    path("<int:pk>/activities/<int:activity_pk>/edit/", activity_edit, name="activity-edit"),
    path("<int:pk>/activities/<int:activity_pk>/delete/", activity_delete, name="activity-delete"),
    path("<int:pk>/activities/<int:activity_pk>/move/", activity_move, name="activity-move"),
    path("<int:pk>/activities/<int:activity_pk>/periods/", activity_periods, name="activity-periods"),
]
