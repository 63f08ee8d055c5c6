"""The flag page of assessment results (docs/identification.md): low-results identification and objectivity risk.

Flags only propose: a municipal coordinator may include a flagged school in the registry through the registry's
own listing form and service, with the basis of the order; nothing is applied automatically.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import CHANGE
from registry.access import can, get_school_for
from registry.models import SUPPORT_STATUSES, Listing, School
from registry.services.listings import save_listing_form
from shnor_portal.pagination import paginate
from shnor_portal.params import parse_year
from shnor_portal.xlsx import Column, build_workbook, xlsx_response

from .access import oversees_schools, schools_overseen_by
from .assessments.flags import LOW_RESULTS_RULES, OBJECTIVITY_RULES, load_rules, low_results, objectivity
from .assessments.models import SchoolAggregate
from .assessments.rules import DEFAULTS
from .forms import FlagListingForm

PAGE_SIZE = 50
TABS = ("low", "objectivity")


def _rules_summary(rules):
    """[(code, rule or None, [(label, value)])] in the order of docs/identification.md, for the page's legend."""
    summary = []
    for code in (*LOW_RESULTS_RULES, *OBJECTIVITY_RULES):
        rule = rules.get(code)
        values = [(parameter.label, rule.value(name)) for name, parameter in DEFAULTS[code][1].items()] if rule else []
        summary.append((code, rule, values))
    return summary


@login_required
@require_GET
def flags(request):
    if not oversees_schools(request.user):
        raise PermissionDenied
    schools = schools_overseen_by(request.user)
    years = list(
        SchoolAggregate.objects.filter(school__in=schools)
        .order_by("-campaign__year")
        .values_list("campaign__year", flat=True)
        .distinct()
    )
    year = parse_year(request.GET.get("year")) or (years[0] if years else timezone.localdate().year)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "low"
    two_years = request.GET.get("two_years") == "1"
    not_judged = request.GET.get("not_judged") == "1"
    rules = load_rules()
    if tab == "low":
        rows = low_results(schools, year, rules)
        if two_years:
            rows = [row for row in rows if row.two_years]
    else:
        rows = objectivity(schools, year, rules, include_not_judged=not_judged)

    if request.GET.get("export") == "xlsx":
        workbook = low_results_workbook(rows, year) if tab == "low" else objectivity_workbook(rows, year)
        return xlsx_response(f"flags-{tab}-{year}.xlsx", workbook)

    page, query = paginate(request, rows, PAGE_SIZE)
    if tab == "low":
        shown = [row.school for row in page.object_list]
        listed = {}
        for listing in Listing.objects.filter(school__in=shown, status__in=SUPPORT_STATUSES).active_on(
            timezone.localdate()
        ):
            listed.setdefault(listing.school_id, []).append(listing)
        for row in page.object_list:
            row.can_list = can(request.user, CHANGE, row.school)
            row.listings = listed.get(row.school.pk, [])
    codes = LOW_RESULTS_RULES if tab == "low" else OBJECTIVITY_RULES
    context = {
        "tab": tab,
        "year": year,
        "years": sorted({*years, year}, reverse=True),
        "previous_year": year - 1,
        "page": page,
        "query": query,
        "two_years": two_years,
        "not_judged": not_judged,
        "rules": [item for item in _rules_summary(rules) if item[0] in codes],
        "any_enabled": any(rules.get(code) and rules[code].enabled for code in codes),
    }
    return render(request, "reports/flags/list.html", context)


def low_results_workbook(rows, year: int) -> bytes:
    columns = [
        Column(_("School"), 40),
        Column(_("Municipality"), 24),
        Column(_("Rules of %(year)s") % {"year": year}, 10),
        Column(_("Numbers behind the rules"), 80),
        Column(_("Rules of %(year)s") % {"year": year - 1}, 10),
        Column(_("Two years running"), 10),
    ]
    data = (
        [
            row.school.short_name,
            row.school.municipality.name,
            ", ".join(row.codes),
            "\n".join(f"{hit.code}: {line}" for hit in row.hits for line in hit.lines),
            ", ".join(hit.code for hit in row.previous),
            _("yes") if row.two_years else _("no"),
        ]
        for row in rows
    )
    title = _("Schools flagged low-results, %(year)s") % {"year": year}
    return build_workbook(title, columns, data)


def objectivity_workbook(rows, year: int) -> bytes:
    columns = [
        Column(_("School"), 40),
        Column(_("Municipality"), 24),
        Column(_("Campaign"), 30),
        Column(_("participants with a journal mark"), 12),
        Column(_("quality by journal, %"), 11, "0.0"),
        Column(_("quality by ВПР, %"), 11, "0.0"),
        Column(_("quality gap, points"), 11, "0.0"),
        Column(_("success by journal, %"), 11, "0.0"),
        Column(_("success by ВПР, %"), 11, "0.0"),
        Column(_("success gap, points"), 11, "0.0"),
        Column(_("raised"), 9),
        Column(_("raised, %"), 10, "0.0"),
        Column(_("lowered"), 9),
        Column(_("lowered, %"), 10, "0.0"),
        Column(_("Flags"), 12),
        Column(_("not judged: too little data"), 14),
    ]
    data = (
        [
            row.school.short_name,
            row.school.municipality.name,
            row.label,
            row.compared,
            row.quality_journal_pct,
            row.quality_vpr_pct,
            row.quality_gap_pp,
            row.success_journal_pct,
            row.success_vpr_pct,
            row.success_gap_pp,
            row.raised,
            row.raised_pct,
            row.lowered,
            row.lowered_pct,
            ", ".join(row.fired),
            ", ".join(row.not_judged),
        ]
        for row in rows
    )
    title = _("Objectivity risk of ВПР results, %(year)s") % {"year": year}
    return build_workbook(title, columns, data)


@login_required
@require_http_methods(["GET", "POST"])
def flag_listing(request, code):
    """The registry's listing form for a flagged school, prefilled with «стабильно низкие результаты»."""
    school = get_school_for(request.user, code, CHANGE)
    year = parse_year(request.GET.get("year"))
    hits = []
    if year:
        flagged = low_results(School.objects.filter(pk=school.pk), year)
        hits = flagged[0].hits if flagged else []
    initial = {"start": timezone.localdate()}
    if hits:
        initial["note"] = (
            _("Proposed by the identification rules for %(year)s: %(rules)s")
            % {"year": year, "rules": ", ".join(hit.code for hit in hits)}
        )[:500]
    form = FlagListingForm(request.POST or None, school=school, initial=initial)
    if request.method == "POST" and save_listing_form(form):
        messages.success(
            request,
            _("«%(school)s» is included in the registry: %(status)s.")
            % {"school": school, "status": form.instance.get_status_display()},
        )
        return redirect(reverse("registry:school-tab", kwargs={"code": school.code, "tab": "listings"}))
    return render(request, "reports/flags/listing.html", {"form": form, "school": school, "year": year, "hits": hits})
