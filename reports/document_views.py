"""The report centre (SPEC §3): pick a document kind, a municipality or region of one's scope, a year and a plan;
preview the document as HTML; download it as PDF or .xlsx. A small document is rendered in the request; a large one
(a region, many rows) in a Celery task whose page shows the progress and offers the file when it is ready
(reports/documents/services.py). Access through reports/access.py: those who oversee municipalities or regions,
each within their scope.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shnor_portal.files.serving import attachment_response
from shnor_portal.files.sniff import CONTENT_TYPES
from shnor_portal.htmx import render_page_or_fragment

from .access import (
    get_render_for,
    may_sign_for,
    may_use_report_centre,
    report_municipalities_for,
    report_regions_for,
)
from .documents import services
from .documents.base import DocumentUnavailable
from .documents.forms import DocumentForm, RenderForm
from .documents.kinds import document_for


def _centre_user(user):
    if not may_use_report_centre(user):
        raise PermissionDenied


def _form(form_class, request, data):
    return form_class(
        data,
        municipalities=list(report_municipalities_for(request.user)),
        regions=list(report_regions_for(request.user)),
        user=request.user,
    )


def _document(form):
    """The chosen document, or None with the reason added to the form's errors (in Russian)."""
    try:
        return document_for(
            form.cleaned_data["kind"], form.chosen_unit(), form.cleaned_data["year"], form.chosen_plan()
        )
    except DocumentUnavailable as exc:
        form.add_error(None, str(exc))
        return None


def _centre_page(request, form, document=None, status=200):
    return render(
        request,
        "reports/documents/centre.html",
        {
            "form": form,
            "document": document,
            "preview": document.fragment() if document is not None else None,
            "in_task": document is not None and not services.in_request(document),
            "documents_css": static("css/documents.css"),
            # «Подписать»: a coordinator of the document's scope or the administrator (reports/signed_views.py).
            "may_sign": document is not None and may_sign_for(request.user, document.unit),
        },
        status=status,
    )


@login_required
@require_GET
def document_centre(request):
    _centre_user(request.user)
    if "kind" not in request.GET:
        form = _form(DocumentForm, request, None)
        if form.fields["unit"].choices:
            form.initial["unit"] = form.fields["unit"].choices[0][0]
        return _centre_page(request, form)
    form = _form(DocumentForm, request, request.GET)
    document = _document(form) if form.is_valid() else None
    return _centre_page(request, form, document)


@login_required
@require_POST
def document_render(request):
    """PDF or .xlsx of the chosen document: the file itself when it is small, else a task and its page."""
    _centre_user(request.user)
    form = _form(RenderForm, request, request.POST)
    document = _document(form) if form.is_valid() else None
    if document is None:
        return _centre_page(request, form)
    output_format = form.cleaned_data["output_format"]
    if not services.in_request(document):
        job = services.enqueue_render(request.user, document, output_format)
        if services.waiting_for_queue(job):
            messages.warning(request, _("The queue is not available; the document will be made when it is back."))
        return redirect("reports:document-render-status", pk=job.pk)
    content = services.render(document, output_format)
    response = HttpResponse(content, content_type=CONTENT_TYPES[output_format])
    response["Content-Disposition"] = f'attachment; filename="{document.filename(output_format)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def document_render_status(request, pk):
    _centre_user(request.user)
    job = get_render_for(request.user, pk)
    context = {"job": job, "waiting": services.waiting_for_queue(job)}
    return render_page_or_fragment(
        request, "reports/documents/render.html", "reports/documents/_render_status.html", context
    )


@login_required
@require_GET
def document_render_file(request, pk):
    _centre_user(request.user)
    job = get_render_for(request.user, pk)
    if job.state != job.State.DONE or not job.file:
        raise Http404
    try:
        return attachment_response(job.file, job.filename, job.output_format)
    except FileNotFoundError as exc:
        raise Http404 from exc


@login_required
@require_POST
def document_render_retry(request, pk):
    """A failed job, or one still waiting for the queue, is sent again."""
    _centre_user(request.user)
    job = get_render_for(request.user, pk)
    if job.state == job.State.FAILED:
        job.state, job.progress, job.error = job.State.QUEUED, 0, ""
        job.save(update_fields=["state", "progress", "error"])
    if job.state == job.State.QUEUED:
        services.send_render(job.pk)
    return redirect("reports:document-render-status", pk=job.pk)
