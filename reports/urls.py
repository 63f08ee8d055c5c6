from django.urls import path

from . import (
    activity_links,
    dashboard_views,
    document_views,
    flag_views,
    indicator_views,
    school_tab,
    signed_views,
    views,
)
from .analysis import views as analysis_views

app_name = "reports"

urlpatterns = [
    path("results/", views.results_list, name="results-list"),
    path("results/flags/", flag_views.flags, name="flags"),
    path("results/flags/<slug:code>/include/", flag_views.flag_listing, name="flag-listing"),
    path("results/campaigns/<int:pk>/", views.campaign_results, name="campaign-results"),
    path("results/campaigns/<int:pk>/analysis/", analysis_views.vpr_analysis, name="vpr-analysis"),
    path(
        "results/campaigns/<int:pk>/analysis/<slug:code>/",
        analysis_views.vpr_analysis_school,
        name="vpr-analysis-school",
    ),
    path("results/import/", views.results_upload, name="results-upload"),
    path("results/import/tasks/", views.task_table_upload, name="task-table-upload"),
    path("results/import/<uuid:pk>/", views.results_import, name="results-import"),
    path("results/import/<uuid:pk>/problems.xlsx", views.results_problems, name="results-problems"),
    path("results/import/<uuid:pk>/confirm/", views.results_confirm, name="results-confirm"),
    path("results/import/<uuid:pk>/retry/", views.results_retry, name="results-retry"),
    path("activities/<int:pk>/indicators/", activity_links.activity_indicators, name="activity-indicators"),
    path("dashboard/municipalities/", dashboard_views.municipality_comparison, name="municipality-comparison"),
    path("indicators/", indicator_views.indicator_list, name="indicator-list"),
    path("indicators/<slug:municipality>/adopt/", indicator_views.indicator_adopt, name="indicator-adopt"),
    path("indicators/<slug:municipality>/<str:code>/edit/", indicator_views.indicator_edit, name="indicator-edit"),
    path(
        "indicators/<slug:municipality>/<str:code>/target/", indicator_views.indicator_target, name="indicator-target"
    ),
    path(
        "indicators/<slug:municipality>/<str:code>/manual/", indicator_views.indicator_manual, name="indicator-manual"
    ),
    path(
        "indicators/<slug:municipality>/<str:code>/remove/", indicator_views.indicator_remove, name="indicator-remove"
    ),
    path("indicators/<str:code>/", indicator_views.indicator_detail, name="indicator-detail"),
    path("schools/<slug:code>/results/", school_tab.school_results_tab, name="school-results-tab"),
    path("centre/", document_views.document_centre, name="document-centre"),
    path("centre/render/", document_views.document_render, name="document-render"),
    path("centre/renders/<uuid:pk>/", document_views.document_render_status, name="document-render-status"),
    path("centre/renders/<uuid:pk>/file/", document_views.document_render_file, name="document-render-file"),
    path("centre/renders/<uuid:pk>/retry/", document_views.document_render_retry, name="document-render-retry"),
    # The document registry of signed PDFs and the public verification page (SPEC §3: /reports/verify/).
    path("documents/registry/", signed_views.document_list, name="document-list"),
    path("documents/registry/<int:pk>/", signed_views.document_detail, name="document-detail"),
    path("documents/registry/<int:pk>/download/", signed_views.document_download, name="document-download"),
    path("documents/registry/<int:pk>/revoke/", signed_views.document_revoke, name="document-revoke"),
    path("documents/sign/", signed_views.document_sign, name="document-sign"),
    path("verify/", signed_views.verify, name="verify"),
]
