"""The school's yearly profile, risk profile and SWOT: read in tabs, edited by the coordinator or the principal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import CHANGE_PROFILE
from shnor_portal.params import parse_year

from ..academic_year import AcademicYear
from ..access import get_school_for
from ..profile_forms import RiskProfileForm, SwotForm, YearProfileForm, level_result_forms
from ..profiles import Level, RiskAssessment, RiskFactor, SchoolYearProfile, SwotItem, SwotKind
from ..selectors import profile_years
from ..services.profiles import ProfileError, copy_year_forward, save_risk_profile, save_swot, save_year_profile


def _checked(year: int) -> int:
    """Years in URLs are typed by anyone: outside the registry's range the page does not exist."""
    if not 1990 <= year <= 2100:
        raise Http404
    return year


def _tab_url(school, tab: str, year: int) -> str:
    return reverse("registry:school-tab", kwargs={"code": school.code, "tab": tab}) + f"?year={year}"


def year_tab_context(request, school, tab: str) -> dict:
    years = profile_years(school)
    year = parse_year(request.GET.get("year")) or (years[0] if years else AcademicYear.current().start_year)
    choices = sorted({*years, year, AcademicYear.current().start_year}, reverse=True)
    context = {"year": AcademicYear(year), "year_choices": [AcademicYear(y) for y in choices], "years_with_data": years}
    if tab == "year":
        profile = SchoolYearProfile.objects.filter(school=school, year=year).prefetch_related("level_results").first()
        context["profile"] = profile
        order = list(Level.values)
        context["level_results"] = (
            sorted(profile.level_results.all(), key=lambda r: order.index(r.level)) if profile else []
        )
    elif tab == "risks":
        context["assessments"] = list(
            RiskAssessment.objects.filter(school=school, year=year)
            .select_related("factor")
            .order_by("factor__position")
        )
    elif tab == "swot":
        items = SwotItem.objects.filter(school=school, year=year).order_by("position")
        context["swot"] = [(kind, [i for i in items if i.kind == kind.value]) for kind in SwotKind]
    return context


@login_required
@require_http_methods(["GET", "POST"])
def year_profile_edit(request, code, year):
    year = _checked(year)
    school = get_school_for(request.user, code, CHANGE_PROFILE)
    profile = SchoolYearProfile.objects.filter(school=school, year=year).first() or SchoolYearProfile(
        school=school, year=year
    )
    data = request.POST if request.method == "POST" else None
    form = YearProfileForm(data, instance=profile)
    levels = level_result_forms(profile, data)
    if data is not None and form.is_valid() and all(f.is_valid() for _level, f in levels):
        save_year_profile(form, levels)
        messages.success(request, _("The profile of %(year)s is saved.") % {"year": AcademicYear(year).label})
        return redirect(_tab_url(school, "year", year))
    return render(
        request,
        "registry/profile/year_form.html",
        {
            "school": school,
            "year": AcademicYear(year),
            "form": form,
            "levels": levels,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_profile_edit(request, code, year):
    year = _checked(year)
    school = get_school_for(request.user, code, CHANGE_PROFILE)
    assessments = {a.factor_id: a for a in RiskAssessment.objects.filter(school=school, year=year)}
    factors = RiskFactor.objects.valid_in(year) | RiskFactor.objects.filter(pk__in=assessments.keys())
    form = RiskProfileForm(
        request.POST or None, factors=factors.distinct().order_by("position", "code"), assessments=assessments
    )
    if request.method == "POST" and form.is_valid():
        save_risk_profile(school, year, form.values())
        messages.success(request, _("The risk profile of %(year)s is saved.") % {"year": AcademicYear(year).label})
        return redirect(_tab_url(school, "risks", year))
    return render(
        request, "registry/profile/risk_form.html", {"school": school, "year": AcademicYear(year), "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def swot_edit(request, code, year):
    year = _checked(year)
    school = get_school_for(request.user, code, CHANGE_PROFILE)
    items = list(SwotItem.objects.filter(school=school, year=year).order_by("position"))
    form = SwotForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        save_swot(school, year, form.items())
        messages.success(request, _("The SWOT analysis of %(year)s is saved.") % {"year": AcademicYear(year).label})
        return redirect(_tab_url(school, "swot", year))
    return render(
        request, "registry/profile/swot_form.html", {"school": school, "year": AcademicYear(year), "form": form}
    )


@login_required
@require_POST
def year_copy(request, code, year):
    year = _checked(year)
    school = get_school_for(request.user, code, CHANGE_PROFILE)
    tab = request.POST.get("tab") if request.POST.get("tab") in ("year", "risks", "swot") else "year"
    try:
        target = copy_year_forward(school, year)
    except ProfileError as error:
        messages.error(request, str(error))
        return redirect(_tab_url(school, tab, year))
    messages.success(request, _("Copied to %(year)s: edit what has changed.") % {"year": AcademicYear(target).label})
    return redirect(_tab_url(school, tab, target))
