from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from registry.access import municipalities_visible_to
from shnor_portal.pagination import paginate
from shnor_portal.params import parse_sort, parse_year
from shnor_portal.xlsx import xlsx_response

from . import comparison
from .access import oversees_schools
from .dashboard import dashboard_context
from .dashboard_data import latest_value_year

COMPARISON_PAGE_SIZE = 25


@login_required
def dashboard(request):
    year = parse_year(request.GET.get("year"))
    return render(request, "reports/dashboard.html", dashboard_context(request.user, year))


@login_required
@require_GET
def municipality_comparison(request):
    """The regional coordinator's dashboard: the municipalities of the reader's scope side by side for a calendar
    year, sortable by any column, paginated, exported to .xlsx as sorted."""
    if not oversees_schools(request.user):
        raise PermissionDenied
    municipalities = list(municipalities_visible_to(request.user).select_related("region").order_by("name"))
    ids = [m.pk for m in municipalities]
    year = parse_year(request.GET.get("year")) or latest_value_year(ids) or timezone.localdate().year
    key, descending = parse_sort(request.GET.get("sort"), comparison.SORT_KEYS, "name")
    rows = comparison.sort_rows(comparison.comparison_rows(municipalities, year), key, descending)
    indicators = comparison.key_indicators()
    comparison.write_indicators(rows, indicators)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"municipalities-{year}.xlsx", comparison.comparison_workbook(rows, indicators, year))
    page, query = paginate(request, rows, COMPARISON_PAGE_SIZE)
    context = {
        "page": page,
        "query": query,
        "year": year,
        "sort": f"-{key}" if descending else key,
        "sort_key": key,
        "descending": descending,
        "columns": _columns(indicators),
    }
    return render(request, "reports/dashboard/comparison.html", context)


def _columns(indicators) -> list[dict]:
    """The sortable heads of the table: (sort key, title, the full name as a hint)."""
    heads = [
        {"key": "name", "title": _("Municipality")},
        {"key": "region", "title": _("Region")},
        {"key": "shnor", "title": "ШНОР"},
        {"key": "shfnsu", "title": "ШФНСУ"},
    ]
    for key, indicator, code in zip(comparison.KEYS, indicators, comparison.data.KEY_INDICATORS, strict=True):
        heads.append(
            {
                "key": key,
                "title": code,
                "hint": indicator.name if indicator else code,
                "unit": indicator.unit if indicator else "",
            }
        )
    heads += [
        {"key": "done_percent", "title": _("Plan items done, %")},
        {"key": "last_import", "title": _("Last results import")},
    ]
    return heads
