"""The audit trail page: who changed what and when, before → after, for the reader's scope only; filters, export,
links to the objects, a bounded number of queries."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from registry.models import Listing
from shnor_portal.audit.models import AuditEntry
from tests.test_hostile_parameters import HOSTILE

pytestmark = pytest.mark.django_db
LIST = reverse("audit-list")


def edit_school(client, school, **changes):
    """Post the school's form with its current values and `changes`, as the edit page would."""
    school.refresh_from_db()
    data = {
        "municipality": school.municipality_id,
        "code": school.code,
        "short_name": school.short_name,
        "name": school.name,
        "type": "sosh",
        "settlement": school.settlement,
        "director": school.director,
        **({"is_rural": "on"} if school.is_rural else {}),
        **changes,
    }
    response = client.post(reverse("registry:school-update", kwargs={"code": school.code}), data)
    assert response.status_code == 302, response.content.decode()[:500]


def shown(client, **params):
    return list(client.get(LIST, params).context["page"].object_list)


def test_it_shows_a_coordinators_edit_with_the_values_before_and_after(client_for, coordinator, world):
    client = client_for(coordinator)
    edit_school(client, world.school, settlement="с. Чемаши", director="Петрова Анна Ивановна")
    edit_school(client, world.school, settlement="д. Новые Чемаши")

    response = client.get(LIST)
    assert response.status_code == 200
    latest = response.context["page"].object_list[0]
    assert (latest.kind, latest.object_repr, latest.action, latest.actor) == (
        "школа",
        "МКОУ «Чемашинская СОШ»",
        "changed",
        coordinator,
    )
    assert latest.changes == [
        {"field": "settlement", "label": "населённый пункт", "before": "с. Чемаши", "after": "д. Новые Чемаши"}
    ]
    page = response.content.decode()
    assert "д. Новые Чемаши" in page and "Петрова Анна Ивановна" in page
    # The school opens from its entry.
    assert f'href="{world.school.get_absolute_url()}"' in page


def test_it_shows_a_changed_link_by_name_and_escapes_values(client_for, administrator, world):
    client = client_for(administrator)
    edit_school(client, world.school, municipality=world.neighbour.pk, settlement='<script>alert("x")</script>')
    entry = AuditEntry.objects.filter(object_id=str(world.school.pk), action="changed").get()
    assert {
        "field": "municipality",
        "label": "муниципалитет",
        "before": "Октябрьский район",
        "after": "Берёзовский район",
    } in entry.changes
    page = client.get(LIST).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_it_truncates_long_values_in_the_list_and_keeps_them_whole_on_hover(client_for, coordinator, world):
    client = client_for(coordinator)
    long_name = "Муниципальное казённое общеобразовательное учреждение " * 4
    edit_school(client, world.school, name=long_name.strip())
    page = client.get(LIST).content.decode()
    assert f'title="{long_name.strip()}"' in page
    assert long_name.strip()[:79] + "…" in page


def test_a_save_that_changes_nothing_leaves_no_entry(coordinator, world):
    before = AuditEntry.objects.count()
    world.school.save()
    assert AuditEntry.objects.count() == before


def test_a_deleted_object_no_longer_links_from_its_entries(client_for, coordinator, world):
    listing = world.school.listings.get()
    listing_url = reverse("registry:school-tab", kwargs={"code": "chemashi", "tab": "listings"})
    entries = AuditEntry.objects.filter(content_type__model="listing", object_id=str(listing.pk))
    assert set(entries.values_list("url", flat=True)) == {listing_url}
    listing.delete()
    assert entries.filter(action="deleted").exists()
    assert set(entries.values_list("url", flat=True)) == {""}
    assert not Listing.objects.filter(pk=listing.pk).exists()


# --- Scope


def test_each_reader_sees_only_the_entries_of_their_scope(
    client_for, coordinator, other_coordinator, regional, inspector, principal, mentor, administrator, world
):
    edit_school(client_for(coordinator), world.second_school, settlement="с. Андра")
    edit_school(client_for(other_coordinator), world.far_school, settlement="с. Новопавшино")
    edit_school(client_for(administrator), world.neighbour_school, settlement="пгт Берёзово")

    def schools_seen(user):
        return {e.object_repr for e in shown(client_for(user), kind="registry.school") if e.action == "changed"}

    andra, far, berezovo = (
        world.second_school.short_name,
        world.far_school.short_name,
        world.neighbour_school.short_name,
    )
    assert schools_seen(coordinator) == {andra}
    assert schools_seen(inspector) == {andra}
    assert schools_seen(other_coordinator) == {far}
    assert schools_seen(regional) == {andra, berezovo}
    assert schools_seen(administrator) == {andra, far, berezovo}
    # A principal reads its own school's entries only (andra is another school of the same municipality).
    assert schools_seen(principal) == set()
    assert {e.school_id for e in shown(client_for(principal))} == {world.school.pk}
    assert {e.school_id for e in shown(client_for(mentor))} == {world.mentor_school.pk}


def test_people_of_other_municipalities_are_not_offered_in_the_person_filter(
    client_for, coordinator, other_coordinator, world
):
    edit_school(client_for(other_coordinator), world.far_school, settlement="с. Новопавшино")
    edit_school(client_for(coordinator), world.school, settlement="с. Чемаши")
    people = dict(client_for(coordinator).get(LIST).context["form"].fields["person"].choices)
    assert coordinator.pk in people and other_coordinator.pk not in people
    # Asking for them anyway finds nothing (the choice is refused and the list stays in scope).
    entries = shown(client_for(coordinator), person=other_coordinator.pk)
    assert entries and all(e.municipality_id == world.municipality.pk for e in entries)


def test_entries_about_teachers_stay_with_the_school_and_its_coordinators(
    client_for, coordinator, principal, inspector, regional, mentor, world
):
    from support.models import Teacher

    Teacher.objects.create(school=world.school, full_name="Ахременко Татьяна Андреевна", position="учитель")
    for user, sees in ((coordinator, True), (principal, True), (inspector, False), (regional, False), (mentor, False)):
        repr_seen = {e.object_repr for e in shown(client_for(user), kind="support.teacher")}
        assert ("Ахременко Татьяна Андреевна" in repr_seen) is sees, user


@pytest.mark.parametrize("persona", ["outsider"])
def test_users_without_a_scope_get_403(client_for, request, persona):
    assert client_for(request.getfixturevalue(persona)).get(LIST).status_code == 403


def test_the_list_refuses_post(client_for, coordinator):
    assert client_for(coordinator).post(LIST).status_code == 405


def test_the_menu_offers_the_trail_to_its_readers_only(client_for, coordinator, outsider):
    assert LIST in client_for(coordinator).get(reverse("dashboard")).content.decode()
    assert LIST not in client_for(outsider).get(reverse("dashboard")).content.decode()


# --- Filters


def test_it_filters_by_kind_person_and_dates(client_for, coordinator, administrator, world):
    edit_school(client_for(coordinator), world.school, settlement="с. Чемаши")
    edit_school(client_for(administrator), world.second_school, settlement="с. Андра")
    old = AuditEntry.objects.get(object_id=str(world.school.pk), action="changed")
    AuditEntry.objects.filter(pk=old.pk).update(timestamp=timezone.make_aware(dt.datetime(2021, 3, 10, 12)))
    client = client_for(coordinator)

    kinds = {e.kind for e in shown(client, kind="registry.listing")}
    assert kinds == {"запись реестра"}
    by_coordinator = shown(client, person=coordinator.pk)
    assert [e.pk for e in by_coordinator] == [old.pk]
    by_administrator = shown(client, person=administrator.pk, kind="registry.school")
    assert [e.object_repr for e in by_administrator] == [world.second_school.short_name]
    in_2021 = shown(client, date_from="2021-03-01", date_to="2021-03-31")
    assert [e.pk for e in in_2021] == [old.pk]
    assert old.pk not in {e.pk for e in shown(client, date_from=str(timezone.localdate()))}


def test_an_inverted_date_range_is_said_beside_the_field(client_for, coordinator):
    response = client_for(coordinator).get(LIST, {"date_from": "2022-01-01", "date_to": "2021-01-01"})
    assert response.status_code == 200 and "date_to" in response.context["form"].errors


def test_a_filter_that_finds_nothing_says_so(client_for, coordinator, world):
    response = client_for(coordinator).get(LIST, {"date_from": "2001-01-01", "date_to": "2001-01-02"})
    assert response.context["page"].paginator.count == 0
    assert "Ничего не найдено" in response.content.decode()


# --- Export


def test_it_exports_exactly_the_filtered_entries(client_for, coordinator, other_coordinator, world):
    edit_school(client_for(coordinator), world.school, settlement="с. Чемаши", director="Петрова А. И.")
    edit_school(client_for(other_coordinator), world.far_school, settlement='=HYPERLINK("x")')
    client = client_for(coordinator)
    response = client.get(LIST, {"kind": "registry.school", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(min_row=5, values_only=True)]
    changed = sorted((row[3], row[5], row[6], row[7]) for row in rows if row[4] == "изменено")
    assert changed == [
        ("МКОУ «Чемашинская СОШ»", "директор", None, "Петрова А. И."),
        ("МКОУ «Чемашинская СОШ»", "населённый пункт", "с. Тестовое", "с. Чемаши"),
    ]
    assert all(row[2] == "школа" for row in rows)
    assert world.far_school.short_name not in {row[3] for row in rows}
    # One row per changed field of every filtered entry: as many as the page's entries hold.
    entries = client.get(LIST, {"kind": "registry.school"}).context["page"].paginator.object_list
    assert len(rows) == sum(max(len(e.changes), 1) for e in entries)


# --- Cost


def test_the_page_costs_a_bounded_number_of_queries(
    client_for, coordinator, world, settings, django_assert_max_num_queries
):
    settings.AUDIT_PAGE_SIZE = 20
    client = client_for(coordinator)
    for n in range(30):
        edit_school(client, world.school, settlement=f"с. Вариант {n}")
    client.get(LIST)  # warm the content-type cache and the session
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert response.context["page"].paginator.count > 30
    assert len(response.context["page"].object_list) == 20  # paginated
    assert response.context["page"].paginator.num_pages == 2
    with django_assert_max_num_queries(10):
        assert client.get(LIST, {"export": "xlsx"}).status_code == 200


@pytest.mark.parametrize("name", ["kind", "person", "date_from", "date_to", "page"])
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filters_never_break_the_page_nor_widen_the_scope(
    client_for, coordinator, other_coordinator, world, name, value
):
    edit_school(client_for(other_coordinator), world.far_school, settlement="с. Новопавшино")
    client = client_for(coordinator)
    response = client.get(LIST, {name: value})
    assert response.status_code == 200
    assert all(e.municipality_id == world.municipality.pk for e in response.context["page"].object_list)
    assert client.get(LIST, {name: value, "export": "xlsx"}).status_code == 200
