"""Objects of the main pages made on first use on a test's own `world` (tests/test_csp.py, tests/test_kept_uploads.py);
the access matrix builds its own, once per module (tests/access_matrix/objects.py)."""

import datetime as dt

from django.core.files.base import ContentFile

from registry.models import Pairing
from roadmaps.models import Activity, Evidence, Level, Plan, PlanStatus, ProgressReport, Section
from support.models import EventMaterial, EventSchool, SupportEvent, Teacher


def support_object(world, kind):
    """The support objects the pages are about, made on first use: a municipal event for chemashi, one organised
    by its mentor school, and a material of the first."""
    if kind == "pairing":
        return Pairing.objects.get(mentee=world.school)
    if kind == "teacher":
        return Teacher.objects.get_or_create(school=world.school, full_name="Иванова Мария Петровна")[0]
    organiser = {"organiser_school": world.mentor_school} if kind == "mentor_event" else {}
    topic = f"matrix {kind}" if kind != "material" else "matrix event"
    event, created = SupportEvent.objects.get_or_create(
        topic=topic,
        defaults={"municipality": world.municipality, "type": "seminar", "start": dt.date(2020, 10, 1), **organiser},
    )
    if created:
        EventSchool.objects.create(event=event, school=world.school)
    if kind != "material":
        return event
    material = EventMaterial.objects.filter(event=event).first()
    if material is None:
        material = EventMaterial(event=event, name="a.pdf", kind="pdf", size=9)
        material.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        material.save()
    return material


def roadmaps_object(world, kind):
    """The roadmaps objects the pages are about: an approved municipal plan of the coordinator's municipality with one
    activity that chemashi executes, chemashi's report on it with an evidence file, and chemashi's draft school plan."""
    if kind == "draft":
        return Plan.objects.get_or_create(
            level=Level.SCHOOL,
            municipality=world.municipality,
            school=world.school,
            title="matrix school plan",
            defaults={"period_start": dt.date(2020, 1, 1), "period_end": dt.date(2021, 12, 31)},
        )[0]
    plan, created = Plan.objects.get_or_create(
        level=Level.MUNICIPAL,
        municipality=world.municipality,
        title="matrix plan",
        defaults={
            "period_start": dt.date(2020, 1, 1),
            "period_end": dt.date(2021, 12, 31),
            "status": PlanStatus.IN_PROGRESS,
        },
    )
    if created:
        section = Section.objects.create(plan=plan, number="1.", title="Раздел", order=1)
        activity = Activity.objects.create(section=section, number="1.1", order=1, name="М", deadline_text="май 2020")
        activity.executors.set([world.school])
    activity = Activity.objects.get(section__plan=plan)
    if kind == "plan":
        return plan
    if kind == "activity":
        return activity
    report = ProgressReport.objects.get_or_create(
        activity=activity, school=world.school, period=activity.due_periods.first()
    )[0]
    evidence = Evidence.objects.filter(report=report).first()
    if evidence is None:
        evidence = Evidence(report=report, name="a.pdf", kind="pdf", size=9)
        evidence.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        evidence.save()
    return evidence
