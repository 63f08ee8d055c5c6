import datetime as dt

import pytest
from django.urls import reverse

from registry.models import Listing, Status
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


def create_url(code):
    return reverse("registry:listing-create", kwargs={"code": code})


VALID = {
    "status": Status.SHNOR,
    "start": "2020-09-01",
    "end": "2021-08-31",
    "basis": "приказ Департамента образования №1000 от 01.09.2020",
    "basis_number": "1000",
    "basis_date": "2020-09-01",
    "support_model": "",
    "note": "продлено",
}


def test_it_adds_a_listing_with_its_basis(client_for, coordinator, world):
    response = client_for(coordinator).post(create_url("chemashi"), VALID)
    assert response.status_code == 302
    listing = world.school.listings.get(start=dt.date(2020, 9, 1))
    assert listing.basis_number == "1000" and listing.end == dt.date(2021, 8, 31)
    assert listing.history.first().history_user == coordinator


def test_it_refuses_an_end_before_the_start_next_to_the_field(client_for, coordinator, world):
    response = client_for(coordinator).post(create_url("chemashi"), {**VALID, "end": "2020-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["end"] == ["Дата окончания не может быть раньше даты начала."]
    assert world.school.listings.count() == 1


def test_it_refuses_an_overlapping_listing_of_the_same_status(client_for, coordinator, world):
    response = client_for(coordinator).post(create_url("chemashi"), {**VALID, "start": "2020-03-01"})
    assert response.status_code == 200
    assert "пересекающийся период" in response.context["form"].errors["start"][0]


def test_it_requires_a_basis(client_for, coordinator, world):
    response = client_for(coordinator).post(create_url("chemashi"), {**VALID, "basis": "", "basis_number": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["basis"]


def test_it_allows_two_statuses_over_the_same_period(client_for, coordinator, world):
    response = client_for(coordinator).post(
        create_url("chemashi"),
        {**VALID, "status": Status.STABLE_LOW, "start": "2019-12-02", "end": "2020-08-31"},
    )
    assert response.status_code == 302
    assert world.school.listings.count() == 2


def test_it_edits_and_deletes_a_listing_keeping_history(client_for, coordinator, world):
    listing = world.school.listings.get()
    client = client_for(coordinator)
    response = client.post(
        reverse("registry:listing-update", kwargs={"pk": listing.pk}),
        {**VALID, "start": "2019-12-02", "end": "2020-08-31", "note": "исправлено"},
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.note == "исправлено"
    assert client.get(reverse("registry:listing-delete", kwargs={"pk": listing.pk})).status_code == 405
    assert client.post(reverse("registry:listing-delete", kwargs={"pk": listing.pk})).status_code == 302
    assert not Listing.objects.filter(pk=listing.pk).exists()
    assert Listing.history.filter(id=listing.pk, history_type="-").get().history_user == coordinator


@pytest.mark.parametrize("persona", ["inspector", "principal", "regional", "mentor"])
def test_it_forbids_read_only_users(client_for, request, world, persona):
    client = client_for(request.getfixturevalue(persona))
    listing = world.school.listings.get()
    assert client.post(create_url("chemashi"), VALID).status_code == 403
    assert client.post(reverse("registry:listing-delete", kwargs={"pk": listing.pk})).status_code == 403
    assert Listing.objects.filter(pk=listing.pk).exists()


def test_it_answers_404_outside_the_scope(client_for, other_coordinator, world):
    client = client_for(other_coordinator)
    listing = world.school.listings.get()
    assert client.post(create_url("chemashi"), VALID).status_code == 404
    assert client.post(reverse("registry:listing-delete", kwargs={"pk": listing.pk})).status_code == 404
    assert client.get(reverse("registry:listing-update", kwargs={"pk": listing.pk})).status_code == 404


def test_it_excludes_a_school_with_basis_and_records_who_did_it(client_for, coordinator, world):
    listing = world.mentor_school.listings.get()
    url = reverse("registry:listing-exclude", kwargs={"pk": listing.pk})
    response = client_for(coordinator).post(url, {"end": "2021-08-31", "end_basis": "приказ №210 от 31.08.2021"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.end, listing.end_basis) == (dt.date(2021, 8, 31), "приказ №210 от 31.08.2021")
    record = listing.history.first()
    assert record.history_user == coordinator and record.end == dt.date(2021, 8, 31)
    page = client_for(coordinator).get(
        reverse("registry:school-tab", kwargs={"code": "peregrebnoe-1", "tab": "listings"})
    )
    assert "исключена: приказ №210 от 31.08.2021" in page.content.decode()
    history = client_for(coordinator).get(
        reverse("registry:school-tab", kwargs={"code": "peregrebnoe-1", "tab": "history"})
    )
    assert "основание исключения" in history.content.decode()


def test_it_refuses_an_exclusion_before_the_start_or_without_basis(client_for, coordinator, world):
    listing = world.mentor_school.listings.get()
    url = reverse("registry:listing-exclude", kwargs={"pk": listing.pk})
    response = client_for(coordinator).post(url, {"end": "2019-01-01", "end_basis": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["end"] == ["Дата окончания не может быть раньше даты начала."] and errors["end_basis"]
    listing.refresh_from_db()
    assert listing.end is None


@pytest.mark.parametrize(
    ("persona", "status"), [("inspector", 403), ("mentor", 403), ("principal", 404), ("other_coordinator", 404)]
)
def test_only_the_coordinator_excludes(client_for, request, world, persona, status):
    listing = world.mentor_school.listings.get()
    url = reverse("registry:listing-exclude", kwargs={"pk": listing.pk})
    client = client_for(request.getfixturevalue(persona))
    assert client.post(url, {"end": "2021-08-31", "end_basis": "приказ"}).status_code == status
    listing.refresh_from_db()
    assert listing.end is None


def test_an_exclusion_that_would_overlap_a_later_listing_is_an_error_next_to_the_field(client_for, coordinator, world):
    first = world.school.listings.get()
    ListingFactory(school=world.school, start=dt.date(2020, 9, 1), end=dt.date(2021, 8, 31))
    url = reverse("registry:listing-exclude", kwargs={"pk": first.pk})
    response = client_for(coordinator).post(url, {"end": "2021-01-01", "end_basis": "приказ №1"})
    assert response.status_code == 200
    assert "пересекающийся период" in " ".join(response.context["form"].errors["end"])
    first.refresh_from_db()
    assert first.end == dt.date(2020, 8, 31)
