"""The pages of the target indicators (docs/indicators.md «Pages»): the table «Целевые показатели» of a municipality
for a year with its .xlsx export, one indicator with what it counted and its dynamics, and the coordinators' edits
(adoption, baseline and targets, a target typed in the table, values entered by hand).

Access through reports/access.py: readers of the municipality's indicators see the pages, its coordinators (and the
administrator) change them; outside the readers a 404, a reader's change a 403. «Met» is derived from the stored
actual value and the target when the page is read, so a changed target shows at once, without a recalculation; a
value entered by hand is written into the stored values by recalculating that municipality and year.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import CHANGE
from roadmaps.access import plans_visible_to
from shnor_portal.charts import dynamics_chart
from shnor_portal.htmx import wants_fragment
from shnor_portal.pagination import paginate
from shnor_portal.params import parse_code, parse_year
from shnor_portal.xlsx import xlsx_response

from .access import (
    default_indicator_municipality,
    get_indicator_municipality_for,
    indicator_municipalities_for,
    may_change_indicators,
    may_read_indicators,
)
from .indicators import triggers
from .indicators.activities import activities_of_indicator
from .indicators.base import FORMULAS
from .indicators.drilldown import detail_tables, member_list, school_names_for
from .indicators.forms import AdoptForm, AdoptionForm, ManualValueForm, TargetForm, TargetFormSet
from .indicators.models import (
    AdoptedIndicator,
    Indicator,
    IndicatorScope,
    IndicatorTarget,
    IndicatorValue,
    ManualValue,
    Method,
)
from .indicators.selectors import indicator_history, indicator_rows, is_met
from .indicators.services import recalculate
from .indicators.table import (
    MET_CHOICES,
    METHOD_CHOICES,
    SHOW_CHOICES,
    TableFilters,
    TableRow,
    direction_label,
    exact_text,
    format_value,
    met_label,
    places,
    table_rows,
    table_workbook,
)

PAGE_SIZE = 50
COLUMNS = [
    # (sort key, heading) of the table, in order; the heading is translated in the template (marked for makemessages).
    ("number", gettext_noop("No.")),
    ("code", gettext_noop("Code")),
    ("name", gettext_noop("Indicator")),
    ("unit", gettext_noop("Unit")),
    ("direction", gettext_noop("Direction")),
    ("baseline", gettext_noop("Baseline")),
    ("target", gettext_noop("Target")),
    ("actual", gettext_noop("Actual")),
    ("met", gettext_noop("Status")),
    ("calculated", gettext_noop("Calculated at")),
]


def _place(request):
    """(municipality, year, the years to choose from) of the page: ?municipality= and ?year=, else the user's own
    municipality and the latest year that has calculated values and targets (the municipality's programme year), else
    the latest year with calculated values, else the current year."""
    code = request.GET.get("municipality")
    if code:
        municipality = get_indicator_municipality_for(request.user, parse_code(code))
    else:
        if not may_read_indicators(request.user):
            raise PermissionDenied
        municipality = default_indicator_municipality(request.user)
        if municipality is None:
            raise PermissionDenied
    current = timezone.localdate().year
    calculated = set(
        IndicatorValue.objects.filter(municipality=municipality, school__isnull=True, year__lte=current)
        .values_list("year", flat=True)
        .distinct()
    )
    year = parse_year(request.GET.get("year"))
    if year is None:
        targeted = set(
            IndicatorTarget.objects.filter(adopted__municipality=municipality, year__in=calculated).values_list(
                "year", flat=True
            )
        )
        year = max(targeted or calculated or {current})
    return municipality, year, sorted({*calculated, year, current}, reverse=True)


def _list_url(municipality, year, **more):
    return f"{reverse('reports:indicator-list')}?{urlencode({'municipality': municipality.code, 'year': year, **more})}"


def _detail_url(municipality, indicator, year):
    query = urlencode({"municipality": municipality.code, "year": year})
    return f"{reverse('reports:indicator-detail', args=[indicator.code])}?{query}"


@login_required
@require_GET
def indicator_list(request):
    municipality, year, years = _place(request)
    filters = TableFilters.from_query(request.GET)
    rows = table_rows(municipality, year, filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"indicators-{municipality.code}-{year}.xlsx", table_workbook(municipality, year, rows, filters)
        )
    page, _query = paginate(request, rows, PAGE_SIZE)
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    params.pop("sort", None)
    params["municipality"], params["year"] = municipality.code, str(year)
    sort_base = params.urlencode()
    headers = []
    for key, heading in COLUMNS:
        active = filters.sort == key
        next_sort = key if not active or filters.descending else f"-{key}"
        headers.append(
            {
                "key": key,
                "heading": heading,
                "url": f"?{sort_base}&sort={next_sort}",
                "active": active,
                "descending": active and filters.descending,
            }
        )
    query_params = params.copy()
    query_params["sort"] = filters.sort_param
    context = {
        "municipality": municipality,
        "year": year,
        "years": years,
        "municipalities": indicator_municipalities_for(request.user),
        "filters": filters,
        "show_choices": SHOW_CHOICES,
        "met_choices": MET_CHOICES,
        "method_choices": METHOD_CHOICES,
        "headers": headers,
        "page": page,
        "query": query_params.urlencode(),
        "can_change": may_change_indicators(request.user, municipality),
        "filtered": bool(filters.met or filters.method),
        "adopted_any": AdoptedIndicator.objects.filter(municipality=municipality).exists(),
        "next": request.get_full_path(),
    }
    return render(request, "reports/indicators/list.html", context)


def _indicator(code) -> Indicator:
    indicator = Indicator.objects.filter(code=code, scope=IndicatorScope.MUNICIPALITY).first()
    if indicator is None:
        raise Http404
    return indicator


@login_required
@require_GET
def indicator_detail(request, code):
    municipality, year, years = _place(request)
    indicator = _indicator(code)
    adoption = AdoptedIndicator.objects.filter(municipality=municipality, indicator=indicator).first()
    targets = list(adoption.targets.all()) if adoption else []
    target = next((t.target for t in targets if t.year == year), None)
    value = IndicatorValue.objects.filter(
        municipality=municipality, indicator=indicator, school__isnull=True, year=year
    ).first()
    formula = FORMULAS.get(indicator.formula_code) if indicator.method == Method.COMPUTED else None
    kind = formula.members if formula else None
    numerator = member_list(request.user, kind, value.numerator_ids) if value else None
    denominator = member_list(request.user, kind, value.denominator_ids) if value else None
    details = (
        detail_tables(value.details, school_names_for(request.user))
        if value and numerator is None and denominator is None and indicator.method == Method.COMPUTED
        else []
    )
    history = indicator_history(municipality, indicator)
    decimals = places(indicator.unit)
    chart = dynamics_chart(
        [(point["year"], point["actual"], point["target"]) for point in history],
        title=_("%(code)s: actual values against targets") % {"code": indicator.code},
        value_label=_("actual value"),
        target_label=_("target"),
        baseline=(adoption.baseline_year, adoption.baseline_value) if adoption and adoption.baseline_year else None,
        baseline_label=_("baseline"),
        decimals=decimals,
    )
    for point in history:
        point["actual_text"] = format_value(point["actual"], indicator.unit)
        point["target_text"] = format_value(point["target"], indicator.unit)
        point["met_text"] = met_label(point["met"])
    actual = value.value if value else None
    met = is_met(indicator.direction, actual, target)
    manual_values = (
        list(
            ManualValue.objects.filter(municipality=municipality, indicator=indicator, school__isnull=True)
            .select_related("entered_by")
            .order_by("-year")
        )
        if indicator.method == Method.MANUAL
        else []
    )
    for manual in manual_values:
        manual.value_text = format_value(manual.value, indicator.unit)
    arrow, direction_text = direction_label(indicator.direction)
    context = {
        "municipality": municipality,
        "year": year,
        "years": years,
        "indicator": indicator,
        "arrow": arrow,
        "direction_text": direction_text,
        "adoption": adoption,
        "baseline_text": format_value(adoption.baseline_value, indicator.unit) if adoption else "",
        "targets": [(t.year, format_value(t.target, indicator.unit)) for t in targets],
        "target_text": format_value(target, indicator.unit),
        "value": value,
        "actual_text": format_value(actual, indicator.unit),
        "met": met,
        "met_key": {True: "met", False: "not_met", None: "no_data"}[met],
        "met_text": met_label(met),
        "numerator": numerator,
        "denominator": denominator,
        "details": details,
        "history": history,
        "chart": chart if history else None,
        "manual_values": manual_values,
        "numerator_text": exact_text(value.numerator) if value else "",
        "denominator_text": exact_text(value.denominator) if value else "",
        "can_change": may_change_indicators(request.user, municipality),
        "list_url": _list_url(municipality, year),
        "activities": _visible_activities(request.user, indicator, municipality, year),
    }
    return render(request, "reports/indicators/detail.html", context)


def _visible_activities(user, indicator, municipality, year):
    """The plan activities serving the indicator, of the plans the reader may see (a principal reads the
    municipality's indicators, not every school's plan)."""
    rows = activities_of_indicator(indicator, municipality, year)
    if not rows:
        return rows
    visible = set(
        plans_visible_to(user)
        .filter(pk__in={row.activity.section.plan_id for row in rows})
        .values_list("pk", flat=True)
    )
    return [row for row in rows if row.activity.section.plan_id in visible]


# --- Changes: the municipality's coordinators and the administrator. -----------------------------------------------


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/reports/indicators/") and "//" not in target else fallback


@login_required
@require_http_methods(["GET", "POST"])
def indicator_adopt(request, municipality):
    municipality = get_indicator_municipality_for(request.user, municipality, CHANGE)
    year = parse_year(request.GET.get("year")) or timezone.localdate().year
    form = AdoptForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["indicators"])
        with transaction.atomic():
            for indicator in chosen:
                AdoptedIndicator.objects.get_or_create(
                    municipality=municipality, indicator=indicator, defaults={"note": form.cleaned_data["note"]}
                )
        messages.success(
            request,
            _("Indicators adopted: %(codes)s.") % {"codes": ", ".join(indicator.code for indicator in chosen)},
        )
        return redirect(_list_url(municipality, year))
    context = {"form": form, "municipality": municipality, "year": year, "list_url": _list_url(municipality, year)}
    return render(request, "reports/indicators/adopt.html", context)


def _adoption_for(request, municipality, code):
    municipality = get_indicator_municipality_for(request.user, municipality, CHANGE)
    indicator = _indicator(code)
    adoption = AdoptedIndicator.objects.filter(municipality=municipality, indicator=indicator).first()
    if adoption is None:
        raise Http404
    return municipality, indicator, adoption


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, municipality, code):
    """The baseline (value and year), the note and the targets of the years of an adopted indicator."""
    municipality, indicator, adoption = _adoption_for(request, municipality, code)
    year = parse_year(request.GET.get("year")) or timezone.localdate().year
    form = AdoptionForm(request.POST or None, instance=adoption)
    formset = TargetFormSet(request.POST or None, instance=adoption, prefix="targets")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            form.save()
            formset.save()
        messages.success(request, _("Baseline and targets of %(code)s saved.") % {"code": indicator.code})
        return redirect(_detail_url(municipality, indicator, year))
    context = {
        "form": form,
        "formset": formset,
        "municipality": municipality,
        "indicator": indicator,
        "year": year,
        "detail_url": _detail_url(municipality, indicator, year),
        "list_url": _list_url(municipality, year),
    }
    return render(request, "reports/indicators/edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_target(request, municipality, code):
    """One year's target typed in the table (htmx swaps the row; without JavaScript a POST-redirect-GET back to the
    table). An empty value removes the year's target."""
    municipality, indicator, adoption = _adoption_for(request, municipality, code)
    year = parse_year(request.POST.get("year") or request.GET.get("year")) or timezone.localdate().year
    current = adoption.targets.filter(year=year).first()
    form = TargetForm(request.POST or None, initial={"year": year, "target": current.target if current else None})
    if request.method == "POST" and form.is_valid():
        year, target = form.cleaned_data["year"], form.cleaned_data["target"]
        if target is None:
            IndicatorTarget.objects.filter(adopted=adoption, year=year).delete()
        else:
            found = IndicatorTarget.objects.filter(adopted=adoption, year=year).first() or IndicatorTarget(
                adopted=adoption, year=year
            )
            found.target = target
            found.save()
        if not wants_fragment(request):
            messages.success(
                request, _("Target of %(code)s for %(year)s saved.") % {"code": indicator.code, "year": year}
            )
            return redirect(_safe_next(request, _list_url(municipality, year)))
    if wants_fragment(request):
        rows = indicator_rows(municipality, year, adopted_only=True)
        row = next(row for row in rows if row.indicator.pk == indicator.pk)
        number = request.POST.get("number") or request.GET.get("number") or ""
        context = {
            "item": TableRow(int(number) if number.isdigit() and len(number) < 6 else 0, row),
            "municipality": municipality,
            "year": year,
            "can_change": True,
            "target_form": form if form.errors else None,
            "next": _safe_next(request, _list_url(municipality, year)),
        }
        return render(request, "reports/indicators/_row.html", context)
    context = {
        "form": form,
        "municipality": municipality,
        "indicator": indicator,
        "year": year,
        "next": _safe_next(request, _list_url(municipality, year)),
        "list_url": _list_url(municipality, year),
    }
    return render(request, "reports/indicators/target.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_manual(request, municipality, code):
    """A value of a manual indicator for a year, with its source and date; the year's stored values are recalculated
    so that the table shows it at once."""
    municipality = get_indicator_municipality_for(request.user, municipality, CHANGE)
    indicator = _indicator(code)
    if indicator.method != Method.MANUAL:
        raise Http404
    year = parse_year(request.POST.get("year") or request.GET.get("year")) or timezone.localdate().year
    existing = ManualValue.objects.filter(
        municipality=municipality, indicator=indicator, school__isnull=True, year=year
    ).first()
    instance = existing or ManualValue(municipality=municipality, indicator=indicator)
    form = ManualValueForm(request.POST or None, instance=instance, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        # The year is recalculated here and now, so the edit announces no second, debounced recalculation of it.
        with transaction.atomic(), triggers.suspended():
            value = form.save(commit=False)
            value.entered_by = request.user
            value.save()
            recalculate([municipality.pk], [value.year])
        messages.success(
            request, _("Value of %(code)s for %(year)s saved.") % {"code": indicator.code, "year": value.year}
        )
        return redirect(_detail_url(municipality, indicator, value.year))
    context = {
        "form": form,
        "municipality": municipality,
        "indicator": indicator,
        "year": year,
        "detail_url": _detail_url(municipality, indicator, year),
    }
    return render(request, "reports/indicators/manual.html", context)


@login_required
@require_POST
def indicator_remove(request, municipality, code):
    """Remove an indicator from the municipality's programme with its baseline and targets (the stored values and
    the values entered by hand stay: the catalogue indicator is still calculated)."""
    municipality, indicator, adoption = _adoption_for(request, municipality, code)
    year = parse_year(request.POST.get("year")) or timezone.localdate().year
    adoption.delete()
    messages.success(request, _("%(code)s is no longer adopted by the municipality.") % {"code": indicator.code})
    return redirect(_list_url(municipality, year))
