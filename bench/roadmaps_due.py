"""Roadmaps at the size of a large municipality: 200 school plans in execution, 8,000 activities and their reporting
periods, half of the past ones reported and accepted. Measures the pages whose numbers are «due soon» and «overdue»
(computed in SQL, never by looping over activities) and the daily reminders, run twice."""

import datetime as dt

from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from bench.registry_list import counting_queries
from registry.models import Municipality, Region, School

SCHOOLS = 200
SECTIONS = 4
ACTIVITIES_PER_SECTION = 10
# The families of deadlines of real plans: monthly (36 periods over three years), yearly, a range, a quarter, on demand.
DEADLINES = ["Ежемесячно", "Ежегодно", "Сентябрь-октябрь 2025г", "4 квартал 2026 года", "По отдельному графику"]
TODAY = dt.date(2026, 6, 15)


def build_municipality():
    from roadmaps.models import (
        Activity,
        ActivityPeriod,
        Level,
        Plan,
        PlanStatus,
        ProgressReport,
        ReportStatus,
        Review,
        Section,
    )

    region = Region.objects.create(code="bench-roadmaps", name="Регион для замеров планов")
    municipality = Municipality.objects.create(region=region, code="bench-roadmaps", name="Район планов")
    schools = School.objects.bulk_create(
        School(municipality=municipality, code=f"plan-school-{n:04d}", short_name=f"МБОУ «ООШ №{n}»", name=f"ООШ №{n}")
        for n in range(SCHOOLS)
    )
    plans = Plan.objects.bulk_create(
        Plan(
            level=Level.SCHOOL,
            municipality=municipality,
            school=school,
            title=f"План мероприятий {school.short_name} на 2025–2027 годы",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2027, 12, 31),
            status=PlanStatus.IN_PROGRESS,
        )
        for school in schools
    )
    sections = Section.objects.bulk_create(
        Section(plan=plan, number=f"{n + 1}.", title=f"Раздел {n + 1}", order=n + 1)
        for plan in plans
        for n in range(SECTIONS)
    )
    activities = []
    for section in sections:
        for n in range(ACTIVITIES_PER_SECTION):
            activity = Activity(
                section=section,
                number=f"{section.number}{n + 1}",
                order=n + 1,
                name=f"Мероприятие {section.number}{n + 1}",
                deadline_text=DEADLINES[n % len(DEADLINES)],
            )
            activity.apply_reading(section.plan)
            activities.append(activity)
    Activity.objects.bulk_create(activities, batch_size=2000)
    school_of_plan = {plan.pk: plan.school_id for plan in plans}
    plan_of_section = {section.pk: section.plan_id for section in sections}
    Executor = Activity.executors.through
    Executor.objects.bulk_create(
        (Executor(activity_id=a.pk, school_id=school_of_plan[plan_of_section[a.section_id]]) for a in activities),
        batch_size=5000,
    )
    periods = ActivityPeriod.objects.bulk_create(
        (
            ActivityPeriod(activity=a, start=dt.date.fromisoformat(s), end=dt.date.fromisoformat(e))
            for a in activities
            for s, e in a.deadline_periods
        ),
        batch_size=5000,
    )
    activity_school = {a.pk: school_of_plan[plan_of_section[a.section_id]] for a in activities}
    reviewed = timezone.make_aware(dt.datetime(2026, 1, 10, 12))
    ProgressReport.objects.bulk_create(
        (
            ProgressReport(
                activity_id=p.activity_id,
                school_id=activity_school[p.activity_id],
                period=p,
                status=ReportStatus.DONE,
                percent=100,
                done_text="Выполнено",
                review=Review.ACCEPTED,
                submitted_at=reviewed,
                reviewed_at=reviewed,
            )
            for n, p in enumerate(periods)
            if p.end < TODAY and n % 2
        ),
        batch_size=5000,
    )
    coordinator = User.objects.create_user("bench-coordinator", email="coordinator@example.ru")
    RoleAssignment.objects.create(user=coordinator, role=Role.MUNICIPAL_COORDINATOR, municipality=municipality)
    principals = [User(username=f"bench-principal-{n:04d}", email=f"principal-{n}@example.ru") for n in range(SCHOOLS)]
    for user in principals:
        user.set_unusable_password()
    principals = User.objects.bulk_create(principals)
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=user, role=Role.PRINCIPAL, school=school)
        for user, school in zip(principals, schools, strict=True)
    )
    return coordinator, principals[0], plans[0], len(activities), len(periods)


def run(report):
    from bench.__main__ import timed
    from roadmaps.reminders import send_reminders

    coordinator, principal, plan, activities, periods = build_municipality()
    report(f"roadmaps: {SCHOOLS} school plans in execution, {activities:,} activities, {periods:,} reporting periods")
    pages = [
        (coordinator, "/", "coordinator's dashboard (overdue by school, reports to review)"),
        (coordinator, "/roadmaps/reviews/", "review queue of the municipality"),
        (coordinator, f"/roadmaps/{plan.pk}/execution/", "execution of one plan"),
        (principal, "/roadmaps/tasks/", "«Мои задачи» of one school"),
        (principal, "/", "principal's dashboard"),
    ]
    with override_settings(ALLOWED_HOSTS=["*"]):
        for user, url, label in pages:
            client = Client()
            client.force_login(user)
            with counting_queries() as queries:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            median, best = timed(lambda client=client, url=url: client.get(url))
            report(f"{label}: median {median:.0f} ms, best {best:.0f} ms, {queries.count} SQL queries")
    from shnor_portal.celery import app

    # The e-mails go through the send task: run it in-process here, so that nothing is left on the broker.
    app.conf.task_always_eager = True
    try:
        for attempt in ("first", "second"):
            mail.outbox = []
            counts = {}
            with counting_queries() as queries:
                median, _ = timed(lambda counts=counts: counts.update(send_reminders(today=TODAY)), repeat=1)
            longest = max((len(message.body.splitlines()) for message in mail.outbox), default=0)
            report(
                f"reminders, {attempt} run on {TODAY:%d.%m.%Y}: {median:.0f} ms, {counts['reminders']:,} reminders "
                f"in {len(mail.outbox)} e-mails (longest {longest:,} lines), {queries.count} SQL queries"
            )
    finally:
        app.conf.task_always_eager = False
