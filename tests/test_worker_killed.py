"""A worker killed (SIGKILL) in the middle of a recalculation: readers keep the old numbers, never a mix, and the
outbox sweep re-queues the job once its heartbeat has stopped, so a new worker finishes it."""

import importlib
import time

import pytest
from django.apps import apps as django_apps
from django.db.models import Count, F, Q, Sum

from reports.assessments.models import ParticipantResult, Recalculation, SchoolAggregate
from reports.assessments.services import retry
from shnor_portal.outbox import services as outbox
from shnor_portal.outbox.models import OutboxMessage

from .celery_workers import celery_worker
from .test_celery_worker import ended, imported, wait_until

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("broker")]

HEADER = "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Отметка;Отметка по журналу\n"
CAMPAIGNS = [(subject, grade) for grade in (4, 5, 6, 7, 8) for subject in ("Русский язык", "Математика")]
FIELDS = ("participants", "marks_2", "marks_3", "marks_4", "marks_5", "lowered", "confirmed", "raised")


@pytest.fixture
def subjects():
    importlib.import_module("reports.migrations.0002_subjects").load(django_apps, None)


def protocol() -> str:
    """Ten campaigns (so that one campaign is 10 % of the job), two schools each."""
    lines = [HEADER]
    for number, (subject, grade) in enumerate(CAMPAIGNS):
        for school in ("chemashi", "andra"):
            lines.append(f"2021;ВПР;{subject};{grade};{school};{grade}а;{school}-{number}-1;5;3;4\n")
            lines.append(f"2021;ВПР;{subject};{grade};{school};{grade}а;{school}-{number}-2;6;4;4\n")
    return "".join(lines)


def stored() -> dict[tuple, tuple]:
    """The aggregates readers see, per campaign × school."""
    return {
        (campaign, school): tuple(values)
        for campaign, school, *values in SchoolAggregate.objects.values_list("campaign_id", "school_id", *FIELDS)
    }


def from_participant_rows() -> dict[tuple, tuple]:
    """The same figures counted straight from the participant rows."""
    grouped = (
        ParticipantResult.objects.values("campaign_id", "school_id")
        .annotate(
            participants=Count("id"),
            marks_2=Count("id", filter=Q(mark=2)),
            marks_3=Count("id", filter=Q(mark=3)),
            marks_4=Count("id", filter=Q(mark=4)),
            marks_5=Count("id", filter=Q(mark=5)),
            lowered=Count("id", filter=Q(mark__lt=F("journal_mark"))),
            confirmed=Count("id", filter=Q(mark=F("journal_mark"))),
            raised=Count("id", filter=Q(mark__gt=F("journal_mark"))),
            total=Sum("mark"),
        )
        .order_by()
    )
    return {(row["campaign_id"], row["school_id"]): tuple(row[name] for name in FIELDS) for row in grouped}


def test_a_worker_killed_mid_recalculation_leaves_the_old_numbers_and_the_sweep_gets_the_job_finished(
    tmp_path, settings, subjects, coordinator
):
    record = imported(coordinator, protocol())  # recalculated eagerly here: the numbers before the fault
    old = stored()
    assert len(old) == 20 and old == from_participant_rows()
    # The participants' marks corrected in the database: a recalculation must now change every aggregate.
    ParticipantResult.objects.update(mark=5)
    new = from_participant_rows()
    assert all(new[key] != old[key] for key in old)

    with celery_worker(tmp_path, settings.CELERY_BROKER_URL, RECALCULATION_PAUSE_SECONDS="1") as worker:
        job = retry(record)  # a new job over the same campaigns, sent to the slowed-down worker
        running = wait_until(
            lambda: Recalculation.objects.filter(pk=job.pk, state=Recalculation.State.RUNNING, progress__gte=10).first()
        )
        assert running, worker.log()
        # Progress is visible while the job works, and readers still see the old numbers, not a part of the new.
        assert running.progress < 100 and stored() == old
        worker.kill()
        assert stored() == old, "a killed recalculation must leave the old numbers, not a mix"
        killed = Recalculation.objects.get(pk=job.pk)
        assert killed.state == Recalculation.State.RUNNING and killed.heartbeat_at

        # Before the stale time the sweep leaves a running job alone; after it, it queues the job again.
        settings.RECALCULATION_STALE_MINUTES = 6 / 60
        outbox.sweep()
        assert Recalculation.objects.get(pk=job.pk).state == Recalculation.State.RUNNING
        time.sleep(6.5)
        outbox.sweep()
        assert Recalculation.objects.get(pk=job.pk).state == Recalculation.State.QUEUED
        assert OutboxMessage.objects.filter(dedupe_key=f"recalculate:{job.pk}", state="sent").count() == 2

        worker.start()  # a new worker, without the pause, takes the re-queued job
        finished = ended(job)
        assert finished.state == Recalculation.State.DONE and finished.progress == 100, finished.error
        assert stored() == new == from_participant_rows()
        assert Recalculation.objects.filter(source=record).count() == 2  # the first import's job and this one
