"""Progress reports on the activity page, «Мои задачи», the execution overview of a plan and the review queue.

Every object comes through the access service: a plan outside the user's scope is a 404 (and so are its activities,
reports and files); a visible one the user may not report on or review is a 403.
"""

from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, path, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import scope_of
from registry.models import Municipality, School
from shnor_portal.htmx import render_page_or_fragment, wants_fragment
from shnor_portal.pagination import paginate
from shnor_portal.params import parse_pk
from shnor_portal.xlsx import xlsx_response

from .. import selectors
from ..access import (
    get_activity_for,
    get_evidence_for,
    get_plan_for,
    get_report_for,
    may_report,
    may_review,
    plans_visible_to,
    reporter_visible,
    sees_every_reporter,
)
from ..models import Plan, ProgressReport, ReportNote, ReportStatus, Review
from ..progress import (
    OWNER,
    AnswerForm,
    ProgressError,
    ReportForm,
    ReviewForm,
    answer_report,
    is_locked,
    is_own_report,
    owner_label,
    remove_evidence,
    reporter_key,
    review_report,
    reviews_workbook,
    submit_report,
    tasks_workbook,
)
from ..selectors import Urgency, reporters_of
from ..states import is_tracked
from .editing import reload_when_refused

PAGE_SIZE = getattr(settings, "ROADMAPS_PAGE_SIZE", 25)
OVERDUE_PAGE_SIZE = 100


def _id_or_404(value) -> int:
    found = parse_pk(value)
    if found is None:
        raise Http404
    return found


def _target(activity, reporters, period_value, reporter_value, default_school=None):
    """The (period, school) a report is about, from the page's parameters; 404 for anything not of the activity.
    `reporters` are the activity's (selectors.reporters_of). No reporter named: the municipality when it is the only
    reporter, else `default_school` (None: nothing to report)."""
    period = None
    if period_value not in (None, ""):
        period = activity.due_periods.filter(pk=_id_or_404(period_value)).first()
        if period is None:
            raise Http404
    municipal = reporters == [None]
    if reporter_value in (None, ""):
        if municipal:
            return period, None
        return None if default_school is None else (period, default_school)
    if reporter_value == OWNER:
        if not municipal:
            raise Http404
        return period, None
    wanted = _id_or_404(reporter_value)
    school = next((school for school in reporters if school is not None and school.pk == wanted), None)
    if school is None:
        raise Http404
    return period, school


def _next_url(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


# --- The activity page


@dataclass
class Cell:
    """One reporting period of one reporter on the activity page."""

    period: object
    report: ProgressReport | None
    urgency: str | None
    can_report: bool

    @property
    def query(self) -> str:
        return f"period={self.period.pk if self.period else ''}"


@dataclass
class ReporterBlock:
    school: School | None
    label: str
    key: str
    cells: list


def _activity_context(request, activity, *, form=None, target=None, review_forms=None, answer_forms=None) -> dict:
    user = request.user
    plan = activity.section.plan
    executors = list(activity.executors.order_by("short_name"))
    executor_ids = {school.pk for school in executors}
    reporters = reporters_of(activity, executors)
    tracked = is_tracked(plan)
    reports = list(
        ProgressReport.objects.filter(activity=activity)
        .select_related("author", "reviewed_by")
        .prefetch_related(Prefetch("notes", ReportNote.objects.select_related("author")), "evidence")
    )
    by_key = {(report.period_id, report.school_id): report for report in reports}
    reported = {report.period_id for report in reports}
    periods = [p for p in activity.due_periods.all() if p.in_deadline or p.pk in reported] or [None]
    urgency = {
        (row["pk"], row["reporter_id"]): row["urgency"]
        for row in selectors.due_items().filter(activity=activity).values("pk", "reporter_id", "urgency")
    }
    blocks, first_open, own_school = [], None, None
    for school in reporters:
        school_id = school.pk if school else None
        if not reporter_visible(user, plan, school_id):
            continue
        reports_for = tracked and may_report(user, activity, school, executor_ids=executor_ids)
        cells = []
        for period in periods:
            report = by_key.get((period.pk if period else None, school_id))
            cell = Cell(
                period,
                report,
                urgency.get((period.pk if period else None, school_id)),
                reports_for and not (report and is_locked(report)),
            )
            cells.append(cell)
            if cell.can_report and first_open is None and cell.urgency != Urgency.DONE:
                first_open = (period, school)
        if reports_for and own_school is None:
            own_school = school
        label = school.short_name if school else owner_label(plan)
        blocks.append(ReporterBlock(school, label, reporter_key(school), cells))

    if target is None and form is None:
        wanted = request.GET.get("period"), request.GET.get("reporter")
        if any(wanted):
            target = _target(activity, reporters, *wanted, default_school=own_school)
        else:
            target = first_open
    if target is not None and form is None:
        period, school = target
        allowed = tracked and may_report(user, activity, school, executor_ids=executor_ids)
        report = by_key.get((period.pk if period else None, school.pk if school else None))
        if allowed and not (report and is_locked(report)):
            form = ReportForm(report=report)
        else:
            target = None
    report_of_target = None
    if target is not None:
        report_of_target = by_key.get((target[0].pk if target[0] else None, target[1].pk if target[1] else None))

    can_review = may_review(user, plan)
    review_forms = review_forms or {}
    answer_forms = answer_forms or {}
    for report in reports:
        if can_review and report.review == Review.PENDING:
            if is_own_report(user, report):
                report.own_report = True  # another coordinator reviews it: no form
            else:
                report.review_form = review_forms.get(report.pk) or ReviewForm()
        if (
            tracked
            and report.review == Review.RETURNED
            and may_report(user, activity, report.school, executor_ids=executor_ids)
        ):
            report.answer_form = answer_forms.get(report.pk) or AnswerForm()
    return {
        "activity": activity,
        "plan": plan,
        "section": activity.section,
        "executors": executors,
        "risk_factors": list(activity.risk_factors.all()),
        "reporters": reporters,
        "tracked": tracked,
        "blocks": blocks,
        "form": form,
        "target_period": target[0] if target else None,
        "target_school": target[1] if target else None,
        "target_key": reporter_key(target[1]) if target else "",
        "target_label": (target[1].short_name if target[1] else owner_label(plan)) if target else "",
        "target_report": report_of_target,
        "can_review": can_review,
    }


@login_required
@require_GET
def activity_detail(request, pk: int):
    activity = get_activity_for(request.user, pk)
    return render(request, "roadmaps/progress/activity.html", _activity_context(request, activity))


@login_required
@require_POST
def activity_report(request, pk: int):
    activity = get_activity_for(request.user, pk)
    plan = activity.section.plan
    executors = list(activity.executors.order_by("short_name"))
    executor_ids = {school.pk for school in executors}
    reporters = reporters_of(activity, executors)
    target = _target(activity, reporters, request.POST.get("period"), request.POST.get("reporter"))
    if target is None:
        raise Http404
    period, school = target
    if not reporter_visible(request.user, plan, school.pk if school else None):
        raise Http404
    if not is_tracked(plan) or not may_report(request.user, activity, school, executor_ids=executor_ids):
        raise PermissionDenied
    report = ProgressReport.objects.filter(activity=activity, school=school, period=period).first()
    if report is not None and is_locked(report):
        raise PermissionDenied
    form = ReportForm(request.POST, request.FILES, report=report)
    if form.is_valid():
        try:
            submit_report(activity, period, school, request.user, form.cleaned_data)
        except ProgressError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The report is saved and sent to the coordinator for review."))
            url = reverse("roadmaps:activity-detail", args=[activity.pk])
            return redirect(f"{url}?period={period.pk if period else ''}&reporter={reporter_key(school)}#reports")
    context = _activity_context(request, activity, form=form, target=(period, school))
    return render(request, "roadmaps/progress/activity.html", context)


# --- Reviews and answers


@login_required
@reload_when_refused
@require_POST
def report_review(request, pk: int):
    report = get_report_for(request.user, pk)
    activity = report.activity
    if not may_review(request.user, activity.section.plan):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    fallback = reverse("roadmaps:activity-detail", args=[activity.pk]) + f"#report-{report.pk}"
    if form.is_valid():
        error = None
        try:
            report = review_report(report, request.user, form.cleaned_data["decision"], form.cleaned_data["comment"])
        except ProgressError as refused:
            error = str(refused)
            report.refresh_from_db()
        if wants_fragment(request):  # the row's cell is swapped in place: the verdict, or why there is none
            html = render_to_string(
                "roadmaps/progress/_review.html", {"report": report, "error": error}, request=request
            )
            if error is None:  # the counts of the page follow the verdict, out of band
                html += _counts_out_of_band(request, request.POST.get("next") or "")
            return HttpResponse(html)
        if error:
            messages.error(request, error)
        elif report.review == Review.ACCEPTED:
            messages.success(request, _("The report is accepted."))
        else:
            messages.success(request, _("The report is returned with your comment."))
        return redirect(_next_url(request, fallback))
    if wants_fragment(request):
        report.review_form = form
        return render(request, "roadmaps/progress/_review.html", {"report": report, "next": _next_url(request, "")})
    if request.POST.get("next"):  # the queue or the overview: back there, with the reason
        messages.error(request, " ".join(form.errors.get("comment", [])) or _("Choose accept or return."))
        return redirect(_next_url(request, fallback))
    context = _activity_context(request, activity, review_forms={report.pk: form})
    return render(request, "roadmaps/progress/activity.html", context)


@login_required
@require_POST
def report_answer(request, pk: int):
    report = get_report_for(request.user, pk)
    activity = report.activity
    if not is_tracked(activity.section.plan) or not may_report(request.user, activity, report.school):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            answer_report(report, request.user, form.cleaned_data["text"])
        except ProgressError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The answer is sent; the report is awaiting review again."))
        return redirect(reverse("roadmaps:activity-detail", args=[activity.pk]) + f"#report-{report.pk}")
    context = _activity_context(request, activity, answer_forms={report.pk: form})
    return render(request, "roadmaps/progress/activity.html", context)


# --- Evidence files


@login_required
@require_GET
def evidence_download(request, pk: int):
    return get_evidence_for(request.user, pk).download()


@login_required
@require_POST
def evidence_delete(request, pk: int):
    evidence = get_evidence_for(request.user, pk)
    report = evidence.report
    if not may_report(request.user, report.activity, report.school) or is_locked(report):
        raise PermissionDenied
    try:
        remove_evidence(evidence, request.user)
    except ProgressError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The file «%(name)s» is removed.") % {"name": evidence.name})
    url = reverse("roadmaps:activity-detail", args=[report.activity_id])
    period = report.period_id or ""
    return redirect(f"{url}?period={period}&reporter={reporter_key(report.school)}#report-form")


# --- «Мои задачи»

TASK_FILTERS = {
    Urgency.OVERDUE: Q(urgency=Urgency.OVERDUE),
    Urgency.DUE_SOON: Q(urgency=Urgency.DUE_SOON),
    Urgency.LATER: Q(urgency=Urgency.LATER),
    Urgency.DONE: Q(urgency=Urgency.DONE),
    "returned": Q(report_review=Review.RETURNED),
}


def _task_filter_choices():
    return [
        (Urgency.OVERDUE, _("overdue")),
        (Urgency.DUE_SOON, _("due soon")),
        (Urgency.LATER, _("later")),
        (Urgency.DONE, _("done and accepted")),
        ("returned", _("returned for correction")),
    ]


@login_required
@require_GET
def my_tasks(request):
    items = selectors.tasks_for(request.user)
    plans = (
        plans_visible_to(request.user)
        .filter(status__in=selectors.TRACKED_STATES)
        .select_related("municipality", "school", "pairing__mentor", "pairing__mentee")
        .order_by("municipality__name", "title")
    )
    chosen = {"status": request.GET.get("status", ""), "plan": request.GET.get("plan", "")}
    if chosen["status"] in TASK_FILTERS:
        items = items.filter(TASK_FILTERS[chosen["status"]])
    else:
        chosen["status"] = ""
    plan_id = parse_pk(chosen["plan"])
    if plan_id is None:
        chosen["plan"] = ""
    else:
        items = items.filter(activity__section__plan_id=plan_id)
    statuses = _task_filter_choices()
    if request.GET.get("export") == "xlsx":
        labels = dict(statuses)
        parts = [str(labels[chosen["status"]])] if chosen["status"] else []
        if plan_id is not None:
            parts += [plan.title for plan in plans.filter(pk=plan_id)]
        subtitle = _("Filters: %(filters)s") % {"filters": "; ".join(parts) or _("none")}
        return xlsx_response("tasks.xlsx", tasks_workbook(items, subtitle))
    page, query = paginate(request, items, PAGE_SIZE)
    own, mentees = selectors.task_schools(request.user)
    context = {
        "page": page,
        "query": query,
        "plans": plans,
        "statuses": statuses,
        "chosen": chosen,
        "filtered": any(chosen.values()),
        "own_schools": own,
        "reads_only": bool(mentees),  # a mentor school reads its mentees' tasks; it reports only for its own
        "undated": selectors.undated_tasks_for(request.user)[:50],
        "due_soon_days": selectors.due_soon_days(),
        "report_statuses": ReportStatus.choices,
    }
    return render_page_or_fragment(request, "roadmaps/tasks/list.html", "roadmaps/tasks/_table.html", context)


# --- The execution overview of a plan


def _own_only(user, plan) -> tuple[Q | None, Q | None]:
    """Conditions on items and on reports narrowing a plan's numbers to the user's own schools (and the schools it
    mentors); (None, None) for those who see every reporter (coordinators, inspectors, regional readers)."""
    if sees_every_reporter(user, plan):
        return None, None
    own = scope_of(user).own_schools
    return selectors.school_items_q(own), selectors.school_reports_q(own)


def _execution_numbers(user, plan, params) -> dict:
    """What the overview counts and lists, as the user may see it; `params` is the page's query (its page number)."""
    items_only, reports_only = _own_only(user, plan)
    sections, total = selectors.plan_progress(plan, only=items_only)
    overdue = selectors.overdue_items(plan)
    awaiting = selectors.reports_awaiting_review(plan=plan)
    if items_only is not None:
        # A school sees its own items and reports (and those of the schools it mentors), not its neighbours'.
        overdue = overdue.filter(items_only)
        awaiting = awaiting.filter(reports_only)
    page, query = paginate(SimpleNamespace(GET=params), overdue, OVERDUE_PAGE_SIZE)
    return {
        "sections": sections,
        "total": total,
        "page": page,
        "query": query,
        "awaiting_reports": awaiting,
        "awaiting_count": awaiting.count(),
    }


@login_required
@require_GET
def plan_execution(request, pk: int):
    plan = get_plan_for(request.user, pk)
    context = {"plan": plan, "tracked": is_tracked(plan), "can_review": may_review(request.user, plan)}
    if context["tracked"]:
        context.update(_execution_numbers(request.user, plan, request.GET))
        awaiting = list(context.pop("awaiting_reports")[:100])
        if context["can_review"]:
            for report in awaiting:
                if is_own_report(request.user, report):
                    report.own_report = True
                else:
                    report.review_form = ReviewForm()
        context["awaiting"] = awaiting
    return render(request, "roadmaps/execution/plan.html", context)


@login_required
@require_GET
def plan_execution_summary(request, pk: int):
    plan = get_plan_for(request.user, pk)
    context = {"plan": plan, "tracked": is_tracked(plan)}
    if context["tracked"]:
        items_only, reports_only = _own_only(request.user, plan)
        awaiting = selectors.reports_awaiting_review(plan=plan)
        if reports_only is not None:
            awaiting = awaiting.filter(reports_only)
        context["total"] = selectors.plan_totals(plan, only=items_only)
        context["awaiting_count"] = awaiting.count()
    return render(request, "roadmaps/execution/_summary.html", context)


# --- The coordinator's review queue


def _review_queue(user, params) -> dict:
    """The reports waiting in the queue as `params` filter them (unknown values ignored), with the filter choices."""
    scope = scope_of(user)
    municipalities = Municipality.objects.order_by("name")
    if not scope.is_admin:
        municipalities = municipalities.filter(
            Q(pk__in=scope.municipalities_read) | Q(region_id__in=scope.regions_read)
        )
    municipalities = list(municipalities)
    ids = None if scope.is_admin else [m.pk for m in municipalities]
    reports = selectors.reports_awaiting_review(municipality_ids=ids)
    chosen = {"municipality": params.get("municipality", ""), "plan": params.get("plan", "")}
    if chosen["municipality"] in {m.code for m in municipalities}:
        reports = reports.filter(activity__section__plan__municipality__code=chosen["municipality"])
    else:
        chosen["municipality"] = ""
    plan_id = parse_pk(chosen["plan"])
    if plan_id is None:
        chosen["plan"] = ""
    else:
        reports = reports.filter(activity__section__plan_id=plan_id)
    return {"reports": reports, "chosen": chosen, "municipalities": municipalities, "ids": ids}


@login_required
@require_GET
def report_reviews(request):
    scope = scope_of(request.user)
    if not (scope.is_admin or scope.municipalities_read or scope.regions_read):
        raise PermissionDenied
    queue = _review_queue(request.user, request.GET)
    reports, ids = queue["reports"], queue["ids"]
    plans = Plan.objects.filter(status__in=selectors.TRACKED_STATES, pk__in=plans_visible_to(request.user))
    if ids is not None:
        plans = plans.filter(municipality_id__in=ids)
    plans = plans.select_related("municipality", "school", "pairing__mentor", "pairing__mentee").order_by(
        "municipality__name", "title"
    )
    if request.GET.get("export") == "xlsx":
        return xlsx_response("reviews.xlsx", reviews_workbook(reports))
    page, query = paginate(request, reports, PAGE_SIZE)
    for report in page.object_list:
        if scope.is_admin or report.activity.section.plan.municipality_id in scope.municipalities_edit:
            if is_own_report(request.user, report):
                report.own_report = True
            else:
                report.review_form = ReviewForm()
    context = {
        "page": page,
        "query": query,
        "municipalities": queue["municipalities"],
        "plans": plans,
        "chosen": queue["chosen"],
        "filtered": any(queue["chosen"].values()),
    }
    return render_page_or_fragment(
        request, "roadmaps/execution/reviews.html", "roadmaps/execution/_reviews_table.html", context
    )


def _counts_out_of_band(request, page_url: str) -> str:
    """After a verdict given in place, the counts of the page it was given on (the review queue with its filters, or
    a plan's overview), rendered for htmx to swap out of band; nothing for any other page."""
    parts = urlsplit(page_url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return ""
    params = QueryDict(parts.query)
    if match.view_name == "roadmaps:report-reviews":
        count = _review_queue(request.user, params)["reports"].count()
        return render_to_string("roadmaps/execution/_awaiting_count.html", {"count": count, "oob": True})
    if match.view_name == "roadmaps:plan-execution":
        try:
            plan = get_plan_for(request.user, match.kwargs["pk"])
        except Http404:
            return ""
        if not is_tracked(plan):
            return ""
        context = {"plan": plan, "oob": True, **_execution_numbers(request.user, plan, params)}
        context["count"] = context["awaiting_count"]
        return "".join(
            render_to_string(name, context, request=request)
            for name in (
                "roadmaps/execution/_sections.html",
                "roadmaps/execution/_overdue.html",
                "roadmaps/execution/_awaiting_count.html",
            )
        )
    return ""


urlpatterns = [
    path("activities/<int:pk>/", activity_detail, name="activity-detail"),
    path("activities/<int:pk>/report/", activity_report, name="activity-report"),
    path("reports/<int:pk>/review/", report_review, name="report-review"),
    path("reports/<int:pk>/answer/", report_answer, name="report-answer"),
    path("evidence/<int:pk>/", evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/delete/", evidence_delete, name="evidence-delete"),
    path("tasks/", my_tasks, name="my-tasks"),
    path("reviews/", report_reviews, name="report-reviews"),
    path("<int:pk>/execution/", plan_execution, name="plan-execution"),
    path("<int:pk>/execution/summary/", plan_execution_summary, name="plan-execution-summary"),
]
