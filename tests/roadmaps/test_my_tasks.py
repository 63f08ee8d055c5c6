"""«Мои задачи»: every due item of the principal's school, overdue first, with filters, pages, export and verdicts;
the navigation link and the dashboard block."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from roadmaps.models import PlanStatus, ReportStatus, Review

from .progress_builders import day, make_activity, make_plan, make_report, make_section

pytestmark = pytest.mark.django_db
URL = reverse("roadmaps:my-tasks")


def due(days: int) -> str:
    return day(timezone.localdate() + dt.timedelta(days=days))


@pytest.fixture
def tasks(world):
    """chemashi's items in two plans: overdue, returned, due soon, later, accepted; andra's and a draft's around."""
    municipal = make_plan(world.municipality, title="Дорожная карта района")
    section = make_section(municipal)
    items = {
        "later": make_activity(section, due(40), executors=[world.school], number="1.1", name="Подготовка к ГИА"),
        "soon": make_activity(section, due(3), executors=[world.school], number="1.2", name="Семинар-практикум"),
        "overdue": make_activity(section, due(-10), executors=[world.school], number="1.3", name="Методический день"),
        "returned": make_activity(
            section, due(-2), executors=[world.school], number="1.4", name="Положение о наставничестве"
        ),
        "done": make_activity(section, due(-30), executors=[world.school], number="1.5", name="Графики занятий"),
        "other": make_activity(
            section, due(-5), executors=[world.second_school], number="1.6", name="Чужое мероприятие"
        ),
    }
    make_report(items["returned"], world.school, review=Review.RETURNED, review_comment="Приложите приказ")
    make_report(items["done"], world.school)
    own = make_plan(world.municipality, school=world.school, title="Дорожная карта Чемашинской СОШ")
    items["own"] = make_activity(make_section(own), due(1), number="1.1", name="Собственное мероприятие школы")
    draft = make_plan(world.municipality, status=PlanStatus.DRAFT, title="Черновик")
    make_activity(make_section(draft), due(-1), executors=[world.school], name="Мероприятие черновика")
    return items


def names(response):
    return [row.activity.name for row in response.context["page"].object_list]


def test_a_principal_sees_every_item_of_the_school_overdue_first(client_for, principal, tasks):
    response = client_for(principal).get(URL)
    assert response.status_code == 200
    assert names(response) == [
        "Методический день",  # overdue, the oldest first
        "Положение о наставничестве",
        "Собственное мероприятие школы",  # due soon: the school's own plan, reported by the school itself
        "Семинар-практикум",
        "Подготовка к ГИА",  # later
        "Графики занятий",  # done and accepted: last
    ]
    html = response.content.decode()
    assert "Чужое мероприятие" not in html and "Мероприятие черновика" not in html
    assert "Приложите приказ" in html  # the verdict with its comment
    activity = tasks["soon"]
    link = f"{reverse('roadmaps:activity-detail', args=[activity.pk])}?period={activity.due_periods.get().pk}"
    assert link in html


@pytest.mark.parametrize(
    "status, expected",
    [
        ("overdue", {"Методический день", "Положение о наставничестве"}),
        ("due_soon", {"Семинар-практикум", "Собственное мероприятие школы"}),
        ("later", {"Подготовка к ГИА"}),
        ("done", {"Графики занятий"}),
        ("returned", {"Положение о наставничестве"}),
        ("nonsense", None),
    ],
)
def test_it_filters_by_state(client_for, principal, tasks, status, expected):
    response = client_for(principal).get(URL, {"status": status})
    if expected is None:  # an unknown value is ignored, not an error
        assert len(names(response)) == 6
    else:
        assert set(names(response)) == expected


def test_it_filters_by_plan_and_paginates(client_for, principal, tasks, settings, monkeypatch):
    own_plan = tasks["own"].section.plan
    assert names(client_for(principal).get(URL, {"plan": own_plan.pk})) == ["Собственное мероприятие школы"]
    monkeypatch.setattr("roadmaps.views.progress.PAGE_SIZE", 4)
    client = client_for(principal)
    first, second = client.get(URL), client.get(URL, {"page": 2})
    assert len(names(first)) == 4 and names(second) == ["Подготовка к ГИА", "Графики занятий"]
    fragment = client.get(URL, {"status": "overdue"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Методический день" in fragment


def test_it_exports_the_filtered_tasks(client_for, principal, tasks):
    response = client_for(principal).get(URL, {"status": "overdue", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
    assert [row[4] for row in rows] == ["Методический день", "Положение о наставничестве"]
    assert rows[1][10] == "Приложите приказ" and rows[0][1] == "просрочено"


def test_a_mentor_reads_the_tasks_of_its_mentee(client_for, mentor, tasks):
    response = client_for(mentor).get(URL)
    assert "Методический день" in names(response)
    assert "только чтение" in response.content.decode()


def test_an_inspector_has_no_tasks(client_for, inspector, tasks):
    response = client_for(inspector).get(URL)
    assert response.status_code == 200 and names(response) == []
    assert "Задач пока нет" in response.content.decode()


def test_the_page_costs_a_bounded_number_of_queries(client_for, principal, tasks, world, django_assert_max_num_queries):
    section = tasks["later"].section
    for number in range(30):
        make_activity(section, "Май, сентябрь, ноябрь 2021", executors=[world.school], order=100 + number)
    client = client_for(principal)
    with django_assert_max_num_queries(10):
        assert client.get(URL).status_code == 200


def test_the_navigation_shows_my_tasks_to_principals_and_mentors(client_for, principal, mentor, inspector, coordinator):
    for user in (principal, mentor):
        assert URL in client_for(user).get(reverse("dashboard")).content.decode()
    for user in (inspector, coordinator):
        assert f'href="{URL}"' not in client_for(user).get(reverse("dashboard")).content.decode()


def test_the_dashboard_shows_a_principal_the_schools_counts(client_for, principal, tasks):
    response = client_for(principal).get(reverse("dashboard"))
    summary = response.context["roadmaps"]["school"]
    assert (summary["overdue"], summary["due_soon"], summary["returned"]) == (2, 2, 1)
    html = response.content.decode()
    assert f"{URL}?status=overdue" in html and f"{URL}?status=returned" in html


def test_the_dashboard_shows_a_coordinator_overdue_schools_and_waiting_reports(client_for, coordinator, tasks, world):
    make_report(tasks["soon"], world.school, status=ReportStatus.IN_WORK, review=Review.PENDING)
    response = client_for(coordinator).get(reverse("dashboard"))
    board = response.context["roadmaps"]["coordinator"]
    assert [(row["reporter_label"], row["count"]) for row in board["overdue_by_school"]] == [
        ("МКОУ «Чемашинская СОШ»", 2),
        ("МКОУ «Андринская СОШ»", 1),
    ]
    assert board["awaiting_review"] == 1
    html = response.content.decode()
    assert reverse("roadmaps:report-reviews") in html and "1 отчёт ожидает проверки" in html
    assert reverse("roadmaps:plan-execution", args=[tasks["soon"].section.plan_id]) in html
