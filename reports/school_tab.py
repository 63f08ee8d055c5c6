"""The «Results» tab of the registry's school page, served here because the results are this app's data: the school
page loads it with htmx, and without JavaScript its link opens it as a whole school page."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from registry.access import get_school_for
from registry.charts import line_chart
from registry.school_page import school_page_context
from shnor_portal.htmx import render_page_or_fragment

from .assessments.aggregates import school_dynamics, school_years
from .assessments.published import published_results


def result_charts(school):
    """One server-side SVG chart per procedure and subject: mean mark (ЕГЭ: mean test score) by year."""
    charts = []
    for (procedure, subject), points in school_dynamics(school).items():
        ege = procedure == "ЕГЭ"
        label = _("%(procedure)s, %(subject)s: mean %(what)s by year") % {
            "procedure": procedure,
            "subject": subject,
            "what": _("test score") if ege else _("mark"),
        }
        chart = line_chart(
            [(str(year), value) for year, value in points],
            ymin=0 if ege else 2,
            ymax=100 if ege else 5,
            label=label,
            decimals=2,
        )
        charts.append((f"{procedure}. {subject}", chart))
    return charts


@login_required
@require_GET
def school_results_tab(request, code):
    # The school page's own lookup: a school outside the reader's scope is 404 here as there.
    school = get_school_for(request.user, code)
    context = school_page_context(request.user, school, "results")
    context["result_charts"] = result_charts(school)
    context["result_years"] = school_years(school)
    context["published"] = published_results(school)
    return render_page_or_fragment(
        request, "reports/school/results_tab.html", "reports/school/_results_tab.html", context
    )
