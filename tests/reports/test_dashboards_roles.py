"""The role dashboards' new blocks (reports/dashboard.py, reports/dashboard_data.py): a coordinator's indicators,
plan execution, imports, recalculations and schools needing attention; an inspector's indicators and documents; a
principal's school indicators and results."""

import datetime as dt
from decimal import Decimal

import pytest

from reports.indicators.models import AdoptedIndicator, Indicator, IndicatorTarget, IndicatorValue

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2022, 1, 10, 9, 0, tzinfo=dt.UTC)
YEAR = 2021


def adopt(municipality, code, target=None, value=None, year=YEAR):
    indicator = Indicator.objects.get(code=code)
    adopted = AdoptedIndicator.objects.create(municipality=municipality, indicator=indicator)
    if target is not None:
        IndicatorTarget.objects.create(adopted=adopted, year=year, target=Decimal(target))
    if value is not None:
        IndicatorValue.objects.create(
            indicator=indicator, municipality=municipality, year=year, value=Decimal(value), calculated_at=NOW
        )
    return adopted


def municipal_plan(municipality, *activities, title="План муниципалитета"):
    """An in-progress municipal plan of 2021 with activities given as (name, deadline text, executor schools)."""
    from roadmaps.models import Activity, Level, Plan, PlanStatus, Section

    plan = Plan.objects.create(
        level=Level.MUNICIPAL,
        municipality=municipality,
        title=title,
        period_start=dt.date(2021, 1, 1),
        period_end=dt.date(2021, 12, 31),
        status=PlanStatus.IN_PROGRESS,
    )
    section = Section.objects.create(plan=plan, number="1.", title="Раздел", order=1)
    made = []
    for order, (name, deadline, executors) in enumerate(activities, start=1):
        activity = Activity.objects.create(
            section=section, number=f"1.{order}", order=order, name=name, deadline_text=deadline
        )
        activity.executors.set(executors)
        made.append(activity)
    return plan, made


def accept_done(activity, school):
    from roadmaps.models import ProgressReport, ReportStatus, Review

    return ProgressReport.objects.create(
        activity=activity,
        school=school,
        period=activity.due_periods.get(),
        status=ReportStatus.DONE,
        percent=100,
        review=Review.ACCEPTED,
    )


def test_the_coordinator_sees_the_indicators_met_not_met_and_without_data(client_for, coordinator, world):
    adopt(world.municipality, "NETWORK_SHARE", target=100, value=100)  # ↑ met
    adopt(world.municipality, "LOW_RESULTS_SHARE", target=20, value="30.5")  # ↓ not met
    adopt(world.municipality, "TOP_MARK_SHARE", target=9)  # not calculated: no data
    adopt(world.far, "NETWORK_SHARE", target=100, value=10)  # another municipality: not counted here
    response = client_for(coordinator).get("/", {"year": YEAR})
    [panel] = response.context["municipal_panels"]
    assert panel["municipality"] == world.municipality
    summary = panel["indicators"]
    assert (summary["adopted"], summary["met"], summary["not_met"], summary["no_data"]) == (3, 1, 1, 1)
    assert summary["calculated_at"] == NOW
    body = response.content.decode()
    assert "/reports/indicators/?municipality=oktyabrsky&amp;year=2021" in body
    assert "Октябрьский район: целевые показатели 2021 года" in body
    assert "Документы" not in body  # the documents block is the inspector's


def test_a_municipality_without_adopted_indicators_says_so(client_for, coordinator):
    body = client_for(coordinator).get("/", {"year": YEAR}).content.decode()
    assert "Муниципалитет ещё не принял целевые показатели." in body


def test_the_coordinator_sees_the_execution_of_the_year_and_the_late_schools(client_for, coordinator, world):
    _plan, (_late, done) = municipal_plan(
        world.municipality,
        ("Семинар", "май 2021", [world.school]),
        ("Курсы", "июнь 2021", [world.second_school]),
    )
    accept_done(done, world.second_school)
    response = client_for(coordinator).get("/", {"year": YEAR})
    [panel] = response.context["municipal_panels"]
    assert panel["execution"] == {"due": 2, "done": 1, "overdue": 1}
    assert panel["done_percent"] == 50
    attention = response.context["coordinator"]["attention"]
    assert [(row["label"], row["overdue"]) for row in attention] == [("МКОУ «Чемашинская СОШ»", 1)]
    assert attention[0]["school"] == world.school
    assert "Школы, требующие внимания" in response.content.decode()
    # The year before has nothing due.
    earlier = client_for(coordinator).get("/", {"year": 2020}).context["municipal_panels"][0]
    assert earlier["execution"]["due"] == 0 and earlier["done_percent"] is None


def test_the_coordinator_sees_the_imports_and_recalculations_of_the_municipality_only(client_for, coordinator, world):
    from django.utils import timezone

    from reports.assessments.models import Recalculation, ResultImport

    ours = ResultImport.objects.create(
        original_name="впр-<b>2021</b>.xlsx",
        file="result-imports/a.xlsx",
        state=ResultImport.State.COMMITTED,
        rows=120,
        summary={"school_ids": [world.school.pk, world.second_school.pk]},
        committed_at=timezone.now(),
    )
    ResultImport.objects.create(
        original_name="тула.xlsx",
        file="result-imports/b.xlsx",
        state=ResultImport.State.COMMITTED,
        summary={"school_ids": [world.far_school.pk]},
        committed_at=timezone.now(),
    )
    ResultImport.objects.create(
        original_name="черновик.xlsx",
        file="result-imports/c.xlsx",
        state=ResultImport.State.CHECKED,
        summary={"school_ids": [world.school.pk]},
    )
    job = Recalculation.objects.create(
        source=ours, schools=[world.school.pk], state=Recalculation.State.DONE, indicators_at=timezone.now()
    )
    Recalculation.objects.create(schools=[world.far_school.pk])
    response = client_for(coordinator).get("/", {"year": YEAR})
    blocks = response.context["coordinator"]
    assert [record.pk for record in blocks["imports"]] == [ours.pk]
    assert [r.pk for r in blocks["recalculations"]] == [job.pk]
    body = response.content.decode()
    assert "впр-&lt;b&gt;2021&lt;/b&gt;.xlsx" in body and "<b>2021</b>" not in body
    assert "показатели пересчитаны" in body


def test_the_inspector_sees_the_indicators_and_no_documents_yet(client_for, inspector, world):
    adopt(world.municipality, "NETWORK_SHARE", target=100, value=100)
    response = client_for(inspector).get("/", {"year": YEAR})
    [panel] = response.context["municipal_panels"]
    assert panel["indicators"]["met"] == 1 and not panel["edit"]
    assert "coordinator" not in response.context
    body = response.content.decode()
    assert "Документы" in body
    assert "Документы муниципалитета ещё не подписывались" in body


def test_the_principal_sees_the_school_indicators_as_stored_and_the_latest_results(client_for, principal, world):
    from reports.assessments.models import Campaign, SchoolAggregate, Subject

    success = Indicator.objects.get(code="VPR_SUCCESS")
    IndicatorValue.objects.create(
        indicator=success,
        municipality=world.municipality,
        school=world.school,
        year=YEAR,
        value=Decimal("87.5"),
        calculated_at=NOW,
    )
    IndicatorValue.objects.create(  # another school's value is not this school's
        indicator=Indicator.objects.get(code="VPR_QUALITY"),
        municipality=world.municipality,
        school=world.second_school,
        year=YEAR,
        value=Decimal(50),
        calculated_at=NOW,
    )
    maths = Subject.objects.get_or_create(name="Математика")[0]
    old = Campaign.objects.create(procedure="ВПР", year=2020, subject=maths, grade=5)
    new = Campaign.objects.create(procedure="ВПР", year=2021, subject=maths, grade=6)
    SchoolAggregate.objects.create(campaign=old, school=world.school, participants=10, marks_2=10)
    SchoolAggregate.objects.create(
        campaign=new, school=world.school, participants=4, marks_3=2, marks_4=1, marks_5=1, mark_sum=15, marked=4
    )
    response = client_for(principal).get("/", {"year": YEAR})
    [school] = response.context["own_schools"]
    values = {indicator.code: value for indicator, value, _text in school.indicator_values}
    assert values["VPR_SUCCESS"] == Decimal("87.5")
    assert values["VPR_QUALITY"] is None
    assert [(row["year"], row["grade"], row["participants"]) for row in school.latest_results] == [(2021, 6, 4)]
    assert school.latest_results[0]["success_pct"] == 100.0
    body = response.content.decode()
    assert "Показатели школы за 2021 год" in body
    assert "нет данных" in body
    assert "Последние результаты (2021)" in body
    assert "municipal_panels" not in response.context


def test_the_coordinator_dashboard_costs_the_same_few_queries_with_more_schools(
    client_for, coordinator, world, django_assert_max_num_queries
):
    from tests.factories import ListingFactory, SchoolFactory

    adopt(world.municipality, "NETWORK_SHARE", target=100, value=100)
    municipal_plan(world.municipality, ("Семинар", "май 2021", [world.school]))
    ListingFactory(school=world.school, status="shnor", start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31))
    client = client_for(coordinator)
    client.get("/", {"year": YEAR})  # warm the session and the caches
    with django_assert_max_num_queries(30) as few:
        client.get("/", {"year": YEAR})
    for number in range(8):
        school = SchoolFactory(municipality=world.municipality, code=f"more-{number}")
        ListingFactory(school=school, status="shnor", start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31))
        municipal_plan(world.municipality, (f"Мероприятие {number}", "май 2021", [school]), title=f"План {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/", {"year": YEAR})


def test_the_embedded_databases_reading_of_imports_agrees_with_postgresqls(world):
    """SQLite (the embedded demo) has no jsonb: its Python reading of the imports' schools gives the same answers."""
    import datetime as dt

    from django.utils import timezone

    from reports import dashboard_data as data
    from reports.assessments.models import Recalculation, ResultImport

    now = timezone.now()
    for number, (schools, state, hours) in enumerate(
        [
            ([world.school.pk, world.far_school.pk], ResultImport.State.COMMITTED, 3),
            ([world.far_school.pk], ResultImport.State.COMMITTED, 1),
            ([world.second_school.pk], ResultImport.State.COMMITTED, 2),
            ([world.school.pk], ResultImport.State.CHECKED, 0),
        ]
    ):
        made = ResultImport.objects.create(
            original_name=f"{number}.xlsx",
            file=f"result-imports/{number}.xlsx",
            state=state,
            summary={"school_ids": schools},
            committed_at=now - dt.timedelta(hours=hours) if state == ResultImport.State.COMMITTED else None,
        )
        Recalculation.objects.create(source=made, schools=schools)
    ids = [world.municipality.pk, world.far.pk]
    assert data.last_import_dates(ids) == data._embedded_last_import_dates(ids)
    assert len(data.last_import_dates(ids)) == 2
    for municipality in ([world.municipality.pk], [world.far.pk], ids):
        imports = ResultImport.objects.filter(state=ResultImport.State.COMMITTED).order_by("-committed_at")
        embedded = data._embedded_touching(imports, lambda r: r.summary.get("school_ids"), municipality, 5)
        assert [r.pk for r in data.recent_imports(municipality)] == [r.pk for r in embedded]
        jobs = data._embedded_touching(
            Recalculation.objects.order_by("-created_at"), lambda r: r.schools, municipality, 5
        )
        assert [r.pk for r in data.recent_recalculations(municipality)] == [r.pk for r in jobs]


def test_the_coordinator_is_not_shown_a_file_it_may_not_open(client_for, coordinator, regional, world):
    """A regional coordinator's file with schools of two municipalities touches this one, but only coordinators of
    all its schools may open it: its name (the uploader's choice) is not on this coordinator's dashboard."""
    from django.urls import reverse
    from django.utils import timezone

    from reports.assessments.models import ResultImport

    regional_file = ResultImport.objects.create(
        user=regional,
        original_name="регион-весь.xlsx",
        file="result-imports/r.xlsx",
        state=ResultImport.State.COMMITTED,
        summary={"school_ids": [world.school.pk, world.far_school.pk]},
        committed_at=timezone.now(),
    )
    own = ResultImport.objects.create(
        original_name="свой.xlsx",
        file="result-imports/o.xlsx",
        state=ResultImport.State.COMMITTED,
        summary={"school_ids": [world.school.pk]},
        committed_at=timezone.now(),
    )
    client = client_for(coordinator)
    assert client.get(reverse("reports:results-import", kwargs={"pk": regional_file.pk})).status_code == 404
    response = client.get("/", {"year": YEAR})
    assert [record.pk for record in response.context["coordinator"]["imports"]] == [own.pk]
    assert "регион-весь.xlsx" not in response.content.decode()


@pytest.mark.parametrize(
    ("done", "due", "percent"),
    [(1, 8, "12.5"), (1, 16, "6.3"), (3, 16, "18.8"), (1, 3, "33.3"), (2, 3, "66.7"), (0, 5, "0.0"), (5, 5, "100.0")],
)
def test_plan_execution_is_rounded_half_up_to_one_decimal(done, due, percent):
    """A percentage has one decimal like every share of the portal (shnor_portal/numbers.py), half-up: 1 of 16 is
    6,25 → 6,3, where the banker's rounding gives 6,2."""
    from reports.dashboard_data import done_percent

    assert done_percent({"done": done, "due": due}) == Decimal(percent)
    assert done_percent({"done": 0, "due": 0}) is None and done_percent(None) is None
