from django.urls import path

from .views import editing, import_wizard, lifecycle, pair_plans, plans, progress, school_tab

app_name = "roadmaps"

# Each part of the roadmaps pages keeps its routes beside its views.
urlpatterns = [
    path("", plans.plan_list, name="plan-list"),
    path("<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("schools/<slug:code>/", school_tab.school_plans_tab, name="school-plans-tab"),
    *editing.urlpatterns,
    *lifecycle.urlpatterns,
    *import_wizard.urlpatterns,
    *progress.urlpatterns,
    *pair_plans.urlpatterns,
]
