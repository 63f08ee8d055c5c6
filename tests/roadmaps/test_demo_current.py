"""load_demo: the current plan of each demo school under support, placed around the day the demo is loaded."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from roadmaps.demo import academic_year, due_day, schools_under_support
from roadmaps.models import ActivityPeriod, Level, Plan, PlanStatus, ProgressReport
from roadmaps.selectors import Urgency, due_items, tasks_for

pytestmark = pytest.mark.django_db
SUPPORTED = 25  # DEMO.md: 3 Октябрьский + 14 Городецкий + 2 Дубенский + 2 Чаа-Хольский + 4 Ярцевский


def load(today: dt.date | None = None) -> str:
    out = io.StringIO()
    call_command("load_demo", *([f"--today={today}"] if today else []), stdout=out)
    return out.getvalue()


def current_plans(today: dt.date):
    start, end = academic_year(today)
    return Plan.objects.filter(level=Level.SCHOOL, period_start=start, period_end=end)


def periods_of(plans) -> list:
    return sorted(
        ActivityPeriod.objects.filter(activity__section__plan__in=plans).values_list("activity_id", "start", "end")
    )


def test_the_academic_year_and_the_due_days_stay_inside_it():
    assert academic_year(dt.date(2026, 12, 7)) == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    assert academic_year(dt.date(2027, 8, 31)) == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    assert academic_year(dt.date(2027, 9, 1)) == (dt.date(2027, 9, 1), dt.date(2028, 8, 31))
    start, end = dt.date(2026, 9, 1), dt.date(2027, 8, 31)
    assert due_day(dt.date(2026, 9, 10), -70, start, end) == start
    assert due_day(dt.date(2027, 8, 20), 75, start, end) == end
    assert due_day(dt.date(2026, 12, 7), -5, start, end) == dt.date(2026, 12, 2)


@pytest.mark.parametrize("today", [dt.date(2026, 9, 10), dt.date(2027, 3, 15)])
def test_each_school_under_support_gets_a_live_mix_around_the_day(today):
    load(today)
    codes = set(schools_under_support().values_list("code", flat=True))
    assert len(codes) == SUPPORTED and {"chemashi", "sh-18", "novopavshino", "ak-durug", "zasizhye"} <= codes
    assert not codes & {"sergino", "peregrebnoe-1", "chaa-khol-leader", "sh-3", "andra"}
    plans = current_plans(today)
    assert set(plans.values_list("school__code", flat=True)) == codes
    assert set(plans.values_list("status", flat=True)) == {PlanStatus.IN_PROGRESS}
    assert all("(демо)" in title for title in plans.values_list("title", flat=True))
    month = today + dt.timedelta(days=30)
    for plan in plans.select_related("school"):
        items = list(due_items(today=today).filter(activity__section__plan=plan))
        done = [i for i in items if i.urgency == Urgency.DONE]
        overdue = [i for i in items if i.urgency == Urgency.OVERDUE]
        coming = [i for i in items if i.urgency != Urgency.DONE and today <= i.end <= month]
        assert done and overdue and coming, plan.school.code
        assert all(i.end < today for i in overdue)
        assert all(i.report_status == "done" for i in done)
    accepted = ProgressReport.objects.filter(activity__section__plan__in=plans, review="accepted")
    # accepted by the municipality's coordinator, never by the one who reported
    assert accepted.exists() and not accepted.filter(reviewed_by=F("author")).exists()
    assert set(accepted.values_list("reviewed_by__username", flat=True)) <= {
        "coord-oktyabrsky",
        "coord-gorodets",
        "coord-dubensky",
        "coord-chaa-khol",
        "coord-yartsevo",
    }
    # The principal's «Мои задачи» on that day: overdue first, then due soon, the accepted ones last.
    chemashi = plans.get(school__code="chemashi")
    principal = User.objects.get(username="director-chemashi")
    urgencies = [i.urgency for i in tasks_for(principal, today=today) if i.activity.section.plan_id == chemashi.pk]
    assert urgencies.index(Urgency.OVERDUE) < urgencies.index(Urgency.DUE_SOON) < urgencies.index(Urgency.DONE)


def test_a_second_run_on_a_later_day_changes_nothing_and_a_new_year_adds_its_own_plans():
    first = dt.date(2026, 12, 7)
    load(first)
    plans = current_plans(first)
    before = (
        periods_of(plans),
        sorted(ProgressReport.objects.values_list("pk", "status", "review", "submitted_at")),
        Plan.objects.count(),
        Plan.history.count(),
    )
    out = load(first + dt.timedelta(days=40))
    assert "изменений нет" in out
    after = (
        periods_of(plans),
        sorted(ProgressReport.objects.values_list("pk", "status", "review", "submitted_at")),
        Plan.objects.count(),
        Plan.history.count(),
    )
    assert after == before
    # The next school year gets its own plans; last year's keep their dates.
    load(dt.date(2027, 9, 15))
    assert current_plans(dt.date(2027, 9, 15)).count() == SUPPORTED
    assert periods_of(plans) == before[0]


def test_the_principal_sees_the_due_and_the_overdue_ones_in_my_tasks(client):
    """The page reads the real date: with the demo loaded today, the current plan's tasks are on it, overdue first."""
    load()
    user = User.objects.get(username="director-chemashi")
    today = timezone.localdate()
    plan = current_plans(today).get(school__code="chemashi")
    items = [i for i in tasks_for(user, today=today) if i.activity.section.plan_id == plan.pk]
    urgencies = [i.urgency for i in items]
    assert urgencies.index(Urgency.OVERDUE) < urgencies.index(Urgency.DUE_SOON) < urgencies.index(Urgency.DONE)
    client.force_login(user)
    html = client.get(reverse("roadmaps:my-tasks")).content.decode()
    overdue = next(i for i in items if i.urgency == Urgency.OVERDUE)
    soon = next(i for i in items if i.urgency == Urgency.DUE_SOON)
    for item in (overdue, soon):
        assert f"{item.end:%d.%m.%Y}" in html and item.activity.name[:60] in html
    assert plan.title in html
