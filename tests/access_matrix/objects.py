"""The rows every route of the matrix is asked about, built once per test module on top of the shared world."""

import datetime as dt

from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client

from registry.imports.records import RegistryImport
from reports.assessments.models import Campaign, ResultImport, SchoolAggregate, Subject
from roadmaps.lifecycle import begin_amendment
from roadmaps.models import Activity, Evidence, Level, Plan, PlanStatus, ProgressReport, Section
from support.models import (
    DevelopmentRecord,
    EventMaterial,
    EventParticipant,
    EventSchool,
    RouteStep,
    SupportEvent,
    Teacher,
)

from ..conftest import PERSONA_MAKERS, build_world


def _plan_with_activity(world, title, deadline="май 2020", **fields):
    plan = Plan.objects.create(
        municipality=world.municipality,
        title=title,
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2021, 12, 31),
        **fields,
    )
    section = Section.objects.create(plan=plan, number="1.", title="Раздел", order=1)
    activity = Activity.objects.create(section=section, number="1.1", order=1, name="М", deadline_text=deadline)
    activity.executors.set([world.school])
    return plan, section, activity


def _with_file(row, field, name, content=b"%PDF-1.4\n"):
    getattr(row, field).save(name, ContentFile(content), save=False)
    row.save()
    return row


def _support_objects(world, coordinator):
    """A municipal event for chemashi (with a material and a named participant of chemashi), one organised by its
    mentor school, and chemashi's teacher with a development record (certificate) and a route step; the same of a
    teacher of andra."""
    event = SupportEvent.objects.create(
        topic="matrix event", municipality=world.municipality, type="seminar", start=dt.date(2020, 10, 1)
    )
    EventSchool.objects.create(event=event, school=world.school)
    mentor_event = SupportEvent.objects.create(
        topic="matrix mentor_event",
        municipality=world.municipality,
        type="seminar",
        start=dt.date(2020, 10, 1),
        organiser_school=world.mentor_school,
    )
    EventSchool.objects.create(event=mentor_event, school=world.school)
    material = _with_file(EventMaterial(event=event, name="a.pdf", kind="pdf", size=9), "file", "a.pdf")
    participant = EventParticipant.objects.create(event=event, school=world.school, full_name="Петрова Анна")
    teacher = Teacher.objects.create(school=world.school, full_name="Иванова Мария Петровна")
    development = _with_file(
        DevelopmentRecord(
            teacher=teacher,
            programme="Курс",
            certificate_name="c.pdf",
            certificate_kind="pdf",
            start=dt.date(2020, 1, 1),
        ),
        "certificate",
        "c.pdf",
    )
    step = RouteStep.objects.create(teacher=teacher, description="Курс", due=dt.date(2021, 5, 1))
    # andra's teacher: her rows named under chemashi's teacher in a URL must not be reached through it.
    other_teacher = Teacher.objects.create(school=world.second_school, full_name="Сидорова Ольга Ивановна")
    other_development = _with_file(
        DevelopmentRecord(teacher=other_teacher, programme="Курс", certificate_name="c.pdf", certificate_kind="pdf"),
        "certificate",
        "c.pdf",
    )
    other_step = RouteStep.objects.create(teacher=other_teacher, description="Курс", due=dt.date(2021, 5, 1))
    return {
        "pairing": world.school.mentored_by.get(),
        "event": event,
        "mentor_event": mentor_event,
        "material": material,
        "participant": participant,
        "teacher": teacher,
        "development": development,
        "route_step": step,
        "other_development": other_development,
        "other_route_step": other_step,
    }


def _roadmaps_objects(world, coordinator):
    """An approved municipal plan of the coordinator's municipality in execution with one activity that chemashi
    executes, chemashi's report on it (for its first period) with an evidence file; chemashi's draft school plan
    (editable by its principal and coordinators); a second plan in execution with an open amendment No. 1 and its
    version 1."""
    plan, section, activity = _plan_with_activity(
        world, "matrix plan", level=Level.MUNICIPAL, status=PlanStatus.IN_PROGRESS
    )
    report = ProgressReport.objects.create(activity=activity, school=world.school, period=activity.due_periods.first())
    evidence = _with_file(Evidence(report=report, name="a.pdf", kind="pdf", size=9), "file", "a.pdf")
    # A deadline the reader cannot read, so that its periods are set by hand (roadmaps:activity-periods).
    draft, draft_section, draft_activity = _plan_with_activity(
        world, "matrix school plan", deadline="после ремонта крыши", level=Level.SCHOOL, school=world.school
    )
    amended, _amended_section, _amended_activity = _plan_with_activity(
        world, "matrix amended plan", level=Level.MUNICIPAL, status=PlanStatus.IN_PROGRESS
    )
    begin_amendment(amended, coordinator, "matrix")
    return {
        "plan": plan,
        "plan_section": section,
        "activity": activity,
        "period": report.period,
        "report": report,
        "evidence": evidence,
        "draft": draft,
        "draft_section": draft_section,
        "draft_activity": draft_activity,
        "amended": amended,
    }


def _imports(world, coordinator):
    """The coordinator's registry import of its municipality and results import of chemashi (both committed);
    a campaign with chemashi's results."""
    registry_import = _with_file(
        RegistryImport(
            municipality=world.municipality,
            user=coordinator,
            original_name="r.xlsx",
            state=RegistryImport.State.COMMITTED,
        ),
        "file",
        "r.xlsx",
        b"PK",
    )
    results_import = _with_file(
        ResultImport(
            user=coordinator,
            original_name="v.xlsx",
            state=ResultImport.State.COMMITTED,
            summary={"school_ids": [world.school.pk]},
        ),
        "file",
        "v.xlsx",
        b"PK",
    )
    # A refused file of the coordinator: its problems, grouped on its page and downloadable as .xlsx.
    refused_import = ResultImport.objects.create(
        user=coordinator,
        original_name="bad.csv",
        state=ResultImport.State.REJECTED,
        rows=1,
        problems=[{"sheet": "", "row": 2, "column": "Отметка", "value": "7", "message": "«7» вне диапазона."}],
        summary={"problem_count": 1},
    )
    subject = Subject.objects.get_or_create(name="Математика")[0]
    campaign = Campaign.objects.get_or_create(procedure="ВПР", year=2020, subject=subject, grade=5)[0]
    SchoolAggregate.objects.create(campaign=campaign, school=world.school, participants=10, marks_4=10, marked=10)
    return {
        "registry_import": registry_import,
        "results_import": results_import,
        "refused_import": refused_import,
        "campaign": campaign,
    }


def _session_of(user):
    """A session signed in once for the whole module: each request only names it."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _indicator_objects(world):
    """LOW_RESULTS_SHARE adopted by the coordinator's municipality with a target for 2020 (SATISFACTION, a manual
    indicator, adopted too), for the routes that change an adoption."""
    from reports.indicators.models import AdoptedIndicator, Indicator, IndicatorTarget

    adopted = AdoptedIndicator.objects.create(
        municipality=world.municipality, indicator=Indicator.objects.get(code="LOW_RESULTS_SHARE")
    )
    IndicatorTarget.objects.create(adopted=adopted, year=2020, target=40)
    AdoptedIndicator.objects.create(
        municipality=world.municipality, indicator=Indicator.objects.get(code="SATISFACTION")
    )
    return {"adopted_indicator": adopted}


def _signed_document(world, coordinator):
    """A registry entry of a signed document of the coordinator's municipality (its file need not be a real
    signature here: the matrix asks who may reach it)."""
    from django.utils import timezone

    from reports.signatures.models import SignedDocument

    now = timezone.now()
    entry = SignedDocument(
        number="ШНОР-2026-000001",
        title="matrix document",
        kind="plan",
        municipality=world.municipality,
        year=2021,
        sha256="0" * 64,
        size=9,
        certificate_serial="01",
        certificate_owner="matrix",
        certificate_valid_from=now,
        certificate_valid_to=now,
        signer=coordinator,
        signer_name="matrix",
        signed_at=now,
    )
    return {"signed_document": _with_file(entry, "file", "signed.pdf")}


def _document_objects(world, coordinator):
    """A plan annex the coordinator had rendered in a task (reports/documents): done, with its file."""
    from reports.documents.models import DocumentRender

    job = _with_file(
        DocumentRender(
            kind="plan",
            municipality=world.municipality,
            year=2021,
            output_format="pdf",
            requested_by=coordinator,
            state=DocumentRender.State.DONE,
            progress=100,
            filename="plan-oktyabrsky-2021.pdf",
        ),
        "file",
        "plan.pdf",
    )
    return {"document_render": job}


def build_objects(world, coordinator):
    """The objects by name, on `world`; `coordinator` is the user who made the imports and opened the amendment."""
    return {
        "chemashi": world.school,
        "listing": world.school.listings.first(),
        **_support_objects(world, coordinator),
        **_roadmaps_objects(world, coordinator),
        **_imports(world, coordinator),
        **_indicator_objects(world),
        **_signed_document(world, coordinator),
        **_document_objects(world, coordinator),
    }


def build_matrix():
    """(world, session keys by persona, objects by name)."""
    world = build_world()
    users = {name: make(world) for name, make in PERSONA_MAKERS.items()}
    sessions = {name: _session_of(user) for name, user in users.items()}
    return world, sessions, build_objects(world, users["coordinator"])
