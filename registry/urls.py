from django.urls import path

from .views import imports, listings, profiles, schools

app_name = "registry"

urlpatterns = [
    path("schools/", schools.school_list, name="school-list"),
    path("schools/new/", schools.school_create, name="school-create"),
    path("import/", imports.import_upload, name="import"),
    path("import/template.xlsx", imports.import_template, name="import-template"),
    path("import/<uuid:pk>/", imports.import_detail, name="import-detail"),
    path("import/<uuid:pk>/confirm/", imports.import_confirm, name="import-confirm"),
    path("schools/<slug:code>/", schools.school_detail, name="school-detail"),
    path("schools/<slug:code>/edit/", schools.school_update, name="school-update"),
    path("schools/<slug:code>/listings/new/", listings.listing_create, name="listing-create"),
    path("schools/<slug:code>/years/<int:year>/edit/", profiles.year_profile_edit, name="year-profile-edit"),
    path("schools/<slug:code>/years/<int:year>/risks/edit/", profiles.risk_profile_edit, name="risk-profile-edit"),
    path("schools/<slug:code>/years/<int:year>/swot/edit/", profiles.swot_edit, name="swot-edit"),
    path("schools/<slug:code>/years/<int:year>/copy/", profiles.year_copy, name="year-copy"),
    path("schools/<slug:code>/<str:tab>/", schools.school_detail, name="school-tab"),
    path("listings/<int:pk>/edit/", listings.listing_update, name="listing-update"),
    path("listings/<int:pk>/delete/", listings.listing_delete, name="listing-delete"),
    path("listings/<int:pk>/exclude/", listings.listing_exclude, name="listing-exclude"),
]
