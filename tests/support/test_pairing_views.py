"""Pairing pages: the network table and diagram, the detail, create/edit/end/renew for the coordinators."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry.models import Pairing, PairingStatus
from tests.factories import PairingFactory, SchoolFactory

pytestmark = pytest.mark.django_db
LIST = reverse("support:pairing-list")


@pytest.fixture
def pairing(world):
    return Pairing.objects.get(mentee=world.school)


@pytest.fixture
def far_pairing(world):
    return PairingFactory(mentor=SchoolFactory(municipality=world.far), mentee=world.far_school)


def form_data(world, **changes):
    data = {
        "mentee": world.second_school.pk,
        "mentor": world.mentor_school.pk,
        "agreement_number": "12",
        "agreement_date": "2021-09-01",
        "basis": "приказ №1 от 01.09.2021",
        "start": "2021-09-01",
        "end": "",
        "goals": "",
        "support_model": "",
    }
    return {**data, **changes}


def test_it_lists_only_the_pairings_in_scope(client_for, coordinator, other_coordinator, far_pairing, pairing):
    mine = client_for(coordinator).get(LIST)
    assert [p.pk for p in mine.context["page"].object_list] == [pairing.pk]
    theirs = client_for(other_coordinator).get(LIST)
    assert [p.pk for p in theirs.context["page"].object_list] == [far_pairing.pk]


def test_it_writes_a_row_per_pairing_with_the_mentor_municipality_when_it_crosses_and_escapes_text(
    client_for, coordinator, world, pairing
):
    pairing.basis = '<img src=x onerror="alert(1)">'
    pairing.save()
    far_mentor = SchoolFactory(municipality=world.far, short_name="Дальняя & Co")
    PairingFactory(mentor=far_mentor, mentee=world.second_school, cross_municipality=True)
    html = client_for(coordinator).get(LIST).content.decode()
    assert html.count('<span class="badge text-bg-') == 2
    assert f'<div class="small text-muted">наставник из {world.far.name}</div>' in html
    assert "Дальняя &amp; Co" in html and "<img" not in html and "&lt;img src=x" in html
    assert f'<a href="{pairing.get_absolute_url()}">{pairing.agreement_label}</a>' in html


def test_it_shows_the_mentor_its_own_pairings_and_nothing_for_an_outsider(client_for, mentor, outsider, pairing):
    assert [p.pk for p in client_for(mentor).get(LIST).context["page"].object_list] == [pairing.pk]
    assert list(client_for(outsider).get(LIST).context["page"].object_list) == []


def test_it_filters_by_status_and_search(client_for, coordinator, world, pairing):
    PairingFactory(
        mentor=world.mentor_school, mentee=world.second_school, status=PairingStatus.ENDED, end=dt.date(2021, 1, 1)
    )
    client = client_for(coordinator)
    ended = client.get(LIST, {"status": "ended"}).context["page"].object_list
    assert [p.mentee for p in ended] == [world.second_school]
    found = client.get(LIST, {"q": "Чемашин"}).context["page"].object_list
    assert [p.pk for p in found] == [pairing.pk]
    nothing = client.get(LIST, {"q": "нет такой"})
    assert "Ничего не найдено" in nothing.content.decode()


def test_it_paginates(client_for, coordinator, world, settings):
    settings.REGISTRY_PAGE_SIZE = 2
    for _ in range(3):
        PairingFactory(mentor=world.mentor_school, mentee=SchoolFactory(municipality=world.municipality))
    response = client_for(coordinator).get(LIST, {"page": 2})
    assert response.context["page"].paginator.num_pages == 2 and len(response.context["page"].object_list) == 2


def test_it_exports_the_filtered_table(client_for, coordinator, pairing):
    response = client_for(coordinator).get(LIST, {"q": "Чемаш", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A5"].value == "МКОУ «Перегребинская СОШ №1»" and sheet["B5"].value == "МКОУ «Чемашинская СОШ»"
    assert sheet["A6"].value is None
    assert "Поиск: Чемаш" in sheet["A2"].value


def test_it_draws_the_network_as_svg(client_for, coordinator, pairing):
    response = client_for(coordinator).get(reverse("support:pairing-diagram"))
    svg = str(response.context["svg"])
    assert svg.startswith("<svg") and "Перегребинская" in svg and "Чемашинская" in svg and "marker-end" in svg


def test_it_answers_a_post_to_the_list_with_405(client_for, coordinator):
    assert client_for(coordinator).post(LIST).status_code == 405


def test_it_hides_a_pairing_out_of_scope_with_404(client_for, other_coordinator, outsider, pairing):
    url = reverse("support:pairing-detail", args=[pairing.pk])
    assert client_for(other_coordinator).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


def test_it_shows_the_detail_to_readers_in_scope(client_for, inspector, mentor, principal, pairing):
    url = reverse("support:pairing-detail", args=[pairing.pk])
    for user in (inspector, mentor, principal):
        response = client_for(user).get(url)
        assert response.status_code == 200 and not response.context["can_change"]


def test_the_coordinator_creates_a_pairing(client_for, coordinator, world):
    response = client_for(coordinator).post(reverse("support:pairing-create"), form_data(world))
    created = Pairing.objects.get(mentee=world.second_school)
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert (created.agreement_number, created.start, created.status) == ("12", dt.date(2021, 9, 1), "active")


def test_an_overlapping_agreement_is_refused_beside_the_start(client_for, coordinator, world):
    response = client_for(coordinator).post(reverse("support:pairing-create"), form_data(world, mentee=world.school.pk))
    assert response.status_code == 200
    assert "пересекающийся период" in str(response.context["form"].errors["start"])
    assert Pairing.objects.filter(mentee=world.school).count() == 1


def test_a_mentor_of_another_municipality_needs_the_flag(client_for, coordinator, world):
    data = form_data(world, mentor=world.neighbour_school.pk)
    response = client_for(coordinator).post(reverse("support:pairing-create"), data)
    assert "mentor" in response.context["form"].errors
    response = client_for(coordinator).post(reverse("support:pairing-create"), {**data, "cross_municipality": "on"})
    assert response.status_code == 302 and Pairing.objects.get(mentee=world.second_school).cross_municipality


def test_a_coordinator_cannot_pair_a_school_of_another_municipality(client_for, coordinator, world):
    response = client_for(coordinator).post(
        reverse("support:pairing-create"), form_data(world, mentee=world.far_school.pk)
    )
    assert "mentee" in response.context["form"].errors


@pytest.mark.parametrize("persona", ["inspector", "principal", "mentor", "regional"])
def test_readers_cannot_create_edit_end_or_renew(client_for, request, persona, world, pairing):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(reverse("support:pairing-create"), form_data(world)).status_code == 403
    for name in ("pairing-update", "pairing-end", "pairing-renew"):
        assert client.post(reverse(f"support:{name}", args=[pairing.pk]), {"end": "2021-08-31"}).status_code == 403
    pairing.refresh_from_db()
    assert (pairing.status, pairing.end) == ("active", None) and Pairing.objects.count() == 1


def test_the_coordinator_edits_the_agreement_but_not_the_pair(client_for, coordinator, world, pairing):
    data = form_data(world, mentee=world.second_school.pk, agreement_number="3/2020", start="2020-05-20")
    response = client_for(coordinator).post(reverse("support:pairing-update", args=[pairing.pk]), data)
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert (pairing.agreement_number, pairing.mentee) == ("3/2020", world.school)


def test_the_coordinator_ends_an_agreement(client_for, coordinator, pairing):
    response = client_for(coordinator).post(reverse("support:pairing-end", args=[pairing.pk]), {"end": "2021-08-31"})
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert (pairing.status, pairing.end) == ("ended", dt.date(2021, 8, 31))


def test_ending_before_the_start_shows_the_error_beside_the_field(client_for, coordinator, pairing):
    response = client_for(coordinator).post(reverse("support:pairing-end", args=[pairing.pk]), {"end": "2019-01-01"})
    assert response.status_code == 200 and "end" in response.context["form"].errors
    pairing.refresh_from_db()
    assert pairing.status == "active"


def test_the_coordinator_renews_an_agreement(client_for, coordinator, pairing):
    response = client_for(coordinator).post(
        reverse("support:pairing-renew", args=[pairing.pk]),
        {
            "agreement_number": "5",
            "agreement_date": "2021-09-01",
            "start": "2021-09-01",
            "end": "2022-08-31",
            "basis": "x",
        },
    )
    new = Pairing.objects.get(renewed_from=pairing)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    pairing.refresh_from_db()
    assert (pairing.status, pairing.end) == ("renewed", dt.date(2021, 8, 31))
    detail = client_for(coordinator).get(new.get_absolute_url())
    assert [a.pk for a in detail.context["agreements"]] == [new.pk, pairing.pk]


def test_a_renewal_with_bad_dates_shows_the_error_and_changes_nothing(client_for, coordinator, pairing):
    response = client_for(coordinator).post(
        reverse("support:pairing-renew", args=[pairing.pk]),
        {"start": "2021-09-01", "end": "2021-01-01"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    pairing.refresh_from_db()
    assert pairing.status == "active" and Pairing.objects.count() == 1


def pair_plan(pairing, title, **values):
    from roadmaps.models import Plan

    return Plan.objects.create(
        level="pair",
        municipality=pairing.mentee.municipality,
        pairing=pairing,
        title=title,
        period_start=values.pop("period_start", dt.date(2020, 9, 1)),
        period_end=values.pop("period_end", dt.date(2021, 8, 31)),
        **values,
    )


def test_the_detail_lists_the_joint_plans_of_this_pairing(client_for, coordinator, mentor, principal, world, pairing):
    plan = pair_plan(pairing, "Совместный план Перегребинской №1 и Чемашинской")
    other_pair = PairingFactory(mentor=world.mentor_school, mentee=world.second_school)
    pair_plan(other_pair, "План другой пары")
    for user in (coordinator, mentor, principal):
        # The pairing page loads the pair's plans from roadmaps (they are its data), as an htmx fragment.
        page = client_for(user).get(pairing.get_absolute_url()).content.decode()
        assert f'hx-get="{plans_url(pairing)}"' in page
        response = client_for(user).get(plans_url(pairing), headers={"HX-Request": "true"})
        assert list(response.context["plans"]) == [plan]
        html = response.content.decode()
        assert reverse("roadmaps:plan-detail", args=[plan.pk]) in html and "План другой пары" not in html


def test_only_the_coordinator_gets_the_link_to_a_new_joint_plan(client_for, coordinator, mentor, inspector, pairing):
    link = f"/roadmaps/new/?level=pair&amp;pairing={pairing.pk}"
    page = client_for(coordinator).get(plans_url(pairing))
    assert link in page.content.decode() and "Создать совместный план" in page.content.decode()
    assert "Пока у пары нет совместного плана." in page.content.decode()
    for reader in (mentor, inspector):
        assert link not in client_for(reader).get(plans_url(pairing)).content.decode()


def test_the_pair_plans_without_javascript_are_a_page_and_outside_scope_a_404(
    client_for, coordinator, other_coordinator, pairing, django_assert_max_num_queries
):
    plan = pair_plan(pairing, "Совместный план")
    html = client_for(coordinator).get(plans_url(pairing)).content.decode()
    assert "<html" in html and plan.title in html and pairing.get_absolute_url() in html
    client = client_for(coordinator)
    for title in ("Ещё один план", "И ещё один"):
        pair_plan(pairing, title)
    with django_assert_max_num_queries(6):
        fragment = client.get(plans_url(pairing), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and plan.title in fragment and "И ещё один" in fragment
    assert client_for(other_coordinator).get(plans_url(pairing)).status_code == 404
    assert client_for(coordinator).post(plans_url(pairing)).status_code == 405


def plans_url(pairing):
    return reverse("roadmaps:pairing-plans", args=[pairing.pk])


def test_it_shows_each_pairing_status_as_a_badge_of_its_colour(client_for, coordinator, world, pairing):
    PairingFactory(
        mentor=world.mentor_school,
        mentee=world.second_school,
        start=dt.date(2019, 9, 1),
        end=dt.date(2020, 8, 31),
        status=PairingStatus.ENDED,
    )
    body = client_for(coordinator).get(LIST).content.decode()
    assert f'<span class="badge text-bg-success">{PairingStatus.ACTIVE.label}</span>' in body
    assert f'<span class="badge text-bg-secondary">{PairingStatus.ENDED.label}</span>' in body
    detail = client_for(coordinator).get(reverse("support:pairing-detail", args=[pairing.pk])).content.decode()
    assert f'<span class="badge text-bg-success">{PairingStatus.ACTIVE.label}</span>' in detail


@pytest.mark.parametrize("persona", ["coordinator", "principal", "mentor", "inspector"])
def test_every_school_it_links_opens_for_the_reader_and_the_others_are_named(request, client_for, persona, pairing):
    """A pairing is seen by both its schools, a school's page by its own readers only: a link the reader could not
    open (404) is a name without a link."""
    import re

    client = client_for(request.getfixturevalue(persona))
    html = client.get(LIST).content.decode()
    row = html[html.index("<tbody>") : html.index("</tbody>")]
    links = re.findall(r'href="(/registry/schools/[^"/]+/)"', row)
    for link in links:
        assert client.get(link).status_code == 200, link
    for school in (pairing.mentor, pairing.mentee):
        assert school.short_name in row
    if persona == "coordinator":
        assert len(links) == 2
