"""The activity page and progress reports: reporting with files and links, refused files, downloads through the
permission check, the coordinator's verdicts and the school's answers, the lock on an accepted «выполнено»."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from roadmaps.models import Evidence, Plan, PlanStatus, ProgressReport, ReportNote, ReportStatus, Review

from .progress_builders import (
    PDF,
    PNG,
    day,
    docx_bytes,
    make_activity,
    make_plan,
    make_report,
    make_section,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    """A municipal plan in progress with an activity for chemashi and andra, and one the owner carries out itself."""
    return make_plan(world.municipality, title="Дорожная карта Октябрьского района")


@pytest.fixture
def activity(plan, world):
    due = timezone.localdate() + dt.timedelta(days=5)
    return make_activity(make_section(plan), day(due), executors=[world.school, world.second_school])


@pytest.fixture
def period(activity):
    return activity.due_periods.get()


@pytest.fixture
def owners_activity(plan):
    return make_activity(make_section(plan, number="2.", order=2), day(timezone.localdate()), number="2.1")


def report_url(activity):
    return reverse("roadmaps:activity-report", args=[activity.pk])


def post_report(client, activity, period, school, **data):
    payload = {
        "period": period.pk if period else "",
        "reporter": school.pk if school else "owner",
        "status": ReportStatus.IN_WORK,
        "percent": "30",
        "done_text": "",
        "links": "",
        **data,
    }
    return client.post(report_url(activity), payload)


def test_a_principal_reports_with_a_file_and_links(client_for, principal, activity, period, world, settings):
    client = client_for(principal)
    response = post_report(
        client,
        activity,
        period,
        world.school,
        status=ReportStatus.IN_WORK,
        percent="40",
        done_text="Проведён педагогический совет",
        links="https://oktcro.ru/a\n\n  http://school.example.org/page?x=1  ",
        files=[pdf_upload(), pdf_upload("Отчёт.docx", docx_bytes())],
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(activity=activity, school=world.school, period=period)
    assert (report.status, report.percent, report.review, report.author) == (
        ReportStatus.IN_WORK,
        40,
        Review.PENDING,
        principal,
    )
    assert report.links == "https://oktcro.ru/a\nhttp://school.example.org/page?x=1"
    files = {e.name: e for e in report.evidence.all()}
    assert set(files) == {"приказ.pdf", "Отчёт.docx"}
    assert (files["приказ.pdf"].kind, files["Отчёт.docx"].kind) == ("pdf", "docx")
    stored = Path(files["приказ.pdf"].file.path)
    # Under MEDIA_ROOT, with a random name: the original name is kept in the row only.
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT)) and "приказ" not in stored.name
    assert stored.read_bytes() == PDF
    page = client.get(reverse("roadmaps:activity-detail", args=[activity.pk])).content.decode()
    assert "Проведён педагогический совет" in page and "приказ.pdf" in page and "https://oktcro.ru/a" in page


def test_done_means_a_hundred_percent(client_for, principal, activity, period, world):
    post_report(client_for(principal), activity, period, world.school, status=ReportStatus.DONE, percent="20")
    assert ProgressReport.objects.get(activity=activity).percent == 100


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: pdf_upload("скан.pdf", PNG), "png"),  # named .pdf, but a PNG inside
        (lambda: pdf_upload("virus.exe", b"MZ\x90\x00"), "pdf, docx, xlsx, jpg, png"),
        (lambda: pdf_upload("page.html", b"<html><script>alert(1)</script></html>"), "pdf, docx, xlsx, jpg, png"),
        (lambda: pdf_upload("fake.docx", b"PK\x03\x04not a zip"), "pdf, docx, xlsx, jpg"),
    ],
)
def test_files_are_checked_by_content_and_nothing_is_saved(
    client_for, principal, activity, period, world, upload, message
):
    response = post_report(
        client_for(principal),
        activity,
        period,
        world.school,
        done_text="Текст, который не должен потеряться",
        files=[upload()],
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "Текст, который не должен потеряться" in html
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()


def test_a_file_above_the_limit_is_refused(client_for, principal, activity, period, world, settings):
    settings.ROADMAPS_EVIDENCE_MAX_BYTES = 100
    response = post_report(client_for(principal), activity, period, world.school, files=[pdf_upload(content=PDF * 10)])
    assert response.status_code == 200 and "слишком велик" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_links_must_be_web_addresses(client_for, principal, activity, period, world):
    response = post_report(
        client_for(principal), activity, period, world.school, links="https://ok.example.org\njavascript:alert(1)"
    )
    assert response.status_code == 200
    assert "javascript:alert(1)" in response.content.decode() and "строка 2" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_principal_cannot_report_for_another_school(client_for, principal, activity, period, world):
    # The activity is visible; the other school's reports are not (ids do not leak): a 404, nothing written.
    response = post_report(client_for(principal), activity, period, world.second_school)
    assert response.status_code == 404
    assert not ProgressReport.objects.exists()


def test_a_principal_cannot_report_on_a_plan_of_another_school(client_for, principal, world):
    other = make_plan(world.municipality, school=world.second_school)
    activity = make_activity(make_section(other), day(timezone.localdate()), executors=[world.second_school])
    response = post_report(client_for(principal), activity, activity.due_periods.get(), world.second_school)
    assert response.status_code == 404
    assert client_for(principal).get(reverse("roadmaps:activity-detail", args=[activity.pk])).status_code == 404


@pytest.mark.parametrize("persona, status", [("inspector", 403), ("coordinator", 403), ("other_coordinator", 404)])
def test_readers_and_coordinators_do_not_report_for_a_school(
    request, client_for, activity, period, world, persona, status
):
    client = client_for(request.getfixturevalue(persona))
    assert post_report(client, activity, period, world.school).status_code == status
    assert not ProgressReport.objects.exists()


def test_the_coordinator_reports_the_owners_own_activity(client_for, coordinator, principal, owners_activity):
    period = owners_activity.due_periods.get()
    assert post_report(client_for(principal), owners_activity, period, None).status_code == 404  # not visible to it
    response = post_report(client_for(coordinator), owners_activity, period, None, status=ReportStatus.DONE)
    assert response.status_code == 302
    report = ProgressReport.objects.get(activity=owners_activity)
    assert (report.school, report.percent, report.author) == (None, 100, coordinator)


def test_the_principal_of_a_school_plan_reports_its_own_activities(client_for, principal, world):
    own_plan = make_plan(world.municipality, school=world.school)
    activity = make_activity(make_section(own_plan), day(timezone.localdate()))
    html = client_for(principal).get(reverse("roadmaps:activity-detail", args=[activity.pk])).content.decode()
    assert f'name="reporter" value="{world.school.pk}"' in html  # the form reports for the school
    response = post_report(client_for(principal), activity, activity.due_periods.get(), world.school)
    assert response.status_code == 302 and ProgressReport.objects.get(activity=activity).school == world.school


def test_nobody_reports_as_the_owner_on_a_school_plan(client_for, principal, coordinator, world):
    """The owner municipality's coordinators report only on municipal plans: on a school plan the school reports."""
    own_plan = make_plan(world.municipality, school=world.school)
    activity = make_activity(make_section(own_plan), day(timezone.localdate()))
    period = activity.due_periods.get()
    assert post_report(client_for(coordinator), activity, period, None).status_code == 404
    assert post_report(client_for(coordinator), activity, period, world.school).status_code == 403
    assert post_report(client_for(principal), activity, period, None).status_code == 404
    html = client_for(coordinator).get(reverse("roadmaps:activity-detail", args=[activity.pk])).content.decode()
    assert 'id="report-form"' not in html
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.REVIEW, PlanStatus.COMPLETED])
def test_only_plans_being_carried_out_take_reports(client_for, principal, plan, activity, period, world, status):
    plan.status = status
    plan.save()
    assert post_report(client_for(principal), activity, period, world.school).status_code == 403
    assert not ProgressReport.objects.exists()


def test_the_report_form_needs_post_and_a_period_of_the_activity(client_for, principal, activity, world, plan):
    client = client_for(principal)
    assert client.get(report_url(activity)).status_code == 405
    other = make_activity(make_section(plan, number="3.", order=3), day(timezone.localdate()), executors=[world.school])
    assert post_report(client, activity, other.due_periods.get(), world.school).status_code == 404
    assert client.post(report_url(activity), {"period": "x", "reporter": world.school.pk}).status_code == 404


def test_the_activity_page_shows_the_form_only_to_those_who_report(
    client_for, principal, mentor, inspector, coordinator, activity, period, world
):
    url = reverse("roadmaps:activity-detail", args=[activity.pk])
    make_report(activity, world.second_school, status=ReportStatus.IN_WORK, review=Review.PENDING, done_text="Андра")
    html = client_for(principal).get(url).content.decode()
    assert 'id="report-form"' in html and "Андра" not in html  # its own form; not its neighbour's report
    for reader in (inspector, coordinator):
        html = client_for(reader).get(url).content.decode()
        assert 'id="report-form"' not in html and "Андра" in html


def test_a_mentor_reads_its_mentees_reports(client_for, mentor, world):
    plan = make_plan(world.municipality, school=world.school)
    activity = make_activity(make_section(plan), day(timezone.localdate()), executors=[world.school])
    make_report(activity, world.school, status=ReportStatus.IN_WORK, review=Review.PENDING, done_text="Сделано")
    client = client_for(mentor)
    html = client.get(reverse("roadmaps:activity-detail", args=[activity.pk])).content.decode()
    assert "Сделано" in html and 'id="report-form"' not in html
    assert post_report(client, activity, activity.due_periods.get(), world.school).status_code == 403


def test_an_outsider_gets_a_404(client_for, outsider, activity):
    assert client_for(outsider).get(reverse("roadmaps:activity-detail", args=[activity.pk])).status_code == 404


def test_the_activity_page_costs_a_bounded_number_of_queries(
    client_for, coordinator, plan, world, django_assert_max_num_queries
):
    activity = make_activity(
        make_section(plan, number="5.", order=5), "ежемесячно", executors=[world.school, world.second_school]
    )
    for period in activity.due_periods.all()[:12]:
        report = make_report(activity, world.school, period, status=ReportStatus.IN_WORK, review=Review.PENDING)
        ReportNote.objects.create(report=report, kind=ReportNote.Kind.ANSWER, text="ответ")
    client = client_for(coordinator)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("roadmaps:activity-detail", args=[activity.pk])).status_code == 200


# --- Downloads


@pytest.fixture
def evidence(activity, period, world, principal):
    report = make_report(activity, world.school, period, status=ReportStatus.IN_WORK, review=Review.PENDING)
    return Evidence.objects.create(
        report=report, file=pdf_upload(), name="приказ.pdf", kind="pdf", size=len(PDF), uploaded_by=principal
    )


@pytest.mark.parametrize(
    "persona, status",
    [
        ("principal", 200),
        ("coordinator", 200),
        ("inspector", 200),
        ("regional", 200),
        ("other_coordinator", 404),
        ("outsider", 404),
    ],
)
def test_evidence_is_served_only_through_the_permission_check(request, client_for, evidence, persona, status):
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("roadmaps:evidence-download", args=[evidence.pk])
    )
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF


def test_a_school_does_not_download_its_neighbours_evidence(client_for, evidence, world, activity):
    from accounts.models import Role
    from tests.factories import user_with_role

    neighbour = user_with_role(Role.PRINCIPAL, "andra-principal", school=world.second_school)
    assert client_for(neighbour).get(reverse("roadmaps:evidence-download", args=[evidence.pk])).status_code == 404


def test_the_reporter_removes_a_file_and_others_cannot(client_for, principal, inspector, evidence):
    url = reverse("roadmaps:evidence-delete", args=[evidence.pk])
    assert client_for(inspector).post(url).status_code == 403
    assert client_for(principal).get(url).status_code == 405
    assert client_for(principal).post(url).status_code == 302
    assert not Evidence.objects.exists()


# --- Verdicts and answers


@pytest.fixture
def pending(activity, period, world, principal):
    return make_report(
        activity, world.school, period, status=ReportStatus.DONE, review=Review.PENDING, author=principal
    )


def review(client, report, decision, comment=""):
    return client.post(reverse("roadmaps:report-review", args=[report.pk]), {"decision": decision, "comment": comment})


def test_the_coordinator_accepts_a_report(client_for, coordinator, pending):
    assert review(client_for(coordinator), pending, "accept", "Хорошо").status_code == 302
    pending.refresh_from_db()
    assert (pending.review, pending.reviewed_by, pending.review_comment) == (Review.ACCEPTED, coordinator, "Хорошо")
    assert list(pending.notes.values_list("kind", "text", "author")) == [("accepted", "Хорошо", coordinator.pk)]


def test_returning_a_report_needs_a_comment(client_for, coordinator, pending):
    response = review(client_for(coordinator), pending, "return", "   ")
    assert response.status_code == 200 and "нужен комментарий" in response.content.decode()
    pending.refresh_from_db()
    assert pending.review == Review.PENDING and not pending.notes.exists()
    assert review(client_for(coordinator), pending, "return", "Приложите приказ").status_code == 302
    pending.refresh_from_db()
    assert (pending.review, pending.review_comment) == (Review.RETURNED, "Приложите приказ")
    assert list(pending.notes.values_list("kind", "text")) == [("returned", "Приложите приказ")]


def test_a_review_through_htmx_returns_the_verdict_in_place(client_for, coordinator, pending):
    response = client_for(coordinator).post(
        reverse("roadmaps:report-review", args=[pending.pk]), {"decision": "accept"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and f'id="review-{pending.pk}"' in html and "<html" not in html


def test_a_review_through_htmx_on_a_plan_no_longer_carried_out_reloads_the_page(client_for, coordinator, plan, pending):
    """htmx swaps nothing on a 403: the queue's page reloads and says why the verdict was not recorded."""
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.COMPLETED)  # completed in another window
    client = client_for(coordinator)
    response = client.post(
        reverse("roadmaps:report-review", args=[pending.pk]), {"decision": "accept"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403 and response["HX-Refresh"] == "true"
    pending.refresh_from_db()
    assert pending.review == Review.PENDING
    page = client.get(reverse("roadmaps:report-reviews")).content.decode()
    assert "Ничего не изменено" in page


@pytest.mark.parametrize("persona, status", [("principal", 403), ("inspector", 403), ("other_coordinator", 404)])
def test_only_the_municipalitys_coordinators_review(request, client_for, pending, persona, status):
    assert review(client_for(request.getfixturevalue(persona)), pending, "accept").status_code == status
    pending.refresh_from_db()
    assert pending.review == Review.PENDING


def test_a_report_is_reviewed_once(client_for, coordinator, pending):
    client = client_for(coordinator)
    review(client, pending, "accept")
    review(client, pending, "return", "Передумал")
    pending.refresh_from_db()
    assert pending.review == Review.ACCEPTED and pending.notes.count() == 1


def test_the_principal_answers_a_returned_report_and_it_goes_back_for_review(
    client_for, coordinator, principal, pending
):
    review(client_for(coordinator), pending, "return", "Приложите приказ")
    client = client_for(principal)
    url = reverse("roadmaps:report-answer", args=[pending.pk])
    assert client.post(url, {"text": " "}).status_code == 200  # the answer is required
    assert client.post(url, {"text": "Приказ приложен"}).status_code == 302
    pending.refresh_from_db()
    assert pending.review == Review.PENDING
    assert list(pending.notes.values_list("kind", "text")) == [
        ("returned", "Приложите приказ"),
        ("answer", "Приказ приложен"),
    ]
    assert client.post(url, {"text": "Ещё раз"}).status_code == 302  # not returned any more: refused, no note
    assert pending.notes.count() == 2
    assert client_for(coordinator).post(url, {"text": "Я не школа"}).status_code == 403


def test_correcting_a_returned_report_sends_it_again_with_the_answer(
    client_for, coordinator, principal, pending, world
):
    review(client_for(coordinator), pending, "return", "Нет подтверждения")
    response = post_report(
        client_for(principal),
        pending.activity,
        pending.period,
        world.school,
        status=ReportStatus.DONE,
        done_text="Приложен приказ",
        answer="Исправлено",
        files=[pdf_upload()],
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.review, pending.done_text, pending.evidence.count()) == (Review.PENDING, "Приложен приказ", 1)
    assert pending.notes.filter(kind="answer", text="Исправлено").exists()


def test_an_accepted_done_report_is_locked(client_for, coordinator, principal, pending, world):
    review(client_for(coordinator), pending, "accept")
    client = client_for(principal)
    response = post_report(client, pending.activity, pending.period, world.school, status=ReportStatus.IN_WORK)
    assert response.status_code == 403
    pending.refresh_from_db()
    assert (pending.status, pending.review) == (ReportStatus.DONE, Review.ACCEPTED)
    evidence = Evidence.objects.create(report=pending, file=pdf_upload(), name="a.pdf", kind="pdf", size=len(PDF))
    assert client.post(reverse("roadmaps:evidence-delete", args=[evidence.pk])).status_code == 403
    html = client.get(reverse("roadmaps:activity-detail", args=[pending.activity_id])).content.decode()
    assert 'id="report-form"' not in html


def test_an_accepted_report_in_work_can_still_be_updated(client_for, coordinator, principal, activity, period, world):
    report = make_report(activity, world.school, period, status=ReportStatus.IN_WORK, review=Review.ACCEPTED)
    response = post_report(client_for(principal), activity, period, world.school, status=ReportStatus.DONE)
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.review) == (ReportStatus.DONE, Review.PENDING)


def test_the_review_queue_lists_the_municipalitys_waiting_reports(
    client_for, coordinator, principal, pending, other_coordinator
):
    url = reverse("roadmaps:report-reviews")
    html = client_for(coordinator).get(url).content.decode()
    assert f'id="review-{pending.pk}"' in html and "Принять" in html
    assert f'id="review-{pending.pk}"' not in client_for(other_coordinator).get(url).content.decode()
    assert client_for(principal).get(url).status_code == 403
    export = client_for(coordinator).get(url, {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_execution_overview_shows_sections_overdue_schools_and_the_queue(
    client_for, coordinator, plan, world, pending, django_assert_max_num_queries
):
    late = make_activity(
        make_section(plan, number="4.", order=4),
        day(timezone.localdate() - dt.timedelta(days=3)),
        executors=[world.second_school],
    )
    client = client_for(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("roadmaps:plan-execution", args=[plan.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "МКОУ «Андринская СОШ»" in html and late.name in html  # overdue, by school
    assert f'id="review-{pending.pk}"' in html  # awaiting review, with the actions
    summary = client.get(reverse("roadmaps:plan-execution-summary", args=[plan.pk])).content.decode()
    assert reverse("roadmaps:plan-execution", args=[plan.pk]) in summary and "1 отчёт ожидает проверки" in summary
    page = client.get(plan.get_absolute_url()).content.decode()
    assert reverse("roadmaps:plan-execution-summary", args=[plan.pk]) in page


def test_an_activity_without_dates_takes_one_report(client_for, principal, plan, world):
    activity = make_activity(
        make_section(plan, number="6.", order=6), "по мере необходимости", executors=[world.school]
    )
    client = client_for(principal)
    html = client.get(reverse("roadmaps:activity-detail", args=[activity.pk])).content.decode()
    assert 'id="report-form"' in html and "без сроков" in html
    assert post_report(client, activity, None, world.school, status=ReportStatus.DONE).status_code == 302
    report = ProgressReport.objects.get(activity=activity)
    assert (report.period, report.school, report.percent) == (None, world.school, 100)
    # A dated activity needs its period: a report without one is refused.
    dated = make_activity(make_section(plan, number="7.", order=7), day(timezone.localdate()), executors=[world.school])
    response = post_report(client, dated, None, world.school)
    assert response.status_code == 200 and "Выберите отчётный период" in response.content.decode()
    assert not ProgressReport.objects.filter(activity=dated).exists()


# --- Nobody reviews their own report


@pytest.fixture
def second_coordinator(world):
    from accounts.models import Role
    from tests.factories import user_with_role

    return user_with_role(Role.MUNICIPAL_COORDINATOR, "coordinator-2", municipality=world.municipality)


@pytest.fixture
def own_report(client_for, coordinator, owners_activity):
    """The coordinator's report on the municipality's own activity, awaiting review."""
    period = owners_activity.due_periods.get()
    assert post_report(client_for(coordinator), owners_activity, period, None, status=ReportStatus.DONE).status_code
    return ProgressReport.objects.get(activity=owners_activity)


def test_a_coordinator_does_not_accept_their_own_report(client_for, coordinator, second_coordinator, own_report):
    client = client_for(coordinator)
    response = review(client, own_report, "accept")
    assert response.status_code == 302
    own_report.refresh_from_db()
    assert (own_report.review, own_report.reviewed_by) == (Review.PENDING, None) and not own_report.notes.exists()
    page = client.get(response["Location"]).content.decode()
    assert "другой координатор" in page
    # Nor through htmx: the cell says why, and nothing changes.
    response = client.post(
        reverse("roadmaps:report-review", args=[own_report.pk]), {"decision": "accept"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "другой координатор" in response.content.decode()
    own_report.refresh_from_db()
    assert own_report.review == Review.PENDING
    # Another coordinator of the municipality does.
    assert review(client_for(second_coordinator), own_report, "accept").status_code == 302
    own_report.refresh_from_db()
    assert (own_report.review, own_report.reviewed_by) == (Review.ACCEPTED, second_coordinator)


def test_the_author_is_not_offered_the_review_form(client_for, coordinator, second_coordinator, own_report, plan):
    action = reverse("roadmaps:report-review", args=[own_report.pk])
    pages = [
        reverse("roadmaps:activity-detail", args=[own_report.activity_id]),
        reverse("roadmaps:plan-execution", args=[plan.pk]),
        reverse("roadmaps:report-reviews"),
    ]
    for url in pages:
        html = client_for(coordinator).get(url).content.decode()
        assert f'id="review-{own_report.pk}"' in html and action not in html, url
        assert "другой координатор" in html
    for url in pages:
        assert action in client_for(second_coordinator).get(url).content.decode(), url


# --- The plan page's summary counts what the user may see


def test_the_summary_shows_a_school_only_its_own_numbers(client_for, principal, coordinator, plan, activity, world):
    late = make_activity(
        make_section(plan, number="4.", order=4),
        day(timezone.localdate() - dt.timedelta(days=3)),
        executors=[world.second_school],
        number="4.1",
    )
    make_report(late, world.second_school, status=ReportStatus.IN_WORK, review=Review.PENDING)
    make_report(activity, world.second_school, status=ReportStatus.IN_WORK, review=Review.PENDING)
    url = reverse("roadmaps:plan-execution-summary", args=[plan.pk])
    school = client_for(principal).get(url)
    # chemashi's one item (due soon, not started); andra's two and its two waiting reports are not its business.
    assert (school.context["total"].total, school.context["total"].overdue, school.context["awaiting_count"]) == (
        1,
        0,
        0,
    )
    assert "ожидают проверки" not in school.content.decode()
    overview = client_for(principal).get(reverse("roadmaps:plan-execution", args=[plan.pk]))
    assert overview.context["total"].total == 1 and overview.context["awaiting_count"] == 0
    # The review queue is the coordinators': the principal is not sent to a page that refuses them.
    queue = reverse("roadmaps:report-reviews")
    assert f"{queue}?plan=" not in overview.content.decode()
    assert client_for(principal).get(f"{queue}?plan={plan.pk}").status_code == 403
    assert (
        f"{queue}?plan={plan.pk}"
        in client_for(coordinator).get(reverse("roadmaps:plan-execution", args=[plan.pk])).content.decode()
    )
    coordinator_view = client_for(coordinator).get(url)
    assert (coordinator_view.context["total"].total, coordinator_view.context["awaiting_count"]) == (3, 2)
    assert "2 отчёта ожидают проверки" in coordinator_view.content.decode()


# --- Counts follow a verdict given in place


def test_an_accept_in_the_queue_updates_its_count_out_of_band(client_for, coordinator, pending, activity, world):
    make_report(activity, world.second_school, status=ReportStatus.IN_WORK, review=Review.PENDING)
    client = client_for(coordinator)
    queue = reverse("roadmaps:report-reviews") + f"?plan={activity.section.plan_id}"
    assert "2 отчёта ожидают проверки" in client.get(queue).content.decode()
    response = client.post(
        reverse("roadmaps:report-review", args=[pending.pk]),
        {"decision": "accept", "next": queue},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert f'id="review-{pending.pk}"' in html
    assert '<span id="awaiting-count" hx-swap-oob="true">1 отчёт ожидает проверки</span>' in html


def test_an_accept_on_the_overview_updates_its_numbers_out_of_band(client_for, coordinator, plan, world, pending):
    late = make_activity(
        make_section(plan, number="4.", order=4),
        day(timezone.localdate() - dt.timedelta(days=3)),
        executors=[world.school],
        number="4.1",
    )
    report = make_report(late, world.school, status=ReportStatus.DONE, review=Review.PENDING)
    client = client_for(coordinator)
    overview = reverse("roadmaps:plan-execution", args=[plan.pk])
    page = client.get(overview)
    assert page.context["total"].overdue == 1 and 'id="awaiting-count"' in page.content.decode()
    response = client.post(
        reverse("roadmaps:report-review", args=[report.pk]),
        {"decision": "accept", "next": overview},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'id="execution-sections" aria-labelledby="sections-heading" hx-swap-oob="true"' in html
    assert 'id="execution-overdue" aria-labelledby="overdue-heading" hx-swap-oob="true"' in html
    assert "Просроченных мероприятий нет." in html  # the accepted «done» is no longer overdue
    assert '<span id="awaiting-count" hx-swap-oob="true">1 отчёт ожидает проверки</span>' in html  # `pending`
    # A verdict given on the activity page (no `next`) sends no counts, nor does a refused one.
    for _ in range(2):
        html = client.post(
            reverse("roadmaps:report-review", args=[pending.pk]), {"decision": "accept"}, HTTP_HX_REQUEST="true"
        ).content.decode()
        assert f'id="review-{pending.pk}"' in html and "hx-swap-oob" not in html
