"""«Логин ФИС ОКО» of a school (issue 16): on the school form, in the registry workbook and in the registry export;
schNNNNNN, unique, empty for none."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry.imports.columns import SCHOOLS
from registry.models import School
from tests.factories import SchoolFactory
from tests.registry.test_registry_import import headers, row, upload, workbook
from tests.registry.test_school_edit import edit_url, form_data

pytestmark = pytest.mark.django_db


def test_the_school_form_keeps_the_login_in_lower_case(client_for, coordinator, world):
    client = client_for(coordinator)
    response = client.post(edit_url("chemashi"), form_data(world.school, fis_oko_login=" SCH860125 "))
    assert response.status_code == 302
    world.school.refresh_from_db()
    assert world.school.fis_oko_login == "sch860125"
    # Emptied again it is «none», and two schools without a login do not clash.
    assert client.post(edit_url("chemashi"), form_data(world.school, fis_oko_login="")).status_code == 302
    world.school.refresh_from_db()
    assert world.school.fis_oko_login is None


@pytest.mark.parametrize(
    ("value", "message"),
    [("860125", "«sch» и шесть цифр"), ("sch86012", "«sch» и шесть цифр"), ("taken", "уже существует")],
)
def test_the_school_form_refuses_a_bad_or_taken_login_next_to_the_field(client_for, coordinator, world, value, message):
    SchoolFactory(code="other", municipality=world.municipality, fis_oko_login="sch860101")
    value = "sch860101" if value == "taken" else value
    response = client_for(coordinator).post(edit_url("chemashi"), form_data(world.school, fis_oko_login=value))
    assert response.status_code == 200
    body = response.content.decode()
    assert "id_fis_oko_login" in body and message in body, body[:200]
    world.school.refresh_from_db()
    assert world.school.fis_oko_login is None


def _school(**values):
    return row(SCHOOLS, code="tugiyany", short_name="МКОУ «Тугиянская СОШ»", name="Тугиянская", type="СОШ", **values)


def test_the_registry_workbook_sets_the_login(client_for, coordinator, world):
    client = client_for(coordinator)
    book = workbook({SCHOOLS: [headers(SCHOOLS), _school(fis_oko_login="SCH860130")]})
    record = upload(client, book, world.municipality)
    assert record.state == "checked", record.problems
    client.post(reverse("registry:import-confirm", kwargs={"pk": record.pk}))
    assert School.objects.get(code="tugiyany").fis_oko_login == "sch860130"


@pytest.mark.parametrize(
    ("login", "message"),
    [("sch-860130", "«sch» и шесть цифр"), ("sch860125", "уже принадлежит школе «chemashi»")],
)
def test_the_registry_workbook_refuses_a_bad_or_taken_login(client_for, coordinator, world, login, message):
    world.school.fis_oko_login = "sch860125"
    world.school.save()
    book = workbook({SCHOOLS: [headers(SCHOOLS), _school(fis_oko_login=login)]})
    record = upload(client_for(coordinator), book, world.municipality)
    assert record.state == "rejected"
    assert any(p["column"] == "Логин ФИС ОКО" and message in p["message"] for p in record.problems), record.problems


def test_the_registry_export_has_the_login(client_for, coordinator, world):
    world.school.fis_oko_login = "sch860125"
    world.school.save()
    response = client_for(coordinator).get(reverse("registry:school-list"), {"year": "all", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell for cell in line] for line in sheet.iter_rows(values_only=True)]
    header = next(line for line in values if "Логин ФИС ОКО" in line)
    column = header.index("Логин ФИС ОКО")
    assert any(line[column] == "sch860125" for line in values)
