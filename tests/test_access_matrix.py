"""Every URL of the portal × every persona: who gets 200, 403, 404 or the login page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PERSONAS = [
    "coordinator",
    "other_coordinator",
    "principal",
    "mentor",
    "inspector",
    "regional",
    "outsider",
    "administrator",
]

# url name, kwargs (by world attribute), then the expected GET status per persona.
MATRIX = [
    ("reports:results-list", {}, dict.fromkeys(PERSONAS, 200)),
    (
        "reports:results-upload",
        {},
        {
            "coordinator": 200,
            "other_coordinator": 200,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 200,
            "outsider": 403,
            "administrator": 200,
        },
    ),
    (
        "registry:school-tab",
        {"code": "chemashi", "tab": "results"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 200,
            "mentor": 200,
            "inspector": 200,
            "regional": 200,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "reports:flags",
        {},
        {
            "coordinator": 200,
            "other_coordinator": 200,
            "principal": 403,
            "mentor": 403,
            "inspector": 200,
            "regional": 200,
            "outsider": 403,
            "administrator": 200,
        },
    ),
    (
        "reports:flag-listing",
        {"code": "chemashi"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    ("dashboard", {}, dict.fromkeys(PERSONAS, 200)),
    ("registry:school-list", {}, dict.fromkeys(PERSONAS, 200)),
    (
        "registry:school-detail",
        {"code": "chemashi"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 200,
            "mentor": 200,
            "inspector": 200,
            "regional": 200,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:school-tab",
        {"code": "andra", "tab": "history"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 404,
            "mentor": 404,
            "inspector": 200,
            "regional": 200,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:school-update",
        {"code": "chemashi"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:school-create",
        {},
        {
            "coordinator": 200,
            "other_coordinator": 200,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 403,
            "administrator": 200,
        },
    ),
    (
        "registry:listing-create",
        {"code": "chemashi"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:listing-update",
        {"listing": "chemashi"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    ("password-change", {}, dict.fromkeys(PERSONAS, 200)),
    (
        "registry:year-profile-edit",
        {"code": "chemashi", "year": 2019},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 200,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:risk-profile-edit",
        {"code": "chemashi", "year": 2019},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 200,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:swot-edit",
        {"code": "andra", "year": 2019},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 404,
            "mentor": 404,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:listing-exclude",
        {"listing": "chemashi"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:import",
        {},
        {
            "coordinator": 200,
            "other_coordinator": 200,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 403,
            "administrator": 200,
        },
    ),
    (
        "registry:import-template",
        {},
        {
            "coordinator": 200,
            "other_coordinator": 200,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 403,
            "administrator": 200,
        },
    ),
]


def resolve(world, name, kwargs):
    if "listing" in kwargs:
        kwargs = {"pk": world.school.listings.first().pk}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_each_persona_as_the_rules_say(client, request, world, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    failures = []
    for name, kwargs, expected in MATRIX:
        url = resolve(world, name, kwargs)
        status = client.get(url).status_code
        if status != expected[persona]:
            failures.append(f"{url}: {status}, expected {expected[persona]}")
    assert not failures, failures


@pytest.mark.parametrize(("name", "kwargs"), [(name, kwargs) for name, kwargs, _ in MATRIX])
def test_every_url_sends_anonymous_visitors_to_sign_in(client, world, name, kwargs):
    response = client.get(resolve(world, name, kwargs))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
