"""Two requests at the same moment: an import confirmed twice makes one plan; an edit that waited for an amendment to
be applied is refused instead of landing after the version was recorded.

Real concurrency against PostgreSQL: the test holds a lock in its own transaction, runs a request in another thread
(its own connection) until that request waits for the lock (or has finished), then releases it.
"""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from roadmaps import lifecycle
from roadmaps.models import Activity, Amendment, Plan, PlanStatus
from roadmaps.versions import take_snapshot

from .test_import_wizard import URL, form
from .test_imports import seed_001
from .test_lifecycle import make_plan

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting_for_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


def _until(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


class Request(threading.Thread):
    """A POST sent from its own thread (and so its own database connection) with the given client's session."""

    def __init__(self, client: Client, path: str, data=None, **headers):
        super().__init__(daemon=True)
        self.client = Client()  # the same session, cookies of its own (each response sets its messages)
        self.client.cookies.load({name: morsel.value for name, morsel in client.cookies.items()})
        self.path, self.data, self.headers = path, data or {}, headers
        self.response = None
        self.error = None

    def run(self):
        try:
            self.response = self.client.post(self.path, self.data, **self.headers)
        except Exception as exc:  # reported by the test, not lost in the thread
            self.error = exc
        finally:
            connections.close_all()

    def finish(self):
        self.join(30)
        assert not self.is_alive(), "the request never finished"
        if self.error is not None:
            raise self.error
        return self.response


def test_an_import_confirmed_twice_at_the_same_moment_makes_one_plan(world, coordinator):
    client = Client()
    client.force_login(coordinator)
    preview = client.post(URL, form(seed_001()))["Location"]
    token = preview.rstrip("/").rsplit("/", 1)[-1]
    confirm = reverse("roadmaps:plan-import-confirm", args=[token])

    with transaction.atomic():
        # New plans wait here: the first confirmation reads the file and stops at writing its plan.
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE roadmaps_plan IN SHARE MODE")
        first = Request(client, confirm)
        first.start()
        assert _until(lambda: _waiting_for_locks() >= 1), "the first confirmation did not reach the plan"
        second = Request(client, confirm)
        second.start()
        _until(lambda: not second.is_alive() or _waiting_for_locks() >= 2)
    answers = [first.finish(), second.finish()]

    plan = Plan.objects.get()  # one plan, not two
    assert plan.sections.count() == 3 and Activity.objects.filter(section__plan=plan).count() == 8
    assert answers[0].status_code == 302 and answers[0]["Location"] == plan.get_absolute_url()
    assert answers[1].status_code == 302 and answers[1]["Location"] == reverse("roadmaps:plan-list")
    page = second.client.get(reverse("roadmaps:plan-list")).content.decode()
    assert "Этот импорт уже подтверждён" in page


def test_an_edit_waiting_for_an_amendment_to_be_applied_is_refused(world, coordinator):
    plan = make_plan(world)
    lifecycle.submit(plan, coordinator)
    lifecycle.approve(plan, coordinator, "400а/п", dt.date(2020, 9, 4), "УО")
    amendment = lifecycle.begin_amendment(plan, coordinator, "Перенос сроков")
    activity = Activity.objects.get(section__plan=plan, number="1.1")
    client = Client()
    client.force_login(coordinator)
    edit = reverse("roadmaps:activity-edit", args=[plan.pk, activity.pk])
    data = {
        "number": "1.1",
        "name": "Изменено после утверждения",
        "deadline_text": "Август 2020г.",
        "section": activity.section_id,
    }

    with transaction.atomic():
        version = lifecycle.apply_amendment(amendment, coordinator, "12", None)  # holds the plan's row lock
        editing = Request(client, edit, data, HTTP_HX_REQUEST="true")
        editing.start()
        _until(lambda: not editing.is_alive() or _waiting_for_locks() >= 1)
    response = editing.finish()

    activity.refresh_from_db()
    assert activity.name == "Создание муниципальной рабочей группы"  # the edit did not land
    assert response.status_code == 403 and response["HX-Refresh"] == "true"
    assert Amendment.objects.get().status == Amendment.Status.APPLIED
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    version.refresh_from_db()
    assert version.snapshot == take_snapshot(plan)  # the plan is exactly its last version
