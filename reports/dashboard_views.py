from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from shnor_portal.params import parse_year

from .dashboard import dashboard_context


@login_required
def dashboard(request):
    year = parse_year(request.GET.get("year"))
    return render(request, "reports/dashboard.html", dashboard_context(request.user, year))
