from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from registry.access import municipalities_editable_by
from shnor_portal.htmx import render_page_or_fragment
from shnor_portal.pagination import paginate
from shnor_portal.xlsx import xlsx_response

from ..access import can_read_export_log, export_logs_visible_to
from ..exports import export_log_workbook
from ..forms import ExportLogFilterForm


@login_required
@require_GET
def export_log(request):
    """Who exported which named list, for the municipality's coordinators and the administrator (403 for others).
    Its own export lists logins and list names, not the people of the lists, so it is not logged."""
    if not can_read_export_log(request.user):
        raise PermissionDenied
    form = ExportLogFilterForm(request.GET or None, municipalities=municipalities_editable_by(request.user))
    rows = form.filter_qs(export_logs_visible_to(request.user)).select_related("municipality", "school")
    if request.GET.get("export") == "xlsx":
        subtitle = _("Filters: %(filters)s") % {"filters": form.describe() or _("none")}
        return xlsx_response("export-log.xlsx", export_log_workbook(rows, subtitle))
    page, query = paginate(request, rows, settings.REGISTRY_PAGE_SIZE)
    context = {"filter_form": form, "page": page, "query": query, "filtered": form.filtered}
    return render_page_or_fragment(request, "support/export_log/list.html", "support/export_log/_table.html", context)
