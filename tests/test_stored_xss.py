"""Stored XSS: markup a user types into a text field or gives as a file name is shown as text on every page and
fragment that shows it — never as markup (help texts, SVG diagrams, htmx fragments and confirmations included)."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from registry.imports.records import RegistryImport
from registry.models import Pairing
from reports.assessments.models import ResultImport
from roadmaps.models import Evidence, PlanStatus, ReportNote, ReportStatus, Review
from support.models import (
    DevelopmentRecord,
    EventMaterial,
    EventParticipant,
    EventSchool,
    SupportEvent,
    Teacher,
)

from .roadmaps.progress_builders import PDF, make_activity, make_plan, make_report, make_section
from .roadmaps.test_imports import seed_001

pytestmark = pytest.mark.django_db
RAW = "<img src=x onerror"


def payload(where: str) -> str:
    """The markup planted in one field: each field gets its own tag, so a page is seen to show that very field."""
    return f"<img src=x onerror=alert(1) data-xss={where}>"


def shows_escaped(response, *fields: str) -> None:
    """No planted markup is live on the page, and each named field is there as escaped text."""
    html = response.content.decode()
    assert response.status_code == 200, response.request["PATH_INFO"]
    assert RAW not in html, f"live markup on {response.request['PATH_INFO']}"
    for field in fields:
        assert escape(payload(field)) in html, f"{field} not shown escaped on {response.request['PATH_INFO']}"


def both(client, url, *fields, **params):
    """The full page and its htmx fragment alike."""
    shows_escaped(client.get(url, params), *fields)
    shows_escaped(client.get(url, params, HTTP_HX_REQUEST="true"), *fields)


@pytest.fixture
def planted_school(world):
    world.school.short_name = payload("school")
    world.school.name = payload("school-name")
    world.school.save()
    world.mentor_school.short_name = payload("mentor-school")
    world.mentor_school.save()
    return world.school


def test_a_certificate_file_name_is_escaped_in_the_help_text_for_the_coordinator_and_the_admin(
    planted_school, principal, coordinator, administrator, client_for
):
    """The issue's case: a principal adds a record with a hostile certificate name; others open its edit page."""
    teacher = Teacher.objects.create(school=planted_school, full_name=payload("teacher"), position=payload("position"))
    response = client_for(principal).post(
        reverse("support:development-add", args=[teacher.pk]),
        {
            "programme": payload("programme"),
            "hours": "72",
            "provider": payload("provider"),
            "start": "2020-10-05",
            "end": "2020-10-23",
            "completed": "on",
            "certificate_file": SimpleUploadedFile(payload("certificate") + ".pdf", PDF),
        },
    )
    assert response.status_code == 302
    record = DevelopmentRecord.objects.get()
    assert record.certificate_name == payload("certificate") + ".pdf"
    edit = reverse("support:development-update", args=[teacher.pk, record.pk])
    for user in (coordinator, administrator, principal):
        client = client_for(user)
        shows_escaped(client.get(edit), "certificate", "programme", "provider", "teacher")
        shows_escaped(client.get(teacher.get_absolute_url()), "certificate", "programme", "teacher", "position")
        shows_escaped(client.get(reverse("support:teacher-list", args=[planted_school.code])), "teacher")
        shows_escaped(client.get(reverse("support:school-competencies", args=[planted_school.code])))


def test_a_plan_file_name_is_escaped_on_the_import_form_and_the_preview(planted_school, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("roadmaps:plan-import")
    name = payload("plan-file") + ".xlsx"
    fields = {"owner": "oktyabrsky", "level": "school", "first_year": "2020", "last_year": "2019", "title": ""}
    # A mistake in another field: the form comes back naming the kept file under the file field.
    response = client.post(url, {**fields, "file": SimpleUploadedFile(name, seed_001())})
    shows_escaped(response, "plan-file")
    token = response.content.decode().split('name="upload" value="')[1].split('"')[0]
    # Sent again with the kept file: still named, still escaped.
    shows_escaped(client.post(url, {**fields, "upload": token}), "plan-file")
    response = client.post(url, {**fields, "upload": token, "level": "", "last_year": "2021"})
    assert response.status_code == 302
    shows_escaped(client.get(response["Location"]), "plan-file")


def test_the_files_and_texts_of_a_plan_and_its_reports_are_escaped(
    world, planted_school, coordinator, principal, administrator, client_for
):
    plan = make_plan(world.municipality, title=payload("plan"), status=PlanStatus.IN_PROGRESS)
    plan.goal = payload("goal")
    plan.save()
    section = make_section(plan, title=payload("section"))
    activity = make_activity(section, "15.03.2021", executors=[planted_school], name=payload("activity"))
    activity.responsible = payload("responsible")
    activity.expected_result = payload("expected")
    activity.save()
    report = make_report(
        activity,
        planted_school,
        status=ReportStatus.DONE,
        review=Review.PENDING,
        done_text=payload("done"),
        review_comment=payload("review"),
    )
    ReportNote.objects.create(report=report, kind=ReportNote.Kind.ANSWER, text=payload("note"))
    evidence = Evidence(report=report, name=payload("evidence") + ".pdf", kind="pdf", size=len(PDF))
    evidence.file.save("e.pdf", ContentFile(PDF), save=False)
    evidence.save()
    draft = make_plan(world.municipality, title=payload("draft"), status=PlanStatus.DRAFT, school=planted_school)
    draft_section = make_section(draft, title=payload("draft-section"))
    make_activity(draft_section, "май 2021", name=payload("draft-activity"))

    for user in (coordinator, administrator):
        client = client_for(user)
        both(client, reverse("roadmaps:plan-list"), "plan", "draft", "school")
        shows_escaped(client.get(plan.get_absolute_url()), "plan", "goal", "section", "activity", "responsible")
        both(client, reverse("roadmaps:plan-execution", args=[plan.pk]), "plan", "section", "activity")
        shows_escaped(
            client.get(reverse("roadmaps:activity-detail", args=[activity.pk])),
            "activity",
            "done",
            "evidence",
            "note",
            "school",
        )
        both(client, reverse("roadmaps:report-reviews"), "activity", "done", "school")
        shows_escaped(client.get(reverse("roadmaps:plan-history", args=[plan.pk])), "plan")
        shows_escaped(client.get(reverse("roadmaps:plan-edit", args=[draft.pk])), "draft", "school")
        shows_escaped(client.get(reverse("roadmaps:plan-table", args=[draft.pk])), "draft-section", "draft-activity")
    principal_client = client_for(principal)
    both(principal_client, reverse("roadmaps:my-tasks"), "activity", "plan")
    shows_escaped(
        principal_client.get(reverse("roadmaps:activity-detail", args=[activity.pk])), "activity", "review", "evidence"
    )


def test_the_texts_and_files_of_events_and_pairings_are_escaped(
    world, planted_school, coordinator, principal, client_for
):
    event = SupportEvent.objects.create(
        municipality=world.municipality,
        type="consultation",
        topic=payload("event"),
        description=payload("description"),
        result=payload("result"),
        start=dt.date(2020, 10, 1),
    )
    EventSchool.objects.create(event=event, school=planted_school)
    EventParticipant.objects.create(event=event, school=planted_school, full_name=payload("participant"))
    material = EventMaterial(event=event, name=payload("material") + ".pdf", kind="pdf", size=len(PDF))
    material.file.save("m.pdf", ContentFile(PDF), save=False)
    material.save()
    pairing = Pairing.objects.get(mentee=planted_school)
    pairing.goals = payload("goals")
    pairing.basis = payload("basis")
    pairing.save()

    for user in (coordinator, principal):
        client = client_for(user)
        both(client, reverse("support:event-list"), "event", "school")
        both(client, reverse("support:event-calendar"), "event", month="2020-10")
        both(client, reverse("support:consultation-journal"), "event", "school")
        shows_escaped(
            client.get(event.get_absolute_url()), "event", "description", "result", "participant", "material", "school"
        )
        both(client, reverse("support:pairing-list"), "school", "mentor-school")
        shows_escaped(client.get(pairing.get_absolute_url()), "school", "mentor-school", "goals", "basis")
        # The network diagram is SVG built in Python and marked safe: every school name in it must be escaped.
        shows_escaped(client.get(reverse("support:pairing-diagram")), "school", "mentor-school")


def test_the_registry_and_results_import_file_names_and_the_school_pages_are_escaped(
    world, planted_school, coordinator, administrator, client_for
):
    registry_import = RegistryImport.objects.create(
        municipality=world.municipality,
        user=coordinator,
        original_name=payload("registry-file") + ".xlsx",
        state=RegistryImport.State.REJECTED,
    )
    result_import = ResultImport.objects.create(
        user=coordinator, original_name=payload("results-file") + ".xlsx", state=ResultImport.State.REJECTED
    )
    client = client_for(coordinator)
    shows_escaped(client.get(reverse("registry:import")), "registry-file")
    shows_escaped(client.get(reverse("registry:import-detail", args=[registry_import.pk])), "registry-file")
    shows_escaped(client.get(reverse("reports:results-import", args=[result_import.pk])), "results-file")
    shows_escaped(client.get(reverse("reports:results-upload")), "results-file")
    for user in (coordinator, administrator):
        client = client_for(user)
        both(client, reverse("registry:school-list"), "school")
        shows_escaped(client.get(planted_school.get_absolute_url()), "school", "school-name")
        for tab in ("profile", "year", "years", "risks", "results", "listings", "history"):
            both(client, reverse("registry:school-tab", args=[planted_school.code, tab]))
        both(client, reverse("registry:school-tab", args=[planted_school.code, "mentoring"]))
        both(client, reverse("reports:school-results-tab", args=[planted_school.code]))
        both(client, reverse("support:school-mentoring-tab", args=[planted_school.code]), "mentor-school")
        shows_escaped(client.get(reverse("dashboard")))


def test_the_indicator_pages_escape_notes_sources_details_and_school_names(
    world, planted_school, coordinator, principal, client_for
):
    from reports.indicators.models import AdoptedIndicator, Indicator, IndicatorValue, ManualValue
    from reports.indicators.services import recalculate

    event = SupportEvent.objects.create(
        municipality=world.municipality, type="seminar", topic=payload("event"), start=dt.date(2020, 3, 1)
    )
    EventSchool.objects.create(event=event, school=planted_school)
    for code in ("METH_SUPPORT_SHARE", "SATISFACTION", "LOW_RESULTS_SHARE"):
        AdoptedIndicator.objects.create(
            municipality=world.municipality, indicator=Indicator.objects.get(code=code), note=payload("adoption-note")
        )
    ManualValue.objects.create(
        municipality=world.municipality,
        indicator=Indicator.objects.get(code="SATISFACTION"),
        year=2020,
        value=90,
        source_note=payload("source-note"),
    )
    recalculate([world.municipality.pk], [2020])
    value = IndicatorValue.objects.get(indicator__code="LOW_RESULTS_SHARE", municipality=world.municipality, year=2020)
    value.numerator_ids = value.denominator_ids = None
    value.details = {"pairs": [{"pair": payload("detail")}]}
    value.save()

    def detail(code):
        query = {"municipality": world.municipality.code, "year": 2020}
        return client.get(reverse("reports:indicator-detail", args=[code]), query)

    for user in (coordinator, principal):
        client = client_for(user)
        shows_escaped(client.get(reverse("reports:indicator-list"), {"year": 2020}))
        shows_escaped(detail("METH_SUPPORT_SHARE"), "school", "adoption-note")
        shows_escaped(detail("SATISFACTION"), "source-note", "adoption-note")
        shows_escaped(detail("LOW_RESULTS_SHARE"), "detail")


def test_the_server_built_svg_escapes_every_label():
    """Charts and the network diagram are marked safe as a whole, so each value put into them is escaped first."""
    from shnor_portal.charts import distribution_chart, dynamics_chart, trend_chart

    trend = trend_chart(
        [(payload("x-label"), 0.5), (payload("x-label-2"), None)], title=payload("chart"), value_label="v"
    )
    svg = str(trend)
    assert RAW not in svg
    assert escape(payload("x-label")) in svg and escape(payload("chart")) in svg
    dynamics = dynamics_chart(
        [(payload("year"), 1, 2)],
        title=payload("dynamics"),
        value_label=payload("actual"),
        target_label=payload("target"),
        baseline=(payload("base-year"), 1),
        baseline_label=payload("base"),
    )
    marks = distribution_chart(
        [(payload("campaign"), (1, 2, 3, 4))], title=payload("marks"), categories=[payload("mark"), 3, 4, 5]
    )
    for chart, fields in (
        (dynamics, ("year", "dynamics", "actual", "target", "base-year", "base")),
        (marks, ("campaign", "marks", "mark")),
    ):
        svg = str(chart)
        assert RAW not in svg
        for field in fields:
            assert escape(payload(field)) in svg, field


def test_the_official_documents_escape_every_text_of_the_plan_and_the_schools(world, planted_school):
    """The documents build their tables in Python (reports/documents/base.py), outside the templates' autoescape."""
    from reports.documents.kinds import KINDS, document_for

    plan = make_plan(world.municipality, title=payload("plan"), status=PlanStatus.IN_PROGRESS)
    plan.goal = payload("goal")
    plan.save()
    section = make_section(plan, title=payload("section"))
    activity = make_activity(section, "15.03.2021", executors=[planted_school], name=payload("activity"))
    activity.responsible = payload("responsible")
    activity.funding_source = payload("funding")
    activity.funding = {"2021": payload("amount")}
    activity.save()

    annex = document_for("plan", world.municipality, 2021, plan).html()
    assert RAW not in annex
    for field in ("plan", "section", "activity", "responsible", "funding", "amount"):
        assert escape(payload(field)) in annex, field
    for kind in KINDS:
        html = document_for(kind, world.municipality, 2021, plan if kind == "plan" else None).html()
        assert RAW not in html, kind
