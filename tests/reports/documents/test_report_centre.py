"""The report centre: choose a kind, a unit of one's scope, a year (and a plan); preview; download PDF or .xlsx — in
the request when small, through a DocumentRender task and its progress page when large."""

import pytest
from django.urls import reverse

from reports.documents import KINDS
from reports.documents.models import DocumentRender
from roadmaps.models import PlanStatus
from shnor_portal.outbox.models import OutboxMessage

from .builders import make_plan, pdf_text

pytestmark = pytest.mark.django_db
CENTRE = reverse("reports:document-centre")
RENDER = reverse("reports:document-render")


def choice(**extra):
    return {"kind": "plan", "unit": "m:oktyabrsky", "year": "2021", **extra}


def test_it_offers_every_kind_and_only_the_units_of_the_scope(client_for, coordinator, regional):
    response = client_for(coordinator).get(CENTRE)
    assert response.status_code == 200
    form = response.context["form"]
    assert [value for value, _ in form.fields["kind"].choices] == list(KINDS)
    assert [value for value, _ in form.fields["unit"].choices] == ["m:oktyabrsky"]
    assert "Центр отчётов" in response.content.decode()
    units = client_for(regional).get(CENTRE).context["form"].fields["unit"].choices
    assert [value for value, _ in units] == ["m:berezovsky", "m:oktyabrsky", "r:hmao"]


def test_it_previews_the_chosen_plan(client_for, coordinator, world, django_assert_max_num_queries):
    make_plan(world.municipality, sections=3, per_section=10)
    client = client_for(coordinator)
    client.get(CENTRE)  # the session, the user: the same for every page
    with django_assert_max_num_queries(20):
        response = client.get(CENTRE, choice())
    content = response.content.decode()
    assert response.status_code == 200
    assert '<article class="doc landscape">' in content and content.count('<tr class="section">') == 3
    assert "3.10" in content and "Скачать PDF" in content
    assert "css/documents.css" in content  # the preview's styles, a file (no inline style under the CSP)


def test_several_plans_give_a_choice_and_a_draft_previews_as_a_draft(client_for, coordinator, world):
    make_plan(world.municipality, title="Утверждённый")
    draft = make_plan(world.municipality, title="Проект плана", status=PlanStatus.DRAFT)
    response = client_for(coordinator).get(CENTRE, choice())
    plans = response.context["form"].plans
    assert [plan.title for plan in plans] == ["Утверждённый", "Проект плана"]
    assert response.context["document"].plan.title == "Утверждённый"
    response = client_for(coordinator).get(CENTRE, choice(plan=draft.pk))
    assert response.context["document"].plan == draft and "ПРОЕКТ" in response.content.decode()


def test_a_plan_left_from_an_earlier_choice_is_ignored(client_for, coordinator, world):
    plan = make_plan(world.municipality)
    response = client_for(coordinator).get(CENTRE, choice(kind="indicators", plan=plan.pk))
    assert not response.context["form"].errors and response.context["document"].plan is None
    response = client_for(coordinator).get(CENTRE, choice(year="2030", plan=plan.pk))
    assert "plan" not in response.context["form"].errors
    assert "нет утверждённого плана, действующего в 2030 году" in response.content.decode()


def test_a_unit_outside_the_scope_is_an_error_of_the_field(client_for, coordinator, world):
    make_plan(world.far)
    response = client_for(coordinator).get(CENTRE, choice(unit="m:dubensky"))
    assert response.status_code == 200 and response.context["document"] is None
    assert response.context["form"].errors["unit"]


def test_without_a_plan_it_says_why(client_for, coordinator):
    response = client_for(coordinator).get(CENTRE, choice())
    assert "нет утверждённого плана, действующего в 2021 году" in response.content.decode()


def test_a_small_document_downloads_at_once(client_for, coordinator, world):
    plan = make_plan(world.municipality)
    response = client_for(coordinator).post(RENDER, {**choice(), "output_format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="plan-oktyabrsky-2021-{plan.pk}.pdf"'
    assert "Раздел 1: поддержка школ" in pdf_text(response.content)
    response = client_for(coordinator).post(RENDER, {**choice(kind="indicators"), "output_format": "xlsx"})
    assert response.content[:2] == b"PK" and not DocumentRender.objects.exists()


def test_an_empty_post_shows_the_form_with_its_errors(client_for, coordinator):
    response = client_for(coordinator).post(RENDER, {})
    assert response.status_code == 200 and response.context["form"].errors["output_format"]


def test_a_region_is_rendered_in_a_task_with_a_progress_page(
    client_for, regional, coordinator, world, django_capture_on_commit_callbacks
):
    client = client_for(regional)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RENDER, {**choice(kind="indicators", unit="r:hmao"), "output_format": "pdf"})
    job = DocumentRender.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:document-render-status", args=[job.pk]
    )
    assert OutboxMessage.objects.filter(dedupe_key=f"render-document:{job.pk}").exists()
    assert (job.state, job.progress, job.region, job.requested_by) == ("done", 100, world.region, regional)
    page = client.get(response["Location"])
    file_url = reverse("reports:document-render-file", args=[job.pk])
    assert file_url in page.content.decode()
    download = client.get(file_url)
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # Another user gets a 404 for the job and its file, even in the same region.
    other = client_for(coordinator)
    assert other.get(file_url).status_code == 404
    assert other.get(response["Location"]).status_code == 404


def test_a_long_document_of_a_municipality_goes_to_a_task_too(
    client_for, coordinator, world, settings, django_capture_on_commit_callbacks
):
    settings.DOCUMENT_RENDER_INLINE_MAX_ROWS = 5
    make_plan(world.municipality, sections=2, per_section=3)
    client = client_for(coordinator)
    assert "будет подготовлен в фоне" in client.get(CENTRE, choice()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RENDER, {**choice(), "output_format": "xlsx"})
    job = DocumentRender.objects.get()
    assert response.status_code == 302 and job.state == "done" and job.filename.endswith(".xlsx")


def test_the_status_fragment_polls_until_the_job_ends(client_for, coordinator, world):
    job = DocumentRender.objects.create(
        kind="plan", municipality=world.municipality, year=2021, output_format="pdf", requested_by=coordinator
    )
    url = reverse("reports:document-render-status", args=[job.pk])
    fragment = client_for(coordinator).get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "<html" not in fragment
    job.state = "failed"
    job.error = "У территории нет плана"
    job.save()
    fragment = client_for(coordinator).get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and "У территории нет плана" in fragment and "Повторить" in fragment


def test_a_failed_job_is_retried(client_for, coordinator, world, django_capture_on_commit_callbacks):
    make_plan(world.municipality)
    job = DocumentRender.objects.create(
        kind="plan",
        municipality=world.municipality,
        year=2021,
        output_format="pdf",
        requested_by=coordinator,
        state="failed",
        error="упал",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(reverse("reports:document-render-retry", args=[job.pk]))
    job.refresh_from_db()
    assert response.status_code == 302 and job.state == "done" and job.error == "" and job.size > 0


def test_the_nav_links_the_centre_for_those_who_may_use_it(client_for, coordinator, principal):
    assert CENTRE in client_for(coordinator).get("/").content.decode()
    assert CENTRE not in client_for(principal).get("/").content.decode()
    assert client_for(principal).get(CENTRE).status_code == 403
