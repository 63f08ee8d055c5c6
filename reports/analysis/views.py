"""The ВПР analysis pages of a campaign: the municipality's schools side by side, and one school's analysis."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.access import scope_of
from registry.access import get_school_for
from shnor_portal.htmx import render_page_or_fragment
from shnor_portal.pagination import paginate
from shnor_portal.params import CODE
from shnor_portal.xlsx import xlsx_response

from ..access import analysis_municipalities_for
from ..assessments.models import MARKED, Campaign
from . import page
from .vpr import analyse, sample_of

PAGE_SIZE = 50


def _campaign(pk) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("subject"), pk=pk)
    if campaign.procedure not in MARKED:
        raise Http404  # the analysis is of marks and primary scores: ЕГЭ has none to analyse
    return campaign


@login_required
@require_GET
def vpr_analysis(request, pk):
    campaign = _campaign(pk)
    municipalities = list(analysis_municipalities_for(request.user, campaign))
    asked = request.GET.get("municipality")
    if asked:
        municipality = next((m for m in municipalities if CODE.fullmatch(asked) and m.code == asked), None)
    else:
        municipality = _own_first(request.user, municipalities)
    if municipality is None:
        raise Http404
    result = analyse(campaign, municipality)
    rows = page.school_rows(result)
    total = page.total_row(result, _("Municipality total"))
    sort = request.GET.get("sort") if request.GET.get("sort") in page.SORTS else "school"
    descending = request.GET.get("dir") == "desc"
    rows = page.sort_rows(rows, sort, descending)
    if request.GET.get("export") == "xlsx":
        title = f"{campaign}. {municipality.name}. " + _("ВПР analysis")
        return xlsx_response(f"vpr-analysis-{campaign.pk}-{municipality.code}.xlsx", page.workbook(title, rows, total))
    paged, query = paginate(request, rows, PAGE_SIZE)
    context = {
        "campaign": campaign,
        "municipality": municipality,
        "municipalities": municipalities,
        "analysis": result["analysis"],
        "limits": result["limits"],
        "page": paged,
        "query": query,
        "total": total,
        "sort": sort,
        "descending": descending,
        "headers": _headers(municipality, sort, descending),
    }
    return render_page_or_fragment(
        request, "reports/analysis/municipality.html", "reports/analysis/_schools.html", context
    )


def _own_first(user, municipalities):
    scope = scope_of(user)
    own = [m for m in municipalities if m.pk in scope.municipalities_edit or m.pk in scope.municipalities_read]
    return (own or municipalities or [None])[0]


SORTABLE = [
    ("school", gettext_lazy("School")),
    ("participants", gettext_lazy("Works")),
    ("marks_2", "«2», %"),
    ("marks_2_prev", gettext_lazy("«2» last year, %")),
    ("dynamics", gettext_lazy("Dynamics of «2», points")),
    ("journal_gap", gettext_lazy("Journal gap ≥ 2")),
    ("peaks", gettext_lazy("Boundary peaks")),
    ("not_mastered", gettext_lazy("Tasks not mastered")),
]


def _headers(municipality, sort: str, descending: bool) -> list[dict]:
    """Each sortable column with the query that sorts by it (a second click reverses the order)."""
    headers = []
    for key, label in SORTABLE:
        direction = "asc" if key == sort and descending else ("desc" if key == sort else "asc")
        headers.append(
            {
                "key": key,
                "label": label,
                "query": urlencode({"municipality": municipality.code, "sort": key, "dir": direction}),
                "active": key == sort,
                "descending": descending,
            }
        )
    return headers


@login_required
@require_GET
def vpr_analysis_school(request, pk, code):
    campaign = _campaign(pk)
    school = get_school_for(request.user, code)  # the school page's own rule: 404 outside the reader's scope
    result = analyse(campaign, school.municipality, school_ids=[school.pk])
    if not result["analysis"]["schools"]:
        raise Http404  # the school has no results in this campaign
    figures = result["analysis"]["schools"][0]
    details = result["details"][school.code]
    limits = result["limits"]
    scale = result["analysis"]["scale"]
    distribution, references = page.distribution(result, details, school.short_name, school.municipality.name)
    task_groups = [(task, [(mark, task["by_mark"][mark]) for mark in page.MARKS]) for task in figures["tasks"]]
    context = {
        "campaign": campaign,
        "school": school,
        "municipality": school.municipality,
        "oversees": scope_of(request.user).can_view_municipality(school.municipality),
        "figures": figures,
        "row": page.total_row({"analysis": {"total": figures}}, school.short_name),
        "total": result["analysis"]["total"],
        "scale": scale,
        "limits": limits,
        "details": details,
        "distribution": distribution,
        "references": references,
        "histogram": page.histogram(details, scale, figures, _("Primary scores")),
        "histogram_sample": page.SAMPLE_NOTES[sample_of(details["scored"], limits)],
        "mastery": page.mastery(figures, limits),
        "task_groups": task_groups,
        "group_sizes": _group_sizes(details),
        "sample_notes": page.SAMPLE_NOTES,
        "status_notes": page.STATUS_NOTES,
        "level_names": page.LEVEL_NAMES,
    }
    return render(request, "reports/analysis/school.html", context)


def _group_sizes(details) -> list[tuple[str, int]]:
    return [(mark, details["marks"][mark]) for mark in page.MARKS]
