from django.contrib import admin
from django.urls import include, path

from accounts.views import dashboard

from .health import healthz

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("accounts/", include("accounts.urls")),
    path("registry/", include("registry.urls")),
    path("roadmaps/", include("roadmaps.urls")),
    path("reports/", include("reports.urls")),
    path("support/", include("support.urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
