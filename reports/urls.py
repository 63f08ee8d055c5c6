from django.urls import path

from . import activity_links, dashboard_views, flag_views, indicator_views, school_tab, views
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
]
