"""The admin's add forms take initial values from the query string; one that is no key of the related model opens
an empty form instead of answering 500 (shnor_portal/admin_site.py)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from shnor_portal.admin_site import PortalAdminSite, ValidInitialDataMixin
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_every_registered_model_admin_gets_the_guard():
    assert isinstance(admin.site, PortalAdminSite)
    assert admin.site._registry
    assert all(isinstance(model_admin, ValidInitialDataMixin) for model_admin in admin.site._registry.values())


@pytest.mark.parametrize("value", ["abc", "1.5", "-", "99999999999999999999999", "2,x"])
def test_a_relation_that_is_no_key_opens_an_empty_add_form(admin_client, value):
    client = admin_client
    client.raise_request_exception = False
    for url in (
        reverse("admin:registry_listing_add"),
        reverse("admin:roadmaps_activity_add"),
        reverse("admin:registry_pairing_add"),
    ):
        response = client.get(url, {"school": value, "plan": value, "section": value, "mentor": value, "mentee": value})
        assert response.status_code == 200, (url, value, response.status_code)


def test_a_valid_key_is_still_taken_as_the_initial_value(admin_client):
    school = SchoolFactory()
    response = admin_client.get(reverse("admin:registry_listing_add"), {"school": school.pk})
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["school"] == str(school.pk)
