"""Query parameters are typed by anyone: nothing a client puts there may cause a 500 or widen the scope."""

import pytest
from django.urls import reverse

from roadmaps.models import Activity, Section
from roadmaps.versions import record_version

from .roadmaps.progress_builders import draft_roadmap, make_section

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


@pytest.fixture
def tracked_activity(world):
    """A municipal plan being carried out, with an activity for chemashi and a report waiting for review."""
    from roadmaps.models import ReportStatus, Review
    from tests.roadmaps.progress_builders import make_activity, make_plan, make_report, make_section

    activity = make_activity(
        make_section(make_plan(world.municipality)), "Май, сентябрь 2021", executors=[world.school]
    )
    make_report(activity, world.school, status=ReportStatus.IN_WORK, review=Review.PENDING)
    return activity


@pytest.mark.parametrize("value", HOSTILE)
def test_the_roadmaps_filters_never_break_a_page(client_for, coordinator, principal, tracked_activity, value):
    pages = [
        (principal, reverse("roadmaps:my-tasks"), ["plan", "status", "page"]),
        (coordinator, reverse("roadmaps:report-reviews"), ["plan", "municipality", "page"]),
        (coordinator, reverse("roadmaps:plan-execution", args=[tracked_activity.section.plan_id]), ["page"]),
    ]
    for user, url, names in pages:
        client = client_for(user)
        for name in names:
            assert client.get(url, {name: value}).status_code == 200, (url, name)
            assert client.get(url, {name: value, "export": "xlsx"}).status_code == 200, (url, name)
    tasks = client_for(principal).get(reverse("roadmaps:my-tasks"), {"plan": value})
    assert tasks.context["chosen"]["plan"] == ""  # not taken for a plan: every task is listed
    assert len(tasks.context["page"].object_list) == 2


@pytest.mark.parametrize("value", HOSTILE)
def test_the_activity_page_takes_only_its_own_periods_and_reporters(client_for, principal, tracked_activity, value):
    client = client_for(principal)
    url = reverse("roadmaps:activity-detail", args=[tracked_activity.pk])
    for name in ("period", "reporter"):
        assert client.get(url, {name: value}).status_code in (200, 404), name
    response = client.post(
        reverse("roadmaps:activity-report", args=[tracked_activity.pk]),
        {"period": value, "reporter": value, "status": "in_work", "percent": "1"},
    )
    assert response.status_code == 404


# --- Roadmaps: ids typed into the query string or a form («²».isdigit() is True, int("²") fails) ---------------------


@pytest.fixture
def editable_roadmap(world, coordinator):
    """A draft municipal plan of the coordinator with two sections, an activity and a recorded version."""
    plan = draft_roadmap(world.municipality)
    first = make_section(plan)
    Section.objects.create(plan=plan, number="2.", title="Практический этап", order=2)
    activity = Activity.objects.create(section=first, number="1.1", order=1, name="Семинар", deadline_text="Май 2020")
    record_version(plan, coordinator, "Первая версия")
    return plan, activity


@pytest.mark.parametrize("value", HOSTILE)
def test_the_roadmaps_parameters_never_break_a_page(client_for, coordinator, editable_roadmap, value):
    plan, activity = editable_roadmap
    client = client_for(coordinator)
    compare = reverse("roadmaps:plan-version-compare", args=[plan.pk, 1])
    response = client.get(compare, {"with": value})
    assert response.status_code == 200 and response.context["other"] is None
    create = reverse("roadmaps:plan-create")
    for name in ("pairing", "school", "municipality", "level"):
        assert client.get(create, {"level": "pair", name: value}).status_code == 200
    move = reverse("roadmaps:activity-move", args=[plan.pk, activity.pk])
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        assert client.post(move, {"section": value}, **headers).status_code == 404
        assert client.post(move, {"direction": value}, **headers).status_code in (200, 302)
    activity.refresh_from_db()
    assert (activity.section.number, activity.order) == ("1.", 1)
