from django.urls import path

from .views import editing, import_wizard, lifecycle, pair_plans, plans, progress, school_risks

app_name = "roadmaps"

# Each part of the roadmaps pages keeps its routes beside its views.
urlpatterns = [
    path("", plans.plan_list, name="plan-list"),
    path("<int:pk>/", plans.plan_detail, name="plan-detail"),
    *editing.urlpatterns,
    *lifecycle.urlpatterns,
    *import_wizard.urlpatterns,
    *progress.urlpatterns,
    *pair_plans.urlpatterns,
    *school_risks.urlpatterns,
]
