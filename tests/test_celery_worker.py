"""A real Celery worker on the local Redis: tasks run after commit, and not at all after a rollback."""

import importlib
import time
import uuid
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from accounts.emails import send_portal_email
from reports.assessments.models import AggregatedResult, ParticipantResult, Recalculation, ResultImport, SchoolAggregate
from reports.assessments.reader import Supplied
from reports.assessments.services import check_upload, confirm, retry
from reports.tasks import enqueue_recalculation, recalculate_results

from .celery_workers import celery_worker

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("broker")]


@pytest.fixture
def worker(tmp_path, settings):
    with celery_worker(tmp_path, settings.CELERY_BROKER_URL) as running:
        yield running


@pytest.fixture
def subjects():
    """The reference subjects of migration 0002: the flush after a transactional test removes them."""
    importlib.import_module("reports.migrations.0002_subjects").load(django_apps, None)


def wait_for_files(folder: Path, seconds: float = 30) -> list[Path]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.log")) if folder.exists() else []
        if files:
            return files
        time.sleep(0.2)
    return []


def test_a_real_worker_sends_the_letter_after_commit_and_never_after_rollback(worker):
    try:
        with transaction.atomic():
            send_portal_email(["rolled-back@example.org"], "Откат", "Это письмо не должно уйти")
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    with transaction.atomic():
        send_portal_email(["coordinator@example.org"], "Напоминание", "Срок мероприятия 1.1 истекает")
    files = wait_for_files(worker.mail_dir)
    assert files, "the worker did not send the letter within 30 s"
    time.sleep(1)  # give a wrongly queued rollback letter time to show up too
    text = "".join(path.read_text() for path in sorted(worker.mail_dir.glob("*.log")))
    assert "coordinator@example.org" in text
    assert "rolled-back@example.org" not in text


PROTOCOL = (
    "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Отметка;Отметка по журналу\n"
    "2021;ВПР;Русский язык;5;chemashi;5а;A1;30;4;4\n"
    "2021;ВПР;Русский язык;5;chemashi;5а;A2;10;2;3\n"
    "2021;ВПР;Русский язык;5;andra;5а;A3;20;3;3\n"
)
# school: participants, marks 2, 3, 4, 5, sum of marks, lowered, confirmed, raised
PROTOCOL_AGGREGATES = {"chemashi": (2, 1, 0, 1, 0, 6, 1, 1, 0), "andra": (1, 0, 1, 0, 0, 3, 0, 1, 0)}
STATISTICS = (
    "Год;Процедура;Предмет;Параллель;Код ОО;Количество участников;2;3;4;5\n2021;ВПР;Русский язык;5;chemashi;4;1;1;1;1\n"
)
ENDED = [Recalculation.State.DONE, Recalculation.State.FAILED]


def wait_until(predicate, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.2)
    return predicate()


def ended(job: Recalculation) -> Recalculation:
    """The job once the worker has finished it, done or failed."""
    found = wait_until(lambda: Recalculation.objects.filter(pk=job.pk, state__in=ENDED).first())
    assert found, f"the worker did not finish the recalculation within 30 s: {Recalculation.objects.filter(pk=job.pk)}"
    return found


def imported(user, text: str) -> ResultImport:
    """A file through the wizard's service path: check, then confirm (commit and enqueue on commit)."""
    record = check_upload(user, SimpleUploadedFile("results.csv", text.encode()), Supplied())
    assert record.state == ResultImport.State.CHECKED, record.problems
    record = confirm(user, record)
    assert record.state == ResultImport.State.COMMITTED
    return record


def aggregates() -> dict[str, tuple]:
    fields = ("participants", "marks_2", "marks_3", "marks_4", "marks_5", "mark_sum", "lowered", "confirmed", "raised")
    return {code: tuple(values) for code, *values in SchoolAggregate.objects.values_list("school__code", *fields)}


def recalculations_in(log: str) -> list[str]:
    return [line for line in log.splitlines() if "reports.tasks.recalculate_results[" in line and "received" in line]


def test_a_real_worker_recalculates_the_aggregates_once_the_import_commits(worker, subjects, coordinator):
    record = imported(coordinator, PROTOCOL)
    job = ended(record.recalculations.get())
    assert job.state == Recalculation.State.DONE, job.error
    assert job.progress == 100 and job.finished_at and job.error == ""
    assert aggregates() == PROTOCOL_AGGREGATES


def test_the_worker_gets_the_recalculation_only_when_the_transaction_commits(worker, subjects, coordinator):
    record = check_upload(coordinator, SimpleUploadedFile("results.csv", PROTOCOL.encode()), Supplied())
    with transaction.atomic():  # as a caller of the service that keeps its own transaction open a while longer
        record = confirm(coordinator, record)
        job = record.recalculations.get()
        # A probe sent straight away, for a job that does not exist: one worker takes its queue in order, so once
        # it has answered the probe, a recalculation sent before the commit would have been received as well.
        recalculate_results.delay(str(uuid.uuid4()))
        assert wait_until(lambda: "'missing'" in worker.log()), worker.log()
        assert len(recalculations_in(worker.log())) == 1, worker.log()
    job = ended(job)
    assert job.state == Recalculation.State.DONE, job.error
    assert aggregates() == PROTOCOL_AGGREGATES
    assert len(recalculations_in(worker.log())) == 2


def test_running_the_recalculation_twice_in_the_worker_gives_the_same_values(worker, subjects, coordinator):
    record = imported(coordinator, PROTOCOL)
    assert ended(record.recalculations.get()).state == Recalculation.State.DONE
    first = aggregates()
    again = ended(retry(record))
    assert again.state == Recalculation.State.DONE and record.recalculations.count() == 2
    assert aggregates() == first == PROTOCOL_AGGREGATES


def test_a_rolled_back_import_never_reaches_the_worker(worker, subjects, coordinator):
    record = check_upload(coordinator, SimpleUploadedFile("results.csv", PROTOCOL.encode()), Supplied())
    with pytest.raises(RuntimeError), transaction.atomic():  # the service commits inside a caller's transaction
        rolled_back = confirm(coordinator, record).recalculations.get()
        raise RuntimeError("roll back")
    # A committed marker queued afterwards: one worker takes its queue in order, so once the marker has run,
    # a task wrongly sent from the rolled-back transaction would have run (and logged itself) before it.
    with transaction.atomic():
        marker = enqueue_recalculation(None, [], [])
    assert ended(marker).state == Recalculation.State.DONE
    assert wait_until(lambda: "succeeded" in worker.log()), worker.log()
    assert recalculations_in(worker.log()) and len(recalculations_in(worker.log())) == 1, worker.log()
    assert "'missing'" not in worker.log()
    assert not Recalculation.objects.filter(pk=rolled_back.pk).exists()
    assert list(Recalculation.objects.values_list("pk", flat=True)) == [marker.pk]
    assert not ParticipantResult.objects.exists() and not SchoolAggregate.objects.exists()
    record.refresh_from_db()
    assert record.state == ResultImport.State.CHECKED  # as it was before the rolled-back confirmation


def test_a_failed_recalculation_keeps_its_error_and_a_retry_succeeds_once_the_cause_is_fixed(
    worker, subjects, coordinator, client_for
):
    record = imported(coordinator, STATISTICS)
    assert ended(record.recalculations.get()).state == Recalculation.State.DONE
    assert aggregates() == {"chemashi": (4, 1, 1, 1, 1, 14, 0, 0, 0)}
    # A statistics row edited by hand into nonsense: its sum of marks (5 × 10⁹) overflows the aggregate's
    # integer column, so PostgreSQL refuses the insert inside the worker.
    rows = AggregatedResult.objects.filter(source=record)
    rows.update(participants=1_000_000_000, marks_2=0, marks_3=0, marks_4=0, marks_5=1_000_000_000)
    failed = ended(retry(record))
    assert failed.state == Recalculation.State.FAILED and failed.finished_at
    assert failed.error.startswith("DataError:")  # "integer out of range", in the server's language
    assert aggregates() == {"chemashi": (4, 1, 1, 1, 1, 14, 0, 0, 0)}  # the failed run rolled back as a whole
    page = client_for(coordinator).get(reverse("reports:results-import", kwargs={"pk": record.pk})).content.decode()
    assert "DataError:" in page and "Повторить" in page

    rows.update(participants=4, marks_2=0, marks_3=0, marks_4=2, marks_5=2)
    job = ended(retry(record))
    assert job.state == Recalculation.State.DONE and job.error == "" and job.progress == 100
    assert aggregates() == {"chemashi": (4, 0, 0, 2, 2, 18, 0, 0, 0)}
