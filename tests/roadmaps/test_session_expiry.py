"""An htmx action after the session expired (shnor_portal.htmx.HtmxLoginRedirectMiddleware): the browser goes to the
login page and comes back to the page it was on, instead of htmx swapping the login page into a table row."""

import pytest
from django.urls import reverse

from roadmaps.models import Activity

from .progress_builders import draft_roadmap, make_activity, make_section

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


@pytest.fixture
def plan(world):
    plan = draft_roadmap(world.municipality)
    make_activity(make_section(plan), "Май 2020", name="Семинар")
    return plan


def _htmx(current: str | None = None) -> dict:
    headers = {"HTTP_HX_REQUEST": "true"}
    if current is not None:
        headers["HTTP_HX_CURRENT_URL"] = current
    return headers


def test_an_expired_htmx_action_sends_the_browser_to_the_login_and_back(client, plan):
    activity = Activity.objects.get()
    page = f"http://testserver{plan.get_absolute_url()}?tab=table"
    edit = reverse("roadmaps:activity-edit", args=[plan.pk, activity.pk])
    response = client.get(edit, **_htmx(page))
    assert response.status_code == 204 and response.content == b""
    assert response["HX-Redirect"] == f"{LOGIN}?next=/roadmaps/{plan.pk}/%3Ftab%3Dtable"
    response = client.post(reverse("roadmaps:plan-renumber", args=[plan.pk]), **_htmx(page))
    assert response.status_code == 204 and response["HX-Redirect"].startswith(f"{LOGIN}?next=/roadmaps/{plan.pk}/")
    assert Activity.objects.get().name == "Семинар"


def test_a_page_of_another_site_is_never_the_way_back(client, plan):
    activity = Activity.objects.get()
    edit = reverse("roadmaps:activity-edit", args=[plan.pk, activity.pk])
    for current in ("https://evil.example/roadmaps/", "//evil.example/", "javascript:alert(1)", ""):
        response = client.get(edit, **_htmx(current))
        assert response.status_code == 204
        assert response["HX-Redirect"] == f"{LOGIN}?next={edit}", current
    response = client.get(edit, **_htmx())  # no HX-Current-URL at all
    assert response["HX-Redirect"] == f"{LOGIN}?next={edit}"


def test_the_way_back_leads_to_the_page_after_signing_in(client, plan, coordinator):
    response = client.get(
        reverse("roadmaps:plan-table", args=[plan.pk]), **_htmx(f"http://testserver/roadmaps/{plan.pk}/")
    )
    login = response["HX-Redirect"]
    assert "Имя пользователя" in client.get(login).content.decode()
    signed_in = client.post(login, {"username": "coordinator", "password": "correct-horse-battery-staple"})
    assert signed_in.status_code == 302 and signed_in["Location"] == f"/roadmaps/{plan.pk}/"


def test_plain_requests_and_other_redirects_are_left_alone(client, client_for, plan, coordinator):
    activity = Activity.objects.get()
    edit = reverse("roadmaps:activity-edit", args=[plan.pk, activity.pk])
    plain = client.get(edit)
    assert plain.status_code == 302 and plain["Location"] == f"{LOGIN}?next={edit}"
    signed_in = client_for(coordinator)
    data = {"number": "1.1", "name": "Семинар", "deadline_text": "Май 2020", "section": activity.section_id}
    saved = signed_in.post(edit, data, HTTP_HX_CURRENT_URL=f"http://testserver{plan.get_absolute_url()}")
    assert saved.status_code == 302 and saved["Location"].startswith(plan.get_absolute_url())  # not htmx
    moved = signed_in.post(
        reverse("roadmaps:activity-move", args=[plan.pk, activity.pk]), {"direction": "up"}, **_htmx()
    )
    assert moved.status_code == 200 and not moved.has_header("HX-Redirect")
