"""The document registry (list, entry, download, revocation) and the public verification page (/reports/verify/).

Thin views: access in reports/access.py, the work in reports/signatures/services.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import CHANGE
from shnor_portal.files.serving import attachment_response
from shnor_portal.pagination import paginate
from shnor_portal.xlsx import xlsx_response

from .access import (
    documents_visible_to,
    get_document_for,
    may_list_documents,
    may_sign_any,
    may_sign_for,
    may_use_report_centre,
    report_municipalities_for,
    report_regions_for,
)
from .documents.base import DocumentUnavailable
from .documents.forms import DocumentForm
from .documents.kinds import document_for
from .signatures import services, throttle
from .signatures.exports import documents_workbook
from .signatures.forms import DocumentFilterForm, RevokeForm, VerifyForm, kind_label
from .signing import SigningUnavailable

PAGE_SIZE = 50


@login_required
@require_GET
def document_list(request):
    if not may_list_documents(request.user):
        raise PermissionDenied
    visible = documents_visible_to(request.user)
    form = DocumentFilterForm(request.GET or None, entries=visible)
    entries = form.filter_qs(visible).select_related("municipality", "region")
    if request.GET.get("export") == "xlsx":
        generated = timezone.localtime().strftime("%d.%m.%Y %H:%M")
        subtitle = " · ".join(part for part in (_("Generated %(when)s") % {"when": generated}, form.describe()) if part)
        return xlsx_response("document-registry.xlsx", documents_workbook(entries.iterator(chunk_size=500), subtitle))
    page, query = paginate(request, entries, getattr(settings, "DOCUMENT_PAGE_SIZE", PAGE_SIZE))
    for entry in page.object_list:
        entry.kind_label = kind_label(entry.kind)
    filtered = any(request.GET.get(name) for name in form.fields)
    context = {"form": form, "page": page, "query": query, "filtered": filtered}
    return render(request, "reports/signed/list.html", context)


@login_required
@require_GET
def document_detail(request, pk):
    entry = get_document_for(request.user, pk)
    entry.kind_label = kind_label(entry.kind)
    context = {"entry": entry, "may_revoke": may_sign_for(request.user, entry.scope) and not entry.is_revoked}
    return render(request, "reports/signed/detail.html", context)


@login_required
@require_GET
def document_download(request, pk):
    """The exact signed file, byte for byte as it was registered."""
    entry = get_document_for(request.user, pk)
    try:
        return attachment_response(entry.file, f"{entry.number}.pdf", "pdf")
    except FileNotFoundError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def document_revoke(request, pk):
    entry = get_document_for(request.user, pk, CHANGE)
    form = RevokeForm(request.POST) if request.method == "POST" else RevokeForm()
    if entry.is_revoked:
        messages.info(request, _("The document has already been revoked."))
        return redirect("reports:document-detail", pk=entry.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke(entry, request.user, form.cleaned_data["reason"])
        except services.DocumentError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, _("The document %(number)s is revoked.") % {"number": entry.number})
            return redirect("reports:document-detail", pk=entry.pk)
    return render(request, "reports/signed/revoke.html", {"entry": entry, "form": form})


@login_required
@require_POST
def document_sign(request):
    """«Подписать» of the report centre: the chosen document is rendered, signed and registered; its entry opens."""
    if not (may_use_report_centre(request.user) and may_sign_any(request.user)):
        raise PermissionDenied
    form = DocumentForm(
        request.POST,
        municipalities=list(report_municipalities_for(request.user)),
        regions=list(report_regions_for(request.user)),
        user=request.user,
    )
    if not form.is_valid():
        messages.error(request, _("Choose the document to sign in the report centre."))
        return redirect("reports:document-centre")
    unit = form.chosen_unit()
    if not may_sign_for(request.user, unit):
        raise PermissionDenied
    back = f"{reverse('reports:document-centre')}?{urlencode(_choice(form))}"
    try:
        document = document_for(form.cleaned_data["kind"], unit, form.cleaned_data["year"], form.chosen_plan())
        entry = services.sign(document, request.user)
    except (DocumentUnavailable, SigningUnavailable, services.DocumentError) as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(
        request, _("The document is signed and registered under number %(number)s.") % {"number": entry.number}
    )
    return redirect("reports:document-detail", pk=entry.pk)


def _choice(form) -> dict:
    data = {name: form.cleaned_data[name] for name in ("kind", "unit", "year")}
    if form.cleaned_data.get("plan"):
        data["plan"] = form.cleaned_data["plan"]
    return data


@require_http_methods(["GET", "POST"])
def verify(request):
    """Open to everyone: a file is checked, a number shows the public facts of its entry (never the file). Each
    question counts against the client's allowance (signatures/throttle.py), so that numbers cannot be harvested."""
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        if not throttle.allow(request):
            form.add_error(
                None,
                _("Too many checks from your address: try again in %(minutes)s minutes.")
                % {"minutes": settings.DOCUMENT_VERIFY_WINDOW_MINUTES},
            )
            response = render(request, "reports/signed/verify.html", context, status=429)
            return response
        upload = form.cleaned_data.get("file")
        if upload:
            data = b"".join(upload.chunks())
            result = services.verify(data)
            context["result"] = result
            context["facts"] = services.describe(result.entry) if result.entry else None
        else:
            number = form.cleaned_data["number"].strip()
            entry = services.lookup(number)
            context["looked_up"] = number
            context["facts"] = services.describe(entry) if entry else None
    return render(request, "reports/signed/verify.html", context)
