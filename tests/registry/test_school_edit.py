import pytest
from django.urls import reverse

from registry.models import School

pytestmark = pytest.mark.django_db


def edit_url(code):
    return reverse("registry:school-update", kwargs={"code": code})


def form_data(school, **changes):
    data = {
        "municipality": school.municipality_id,
        "code": school.code,
        "short_name": school.short_name,
        "name": school.name,
        "type": school.type,
        "settlement": school.settlement,
        "is_rural": "on",
        "address": "",
        "director": "",
        "phone": "",
        "email": "",
        "website": "",
    }
    data.update(changes)
    return data


def test_it_lets_the_coordinator_edit_and_records_who_did_it(client_for, coordinator, world):
    client = client_for(coordinator)
    response = client.post(edit_url("chemashi"), form_data(world.school, director="Петров П. П.", code="hacked"))
    assert response.status_code == 302
    world.school.refresh_from_db()
    assert world.school.director == "Петров П. П."
    assert world.school.code == "chemashi"  # the code is fixed once a school exists
    last = world.school.history.first()
    assert last.history_user == coordinator and last.history_type == "~"
    history = client.get(reverse("registry:school-tab", kwargs={"code": "chemashi", "tab": "history"}))
    assert "Петров П. П." in history.content.decode()


def test_it_shows_errors_next_to_the_field(client_for, coordinator, world):
    response = client_for(coordinator).post(edit_url("chemashi"), form_data(world.school, email="не адрес"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="error_1_id_email"' in body or "invalid-feedback" in body
    assert "Введите правильный адрес электронной почты" in body


def test_it_refuses_to_move_a_school_to_a_municipality_the_coordinator_does_not_edit(client_for, coordinator, world):
    response = client_for(coordinator).post(edit_url("chemashi"), form_data(world.school, municipality=world.far.pk))
    assert response.status_code == 200
    world.school.refresh_from_db()
    assert world.school.municipality == world.municipality


@pytest.mark.parametrize("persona", ["inspector", "principal", "regional", "mentor"])
def test_it_forbids_read_only_users_to_change(client_for, request, world, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(edit_url("chemashi")).status_code == 403
    assert client.post(edit_url("chemashi"), form_data(world.school, director="X")).status_code == 403
    world.school.refresh_from_db()
    assert world.school.director == ""


def test_it_answers_404_to_another_municipalitys_coordinator(client_for, other_coordinator, world):
    assert client_for(other_coordinator).post(edit_url("chemashi"), form_data(world.school)).status_code == 404


def test_it_creates_a_school_in_the_coordinators_municipality(client_for, coordinator, world):
    response = client_for(coordinator).post(
        reverse("registry:school-create"),
        form_data(world.school, code="new-school", short_name="МКОУ «Новая СОШ»", name="Новая школа"),
    )
    assert response.status_code == 302
    assert School.objects.get(code="new-school").municipality == world.municipality


def test_it_validates_the_code_of_a_new_school(client_for, coordinator, world):
    response = client_for(coordinator).post(
        reverse("registry:school-create"),
        form_data(world.school, code="Плохой код", short_name="X", name="X"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]


def test_it_forbids_creating_schools_without_an_editable_municipality(client_for, inspector):
    assert client_for(inspector).get(reverse("registry:school-create")).status_code == 403
