"""When the indicators are recalculated: after a results import (same task, same progress row), after edits of the
data the formulas read (debounced through the outbox), nightly (beat)."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from registry.models import Listing, Status
from reports.assessments.models import Recalculation
from reports.indicators import triggers
from reports.indicators.models import IndicatorValue
from reports.tasks import recalculate_all_indicators, recalculate_indicators
from shnor_portal.celery import app as celery_app
from shnor_portal.outbox.models import OutboxMessage
from support.models import EventType
from tests.factories import ListingFactory

from ..test_results_wizard import upload
from .helpers import D, event, municipality, school, shnor

pytestmark = pytest.mark.django_db


def value(m, code, year):
    return IndicatorValue.objects.get(municipality=m, indicator__code=code, school__isnull=True, year=year)


def test_an_import_recalculates_the_indicators_of_its_municipality_and_years(
    client_for, coordinator, world, django_capture_on_commit_callbacks
):
    with triggers.suspended():  # a listing no edit announces: only the import's recalculation can see it
        ListingFactory(school=world.second_school, status=Status.SHNOR, start=D(2021, 1, 1), end=None)
    client = client_for(coordinator)
    record = upload(client)  # ВПР 2021 of chemashi and andra
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
    job = Recalculation.objects.get()
    assert job.state == "done" and job.indicators_at is not None
    low = value(world.municipality, "LOW_RESULTS_SHARE", 2021)
    assert (low.numerator, low.denominator, low.value) == (1, 3, Decimal("33.3"))
    assert value(world.municipality, "REG_COUNT", 2022).value == 1  # Y+1 too
    assert not IndicatorValue.objects.filter(municipality=world.far).exists()  # not affected
    status = client.get(reverse("reports:results-import", kwargs={"pk": record.pk}), headers={"HX-Request": "true"})
    assert "показатели пересчитаны" in status.content.decode()


def test_an_edit_recalculates_its_municipality_once_committed(django_capture_on_commit_callbacks):
    m = municipality(code="ind-trig")
    with django_capture_on_commit_callbacks(execute=True):
        listed = shnor(m)
        event(m, EventType.SEMINAR, D(2021, 5, 1), listed)
    support = value(m, "METH_SUPPORT_SHARE", 2021)
    assert (support.numerator, support.denominator) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        Listing.objects.filter(school=listed).delete()
    assert value(m, "REG_COUNT", 2021).value == 0


@pytest.fixture
def queued(settings):
    """A worker-backed setup: tasks wait in the outbox instead of running in place."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield
    celery_app.conf.task_always_eager = previous


def test_a_burst_of_edits_enqueues_one_outbox_row_per_municipality_and_year(queued):
    m = municipality(code="ind-burst")
    listed = school(m, (Status.SHNOR, D(2021, 3, 1), D(2021, 6, 30)))
    listing = Listing.objects.get(school=listed)
    assert triggers.flush() == 1  # the commit of the first edit: (m, 2021)
    for day in (10, 20, 30):
        listing = Listing.objects.get(pk=listing.pk)
        listing.end = D(2021, 7, day)
        listing.save()
        triggers.flush()
    event(m, EventType.SEMINAR, D(2021, 5, 1), listed)
    triggers.flush()
    rows = OutboxMessage.objects.filter(dedupe_key=triggers.dedupe_key(m.pk, 2021))
    assert rows.count() == 1
    assert rows.get().task == "reports.recalculate_indicators" and rows.get().args == [m.pk, 2021]
    # Sent to the broker already: an edit within the debounce window still adds nothing (the task waits it out).
    rows.update(state=OutboxMessage.State.SENT)
    listing.end = D(2021, 8, 31)
    listing.save()
    triggers.flush()
    assert OutboxMessage.objects.filter(dedupe_key=triggers.dedupe_key(m.pk, 2021)).count() == 1
    assert settings.INDICATORS_DEBOUNCE_SECONDS > 0


def test_moving_a_listing_out_of_a_year_recalculates_the_old_year_too(queued):
    m = municipality(code="ind-move")
    listed = school(m, (Status.SHNOR, D(2020, 3, 1), D(2020, 6, 30)))
    triggers.flush()
    OutboxMessage.objects.all().delete()
    listing = Listing.objects.get(school=listed)
    listing.start, listing.end = D(2022, 3, 1), D(2022, 6, 30)
    listing.save()
    triggers.flush()
    keys = set(OutboxMessage.objects.values_list("dedupe_key", flat=True))
    assert keys == {triggers.dedupe_key(m.pk, 2020), triggers.dedupe_key(m.pk, 2022)}


def test_notes_resolve_to_municipalities_and_years():
    m, other = municipality(code="ind-notes"), municipality(code="ind-notes-2")
    here, there = school(m), school(other)
    seminar = event(m, EventType.SEMINAR, D(2020, 12, 30), here, there, end=D(2021, 1, 2))
    places = triggers.resolve(triggers._event(seminar))
    assert places == {(m.pk, 2020), (m.pk, 2021), (other.pk, 2020), (other.pk, 2021)}


def test_nothing_is_enqueued_while_suspended(queued):
    m = municipality(code="ind-quiet")
    with triggers.suspended():
        shnor(m)
    assert triggers.flush() == 0
    assert not OutboxMessage.objects.filter(task="reports.recalculate_indicators").exists()


def test_the_tasks_recalculate():
    m = municipality(code="ind-task")
    shnor(m)
    assert recalculate_indicators(m.pk, 2021) == "done"
    assert value(m, "REG_COUNT", 2021).value == 1
    assert recalculate_indicators(0, 2021) == "missing"
    assert recalculate_all_indicators() > 0
    assert value(m, "REG_COUNT", 2021).value == 1


def test_the_nightly_recalculation_is_scheduled():
    schedule = settings.CELERY_BEAT_SCHEDULE["indicators-nightly"]
    assert schedule["task"] == "reports.recalculate_all_indicators"
    assert schedule["task"] in celery_app.tasks


MATHEMATICS = (
    "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Отметка;Отметка по журналу\n"
    "2021;ВПР;Математика;5;chemashi;5а;B1;19;5;4\n"
    "2021;ВПР;Математика;5;chemashi;5а;B2;18;5;5\n"
    "2021;ВПР;Математика;5;andra;5а;B3;12;4;4\n"
)


def test_importing_another_file_changes_the_results_indicators_after_its_recalculation(
    client_for, coordinator, world, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    first = upload(client)  # Russian: marks 4, 2, 3 — no «5»
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:results-confirm", kwargs={"pk": first.pk}))
    top = value(world.municipality, "TOP_MARK_SHARE", 2021)
    assert (top.numerator, top.denominator, top.value) == (0, 3, Decimal("0.0"))
    second = upload(client, MATHEMATICS)  # mathematics: marks 5, 5, 4
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:results-confirm", kwargs={"pk": second.pk}))
    top = value(world.municipality, "TOP_MARK_SHARE", 2021)
    # 2 works with «5» of 6 works of ВПР in 2021: 33.3 %.
    assert (top.numerator, top.denominator, top.value) == (2, 6, Decimal("33.3"))
    # chemashi's own ВПР success: marks ≥ 3 — 4, 5, 5 of its 4 works (the «2» in Russian): 75.0 %.
    chemashi = IndicatorValue.objects.get(indicator__code="VPR_SUCCESS", school=world.school, year=2021)
    assert (chemashi.numerator, chemashi.denominator, chemashi.value) == (3, 4, Decimal("75.0"))
    status = client.get(reverse("reports:results-import", kwargs={"pk": second.pk}), headers={"HX-Request": "true"})
    assert "показатели пересчитаны" in status.content.decode()


def test_a_manual_value_is_recalculated_once_by_its_page_and_queues_nothing(queued, client_for, coordinator, world):
    from reports.indicators.models import AdoptedIndicator, Indicator

    AdoptedIndicator.objects.create(
        municipality=world.municipality, indicator=Indicator.objects.get(code="SATISFACTION")
    )
    triggers.flush()
    OutboxMessage.objects.all().delete()
    url = reverse("reports:indicator-manual", args=[world.municipality.code, "SATISFACTION"])
    response = client_for(coordinator).post(
        url, {"year": 2021, "value": "88", "source_note": "Опрос родителей", "date": "2021-12-01"}
    )
    assert response.status_code == 302
    triggers.flush()
    assert value(world.municipality, "SATISFACTION", 2021).value == 88
    assert not OutboxMessage.objects.filter(task="reports.recalculate_indicators").exists()
