"""The audit trail page: the reader's entries (accounts/access.py decides which), filtered, paginated, exported."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from shnor_portal.audit.exports import entries_workbook
from shnor_portal.audit.filters import AuditFilterForm
from shnor_portal.pagination import paginate
from shnor_portal.xlsx import xlsx_response

from .access import audit_entries_visible_to, may_read_audit

PAGE_SIZE = 50


@login_required
@require_GET
def audit_list(request):
    if not may_read_audit(request.user):
        raise PermissionDenied
    visible = audit_entries_visible_to(request.user)
    form = AuditFilterForm(request.GET or None, entries=visible)
    entries = form.filter_qs(visible).select_related("content_type")
    if request.GET.get("export") == "xlsx":
        generated = timezone.localtime().strftime("%d.%m.%Y %H:%M")
        subtitle = " · ".join(part for part in (_("Generated %(when)s") % {"when": generated}, form.describe()) if part)
        return xlsx_response("audit-trail.xlsx", entries_workbook(entries.iterator(chunk_size=1000), subtitle))
    page, query = paginate(request, entries, getattr(settings, "AUDIT_PAGE_SIZE", PAGE_SIZE))
    filtered = any(request.GET.get(name) for name in form.fields)
    context = {"form": form, "page": page, "query": query, "filtered": filtered}
    return render(request, "audit/entries/list.html", context)
