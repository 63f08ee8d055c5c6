"""Support events: who sees, records and changes them; filters, pagination, export, the calendar and the journal."""

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from support.models import EventParticipant, EventSchool, EventType, SupportEvent

from .conftest import make_event

pytestmark = pytest.mark.django_db
LIST = reverse("support:event-list")
CREATE = reverse("support:event-create")


def listed(client, **params):
    return [e.pk for e in client.get(LIST, params).context["page"].object_list]


def event_data(world, **changes):
    data = {
        "municipality": world.municipality.pk,
        "type": EventType.CONSULTATION,
        "format": "remote",
        "start": "2020-11-10",
        "end": "",
        "topic": "Консультация по ВПР",
        "description": "",
        "organiser_school": "",
        "organiser_municipality": world.municipality.pk,
        "organiser_text": "",
        "target_schools": [world.school.pk],
        "result": "Даны рекомендации",
    }
    return {**data, **changes}


def test_the_coordinator_sees_the_events_of_the_municipality(client_for, coordinator, event, second_event, far_event):
    assert sorted(listed(client_for(coordinator))) == sorted([event.pk, second_event.pk])


def test_the_mentor_sees_only_its_mentees_events(client_for, mentor, event, second_event, far_event):
    assert listed(client_for(mentor)) == [event.pk]


def test_the_principal_sees_the_events_of_the_school(client_for, principal, event, second_event):
    assert listed(client_for(principal)) == [event.pk]


def test_the_outsider_sees_nothing_and_gets_404_for_an_event(client_for, outsider, other_coordinator, event):
    assert listed(client_for(outsider)) == []
    assert client_for(outsider).get(event.get_absolute_url()).status_code == 404
    assert client_for(other_coordinator).get(event.get_absolute_url()).status_code == 404


def test_the_mentor_gets_404_for_an_event_of_a_school_it_does_not_mentor(client_for, mentor, second_event):
    assert client_for(mentor).get(second_event.get_absolute_url()).status_code == 404


def test_the_mentor_loses_the_events_when_the_pairing_ends(client_for, mentor, world, event):
    from registry.models import Pairing

    Pairing.objects.update(end=dt.date(2021, 8, 31), status="ended")
    assert client_for(mentor).get(event.get_absolute_url()).status_code == 404


def test_it_filters_by_type_school_dates_and_targeted(client_for, coordinator, world, event, second_event):
    targeted = make_event(
        world.municipality, [world.school], type=EventType.METHODICAL_DAY, start=dt.date(2020, 11, 20), is_targeted=True
    )
    client = client_for(coordinator)
    assert listed(client, type="methodical_day") == [targeted.pk]
    assert sorted(listed(client, school="chemashi")) == sorted([event.pk, targeted.pk])
    assert listed(client, date_from="2020-11-01", date_to="2020-11-30") == [targeted.pk]
    assert listed(client, targeted="yes") == [targeted.pk]
    assert sorted(listed(client, targeted="no")) == sorted([event.pk, second_event.pk])


def test_a_multi_day_event_is_found_by_any_of_its_days(client_for, coordinator, world):
    course = make_event(
        world.municipality, [world.school], type=EventType.COURSES, start=dt.date(2020, 8, 20), end=dt.date(2020, 9, 5)
    )
    assert listed(client_for(coordinator), date_from="2020-09-01", date_to="2020-09-30") == [course.pk]


def test_a_bad_filter_value_shows_nothing_rather_than_everything(client_for, coordinator, event):
    response = client_for(coordinator).get(LIST, {"date_from": "not-a-date"})
    assert response.status_code == 200 and list(response.context["page"].object_list) == []


def test_it_paginates(client_for, coordinator, world, settings):
    settings.REGISTRY_PAGE_SIZE = 2
    for day in range(1, 6):
        make_event(world.municipality, [world.school], start=dt.date(2020, 10, day))
    response = client_for(coordinator).get(LIST, {"page": 3})
    assert response.context["page"].paginator.num_pages == 3 and len(response.context["page"].object_list) == 1


def test_it_exports_the_filtered_list(client_for, coordinator, world, event, second_event):
    EventSchool.objects.filter(event=event).update(participants=12)
    response = client_for(coordinator).get(LIST, {"school": "chemashi", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["E5"].value == "Семинар-практикум для Чемашинской СОШ"
    assert sheet["H5"].value == "МКОУ «Чемашинская СОШ» (12)" and sheet["I5"].value == 12
    assert sheet["A6"].value is None


def test_the_calendar_places_events_on_their_days(client_for, coordinator, world, event):
    make_event(world.municipality, [world.school], start=dt.date(2020, 10, 30), end=dt.date(2020, 11, 2))
    response = client_for(coordinator).get(reverse("support:event-calendar"), {"month": "2020-10"})
    days = {cell["day"]: cell["events"] for week in response.context["weeks"] for cell in week}
    assert [e.pk for e in days[dt.date(2020, 10, 15)]] == [event.pk]
    assert len(days[dt.date(2020, 11, 1)]) == 1 and days[dt.date(2020, 10, 14)] == []
    assert response.context["count"] == 2 and response.context["month_label"] == "Октябрь 2020"
    assert response.context["previous"] == "2020-09" and response.context["following"] == "2020-11"


def test_the_calendar_survives_a_hostile_month(client_for, coordinator):
    for month in ("2020-13", "abc", "99999-01", "-1"):
        assert client_for(coordinator).get(reverse("support:event-calendar"), {"month": month}).status_code == 200


def test_the_journal_lists_only_consultations_and_prints(client_for, coordinator, world, event):
    consultation = make_event(world.municipality, [world.school], type=EventType.CONSULTATION, topic="Консультация")
    response = client_for(coordinator).get(reverse("support:consultation-journal"))
    assert [e.pk for e in response.context["events"]] == [consultation.pk]
    # It prints as the paper journal through the stylesheet's print rules (the CSP allows no inline <style>).
    assert "table-bordered journal" in response.content.decode()
    css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text()
    assert "@page { size: A4 landscape" in css and ".journal th, .journal td" in css
    export = client_for(coordinator).get(reverse("support:consultation-journal"), {"export": "xlsx"})
    assert load_workbook(io.BytesIO(export.content)).active["E5"].value == "Консультация"


def test_the_coordinator_records_an_event(client_for, coordinator, world):
    response = client_for(coordinator).post(CREATE, event_data(world))
    event = SupportEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert list(event.target_schools.all()) == [world.school] and event.created_by == coordinator


def test_an_event_ending_before_it_starts_is_refused_beside_the_field(client_for, coordinator, world):
    response = client_for(coordinator).post(CREATE, event_data(world, end="2020-11-01"))
    assert response.status_code == 200 and "end" in response.context["form"].errors
    assert not SupportEvent.objects.exists()


def test_an_event_needs_an_organiser(client_for, coordinator, world):
    response = client_for(coordinator).post(CREATE, event_data(world, organiser_municipality=""))
    assert "organiser_text" in response.context["form"].errors


def test_a_coordinator_cannot_target_a_school_of_another_municipality(client_for, coordinator, world):
    response = client_for(coordinator).post(CREATE, event_data(world, target_schools=[world.far_school.pk]))
    assert "target_schools" in response.context["form"].errors and not SupportEvent.objects.exists()


def test_the_mentor_records_an_event_for_its_mentee(client_for, mentor, world):
    data = event_data(world, organiser_school=world.mentor_school.pk)
    response = client_for(mentor).post(CREATE, data)
    assert response.status_code == 302
    event = SupportEvent.objects.get()
    assert (event.municipality, event.organiser_school) == (world.municipality, world.mentor_school)
    assert client_for(mentor).get(reverse("support:event-edit", args=[event.pk])).status_code == 200


def test_the_mentor_cannot_target_a_school_it_does_not_mentor(client_for, mentor, world):
    data = event_data(world, organiser_school=world.mentor_school.pk, target_schools=[world.second_school.pk])
    response = client_for(mentor).post(CREATE, data)
    assert "target_schools" in response.context["form"].errors and not SupportEvent.objects.exists()


def test_the_mentor_cannot_change_a_municipal_event(client_for, mentor, event):
    response = client_for(mentor).post(reverse("support:event-edit", args=[event.pk]), {"topic": "x"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.topic == "Семинар-практикум для Чемашинской СОШ"


@pytest.mark.parametrize("persona", ["inspector", "principal", "regional"])
def test_readers_cannot_record_or_change_events(client_for, request, persona, world, event):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(CREATE, event_data(world)).status_code == 403
    assert client.post(reverse("support:event-edit", args=[event.pk]), event_data(world)).status_code == 403
    assert client.post(reverse("support:event-delete", args=[event.pk])).status_code == 403
    assert client.post(reverse("support:event-counts", args=[event.pk]), {}).status_code == 403
    assert SupportEvent.objects.count() == 1


def test_the_coordinator_edits_the_target_schools_and_keeps_counts(client_for, coordinator, world, event):
    EventSchool.objects.filter(event=event).update(participants=7)
    data = event_data(world, target_schools=[world.school.pk, world.second_school.pk], type="seminar")
    response = client_for(coordinator).post(reverse("support:event-edit", args=[event.pk]), data)
    assert response.status_code == 302
    rows = dict(EventSchool.objects.filter(event=event).values_list("school__code", "participants"))
    assert rows == {"chemashi": 7, "andra": None}


def test_the_coordinator_saves_participant_counts(client_for, coordinator, world, event):
    url = reverse("support:event-counts", args=[event.pk])
    client_for(coordinator).post(url, {f"school_{world.school.pk}": "15"})
    assert EventSchool.objects.get(event=event).participants == 15
    client_for(coordinator).post(url, {f"school_{world.school.pk}": "-3"})
    assert EventSchool.objects.get(event=event).participants == 15


def test_the_coordinator_deletes_an_event(client_for, coordinator, event):
    response = client_for(coordinator).post(reverse("support:event-delete", args=[event.pk]))
    assert response.status_code == 302 and not SupportEvent.objects.exists()


def test_the_delete_answers_get_with_405(client_for, coordinator, event):
    assert client_for(coordinator).get(reverse("support:event-delete", args=[event.pk])).status_code == 405


def test_named_participants_are_shown_only_to_the_school_and_the_coordinators(
    client_for, coordinator, principal, mentor, inspector, world, event
):
    client_for(coordinator).post(
        reverse("support:participant-add", args=[event.pk]),
        {"school": world.school.pk, "full_name": "Ахременко Татьяна Андреевна", "position": "и.о. директора"},
    )
    assert EventParticipant.objects.get().full_name == "Ахременко Татьяна Андреевна"
    for user, sees in ((coordinator, True), (principal, True), (mentor, False), (inspector, False)):
        page = client_for(user).get(event.get_absolute_url()).content.decode()
        assert ("Ахременко" in page) is sees, user


def test_a_mentor_cannot_add_named_participants_of_its_mentee(client_for, mentor, world):
    event = make_event(world.municipality, [world.school], organiser_school=world.mentor_school)
    response = client_for(mentor).post(
        reverse("support:participant-add", args=[event.pk]), {"school": world.school.pk, "full_name": "Иванова"}
    )
    assert response.status_code == 403 and not EventParticipant.objects.exists()


def test_the_school_mentoring_tab_lists_the_events_the_reader_may_see(client_for, coordinator, mentor, world, event):
    url = reverse("support:school-mentoring-tab", kwargs={"code": "chemashi"})
    assert event.topic in client_for(coordinator).get(url).content.decode()
    assert event.topic in client_for(mentor).get(url).content.decode()
    other = make_event(world.municipality, [world.second_school], topic="Совещание только для Андры")
    andra = reverse("support:school-mentoring-tab", kwargs={"code": "andra"})
    assert other.topic in client_for(coordinator).get(andra).content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_for_3_and_30_events(
    client_for, coordinator, world, count, django_assert_max_num_queries
):
    schools = [world.school, world.second_school, world.mentor_school]
    for index in range(count):
        make_event(world.municipality, schools, start=dt.date(2020, 10, 1) + dt.timedelta(days=index))
    client = client_for(coordinator)
    client.get(LIST)  # warm the session and the user's scope
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == count
    with django_assert_max_num_queries(12):
        client.get(reverse("support:event-calendar"), {"month": "2020-10"})
    with django_assert_max_num_queries(12):
        client.get(LIST, {"export": "xlsx"})


def test_it_offers_the_schools_of_the_scope_in_the_school_filter_with_the_chosen_one_selected(
    client_for, coordinator, world, event
):
    body = client_for(coordinator).get(LIST, {"school": "chemashi"}).content.decode()
    select = re.search(r'<select[^>]*name="school"[^>]*>(.*?)</select>', body, re.S).group(1)
    assert '<option value="chemashi" selected>МКОУ «Чемашинская СОШ»</option>' in select
    assert world.mentor_school.short_name in select and world.far_school.short_name not in select


def test_it_writes_a_row_per_event_with_the_targeted_badge_participants_and_escaped_topic(
    client_for, coordinator, world
):
    event = make_event(
        world.municipality, [world.school, world.second_school], topic='<script>alert("t")</script>', is_targeted=True
    )
    EventSchool.objects.filter(event=event, school=world.school).update(participants=12)
    html = client_for(coordinator).get(LIST).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html
    assert ' <span class="badge text-bg-warning">адресная</span>' in html
    assert f'<div>{world.school.short_name} <span class="text-muted">(12)</span></div>' in html
    assert f"<div>{world.second_school.short_name}</div>" in html
    empty = make_event(world.municipality, [], topic="Без школ")
    html = client_for(coordinator).get(LIST).content.decode()
    assert f'<a href="{empty.get_absolute_url()}">Без школ</a></td>' in html
    assert html.count('<td class="small">—</td></tr>') == 1
