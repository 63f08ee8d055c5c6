"""Results import wizard (upload → preview with every problem → confirm) and its status page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registry.access import schools_visible_to
from shnor_portal.files.limits import MAX_UPLOAD, too_large_message
from shnor_portal.files.uploads import is_too_large
from shnor_portal.htmx import render_page_or_fragment, wants_fragment
from shnor_portal.pagination import paginate
from shnor_portal.params import parse_year
from shnor_portal.xlsx import xlsx_response

from .access import analysis_municipalities_for, get_result_import_for, oversees_schools, schools_importable_by
from .assessments.models import MARKED, Procedure, Recalculation, ResultImport
from .assessments.problem_groups import import_problems
from .assessments.reader import Supplied
from .assessments.services import (
    ImportRefused,
    check_upload,
    confirm,
    earlier_imports,
    imports_listed_for,
    recalculation_status,
    retry,
    what_was_written,
)
from .assessments.task_table import import_task_table


class ResultsUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Results file (.xlsx or .csv)"))
    procedure = forms.ChoiceField(
        label=gettext_lazy("Procedure"),
        required=False,
        choices=[("", gettext_lazy("as in the file")), *Procedure.choices],
    )
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=2015, max_value=2100)
    subject = forms.CharField(label=gettext_lazy("Subject"), required=False, max_length=100)
    grade = forms.IntegerField(label=gettext_lazy("Grade"), required=False, min_value=1, max_value=11)
    school = forms.ModelChoiceField(
        label=gettext_lazy("School (for a school's protocol from ФИС ОКО without «Код ОО»)"),
        queryset=None,
        required=False,
        to_field_name="code",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools_importable_by(user).order_by("short_name")

    def supplied(self) -> Supplied:
        data = self.cleaned_data
        school = data["school"].code if data.get("school") else None
        return Supplied(data["procedure"] or None, data["year"], data["subject"] or None, data["grade"], school)


class TaskTableForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Task table (.xlsx or .csv)"))
    procedure = forms.ChoiceField(label=gettext_lazy("Procedure"), choices=Procedure.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2015, max_value=2100)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=100)
    grade = forms.IntegerField(label=gettext_lazy("Grade"), min_value=1, max_value=11)


def _importer(user):
    if not schools_importable_by(user).exists():
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def results_upload(request):
    _importer(request.user)
    form = ResultsUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        record = check_upload(request.user, form.cleaned_data["file"], form.supplied())
        return redirect("reports:results-import", pk=record.pk)
    imports = imports_listed_for(request.user)
    page, query = paginate(request, imports, 20)
    context = {"form": form, "page": page, "query": query, "tasks_form": TaskTableForm()}
    return render(request, "reports/results/upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_table_upload(request):
    """The task table of a work (tasks, maxima, levels, skills, mark scale): checked and stored at once, or its
    problems listed; the same rules as `import_tasks`."""
    _importer(request.user)
    form = TaskTableForm(request.POST or None, request.FILES or None)
    table = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        if is_too_large(upload, MAX_UPLOAD):
            form.add_error("file", too_large_message(MAX_UPLOAD))
        else:
            table, campaign = import_task_table(
                upload.file,
                procedure=data["procedure"],
                year=data["year"],
                subject_name=data["subject"],
                grade=data["grade"],
                name=upload.name,
            )
            if campaign is not None:
                messages.success(
                    request,
                    _("The task table of %(campaign)s is stored: %(n)s tasks.")
                    % {"campaign": campaign, "n": len(table.tasks)},
                )
                return redirect("reports:results-upload")
    return render(request, "reports/results/tasks.html", {"form": form, "table": table})


@login_required
@require_GET
def results_import(request, pk):
    record = get_result_import_for(request.user, pk)
    context = {"record": record, **recalculation_status(record)}
    if record.state == ResultImport.State.COMMITTED:
        context["written"] = what_was_written(request.user, record)
    if wants_fragment(request):  # the polling status card: the recalculation and what it made readable
        return render_page_or_fragment(request, "reports/results/import.html", "reports/results/_status.html", context)
    if record.problems:
        context["grouped"] = import_problems(
            record.problems, total=record.summary.get("problem_count"), rows=record.rows
        )
    elif record.state == ResultImport.State.CHECKED:
        context["earlier"] = earlier_imports(request.user, record)
    return render_page_or_fragment(request, "reports/results/import.html", "reports/results/_status.html", context)


@login_required
@require_GET
def results_problems(request, pk):
    """The problems of an import, every row, as .xlsx (its importer and those who may open the import)."""
    from shnor_portal.xlsx import Column, build_workbook

    record = get_result_import_for(request.user, pk)
    if not record.problems:
        raise Http404
    grouped = import_problems(record.problems, total=record.summary.get("problem_count"), rows=record.rows)
    columns = [
        Column(_("Kind of problem"), 60),
        Column(_("Sheet"), 14),
        Column(_("Row"), 8),
        Column(_("Column"), 18),
        Column(_("Value"), 24),
        Column(_("Problem"), 60),
    ]
    data = (
        [
            group.label,
            problem.get("sheet") or "",
            problem.get("row"),
            problem.get("column") or "",
            problem.get("value") or "",
            problem["message"],
        ]
        for group in grouped.groups
        for problem in group.problems
    )
    subtitle = record.original_name
    if grouped.truncated:
        subtitle += " — " + _("the first %(shown)s of %(total)s problems") % {
            "shown": grouped.shown,
            "total": grouped.total,
        }
    return xlsx_response(
        f"problems-{record.pk}.xlsx", build_workbook(_("Problems of the file"), columns, data, subtitle)
    )


@login_required
@require_POST
def results_confirm(request, pk):
    _importer(request.user)
    record = get_result_import_for(request.user, pk)
    try:
        record = confirm(request.user, record)
    except ImportRefused:
        messages.error(request, _("This file has already been committed or has problems."))
        return redirect("reports:results-import", pk=record.pk)
    if record.state == ResultImport.State.COMMITTED and recalculation_status(record)["waiting"]:
        messages.warning(
            request, _("The results are written; the recalculation is waiting for the queue and will start by itself.")
        )
    elif record.state == ResultImport.State.COMMITTED:
        messages.success(request, _("The results are written; the aggregates are being recalculated."))
    else:
        messages.error(request, _("The registry has changed since the check: the file now has problems."))
    return redirect("reports:results-import", pk=record.pk)


@login_required
@require_POST
def results_retry(request, pk):
    _importer(request.user)
    record = get_result_import_for(request.user, pk)
    if record.state != ResultImport.State.COMMITTED:
        raise Http404
    job = retry(record)
    if recalculation_status(record)["waiting"]:
        messages.warning(request, _("The queue is not available; the recalculation will start by itself when it is."))
    elif job.state == Recalculation.State.RUNNING:
        messages.info(request, _("The recalculation is already running."))
    else:
        messages.info(request, _("The recalculation has been started again."))
    return redirect("reports:results-import", pk=record.pk)


@login_required
@require_GET
def results_list(request):
    """Campaigns with results in the user's scope, newest first, with filters."""
    from .assessments.models import Campaign

    schools = schools_visible_to(request.user)
    campaigns = (
        Campaign.objects.filter(school_aggregates__school__in=schools)
        .select_related("subject")
        .annotate(
            school_count=Count("school_aggregates", distinct=True),
            total_participants=Sum("school_aggregates__participants"),
        )
        .order_by("-year", "procedure", "subject__name", "grade")
    )
    year = parse_year(request.GET.get("year"))
    if year:
        campaigns = campaigns.filter(year=year)
    procedure = request.GET.get("procedure")
    if procedure in Procedure.values:
        campaigns = campaigns.filter(procedure=procedure)
    page, query = paginate(request, campaigns, 50)
    context = {
        "page": page,
        "query": query,
        "year": year,
        "procedure": procedure,
        "procedures": Procedure.values,
        "can_import": schools_importable_by(request.user).exists(),
        "can_see_flags": oversees_schools(request.user),
    }
    return render(request, "reports/results/list.html", context)


@login_required
@require_GET
def campaign_results(request, pk):
    from .assessments.aggregates import campaign_aggregates, campaign_rows
    from .assessments.models import Campaign
    from .campaign_table import table_body, table_lines

    campaign = Campaign.objects.select_related("subject").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    schools = schools_visible_to(request.user)
    if request.GET.get("export") == "xlsx":
        rows = campaign_rows(campaign, schools)  # the export keeps every row of the scope
        if not rows:
            raise Http404
        return xlsx_response(f"results-{campaign.pk}.xlsx", campaign_workbook(campaign, rows))
    page, query = paginate(request, campaign_aggregates(campaign, schools), 50)
    if not page.paginator.count:
        raise Http404  # no results of this campaign in the user's scope: as if it did not exist
    rows = campaign_rows(campaign, schools, page.object_list)
    lines = table_lines(rows, campaign.procedure)
    context = {
        "campaign": campaign,
        "rows": rows,
        "lines": lines,
        "body": table_body(lines),
        "page": page,
        "query": query,
        "ege": campaign.procedure == Procedure.EGE,
        "can_analyse": campaign.procedure in MARKED and analysis_municipalities_for(request.user, campaign).exists(),
    }
    return render(request, "reports/results/campaign.html", context)


def campaign_workbook(campaign, rows) -> bytes:
    """The table of the page: a row per school, then a row per class of it (as on screen)."""
    from shnor_portal.xlsx import Column, build_workbook

    flat = [
        (name, row)
        for school, school_row, classes in rows
        for name, row in [(school.short_name, school_row)]
        + [(f"{school.short_name} — {class_name}", class_row) for class_name, class_row in classes]
    ]

    if campaign.procedure == Procedure.EGE:
        columns = [
            Column(_("School"), 40),
            Column(_("participants"), 12),
            Column(_("mean test score"), 12, "0.00"),
            Column(_("maximum score"), 12),
            Column(_("below the minimum, %"), 14, "0.0"),
            Column(_("mean primary score"), 12, "0.00"),
        ]
        data = (
            [name, r["participants"], r["mean_score"], r["max_score"], r["below_min_pct"], r["mean_primary"]]
            for name, r in flat
        )
    else:
        columns = [
            Column(_("School"), 40),
            Column(_("participants"), 12),
            Column(_("mean mark"), 10, "0.00"),
            Column("«2»", 7),
            Column("«3»", 7),
            Column("«4»", 7),
            Column("«5»", 7),
            Column(_("success, %"), 11, "0.0"),
            Column(_("quality, %"), 11, "0.0"),
            Column(_("lowered, %"), 11, "0.0"),
            Column(_("confirmed, %"), 11, "0.0"),
            Column(_("raised, %"), 11, "0.0"),
            Column(_("mean primary score"), 12, "0.00"),
        ]
        data = (
            [
                name,
                r["participants"],
                r["mean_mark"],
                r["marks"]["2"],
                r["marks"]["3"],
                r["marks"]["4"],
                r["marks"]["5"],
                r["success_pct"],
                r["quality_pct"],
                r["lowered_pct"],
                r["confirmed_pct"],
                r["raised_pct"],
                r["mean_primary"],
            ]
            for name, r in flat
        )
    return build_workbook(str(campaign), columns, data)
