from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("", include("reports.dashboard_urls")),
    path("accounts/", include("accounts.urls")),
    path("registry/", include("registry.urls")),
    path("roadmaps/", include("roadmaps.urls")),
    path("reports/", include("reports.urls")),
    path("support/", include("support.urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
