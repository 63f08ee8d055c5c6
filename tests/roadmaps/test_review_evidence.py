"""The coordinator reviews a report with its evidence: the review queue lists each report's files (name, size, a
download through the permission-checked view) and links beside the verdict; a file attached again when a returned
report is sent once more replaces the identical one (same SHA-256), and the migration fills the hash of old files."""

import datetime as dt
import hashlib
import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from roadmaps.evidence import MAX_FILES_PER_REPORT
from roadmaps.models import Evidence, ProgressReport, ReportStatus, Review

from .progress_builders import PDF, day, docx_bytes, make_activity, make_plan, make_report, make_section, pdf_upload

pytestmark = pytest.mark.django_db
QUEUE = "roadmaps:report-reviews"


@pytest.fixture
def activity(world):
    plan = make_plan(world.municipality, title="Дорожная карта Октябрьского района")
    due = timezone.localdate() + dt.timedelta(days=5)
    return make_activity(make_section(plan), day(due), executors=[world.school, world.second_school])


def attach(report, name, content, user=None) -> Evidence:
    return Evidence.objects.create(
        report=report,
        file=pdf_upload(name, content),
        name=name,
        kind=Path(name).suffix[1:],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
    )


def send(client, activity, school, **data):
    period = activity.due_periods.get()
    payload = {"period": period.pk, "reporter": school.pk, "status": ReportStatus.DONE, "percent": "100"}
    payload.update({"done_text": "", "links": "", **data})
    return client.post(reverse("roadmaps:activity-report", args=[activity.pk]), payload)


def test_the_queue_shows_each_reports_files_and_links_beside_the_verdict(
    client_for, coordinator, principal, activity, world
):
    report = make_report(
        activity,
        world.school,
        review=Review.PENDING,
        author=principal,
        links="https://oktcro.ru/prikaz-45\nhttps://school.example.org/news",
    )
    order = attach(report, "Приказ № 45-од.pdf", PDF + b"x" * 3000, principal)
    protocol = attach(report, "Протокол педсовета.docx", docx_bytes(), principal)
    other = make_report(activity, world.second_school, review=Review.PENDING)  # no evidence at all
    html = client_for(coordinator).get(reverse(QUEUE)).content.decode()
    row = html[html.index(f'id="review-{report.pk}"') - 4000 : html.index(f'id="review-{report.pk}"')]
    assert "2 файла" in row
    assert f'href="{reverse("roadmaps:evidence-download", args=[order.pk])}"' in row
    assert "Приказ № 45-од.pdf</a>" in row and "3,0\xa0КБ" in row
    assert f'href="{reverse("roadmaps:evidence-download", args=[protocol.pk])}"' in row
    assert "Протокол педсовета.docx</a>" in row and "docx" in row
    assert 'href="https://oktcro.ru/prikaz-45"' in row and 'href="https://school.example.org/news"' in row
    # The verdict is right beside the evidence, in the same row.
    assert "Принять" in html[html.index(f'id="review-{report.pk}"') :][:3000]
    other_row = html[html.index(f'id="review-{other.pk}"') - 2500 : html.index(f'id="review-{other.pk}"')]
    assert "review-files" not in other_row.split("<tr>")[-1]
    # The coordinator downloads a file through the permission-checked view; another municipality's coordinator
    # neither sees the report nor gets its file.
    response = client_for(coordinator).get(reverse("roadmaps:evidence-download", args=[order.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF + b"x" * 3000


def test_the_queue_export_lists_the_files_and_links(client_for, coordinator, principal, activity, world):
    import io

    from openpyxl import load_workbook

    report = make_report(activity, world.school, review=Review.PENDING, author=principal, links="https://oktcro.ru/a")
    attach(report, "Приказ.pdf", PDF + b"x" * 3000)
    attach(report, "Протокол.docx", docx_bytes())
    export = client_for(coordinator).get(reverse(QUEUE), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if "Файлы-подтверждения" in row)
    files, links = header.index("Файлы-подтверждения"), header.index("Ссылки")
    line = next(row for row in rows if row[files] and "Приказ.pdf" in row[files])
    assert line[files].splitlines() == ["Приказ.pdf (3,0\xa0КБ)", "Протокол.docx (267\xa0байт)"]
    assert line[links] == "https://oktcro.ru/a"


def test_the_plan_overview_queue_shows_the_evidence_too(client_for, coordinator, principal, activity, world):
    report = make_report(activity, world.school, review=Review.PENDING, author=principal)
    attach(report, "Фотоотчёт.pdf", PDF, principal)
    plan = activity.section.plan
    html = client_for(coordinator).get(reverse("roadmaps:plan-execution", args=[plan.pk])).content.decode()
    assert "Фотоотчёт.pdf</a>" in html


def test_the_queue_reads_the_files_of_a_page_in_one_query(
    client_for, coordinator, principal, activity, world, django_assert_num_queries
):
    client = client_for(coordinator)
    report = make_report(activity, world.school, review=Review.PENDING, author=principal)
    attach(report, "a.pdf", PDF + b"a")
    client.get(reverse(QUEUE))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse(QUEUE))
    second = make_report(activity, world.second_school, review=Review.PENDING)
    for number in range(5):
        attach(second, f"{number}.pdf", PDF + bytes([number]))
    with CaptureQueriesContext(connection) as more:
        html = client.get(reverse(QUEUE)).content.decode()
    assert "4.pdf</a>" in html and "a.pdf</a>" in html
    assert len(more.captured_queries) == len(one.captured_queries)


def test_the_same_file_sent_again_replaces_the_kept_one(
    client_for, coordinator, principal, activity, world, django_capture_on_commit_callbacks
):
    protocol = docx_bytes()  # once: a zip carries the time it was written
    client = client_for(principal)
    assert send(client, activity, world.school, files=[pdf_upload("приказ.pdf")]).status_code == 302
    report = ProgressReport.objects.get(activity=activity, school=world.school)
    first = report.evidence.get()
    assert first.sha256 == hashlib.sha256(PDF).hexdigest()
    first_path = Path(first.file.path)
    review = reverse("roadmaps:report-review", args=[report.pk])
    client_for(coordinator).post(review, {"decision": "return", "comment": "Приложите протокол"})
    client = client_for(principal)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client,
            activity,
            world.school,
            answer="Протокол приложен",
            # The same order again under another name (and twice in the same sending), and the protocol.
            files=[
                pdf_upload("Приказ (копия).pdf"),
                pdf_upload("Приказ (копия).pdf"),
                pdf_upload("протокол.docx", protocol),
            ],
        )
    assert response.status_code == 302
    kept = sorted(report.evidence.values_list("name", "sha256"))
    assert kept == sorted(
        [
            ("Приказ (копия).pdf", hashlib.sha256(PDF).hexdigest()),
            ("протокол.docx", hashlib.sha256(protocol).hexdigest()),
        ]
    )
    assert not first_path.exists()  # the replaced file left the storage with its row
    report.refresh_from_db()
    assert report.review == Review.PENDING


def test_a_replacing_file_does_not_count_against_the_limit(client_for, principal, activity, world):
    report = make_report(activity, world.school, status=ReportStatus.IN_WORK, review=Review.RETURNED, author=principal)
    for number in range(MAX_FILES_PER_REPORT):
        attach(report, f"{number}.pdf", PDF + str(number).encode())
    client = client_for(principal)
    again = pdf_upload("0 снова.pdf", PDF + b"0")
    assert send(client, activity, world.school, files=[again]).status_code == 302
    assert report.evidence.count() == MAX_FILES_PER_REPORT
    assert report.evidence.filter(name="0 снова.pdf").exists() and not report.evidence.filter(name="0.pdf").exists()
    response = send(client, activity, world.school, files=[pdf_upload("new.pdf", PDF + b"new")])
    assert response.status_code == 200 and "не более" in response.content.decode()
    assert report.evidence.count() == MAX_FILES_PER_REPORT


def test_the_migration_fills_the_hash_of_files_already_kept(principal, activity, world):
    report = make_report(activity, world.school, review=Review.PENDING)
    kept = attach(report, "old.pdf", PDF)
    lost = attach(report, "lost.pdf", PDF + b"lost")
    Evidence.objects.update(sha256="")
    Path(lost.file.path).unlink()
    migration = importlib.import_module("roadmaps.migrations.0007_evidence_sha256")
    migration.fill_sha256(django_apps, None)
    assert Evidence.objects.get(pk=kept.pk).sha256 == hashlib.sha256(PDF).hexdigest()
    assert Evidence.objects.get(pk=lost.pk).sha256 == ""  # nothing to read: it matches no new file
