import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from registry.models import Municipality
from reports.assessments.aggregates import recalculate, results_rows
from reports.assessments.models import ParticipantResult, Recalculation, ResultImport, SchoolAggregate
from reports.tasks import recalculate_results
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
FILE = (
    "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Отметка;Отметка по журналу\n"
    "2021;ВПР;Русский язык;5;chemashi;5а;A1;30;4;4\n"
    "2021;ВПР;Русский язык;5;chemashi;5а;A2;10;2;3\n"
    "2021;ВПР;Русский язык;5;andra;5а;A3;20;3;3\n"
)


def upload(client, text=FILE, **extra):
    response = client.post(
        reverse("reports:results-upload"), {"file": SimpleUploadedFile("vpr.csv", text.encode()), **extra}
    )
    assert response.status_code == 302, response.content.decode()[:300]
    return ResultImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_it_previews_commits_and_recalculates_after_commit(
    client_for, coordinator, world, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    record = upload(client)
    assert record.state == "checked" and record.rows == 3 and not ParticipantResult.objects.exists()
    page = client.get(reverse("reports:results-import", kwargs={"pk": record.pk})).content.decode()
    assert "ВПР 2021. Русский язык, 5 класс" in page and "Подтвердить и записать" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
    record.refresh_from_db()
    assert record.state == "committed" and ParticipantResult.objects.count() == 3
    job = Recalculation.objects.get()
    assert job.state == "done" and job.progress == 100
    rows = results_rows(municipality=world.municipality, year=2021, procedure="ВПР")
    chemashi = next(r for r in rows if r["school"] == "chemashi")
    assert chemashi["marks"] == {"2": 1, "3": 0, "4": 1, "5": 0} and chemashi["lowered_pct"] == 50.0
    status = client.get(reverse("reports:results-import", kwargs={"pk": record.pk}), headers={"HX-Request": "true"})
    assert "последний пересчёт" in status.content.decode()


def test_the_preview_says_what_a_commit_replaces(client_for, coordinator, world, django_capture_on_commit_callbacks):
    client = client_for(coordinator)
    first = upload(client)
    page = client.get(reverse("reports:results-import", kwargs={"pk": first.pk})).content.decode()
    assert "ещё ничего не загружено" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:results-confirm", kwargs={"pk": first.pk}))
    only_chemashi = "\n".join(line for line in FILE.splitlines() if "andra" not in line) + "\n"
    second = upload(client, only_chemashi)
    assert second.summary["replaces"] == [{"campaign": "ВПР 2021. Русский язык, 5 класс", "rows": 2, "schools": 1}]
    page = client.get(reverse("reports:results-import", kwargs={"pk": second.pk})).content.decode()
    assert "Подтверждение заменит эти сохранённые результаты" in page


def test_recalculating_twice_gives_the_same_values(client_for, coordinator, world, django_capture_on_commit_callbacks):
    client = client_for(coordinator)
    record = upload(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
    first = list(
        SchoolAggregate.objects.order_by("school_id").values("school_id", "participants", "mark_sum", "lowered")
    )
    job = Recalculation.objects.get()
    recalculate(job.campaigns, job.schools)
    assert (
        list(SchoolAggregate.objects.order_by("school_id").values("school_id", "participants", "mark_sum", "lowered"))
        == first
    )


def test_a_failed_recalculation_shows_its_error_and_can_be_retried(
    client_for, coordinator, world, monkeypatch, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    record = upload(client)

    def broken(*args, **kwargs):
        raise RuntimeError("нет связи с базой")

    monkeypatch.setattr("reports.tasks.recalculate", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
    job = Recalculation.objects.get()
    assert job.state == "failed" and "нет связи с базой" in job.error
    page = client.get(reverse("reports:results-import", kwargs={"pk": record.pk})).content.decode()
    assert "нет связи с базой" in page and "Повторить" in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:results-retry", kwargs={"pk": record.pk}))
    assert Recalculation.objects.filter(state="done").count() == 1


def test_the_status_tells_the_last_good_recalculation_apart_from_a_later_one_that_failed(
    client_for, coordinator, world, monkeypatch, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    record = upload(client)
    url = reverse("reports:results-import", kwargs={"pk": record.pk})
    with django_capture_on_commit_callbacks(execute=False):  # the task is recorded, not yet sent to the queue
        client.post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
    queued = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in queued and "ожидает очереди" in queued and "0%" in queued
    assert "значения ещё не пересчитывались" in queued
    job = Recalculation.objects.get()
    assert recalculate_results(str(job.pk)) == "done"
    Recalculation.objects.filter(pk=job.pk).update(finished_at=timezone.make_aware(dt.datetime(2021, 3, 1, 10, 5)))
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "every 2s" not in done and "100%" in done and "последний пересчёт 01.03.2021 10:05" in done

    def broken(*args, **kwargs):
        raise RuntimeError("нет связи с базой")

    monkeypatch.setattr("reports.tasks.recalculate", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:results-retry", kwargs={"pk": record.pk}))
    failed = Recalculation.objects.get(state="failed")
    page = client.get(url).content.decode()
    assert f"ошибка {timezone.localtime(failed.finished_at):%d.%m.%Y %H:%M}" in page
    assert "последний пересчёт 01.03.2021 10:05" in page and "нет связи с базой" in page and "Повторить" in page


def test_schools_outside_the_scope_are_errors_and_nothing_is_written(client_for, coordinator, world):
    text = FILE + "2021;ВПР;Русский язык;5;novopavshino;5а;A9;20;3;3\n"
    record = upload(client_for(coordinator), text)
    assert record.state == "rejected"
    assert record.problems[0]["row"] == 5 and "вне вашей зоны ответственности" in record.problems[0]["message"]
    client_for(coordinator).post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
    assert not ParticipantResult.objects.exists()


def test_only_importers_reach_the_wizard_and_only_their_files(
    client_for, coordinator, inspector, principal, other_coordinator, world
):
    assert client_for(inspector).get(reverse("reports:results-upload")).status_code == 403
    assert client_for(principal).get(reverse("reports:results-upload")).status_code == 403
    record = upload(client_for(coordinator))
    assert (
        client_for(other_coordinator).get(reverse("reports:results-import", kwargs={"pk": record.pk})).status_code
        == 404
    )


def test_the_regional_coordinator_imports_for_the_whole_region(client_for, regional, world):
    text = FILE + "2021;ВПР;Русский язык;5;berezovo;5а;A7;20;3;3\n"
    record = upload(client_for(regional), text)
    assert record.state == "checked", record.problems
    far = FILE + "2021;ВПР;Русский язык;5;novopavshino;5а;A8;20;3;3\n"
    assert upload(client_for(regional), far).state == "rejected"


SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "results"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_samples_through_the_wizard_give_the_expected_numbers(client, name, django_capture_on_commit_callbacks):
    from registry import demo as registry_demo
    from shnor_portal.demo import Tally

    registry_demo.load(Tally())
    case = EXPECTED[name]
    options = dict(zip(case["results"].split()[1::2], case["results"].split()[2::2], strict=False))
    municipality = Municipality.objects.get(code=options["--municipality"])
    coordinator = user_with_role(Role.MUNICIPAL_COORDINATOR, "sample-coordinator", municipality=municipality)
    client.force_login(coordinator)
    response = client.post(
        reverse("reports:results-upload"),
        {"file": SimpleUploadedFile(name, (SAMPLES / name).read_bytes())},
    )
    record = ResultImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert record.state == "checked", record.problems
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
    record.refresh_from_db()
    assert record.state == "committed" and record.recalculations.get().state == "done"
    rows = results_rows(municipality=municipality, year=int(options["--year"]), procedure=options["--procedure"])
    assert rows == case["rows"]


def test_a_job_waiting_for_the_queue_is_retried_as_the_same_job_and_offered_only_after_a_while(
    client_for, coordinator, world, django_capture_on_commit_callbacks, settings
):
    from shnor_portal.outbox.models import OutboxMessage

    settings.RECALCULATION_RETRY_AFTER_MINUTES = 3
    client = client_for(coordinator)
    record = upload(client)
    url = reverse("reports:results-import", kwargs={"pk": record.pk})
    retry_url = reverse("reports:results-retry", kwargs={"pk": record.pk})
    with django_capture_on_commit_callbacks(execute=False):  # the broker did not take the task
        client.post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
        fresh = client.get(url).content.decode()
        assert "ожидает очереди" in fresh and "Повторить" not in fresh
        Recalculation.objects.update(created_at=timezone.now() - dt.timedelta(minutes=3, seconds=1))
        assert "Повторить" in client.get(url).content.decode()
        client.post(retry_url)
        client.post(retry_url)
    assert Recalculation.objects.count() == 1 and OutboxMessage.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # the queue is back: the same job runs
        client.post(retry_url)
    job = Recalculation.objects.get()
    assert job.state == "done" and OutboxMessage.objects.get().state == "sent"
    assert SchoolAggregate.objects.count() == 2


def test_a_job_that_lost_its_worker_is_queued_again_by_the_sweep_and_a_live_one_is_left_alone(
    client_for, coordinator, world, django_capture_on_commit_callbacks, settings
):
    from shnor_portal.outbox import services as outbox

    settings.RECALCULATION_STALE_MINUTES = 10
    record = upload(client_for(coordinator))
    with django_capture_on_commit_callbacks(execute=False):
        client_for(coordinator).post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
    job = Recalculation.objects.get()
    alive = timezone.now() - dt.timedelta(minutes=9)
    Recalculation.objects.update(state="running", progress=10, heartbeat_at=alive)
    assert recalculate_results(str(job.pk)) == "skipped"  # a second message while a live worker runs it
    outbox.sweep()
    job.refresh_from_db()
    assert job.state == "running" and job.progress == 10 and not SchoolAggregate.objects.exists()

    Recalculation.objects.update(heartbeat_at=timezone.now() - dt.timedelta(minutes=11))
    outbox.sweep()  # eager here: the re-queued job runs at once
    job.refresh_from_db()
    assert job.state == "done" and job.progress == 100 and SchoolAggregate.objects.count() == 2
    assert recalculate_results(str(job.pk)) == "skipped"  # a late redelivery of a finished job changes nothing
