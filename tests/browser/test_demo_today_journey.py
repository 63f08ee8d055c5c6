"""The demo is alive on the day it is started: a principal logs in after load_demo and finds the current plan's
tasks on «Мои задачи» — overdue and due-soon items of this school year, not only the seeds' history of 2020."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from roadmaps.demo import academic_year, due_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]
PASSWORD = "shnor-demo-2024"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


def test_a_principal_sees_the_current_plans_tasks_after_load_demo(live_server, page, sign_in, demo, output_path):
    start, end = academic_year(timezone.localdate())
    title = f"План мероприятий по повышению качества образования на {start.year}/{end.year} учебный год (демо)"
    sign_in("director-chemashi", PASSWORD)
    page.get_by_role("link", name="Мои задачи", exact=True).click()
    expect(page.get_by_role("heading", name="Мои задачи")).to_be_visible()
    rows = page.locator("tbody tr").filter(has_text=title)
    overdue = rows.filter(has=page.locator(".badge", has_text="просрочено"))
    soon = rows.filter(has=page.locator(".badge", has_text="скоро срок"))
    expect(overdue.first).to_be_visible()
    expect(soon.first).to_be_visible()
    expect(overdue.filter(has_text="Посещение уроков администрацией")).to_have_count(1)
    expect(soon.filter(has_text="Школьный мониторинг читательской и математической грамотности")).to_have_count(1)
    # Its due date is this year's, a few days from today.
    due = due_day(timezone.localdate(), 12, start, end).strftime("%d.%m.%Y")
    expect(soon.filter(has_text=due).first).to_be_visible()
    page.screenshot(path=str(output_path / "my-tasks.png"), full_page=True)
