"""Documents rendered in a task: safe to run twice, a dead worker's job queued again, old jobs and files removed."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from reports.documents.models import DocumentRender
from reports.documents.services import run_render, sweep_renders
from shnor_portal.outbox.models import OutboxMessage

from .builders import make_plan

pytestmark = pytest.mark.django_db


def job_for(world, user, **fields):
    return DocumentRender.objects.create(
        kind="plan", municipality=world.municipality, year=2021, output_format="xlsx", requested_by=user, **fields
    )


def test_a_job_runs_once_and_a_second_message_changes_nothing(world, coordinator):
    make_plan(world.municipality)
    job = job_for(world, coordinator)
    assert run_render(job.pk) == "done"
    job.refresh_from_db()
    first = (job.file.name, job.finished_at)
    assert job.size > 0 and job.filename.startswith("plan-oktyabrsky-2021-") and job.filename.endswith(".xlsx")
    assert run_render(job.pk) == "skipped"
    job.refresh_from_db()
    assert (job.file.name, job.finished_at) == first


def test_a_job_without_a_document_fails_with_the_reason(world, coordinator):
    job = job_for(world, coordinator)
    assert run_render(job.pk) == "failed"
    job.refresh_from_db()
    assert job.state == "failed" and "нет утверждённого плана" in job.error


def test_the_sweep_requeues_a_dead_job_and_removes_old_ones(
    world, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.DOCUMENT_RENDER_STALE_MINUTES = 10
    make_plan(world.municipality)
    dead = job_for(world, coordinator, state="running", started_at=timezone.now() - dt.timedelta(minutes=11))
    alive = job_for(world, coordinator, state="running", started_at=timezone.now() - dt.timedelta(minutes=2))
    old = job_for(world, coordinator)
    run_render(old.pk)
    old.refresh_from_db()
    path = old.file.path
    DocumentRender.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_renders() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.state == "done" and alive.state == "running"  # eager: the re-queued job ran at once
    assert OutboxMessage.objects.filter(dedupe_key=f"render-document:{dead.pk}").exists()
    assert not DocumentRender.objects.filter(pk=old.pk).exists()
    assert not Path(path).exists()
