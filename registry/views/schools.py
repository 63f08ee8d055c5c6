from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import CHANGE
from shnor_portal.charts import trend_chart
from shnor_portal.htmx import render_page_or_fragment
from shnor_portal.pagination import paginate
from shnor_portal.xlsx import xlsx_response

from ..access import get_school_for, municipalities_editable_by, schools_visible_to
from ..exports import registry_workbook
from ..filters import SchoolFilter
from ..forms import SchoolForm
from ..history import school_history
from ..models import Pairing
from ..school_page import school_page_context
from ..selectors import ior_points, listings_of_school, risk_grid
from ..year_comparison import profile_comparison
from .profiles import year_tab_context

TABS = ("profile", "year", "years", "risks", "swot", "results", "listings", "mentoring", "plans", "history")


@login_required
def school_list(request):
    school_filter = SchoolFilter(request.GET, user=request.user, queryset=schools_visible_to(request.user))
    schools = school_filter.qs
    year, day = school_filter.selected_year, school_filter.selected_day
    if day is not None:
        year_label = _("on %(date)s") % {"date": day.strftime("%d.%m.%Y")}
    else:
        year_label = year.label if year else _("all years")
    if request.GET.get("export") == "xlsx":
        filters_label = _("Filters: %(filters)s") % {"filters": _describe_filters(school_filter) or _("none")}
        content = registry_workbook(schools, year_label, filters_label)
        name = day.isoformat() if day else (year.start_year if year else "all")
        return xlsx_response(f"registry-{name}.xlsx", content)
    page, query = paginate(request, schools, settings.REGISTRY_PAGE_SIZE)
    context = {
        "filter": school_filter,
        "page": page,
        "query": query,
        "year_label": year_label,
        "can_create": municipalities_editable_by(request.user).exists(),
        "filtered": any(request.GET.get(name) for name in ("q", "municipality", "on", "status", "type", "is_rural")),
    }
    return render_page_or_fragment(request, "registry/school/list.html", "registry/school/_table.html", context)


def _describe_filters(school_filter) -> str:
    """The active filters in words, for the export's subtitle: «Статус: ШНОР; Поиск: чемаш»."""
    if not school_filter.form.is_valid():
        return ""
    parts = []
    for name, field in school_filter.form.fields.items():
        value = school_filter.form.cleaned_data.get(name)
        if value in (None, "", []) or name == "year" or name == "on":
            continue  # the year or the day is in the title
        choices = {str(key): label for key, label in getattr(field, "choices", [])}
        values = value if isinstance(value, list) else [value]
        shown = [str(v) if hasattr(v, "pk") else str(choices.get(str(v).lower(), v)) for v in values]
        parts.append(f"{field.label}: {', '.join(shown)}")
    return "; ".join(parts)


def ior_chart(points):
    """The ИОР trend over the years (0–1): the same chart on the overview and on the comparison of years."""
    return trend_chart(points, title=_("ИОР by year"), value_label=_("ИОР"), decimals=3, lower=0, upper=1)


@login_required
def school_detail(request, code, tab="profile"):
    if tab not in TABS:
        raise Http404
    school = get_school_for(request.user, code)
    context = school_page_context(request.user, school, tab)
    if tab in ("profile", "listings"):
        context["listings"] = listings_of_school(school)
    if tab == "profile":
        context["mentors"] = Pairing.objects.filter(mentee=school).select_related("mentor").order_by("-start")
    if tab == "history":
        context["history"] = school_history(school)
    if tab == "profile":
        context["ior_chart"] = ior_chart(ior_points(school))
        context["risk_years"], context["risk_rows"] = risk_grid(school)
    if tab == "years":
        comparison = profile_comparison(school)
        context["comparison"] = comparison
        context["ior_chart"] = ior_chart(comparison["ior_points"])
    if tab in ("year", "risks", "swot"):
        context.update(year_tab_context(request, school, tab))
    return render_page_or_fragment(request, "registry/school/detail.html", f"registry/school/_tab_{tab}.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def school_create(request):
    if not municipalities_editable_by(request.user).exists():
        raise PermissionDenied
    form = SchoolForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        school = form.save()
        messages.success(request, _("School «%(school)s» added to the registry.") % {"school": school})
        return redirect(school)
    return render(request, "registry/school/form.html", {"form": form, "school": None})


@login_required
@require_http_methods(["GET", "POST"])
def school_update(request, code):
    school = get_school_for(request.user, code, CHANGE)
    form = SchoolForm(request.POST or None, instance=school, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect(school)
    return render(request, "registry/school/form.html", {"form": form, "school": school})
