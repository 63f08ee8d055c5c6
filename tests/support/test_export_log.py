"""Exports of named lists (teachers, the risk group, named participants) are logged in the same request; the log is
read by the municipality's coordinators and the administrator, paginated, filtered and exported itself (not logged)."""

import datetime as dt
import io

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from support.models import EventParticipant, ExportKind, ExportLog, Teacher
from tests.factories import SchoolFactory

from .conftest import make_event
from .test_competency import diagnose

pytestmark = pytest.mark.django_db
LOG = reverse("support:export-log")


def sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


@pytest.fixture
def teachers(world):
    weak = Teacher.objects.create(school=world.school, full_name="Алексеева Н.В.", subjects="русский язык")
    good = Teacher.objects.create(school=world.school, full_name="Ильина О.Н.", subjects="биология")
    Teacher.objects.create(school=world.school, full_name="Фанова В.Г.", subjects="русский язык", is_active=False)
    diagnose(weak, dt.date(2021, 5, 14), lambda c, r: 0)
    diagnose(good, dt.date(2021, 5, 14), lambda c, r: 2)
    return weak, good


def test_the_teacher_list_export_is_logged_with_its_filters(client_for, principal, world, teachers):
    url = reverse("support:teacher-list", args=["chemashi"])
    response = client_for(principal).get(url, {"q": "русский", "export": "xlsx"})
    assert response.status_code == 200
    names = [row[0] for row in sheet(response).iter_rows(min_row=5, values_only=True)]
    assert names == ["Алексеева Н.В.", "Фанова В.Г."]
    entry = ExportLog.objects.get()
    assert (entry.user, entry.username, entry.kind, entry.rows) == (principal, "principal", ExportKind.TEACHERS, 2)
    assert (entry.school, entry.municipality, entry.params) == (world.school, world.municipality, {"q": "русский"})
    assert timezone.now() - entry.created_at < dt.timedelta(minutes=1)


def test_the_risk_group_export_is_logged_and_names_the_critical_teachers(client_for, coordinator, world, teachers):
    url = reverse("support:school-competencies", args=["chemashi"])
    response = client_for(coordinator).get(url, {"export": "risk_group"})
    rows = list(sheet(response).iter_rows(min_row=5, values_only=True))
    assert [(row[0], row[3]) for row in rows] == [("Алексеева Н.В.", 0.0)]
    entry = ExportLog.objects.get()
    assert (entry.kind, entry.rows, entry.school, entry.user) == (ExportKind.RISK_GROUP, 1, world.school, coordinator)


@pytest.mark.parametrize("persona", ["mentor", "inspector", "regional"])
def test_readers_of_the_school_get_the_distribution_but_not_the_names(client_for, request, persona, teachers):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("support:school-competencies", args=["chemashi"])
    assert client.get(url, {"export": "risk_group"}).status_code == 403
    assert client.get(reverse("support:teacher-list", args=["chemashi"]), {"export": "xlsx"}).status_code == 403
    response = client.get(url, {"export": "xlsx"})
    cells = [cell for row in sheet(response).iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    assert response.status_code == 200 and not any("Алексеева" in cell for cell in cells)
    assert not ExportLog.objects.exists()  # the distribution names nobody


def test_the_named_participants_export_is_logged(client_for, coordinator, principal, mentor, world, event):
    EventParticipant.objects.create(event=event, school=world.school, full_name="Ахременко Т.А.", position="и.о.")
    url = reverse("support:participants-export", args=[event.pk])
    response = client_for(coordinator).get(url)
    assert [row[0] for row in sheet(response).iter_rows(min_row=5, values_only=True)] == ["Ахременко Т.А."]
    entry = ExportLog.objects.get()
    assert (entry.kind, entry.rows, entry.municipality, entry.params) == (
        ExportKind.PARTICIPANTS,
        1,
        world.municipality,
        {"event": event.pk},
    )
    assert client_for(principal).get(url).status_code == 200 and ExportLog.objects.count() == 2
    assert client_for(mentor).get(url).status_code == 403 and ExportLog.objects.count() == 2


def test_participants_are_logged_under_the_municipality_of_their_schools(client_for, coordinator, administrator, world):
    """An event of the neighbour municipality with participants of two municipalities: one log row per municipality of
    the participants' schools, with its own row count, so each municipality's coordinators see their people leave."""
    from tests.factories import PairingFactory

    PairingFactory(mentor=world.neighbour_school, mentee=world.second_school, cross_municipality=True)
    event = make_event(world.neighbour, [world.second_school, world.neighbour_school])
    EventParticipant.objects.create(event=event, school=world.second_school, full_name="Персональная Г.Г.")
    EventParticipant.objects.create(event=event, school=world.second_school, full_name="Личная Д.Д.")
    EventParticipant.objects.create(event=event, school=world.neighbour_school, full_name="Соседова Е.Е.")
    url = reverse("support:participants-export", args=[event.pk])
    assert client_for(coordinator).get(url).status_code == 200  # the owner's coordinator: its two participants
    [entry] = ExportLog.objects.all()
    assert (entry.municipality, entry.school, entry.rows) == (world.municipality, world.second_school, 2)
    ExportLog.objects.all().delete()
    response = client_for(administrator).get(url)
    assert len(list(sheet(response).iter_rows(min_row=5, values_only=True))) == 3
    logged = {(e.municipality, e.school, e.rows, e.params["event"]) for e in ExportLog.objects.all()}
    assert logged == {
        (world.municipality, world.second_school, 2, event.pk),
        (world.neighbour, world.neighbour_school, 1, event.pk),
    }
    page = client_for(coordinator).get(LOG)
    assert [e.rows for e in page.context["page"]] == [2]


def test_the_participants_export_of_an_event_out_of_scope_is_404(client_for, other_coordinator, event):
    assert client_for(other_coordinator).get(reverse("support:participants-export", args=[event.pk])).status_code == 404
    assert not ExportLog.objects.exists()


def test_lists_without_names_are_not_logged(client_for, coordinator, event):
    client = client_for(coordinator)
    lists = ["support:event-list", "support:consultation-journal", "support:pairing-list", "support:export-log"]
    for url in map(reverse, lists):
        assert client.get(url, {"export": "xlsx"}).status_code == 200, url
    assert not ExportLog.objects.exists()


def log_entry(municipality, *, school=None, username="coordinator", kind=ExportKind.TEACHERS, days_ago=0, rows=3):
    return ExportLog.objects.create(
        username=username,
        kind=kind,
        description=f"Педагоги · {school.short_name if school else municipality.name}",
        rows=rows,
        municipality=municipality,
        school=school,
        created_at=timezone.now() - dt.timedelta(days=days_ago),
        params={"q": "рус"},
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("other_coordinator", 200),
        ("administrator", 200),
        ("principal", 403),
        ("mentor", 403),
        ("inspector", 403),
        ("regional", 403),
        ("outsider", 403),
    ],
)
def test_the_log_is_for_coordinators_and_the_administrator(client_for, request, persona, status):
    response = client_for(request.getfixturevalue(persona)).get(LOG)
    assert response.status_code == status
    assert client_for(request.getfixturevalue(persona)).get(LOG, {"export": "xlsx"}).status_code == status


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LOG)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_each_coordinator_reads_the_log_of_their_municipality(
    client_for, coordinator, other_coordinator, administrator, world
):
    ours = log_entry(world.municipality, school=world.school)
    theirs = log_entry(world.far, school=world.far_school, username="other-coordinator")
    assert list(client_for(coordinator).get(LOG).context["page"].object_list) == [ours]
    assert list(client_for(other_coordinator).get(LOG).context["page"].object_list) == [theirs]
    assert set(client_for(administrator).get(LOG).context["page"].object_list) == {ours, theirs}


def test_the_log_filters_paginates_and_exports(client_for, coordinator, world, settings):
    settings.REGISTRY_PAGE_SIZE = 2
    old = log_entry(world.municipality, school=world.school, days_ago=40, kind=ExportKind.RISK_GROUP)
    for _ in range(3):
        log_entry(world.municipality, school=world.school, username="principal")
    client = client_for(coordinator)
    page = client.get(LOG).context["page"]
    assert page.paginator.count == 4 and len(page.object_list) == 2 and page.object_list[0].created_at > old.created_at
    assert list(client.get(LOG, {"kind": "risk_group"}).context["page"].object_list) == [old]
    assert client.get(LOG, {"user": "princ"}).context["page"].paginator.count == 3
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert client.get(LOG, {"date_from": since}).context["page"].paginator.count == 3
    assert client.get(LOG, {"date_to": since}).context["page"].object_list[0] == old
    assert client.get(LOG, {"date_from": "не дата"}).context["page"].paginator.count == 0
    response = client.get(LOG, {"kind": "risk_group", "export": "xlsx"})
    rows = list(sheet(response).iter_rows(min_row=5, values_only=True))
    assert len(rows) == 1 and rows[0][1] == "coordinator" and rows[0][4] == "q=рус" and rows[0][5] == 3
    assert not ExportLog.objects.filter(kind=ExportKind.TEACHERS, username="coordinator").exists()


@pytest.mark.parametrize("count", [3, 30])
def test_the_log_page_costs_the_same_queries_for_3_and_30_rows(
    client_for, coordinator, world, count, django_assert_max_num_queries
):
    for index in range(count):
        log_entry(world.municipality, school=SchoolFactory(municipality=world.municipality), days_ago=index)
    client = client_for(coordinator)
    client.get(LOG)
    with django_assert_max_num_queries(10):
        assert len(client.get(LOG).context["page"].object_list) == count
    with django_assert_max_num_queries(10):
        client.get(LOG, {"export": "xlsx"})


def test_the_log_is_read_only_in_the_admin(rf, administrator, world):
    model_admin = admin.site._registry[ExportLog]
    request = rf.get("/admin/")
    request.user = administrator
    entry = log_entry(world.municipality)
    assert model_admin.has_view_permission(request, entry)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)


def test_a_hostile_query_string_cannot_bloat_the_log(client_for, principal, teachers):
    params = {f"p{index}": "x" * 5000 for index in range(50)}
    url = reverse("support:teacher-list", args=["chemashi"])
    assert client_for(principal).get(url, {**params, "q": "я" * 5000, "export": "xlsx"}).status_code == 200
    entry = ExportLog.objects.get()
    assert entry.params == {"q": "я" * 200} and entry.rows == 0  # unknown parameters applied nothing


def test_the_log_records_the_last_value_the_form_applied_not_the_first_typed(client_for, principal, teachers):
    """?q=Алексеева&q= : the form filters by the last q (all teachers); the log must not say q=Алексеева."""
    url = reverse("support:teacher-list", args=["chemashi"])
    response = client_for(principal).get(
        url + "?q=%D0%90%D0%BB%D0%B5%D0%BA%D1%81%D0%B5%D0%B5%D0%B2%D0%B0&q=&export=xlsx"
    )
    names = [row[0] for row in sheet(response).iter_rows(min_row=5, values_only=True)]
    entry = ExportLog.objects.get()
    assert len(names) == entry.rows == 3 and entry.params == {}
    response = client_for(principal).get(url + "?status=left&status=&export=xlsx")
    entry = ExportLog.objects.latest("pk")
    assert entry.params == {} and entry.rows == 3


def test_the_log_records_filters_past_twenty_junk_parameters(client_for, principal, teachers):
    url = reverse("support:teacher-list", args=["chemashi"])
    junk = "&".join(f"a{index}=1" for index in range(20))
    response = client_for(principal).get(
        url + f"?{junk}&q=%D0%A4%D0%B0%D0%BD%D0%BE%D0%B2%D0%B0&status=left&export=xlsx"
    )
    assert [row[0] for row in sheet(response).iter_rows(min_row=5, values_only=True)] == ["Фанова В.Г."]
    entry = ExportLog.objects.get()
    assert entry.params == {"q": "Фанова", "status": "left"} and entry.rows == 1


def test_the_log_records_the_computed_level_filter_and_refused_input(client_for, principal, teachers):
    url = reverse("support:teacher-list", args=["chemashi"])
    client = client_for(principal)
    client.get(url, {"level": "critical", "level ": "", "status": ["left", ""], "export": "xlsx"})
    entry = ExportLog.objects.get()
    assert entry.params == {"level": "critical"} and entry.rows == 1  # the last status is empty: all teachers
    client.get(url, {"level": "excellent", "export": "xlsx"})
    entry = ExportLog.objects.latest("pk")
    assert entry.params == {"invalid": "level"} and entry.rows == 0


def test_the_navigation_shows_the_log_to_coordinators_only(client_for, coordinator, principal):
    assert LOG in client_for(coordinator).get(reverse("support:event-list")).content.decode()
    assert LOG not in client_for(principal).get(reverse("support:event-list")).content.decode()


def test_an_export_names_the_event_of_a_school_it_targets(client_for, coordinator, world):
    event = make_event(world.municipality, [world.school, world.second_school], topic="Семинар двух школ")
    client_for(coordinator).get(reverse("support:participants-export", args=[event.pk]))
    entry = ExportLog.objects.get()
    assert entry.rows == 0 and entry.school is None and "Семинар двух школ" in entry.description


def test_every_xlsx_export_forbids_caching(client_for, coordinator, world, teachers, event):
    from shnor_portal.xlsx import xlsx_response

    assert xlsx_response("x.xlsx", b"")["Cache-Control"] == "private, no-store"
    EventParticipant.objects.create(event=event, school=world.school, full_name="Ахременко Т.А.")
    client = client_for(coordinator)
    competencies = reverse("support:school-competencies", args=["chemashi"])
    exports = [
        (reverse("support:teacher-list", args=["chemashi"]), {"export": "xlsx"}),
        (competencies, {"export": "xlsx"}),
        (competencies, {"export": "risk_group"}),
        (reverse("support:participants-export", args=[event.pk]), {}),
        (reverse("support:event-list"), {"export": "xlsx"}),
        (reverse("support:pairing-list"), {"export": "xlsx"}),
        (LOG, {"export": "xlsx"}),
        (reverse("registry:school-list"), {"export": "xlsx"}),
    ]
    for url, params in exports:
        response = client.get(url, params)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml"), url
        assert response["Cache-Control"] == "private, no-store", url
