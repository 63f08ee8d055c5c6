"""The «Results» tab of the registry's school page, served here because the results are this app's data: the school
page loads it with htmx, and without JavaScript its link opens it as a whole school page."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from registry.access import get_school_for
from registry.school_page import school_page_context
from shnor_portal.charts import trend_chart
from shnor_portal.htmx import render_page_or_fragment

from .assessments.aggregates import school_dynamics
from .assessments.models import MARKED, SchoolAggregate
from .assessments.published import published_results
from .assessments.school_years import marks_charts, school_results_by_year


def result_charts(school, marks=None, works=None):
    """Per procedure and subject: the mean mark (ЕГЭ: mean test score) by year as a line, the distribution of marks
    per campaign (from `marks`, `marks_charts`; None where there are no marks, as for ЕГЭ) and the works of that
    procedure and subject year by year (from `works`, `school_results_by_year`) — the numbers beside the charts.

    (title, line chart, marks chart, works) per procedure and subject, in the order of `school_dynamics`."""
    marks = dict(marks or ())
    works_of: dict[tuple[str, str], list] = {}
    for work in works or ():
        works_of.setdefault((work.procedure, work.subject), []).append(work)
    charts = []
    for (procedure, subject), points in school_dynamics(school).items():
        ege = procedure == "ЕГЭ"
        label = _("%(procedure)s, %(subject)s: mean %(what)s by year") % {
            "procedure": procedure,
            "subject": subject,
            "what": _("test score") if ege else _("mark"),
        }
        value_label = _("Mean test score") if ege else _("Mean mark")
        chart = trend_chart(
            [(str(year), value) for year, value in points],
            title=label,
            value_label=value_label,
            lower=0 if ege else 2,
            upper=100 if ege else 5,
            decimals=2,
            x_label=_("Year"),
            y_label=value_label,
        )
        key = (procedure, subject)
        charts.append((f"{procedure}. {subject}", chart, marks.get(key), works_of.get(key, [])))
    return charts


@login_required
@require_GET
def school_results_tab(request, code):
    # The school page's own lookup: a school outside the reader's scope is 404 here as there.
    school = get_school_for(request.user, code)
    context = school_page_context(request.user, school, "results")
    works = school_results_by_year(school)
    context["result_charts"] = result_charts(school, marks_charts(works), works)
    context["works"] = works
    context["published"] = published_results(school)
    # The ВПР analysis of each marked campaign the school took part in (the page reads it like this tab): one query.
    context["analysis_campaigns"] = [
        aggregate.campaign
        for aggregate in SchoolAggregate.objects.filter(school=school, campaign__procedure__in=MARKED)
        .select_related("campaign__subject")
        .order_by("-campaign__year", "campaign__procedure", "campaign__subject__name", "campaign__grade")
    ]
    return render_page_or_fragment(
        request, "reports/school/results_tab.html", "reports/school/_results_tab.html", context
    )
