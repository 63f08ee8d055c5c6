"""load_demo: the Октябрьский school plans of seed 004 with progress reports, so that the dashboards are not empty."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from roadmaps.models import Plan, PlanStatus, ProgressReport, ReportNote, ReportStatus, Review
from roadmaps.selectors import Urgency, due_items, plan_progress

pytestmark = pytest.mark.django_db
PASSWORD = "shnor-demo-2024"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_each_oktyabrsky_shnor_has_its_school_plan_in_progress(demo):
    # The seed's plans of 2020–2021 (the current plans of load_demo are tests/roadmaps/test_demo_current.py's)
    plans = Plan.objects.filter(
        municipality__code="oktyabrsky", level="school", period_start=dt.date(2020, 1, 1)
    ).select_related("school")
    assert {plan.school.code for plan in plans} == {"unyugan-1", "sherkaly", "chemashi"}
    for plan in plans:
        assert plan.status == PlanStatus.IN_PROGRESS
        assert (plan.period_start, plan.period_end) == (dt.date(2020, 1, 1), dt.date(2021, 12, 31))
        assert list(plan.sections.values_list("number", flat=True)) == ["1.", "2.", "3.", "4."]
        for activity in plan.sections.get(number="1.").activities.all():
            assert list(activity.executors.values_list("code", flat=True)) == [plan.school.code]
    chemashi = plans.get(school__code="chemashi")
    first = chemashi.sections.get(number="1.").activities.get(number="1.1")
    # The seed's deadline as written, read by the reader (not set by hand).
    assert (first.deadline_text, first.deadline_set_by_hand, first.deadline_periods) == (
        "в срок до 20 мая 2020 года",
        False,
        [["2020-01-01", "2020-05-20"]],
    )
    seminar = chemashi.sections.get(number="2.").activities.get(number="2.1")
    assert "Особенности организации урочной и внеурочной деятельности" in seminar.name


def test_the_reports_give_done_overdue_returned_and_waiting_items(demo):
    chemashi = Plan.objects.get(school__code="chemashi", level="school", period_start=dt.date(2020, 1, 1))
    items = {
        (row.activity.number, row.urgency, row.report_status, row.report_review)
        for row in due_items().filter(activity__section__plan=chemashi).select_related("activity")
    }
    assert ("1.1", Urgency.DONE, ReportStatus.DONE, Review.ACCEPTED) in items
    assert ("1.3", Urgency.OVERDUE, ReportStatus.DONE, Review.RETURNED) in items
    assert ("1.4", Urgency.OVERDUE, ReportStatus.IN_WORK, Review.ACCEPTED) in items  # «в работе» after the date
    assert ("1.5", Urgency.OVERDUE, None, None) in items  # no report at all
    assert ("2.1", Urgency.OVERDUE, ReportStatus.DONE, Review.PENDING) in items  # awaiting review
    returned = ProgressReport.objects.get(activity__section__plan=chemashi, review=Review.RETURNED)
    note = returned.notes.get()
    assert note.kind == ReportNote.Kind.RETURNED and note.author.username == "coord-oktyabrsky"
    assert "Приложите приказ" in note.text == returned.review_comment
    _rows, total = plan_progress(chemashi)
    assert total.done == 3 and total.overdue == 7 and total.total == 10


def test_the_dashboards_of_the_demo_users_are_not_empty(demo, client):
    assert client.login(username="director-chemashi", password=PASSWORD)
    school = client.get(reverse("dashboard")).context["roadmaps"]["school"]
    assert school["overdue"] > 0 and school["returned"] == 1
    tasks = client.get(reverse("roadmaps:my-tasks")).content.decode()
    assert "Приложите приказ об утверждении модели наставничества" in tasks

    assert client.login(username="coord-oktyabrsky", password=PASSWORD)
    board = client.get(reverse("dashboard")).context["roadmaps"]["coordinator"]
    schools = {row["reporter_label"] for row in board["overdue_by_school"]}
    assert {"МКОУ «Уньюганская СОШ №1»", "МКОУ «Шеркальская СОШ»", "МКОУ «Чемашинская СОШ»"} <= schools
    assert board["awaiting_review"] >= 2
    queue = client.get(reverse("roadmaps:report-reviews")).content.decode()
    assert "Проект положения о наставничестве" in queue


def test_loading_again_changes_no_report_or_note(demo):
    before = (
        sorted(ProgressReport.objects.values_list("pk", "status", "review", "submitted_at", "reviewed_at")),
        sorted(ReportNote.objects.values_list("pk", "kind", "created_at", "text")),
    )
    call_command("load_demo", stdout=open("/dev/null", "w"))
    after = (
        sorted(ProgressReport.objects.values_list("pk", "status", "review", "submitted_at", "reviewed_at")),
        sorted(ReportNote.objects.values_list("pk", "kind", "created_at", "text")),
    )
    assert after == before
    # the seeds' 14 reports of 2020–2021; the current plans' reports are tests/roadmaps/test_demo_current.py's
    assert ProgressReport.objects.filter(activity__section__plan__period_start=dt.date(2020, 1, 1)).count() == 14
