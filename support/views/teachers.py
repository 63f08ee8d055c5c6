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

from accounts.access import can_keep_teachers, get_school_for, get_teacher_for

from ..competency import latest_diagnostics, results_of
from ..forms import DevelopmentForm, DiagnosticForm, RouteStepForm, TeacherForm
from ..models import Competency, Criterion
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
    school = _school_for_teachers(request.user, code)
    teachers = list(school.teachers.order_by("-is_active", "full_name"))
    latest = latest_diagnostics(teachers)
    results = results_of(list(latest.values()))
    for teacher in teachers:
        teacher.latest = results.get(latest.get(teacher.pk), {}).get("total")
    return render(request, "support/teacher/list.html", {"school": school, "teachers": teachers})


@login_required
@require_GET
def school_competencies(request, code):
    """The school's levels per competency (anyone who sees the school); the critical group by name only for the
    school itself and its coordinators."""
    school = get_school_for(request.user, code)
    context = {
        "school": school,
        "summary": competency_summary(school),
        "show_names": can_keep_teachers(request.user, school),
    }
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


@login_required
@require_GET
def teacher_detail(request, pk):
    teacher = get_teacher_for(request.user, pk)
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
    context = {
        "teacher": teacher,
        "school": teacher.school,
        "competencies": competencies,
        "dynamics": dynamics,
        "development": teacher.development.all(),
        "development_form": DevelopmentForm(teacher=teacher),
    }
    context["development_form"].helper.form_action = reverse("support:development-add", kwargs={"pk": teacher.pk})
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
    return render(request, "support/teacher/detail.html", context)


@login_required
@require_POST
def development_add(request, pk):
    teacher = get_teacher_for(request.user, pk)
    form = DevelopmentForm(request.POST, teacher=teacher)
    if form.is_valid():
        form.save()
        messages.success(request, _("Professional development record added."))
        return redirect(teacher)
    messages.error(request, _("The record was not added: %(errors)s") % {"errors": _errors_text(form)})
    return redirect(teacher)


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
