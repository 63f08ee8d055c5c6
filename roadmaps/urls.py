from django.urls import path

from .views import plans

app_name = "roadmaps"

urlpatterns = [
    path("", plans.plan_list, name="plan-list"),
    path("<int:pk>/", plans.plan_detail, name="plan-detail"),
]
