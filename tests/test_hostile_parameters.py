"""Query parameters are typed by anyone: nothing a client puts there may cause a 500 or widen the scope."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOSTILE = [
    "²",
    "٢٠١٩",
    "2019.5",
    " 2019",
    "-1",
    "99999999999999999999",
    "'; DROP TABLE x; --",
    "<script>",
    "\x00",
    "2019&year=2020",
    "%",
    "null",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_the_year_parameter_never_breaks_a_page(client_for, coordinator, value):
    client = client_for(coordinator)
    assert client.get("/", {"year": value}).status_code == 200
    assert client.get(reverse("registry:school-list"), {"year": value}).status_code == 200
    assert client.get(reverse("registry:school-list"), {"year": value, "export": "xlsx"}).status_code == 200


@pytest.mark.parametrize("name", ["page", "status", "type", "is_rural", "municipality", "q"])
@pytest.mark.parametrize("value", HOSTILE)
def test_the_list_filters_never_break_the_page(client_for, coordinator, name, value):
    response = client_for(coordinator).get(reverse("registry:school-list"), {name: value})
    assert response.status_code == 200
    codes = {school.code for school in response.context["page"].object_list}
    assert codes <= {"chemashi", "peregrebnoe-1", "andra"}


def test_a_hostile_next_parameter_does_not_redirect_away(client, coordinator):
    response = client.post(
        reverse("login") + "?next=//evil.example/",
        {"username": "coordinator", "password": "correct-horse-battery-staple", "next": "//evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_reserved_word_cannot_become_a_school_code(client_for, coordinator, world):
    response = client_for(coordinator).post(
        reverse("registry:school-create"),
        {"municipality": world.municipality.pk, "code": "new", "short_name": "X", "name": "X", "type": "sosh"},
    )
    assert response.status_code == 200
    assert "зарезервирован" in response.context["form"].errors["code"][0]
