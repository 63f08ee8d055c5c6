"""Every URL of the portal × every persona: who gets 200, 403, 404 or the login page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PERSONAS = [
    "coordinator",
    "other_coordinator",
    "principal",
    "mentor",
    "inspector",
    "regional",
    "outsider",
    "administrator",
]


def _statuses(coordinator, other_coordinator, principal, mentor, inspector, regional, outsider, administrator):
    return dict(
        zip(
            PERSONAS,
            (coordinator, other_coordinator, principal, mentor, inspector, regional, outsider, administrator),
            strict=True,
        )
    )


# Support: readers in scope see pairings and events of chemashi; its municipality's coordinators change them;
# a mentor school records events for the schools it mentors.
READ_CHEMASHI = _statuses(200, 404, 200, 200, 200, 200, 404, 200)
CHANGE_CHEMASHI = _statuses(200, 404, 403, 403, 403, 403, 404, 200)
SUPPORT_MATRIX = [
    ("support:pairing-list", {}, dict.fromkeys(PERSONAS, 200)),
    ("support:pairing-diagram", {}, dict.fromkeys(PERSONAS, 200)),
    ("support:pairing-create", {}, _statuses(200, 200, 403, 403, 403, 403, 403, 200)),
    ("support:pairing-detail", {"support": "pairing"}, READ_CHEMASHI),
    ("support:pairing-update", {"support": "pairing"}, CHANGE_CHEMASHI),
    ("support:pairing-end", {"support": "pairing"}, CHANGE_CHEMASHI),
    ("support:pairing-renew", {"support": "pairing"}, CHANGE_CHEMASHI),
    ("support:event-list", {}, dict.fromkeys(PERSONAS, 200)),
    ("support:event-calendar", {}, dict.fromkeys(PERSONAS, 200)),
    ("support:consultation-journal", {}, dict.fromkeys(PERSONAS, 200)),
    ("support:event-create", {}, _statuses(200, 200, 403, 200, 403, 403, 403, 200)),
    ("support:event-detail", {"support": "event"}, READ_CHEMASHI),
    ("support:event-edit", {"support": "event"}, CHANGE_CHEMASHI),
    ("support:event-edit", {"support": "mentor_event"}, _statuses(200, 404, 403, 200, 403, 403, 404, 200)),
    ("support:material-download", {"support": "material"}, READ_CHEMASHI),
    # Teachers are personal data: the school itself and its coordinators; readers of the school see the summary.
    ("support:teacher-list", {"code": "chemashi"}, _statuses(200, 404, 200, 403, 403, 403, 404, 200)),
    ("support:teacher-create", {"code": "chemashi"}, _statuses(200, 404, 200, 403, 403, 403, 404, 200)),
    ("support:school-competencies", {"code": "chemashi"}, READ_CHEMASHI),
    ("support:teacher-detail", {"support": "teacher"}, _statuses(200, 404, 200, 404, 404, 404, 404, 200)),
    ("support:diagnostic-create", {"support": "teacher"}, _statuses(200, 404, 200, 404, 404, 404, 404, 200)),
]


def support_object(world, kind):
    """The support objects the matrix asks for, made on first use: a municipal event for chemashi, one organised
    by its mentor school, and a material of the first."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from registry.models import Pairing
    from support.models import EventMaterial, EventSchool, SupportEvent

    if kind == "pairing":
        return Pairing.objects.get(mentee=world.school)
    if kind == "teacher":
        from support.models import Teacher

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
    """The roadmaps objects the matrix asks for: an approved municipal plan of the coordinator's municipality with one
    activity that chemashi executes, chemashi's report on it with an evidence file, and chemashi's draft school plan."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from roadmaps.models import Activity, Evidence, Level, Plan, PlanStatus, ProgressReport, Section

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


# Roadmaps: the plan is read by everyone in scope (chemashi's principal and mentor through the executor school); an
# in-progress plan is not open for editing without an amendment — not even for its coordinators.
READ_PLAN = _statuses(200, 404, 200, 200, 200, 200, 404, 200)
ROADMAPS_MATRIX = [
    ("roadmaps:plan-list", {}, dict.fromkeys(PERSONAS, 200)),
    ("roadmaps:plan-detail", {"roadmaps": "plan"}, READ_PLAN),
    ("roadmaps:plan-history", {"roadmaps": "plan"}, READ_PLAN),
    ("roadmaps:plan-versions", {"roadmaps": "plan"}, READ_PLAN),
    ("roadmaps:plan-execution", {"roadmaps": "plan"}, READ_PLAN),
    ("roadmaps:activity-detail", {"roadmaps": "activity"}, READ_PLAN),
    ("roadmaps:evidence-download", {"roadmaps": "evidence"}, READ_PLAN),
    ("roadmaps:plan-edit", {"roadmaps": "plan"}, _statuses(403, 404, 403, 403, 403, 403, 404, 403)),
    # chemashi's draft school plan: its principal and the municipality's coordinators edit it.
    ("roadmaps:plan-edit", {"roadmaps": "draft"}, _statuses(200, 404, 200, 403, 403, 403, 404, 200)),
    ("roadmaps:plan-create", {}, _statuses(200, 200, 200, 200, 403, 403, 403, 200)),
    ("roadmaps:plan-import", {}, _statuses(200, 200, 200, 200, 403, 403, 403, 200)),
    ("roadmaps:plan-copy", {"roadmaps": "plan"}, _statuses(200, 404, 403, 403, 403, 403, 404, 200)),
    ("roadmaps:my-tasks", {}, dict.fromkeys(PERSONAS, 200)),
    # The review queue is the municipality's: coordinators act on it, inspectors and the region read it.
    ("roadmaps:report-reviews", {}, _statuses(200, 200, 403, 403, 200, 200, 403, 200)),
    # The target indicators an activity serves (reports' fragment of the activity page): read like the activity.
    ("reports:activity-indicators", {"roadmaps": "activity"}, READ_PLAN),
    # The municipalities compared: for those who oversee municipalities or regions, each within their own scope.
    ("reports:municipality-comparison", {}, _statuses(200, 200, 403, 403, 200, 200, 403, 200)),
]


# The school page's tabs that the apps owning the data serve as fragments: read like the school page itself.
SCHOOL_TAB_MATRIX = [
    ("reports:school-results-tab", {"code": "chemashi"}, READ_CHEMASHI),
    ("support:school-mentoring-tab", {"code": "chemashi"}, READ_CHEMASHI),
    ("roadmaps:school-risk-activities", {"code": "chemashi"}, READ_CHEMASHI),
]


# url name, kwargs (by world attribute), then the expected GET status per persona.
MATRIX = [
    ("reports:results-list", {}, dict.fromkeys(PERSONAS, 200)),
    (
        "reports:results-upload",
        {},
        {
            "coordinator": 200,
            "other_coordinator": 200,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 200,
            "outsider": 403,
            "administrator": 200,
        },
    ),
    (
        "registry:school-tab",
        {"code": "chemashi", "tab": "results"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 200,
            "mentor": 200,
            "inspector": 200,
            "regional": 200,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "reports:flags",
        {},
        {
            "coordinator": 200,
            "other_coordinator": 200,
            "principal": 403,
            "mentor": 403,
            "inspector": 200,
            "regional": 200,
            "outsider": 403,
            "administrator": 200,
        },
    ),
    (
        "reports:flag-listing",
        {"code": "chemashi"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    ("dashboard", {}, dict.fromkeys(PERSONAS, 200)),
    ("registry:school-list", {}, dict.fromkeys(PERSONAS, 200)),
    (
        "registry:school-detail",
        {"code": "chemashi"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 200,
            "mentor": 200,
            "inspector": 200,
            "regional": 200,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:school-tab",
        {"code": "andra", "tab": "history"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 404,
            "mentor": 404,
            "inspector": 200,
            "regional": 200,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:school-update",
        {"code": "chemashi"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:school-create",
        {},
        {
            "coordinator": 200,
            "other_coordinator": 200,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 403,
            "administrator": 200,
        },
    ),
    (
        "registry:listing-create",
        {"code": "chemashi"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:listing-update",
        {"listing": "chemashi"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    ("password-change", {}, dict.fromkeys(PERSONAS, 200)),
    (
        "registry:year-profile-edit",
        {"code": "chemashi", "year": 2019},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 200,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:risk-profile-edit",
        {"code": "chemashi", "year": 2019},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 200,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:swot-edit",
        {"code": "andra", "year": 2019},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 404,
            "mentor": 404,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:listing-exclude",
        {"listing": "chemashi"},
        {
            "coordinator": 200,
            "other_coordinator": 404,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 404,
            "administrator": 200,
        },
    ),
    (
        "registry:import",
        {},
        {
            "coordinator": 200,
            "other_coordinator": 200,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 403,
            "administrator": 200,
        },
    ),
    (
        "registry:import-template",
        {},
        {
            "coordinator": 200,
            "other_coordinator": 200,
            "principal": 403,
            "mentor": 403,
            "inspector": 403,
            "regional": 403,
            "outsider": 403,
            "administrator": 200,
        },
    ),
    *SUPPORT_MATRIX,
    *ROADMAPS_MATRIX,
    # The audit trail: everyone with a municipality, a region or a school of their own reads their part of it (the
    # mentor persona is also the principal of its school); a user without any scope gets 403.
    ("audit-list", {}, _statuses(200, 200, 200, 200, 200, 200, 403, 200)),
    *SCHOOL_TAB_MATRIX,
]


def resolve(world, name, kwargs):
    if "listing" in kwargs:
        kwargs = {"pk": world.school.listings.first().pk}
    if "support" in kwargs:
        kwargs = {"pk": support_object(world, kwargs["support"]).pk}
    if "roadmaps" in kwargs:
        kwargs = {"pk": roadmaps_object(world, kwargs["roadmaps"]).pk}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_each_persona_as_the_rules_say(client, request, world, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    failures = []
    for name, kwargs, expected in MATRIX:
        url = resolve(world, name, kwargs)
        status = client.get(url).status_code
        if status != expected[persona]:
            failures.append(f"{url}: {status}, expected {expected[persona]}")
    assert not failures, failures


@pytest.mark.parametrize(("name", "kwargs"), [(name, kwargs) for name, kwargs, _ in MATRIX])
def test_every_url_sends_anonymous_visitors_to_sign_in(client, world, name, kwargs):
    response = client.get(resolve(world, name, kwargs))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
