"""Plans, activities and reports for the tests of progress, «Мои задачи», the overview and the reminders."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from roadmaps.models import Activity, Level, Plan, PlanStatus, ProgressReport, ReportStatus, Review, Section


def day(value: dt.date) -> str:
    """A deadline text the reader takes as that day alone: «15.03.2021»."""
    return value.strftime("%d.%m.%Y")


def make_plan(
    municipality,
    *,
    school=None,
    status=PlanStatus.IN_PROGRESS,
    start=None,
    end=None,
    title=None,
) -> Plan:
    start = start or dt.date(2000, 1, 1)
    end = end or dt.date(2099, 12, 31)
    level = Level.SCHOOL if school is not None else Level.MUNICIPAL
    return Plan.objects.create(
        level=level,
        municipality=municipality,
        school=school,
        title=title or f"План {school.short_name if school else municipality.name}",
        period_start=start,
        period_end=end,
        status=status,
    )


def draft_roadmap(municipality) -> Plan:
    """The draft municipal roadmap of 2020–2021 that the editing tests change."""
    return make_plan(
        municipality,
        status=PlanStatus.DRAFT,
        start=dt.date(2020, 1, 1),
        end=dt.date(2021, 12, 31),
        title="Дорожная карта Октябрьского района",
    )


def make_section(plan, number="1.", order=1, title="Организационные мероприятия") -> Section:
    return Section.objects.create(plan=plan, number=number, title=title, order=order)


def make_activity(section, deadline: str, *, executors=(), number="1.1", order=None, name=None) -> Activity:
    order = order if order is not None else section.activities.count() + 1
    activity = Activity.objects.create(
        section=section, number=number, order=order, name=name or f"Мероприятие {number}", deadline_text=deadline
    )
    if executors:
        activity.executors.set(executors)
    return activity


def make_report(
    activity, school=None, period="first", *, status=ReportStatus.DONE, review=Review.ACCEPTED, percent=None, **extra
) -> ProgressReport:
    if period == "first":
        period = activity.due_periods.order_by("end").first()
    return ProgressReport.objects.create(
        activity=activity,
        school=school,
        period=period,
        status=status,
        percent=100 if status == ReportStatus.DONE else (percent or 0),
        review=review,
        **extra,
    )


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf_upload(name="приказ.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()
