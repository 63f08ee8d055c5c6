"""The analytical report as the report centre shows and downloads it, and its first page against a reference image
(test_reference_images.check: a lost header block or a table out of its frame is noticed, anti-aliasing is not;
UPDATE_DOCUMENT_REFERENCES=1 writes it anew after a deliberate change of the layout)."""

import datetime as dt

import pytest
from django.urls import reverse

from reports.documents.analytical import AnalyticalReport
from roadmaps.models import ReportStatus, Review
from support.models import EventSchool, EventType, SupportEvent
from tests.roadmaps.progress_builders import day, make_activity, make_plan, make_report, make_section
from tests.test_csp import assert_csp_clean

from .builders import pdf_text
from .test_reference_images import check

pytestmark = pytest.mark.django_db
CENTRE = reverse("reports:document-centre")
RENDER = reverse("reports:document-render")


@pytest.fixture
def report_data(world):
    plan = make_plan(
        world.municipality,
        title="Дорожная карта Октябрьского района на 2020–2021 годы",
        start=dt.date(2020, 1, 1),
        end=dt.date(2021, 12, 31),
    )
    plan.approval_number, plan.approval_date = "426-од", dt.date(2020, 5, 15)
    plan.save()
    section = make_section(plan, number="1.", title="Организационно-методические мероприятия")
    done = make_activity(section, day(dt.date(2020, 6, 30)), executors=[world.school], number="1.1")
    make_report(done, world.school, done_text="Проведён семинар-практикум")
    make_activity(section, day(dt.date(2020, 10, 1)), executors=[world.school], number="1.2", name="Методический день")
    late = make_activity(section, day(dt.date(2020, 11, 30)), executors=[world.school], number="1.3")
    make_report(late, world.school, status=ReportStatus.IN_WORK, review=Review.PENDING)
    event = SupportEvent.objects.create(
        municipality=world.municipality,
        type=EventType.METHODICAL_DAY,
        start=dt.date(2020, 11, 17),
        topic="Увеличение диапазона педагогической проницательности",
        organiser_school=world.mentor_school,
    )
    EventSchool.objects.create(event=event, school=world.school)
    return plan


def test_the_report_centre_previews_and_downloads_the_analytical_report(client_for, coordinator, report_data):
    client = client_for(coordinator)
    query = {"kind": "analytical", "unit": "m:oktyabrsky", "year": "2020"}
    response = client.get(CENTRE, query)
    content = response.content.decode()
    assert response.status_code == 200 and "АНАЛИТИЧЕСКАЯ СПРАВКА" in content
    # 1.3 was reported «в работе» but its date passed: on 31.12.2020 it is overdue.
    assert "выполнено 1 из 3 (33,3\u00a0%), просрочено 2." in content
    assert_csp_clean(response)
    response = client.post(RENDER, {**query, "output_format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Методический день" in pdf_text(response.content)
    response = client.post(RENDER, {**query, "output_format": "xlsx"})
    assert response.status_code == 200 and response.content.startswith(b"PK")


def test_the_first_page_looks_like_its_reference(world, report_data):
    check("analytical-page-1", AnalyticalReport(world.municipality, 2020).pdf())
