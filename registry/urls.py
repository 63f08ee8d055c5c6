from django.urls import path

from .views import listings, schools

app_name = "registry"

urlpatterns = [
    path("schools/", schools.school_list, name="school-list"),
    path("schools/new/", schools.school_create, name="school-create"),
    path("schools/<slug:code>/", schools.school_detail, name="school-detail"),
    path("schools/<slug:code>/edit/", schools.school_update, name="school-update"),
    path("schools/<slug:code>/listings/new/", listings.listing_create, name="listing-create"),
    path("schools/<slug:code>/<str:tab>/", schools.school_detail, name="school-tab"),
    path("listings/<int:pk>/edit/", listings.listing_update, name="listing-update"),
    path("listings/<int:pk>/delete/", listings.listing_delete, name="listing-delete"),
]
