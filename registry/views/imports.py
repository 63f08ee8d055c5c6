"""Import of schools and their yearly data from one workbook: upload, preview every problem, confirm."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shnor_portal.pagination import paginate
from shnor_portal.problems import group_problems
from shnor_portal.xlsx import xlsx_response

from ..access import municipalities_editable_by
from ..imports.records import RegistryImport
from ..imports.template import template_workbook
from ..services.imports import ImportRefused, check_upload, confirm_import


class UploadForm(forms.Form):
    municipality = forms.ModelChoiceField(label=gettext_lazy("Municipality"), queryset=None, empty_label=None)
    file = forms.FileField(label=gettext_lazy("Workbook (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities_editable_by(user)

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook with the extension .xlsx."))
        return uploaded


def _editable(user):
    municipalities = municipalities_editable_by(user)
    if not municipalities.exists():
        raise PermissionDenied
    return municipalities


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    municipalities = _editable(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        record, _book, _outcome = check_upload(
            request.user, form.cleaned_data["municipality"], form.cleaned_data["file"]
        )
        return redirect("registry:import-detail", pk=record.pk)
    imports = RegistryImport.objects.filter(municipality__in=municipalities).select_related("municipality", "user")
    page, query = paginate(request, imports, 20)
    return render(request, "registry/import/upload.html", {"form": form, "page": page, "query": query})


def _record_for(user, pk) -> RegistryImport:
    record = RegistryImport.objects.select_related("municipality", "user").filter(pk=pk).first()
    if record is None or not municipalities_editable_by(user).filter(pk=record.municipality_id).exists():
        raise Http404
    return record


@login_required
@require_GET
def import_detail(request, pk):
    record = _record_for(request.user, pk)
    # Problems of one kind are one line with their rows (a file of one mistake repeated gave a line per row).
    groups = group_problems(record.problems) if record.problems else []
    return render(
        request,
        "registry/import/detail.html",
        {"record": record, "problem_groups": groups, **_outcome_rows(record.outcome)},
    )


@login_required
@require_POST
def import_confirm(request, pk):
    record = _record_for(request.user, pk)
    try:
        record, _book, outcome = confirm_import(record)
    except ImportRefused as error:
        messages.error(request, str(error))
        return redirect("registry:import-detail", pk=record.pk)
    if outcome is None:
        messages.error(request, _("The registry has changed since the check: the file now has problems."))
    else:
        messages.success(
            request, _("The workbook is imported: %(n)s records created or changed.") % {"n": outcome.changes}
        )
    return redirect("registry:import-detail", pk=record.pk)


@login_required
@require_GET
def import_template(request):
    _editable(request.user)
    return xlsx_response("shnor-registry-template.xlsx", template_workbook())


KINDS = {
    "schools": gettext_lazy("schools"),
    "profiles": gettext_lazy("profiles of the year"),
    "risk_profiles": gettext_lazy("risk profiles"),
    "swot": gettext_lazy("SWOT analyses"),
}


def _outcome_rows(outcome: dict) -> dict:
    rows = []
    for kind, label in KINDS.items():
        counts = [outcome.get(bucket, {}).get(kind, 0) for bucket in ("created", "updated", "unchanged")]
        if any(counts):
            rows.append((label, *counts))
    return {"outcome_rows": rows}
