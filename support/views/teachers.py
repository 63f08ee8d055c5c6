from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registry.access import get_school_for
from shnor_portal.files.serving import attachment_response
from shnor_portal.htmx import render_page_or_fragment
from shnor_portal.pagination import paginate
from shnor_portal.xlsx import xlsx_response

from ..access import can_keep_teachers, get_teacher_for
from ..competency import latest_diagnostics, results_of
from ..export_log import applied_filters, log_named_export
from ..exports import competency_workbook, risk_group_workbook, teachers_workbook
from ..forms import DevelopmentForm, DiagnosticForm, RouteStepForm, TeacherFilterForm, TeacherForm
from ..models import Competency, Criterion, ExportKind
from ..selectors import competency_summary


def _school_for_teachers(user, code):
    """The school (404 outside the scope); its teachers are personal data: 403 for readers who see only the school."""
    school = get_school_for(user, code)
    if not can_keep_teachers(user, school):
        raise PermissionDenied
    return school


@login_required
@require_GET
def teacher_list(request, code):
    """The school's teachers with their latest result: filters, pagination and a logged .xlsx export (names)."""
    school = _school_for_teachers(request.user, code)
    form = TeacherFilterForm(request.GET or None)
    teachers = list(form.filter_qs(school.teachers.order_by("-is_active", "full_name")))
    latest = latest_diagnostics(teachers)
    results = results_of(list(latest.values()))
    for teacher in teachers:
        teacher.latest_id = latest.get(teacher.pk)
        teacher.latest = results.get(teacher.latest_id, {}).get("total")
    teachers = [teacher for teacher in teachers if form.keep(teacher.latest)]
    if request.GET.get("export") == "xlsx":
        log_named_export(
            request,
            kind=ExportKind.TEACHERS,
            description=_("Teachers · %(school)s") % {"school": school.short_name},
            rows=len(teachers),
            municipality=school.municipality,
            school=school,
            params=applied_filters(form),
        )
        return xlsx_response(f"teachers-{school.code}.xlsx", teachers_workbook(teachers, school, _subtitle(form)))
    page, query = paginate(request, teachers, settings.REGISTRY_PAGE_SIZE)
    context = {"school": school, "filter_form": form, "page": page, "query": query, "filtered": form.filtered}
    return render_page_or_fragment(request, "support/teacher/list.html", "support/teacher/_table.html", context)


def _subtitle(form) -> str:
    return _("Filters: %(filters)s") % {"filters": form.describe() or _("none")}


@login_required
@require_GET
def school_competencies(request, code):
    """The school's levels per competency and their dynamics (anyone who sees the school); the critical group by
    name only for the school itself and its coordinators. `?export=xlsx` gives the distribution (no names),
    `?export=risk_group` the critical group by name (logged)."""
    school = get_school_for(request.user, code)
    show_names = can_keep_teachers(request.user, school)
    # Readers who may not see names get no group of numbers based on fewer than three teachers (personal data).
    summary = competency_summary(school, suppress_small_groups=not show_names)
    export = request.GET.get("export")
    if export == "xlsx":
        return xlsx_response(f"competencies-{school.code}.xlsx", competency_workbook(summary, school))
    if export == "risk_group":
        if not show_names:
            raise PermissionDenied
        log_named_export(
            request,
            kind=ExportKind.RISK_GROUP,
            description=_("Risk group · %(school)s") % {"school": school.short_name},
            rows=len(summary["critical"]),
            municipality=school.municipality,
            school=school,
        )
        return xlsx_response(f"risk-group-{school.code}.xlsx", risk_group_workbook(summary, school))
    context = {"school": school, "summary": summary, "show_names": show_names}
    return render(request, "support/teacher/competencies.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def teacher_create(request, code):
    school = _school_for_teachers(request.user, code)
    form = TeacherForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        teacher = form.save()
        messages.success(request, _("Teacher added."))
        return redirect(teacher)
    return render(request, "support/teacher/form.html", {"form": form, "school": school, "teacher": None})


@login_required
@require_http_methods(["GET", "POST"])
def teacher_update(request, pk):
    teacher = get_teacher_for(request.user, pk)
    form = TeacherForm(request.POST or None, instance=teacher, school=teacher.school)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect(teacher)
    return render(request, "support/teacher/form.html", {"form": form, "school": teacher.school, "teacher": teacher})


def _detail_context(request, teacher, development_form=None) -> dict:
    diagnostics = list(teacher.diagnostics.order_by("date"))
    results = results_of([d.pk for d in diagnostics])
    competencies = list(Competency.objects.all())
    dynamics = [
        {
            "diagnostic": d,
            "total": results.get(d.pk, {}).get("total"),
            "by_competency": [results.get(d.pk, {}).get(c.pk) for c in competencies],
        }
        for d in diagnostics
    ]
    if development_form is None:
        development_form = DevelopmentForm(teacher=teacher)
    development_form.helper.form_action = reverse("support:development-add", kwargs={"pk": teacher.pk})
    context = {
        "teacher": teacher,
        "school": teacher.school,
        "competencies": competencies,
        "dynamics": dynamics,
        "development": teacher.development.all(),
        "development_form": development_form,
    }
    # The individual development route: the latest diagnostic's critical competencies are offered first.
    latest = dynamics[-1]["by_competency"] if dynamics else [None] * len(competencies)
    deficits = [c for c, r in zip(competencies, latest, strict=True) if r and r.level == "critical"]
    today = timezone.localdate()
    steps = list(teacher.route.select_related("competency"))
    for step in steps:
        step.overdue = step.is_overdue(today)
    route_form = RouteStepForm(teacher=teacher, initial={"competency": deficits[0].pk} if deficits else None)
    route_form.helper.form_action = reverse("support:route-add", kwargs={"pk": teacher.pk})
    context.update({"deficits": deficits, "route": steps, "route_form": route_form})
    return context


@login_required
@require_GET
def teacher_detail(request, pk):
    teacher = get_teacher_for(request.user, pk)
    return render(request, "support/teacher/detail.html", _detail_context(request, teacher))


@login_required
@require_POST
def development_add(request, pk):
    teacher = get_teacher_for(request.user, pk)
    form = DevelopmentForm(request.POST, request.FILES, teacher=teacher)
    if form.is_valid():
        form.save()
        messages.success(request, _("Professional development record added."))
        return redirect(teacher)
    # The page again with the errors beside the fields and the input kept (status 200, habit 10).
    return render(request, "support/teacher/detail.html", _detail_context(request, teacher, form))


@login_required
@require_http_methods(["GET", "POST"])
def development_update(request, pk, record_pk):
    teacher = get_teacher_for(request.user, pk)
    record = teacher.development.filter(pk=record_pk).first()
    if record is None:
        raise Http404
    form = DevelopmentForm(request.POST or None, request.FILES or None, instance=record, teacher=teacher)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect(teacher)
    context = {"form": form, "teacher": teacher, "record": record}
    return render(request, "support/teacher/development_form.html", context)


@login_required
@require_GET
def certificate_download(request, pk, record_pk):
    """The certificate file of a development record: only for those who see the teacher (404 for everyone else)."""
    teacher = get_teacher_for(request.user, pk)
    record = teacher.development.filter(pk=record_pk).exclude(certificate="").first()
    if record is None:
        raise Http404
    try:
        return attachment_response(
            record.certificate,
            record.certificate_name or f"certificate.{record.certificate_kind}",
            record.certificate_kind,
        )
    except FileNotFoundError:
        raise Http404 from None  # the record names a file no longer in the storage


def _errors_text(form) -> str:
    return "; ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}".lstrip(": ")
        for name, errors in form.errors.items()
    )


@login_required
@require_http_methods(["GET", "POST"])
def diagnostic_create(request, pk):
    teacher = get_teacher_for(request.user, pk)
    criteria = Criterion.objects.select_related("competency")
    form = DiagnosticForm(request.POST or None, teacher=teacher, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Diagnostic saved."))
        return redirect(teacher)
    return render(request, "support/teacher/diagnostic_form.html", {"form": form, "teacher": teacher})


@login_required
@require_POST
def route_add(request, pk):
    teacher = get_teacher_for(request.user, pk)
    form = RouteStepForm(request.POST, teacher=teacher)
    if form.is_valid():
        form.save()
        messages.success(request, _("Route step added."))
    else:
        messages.error(request, _("The step was not added: %(errors)s") % {"errors": _errors_text(form)})
    return redirect(teacher)


@login_required
@require_POST
def route_done(request, pk, step_pk):
    teacher = get_teacher_for(request.user, pk)
    step = teacher.route.filter(pk=step_pk).first()
    if step is None:
        raise Http404
    step.done = not step.done
    step.save(update_fields=["done"])
    return redirect(teacher)
