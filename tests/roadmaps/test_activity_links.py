"""A plan activity's links (SPEC §2.2): the risk factors it addresses (roadmaps, chosen on the activity's form; the
school's risk tab lists the activities of each factor through roadmaps:school-risk-activities) and the target
indicators it serves (reports' ActivityIndicator, edited through reports:activity-indicators; the indicator page's
`activities_of_indicator` with their execution)."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from registry.models import RiskAssessment, RiskFactor
from reports.indicators.activities import State, activities_of_indicator
from reports.indicators.models import ActivityIndicator, Indicator
from roadmaps.models import Activity, Level, Plan, PlanStatus, Section
from tests.reports.test_dashboards_roles import accept_done, municipal_plan

from .test_editing import activity_data, url

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def factor(code):
    return RiskFactor.objects.get(code=code, valid_from=None)


@pytest.fixture
def draft(world):
    plan = Plan.objects.create(
        level=Level.MUNICIPAL,
        municipality=world.municipality,
        title="Черновик",
        period_start=dt.date(2021, 1, 1),
        period_end=dt.date(2021, 12, 31),
    )
    section = Section.objects.create(plan=plan, number="1.", title="Раздел", order=1)
    Activity.objects.create(section=section, number="1.1", order=1, name="Семинар", deadline_text="май 2021")
    return plan


# --- Risk factors on the activity's form


def test_the_activity_form_chooses_the_risk_factors_and_keeps_their_history(draft, coordinator, client_for):
    item = Activity.objects.select_related("section").get(section__plan=draft)
    client = client_for(coordinator)
    form = client.get(url("activity-edit", draft, item.pk), **HTMX).content.decode()
    assert "Недостаточная предметная и методическая компетентность" in form
    response = client.post(
        url("activity-edit", draft, item.pk),
        activity_data(item, risk_factors=[factor("RF03").pk, factor("RF05").pk]),
        **HTMX,
    )
    assert response.status_code == 200
    assert sorted(f.code for f in item.risk_factors.all()) == ["RF03", "RF05"]
    latest = item.history.latest()
    assert sorted(latest.risk_factors.values_list("riskfactor__code", flat=True)) == ["RF03", "RF05"]
    # A factor of an edition not valid in the plan's period is refused.
    old = RiskFactor.objects.create(code="RF99", name="Старая редакция", valid_from=2010, valid_to=2015)
    refused = client.post(url("activity-edit", draft, item.pk), activity_data(item, risk_factors=[old.pk]), **HTMX)
    assert "Выберите корректный вариант" in refused.content.decode()
    assert sorted(f.code for f in item.risk_factors.all()) == ["RF03", "RF05"]


def test_the_activity_page_names_its_risk_factors_and_loads_its_indicators_from_reports(world, client_for, principal):
    _plan, (item,) = municipal_plan(world.municipality, ("Семинар", "май 2021", [world.school]))
    item.risk_factors.set([factor("RF08")])
    body = client_for(principal).get(reverse("roadmaps:activity-detail", args=[item.pk])).content.decode()
    assert "Высокая доля обучающихся с рисками учебной неуспешности" in body
    fragment = reverse("reports:activity-indicators", args=[item.pk])
    assert f'hx-get="{fragment}"' in body and f'href="{fragment}"' in body  # htmx, and the link without it


def test_copying_a_plan_copies_the_risk_factors(world, coordinator):
    from roadmaps.copying import copy_plan

    plan, (item,) = municipal_plan(world.municipality, ("Семинар", "май 2021", [world.school]))
    item.risk_factors.set([factor("RF02"), factor("RF07")])
    copy = copy_plan(plan, coordinator, dt.date(2022, 1, 1), dt.date(2022, 12, 31), shift=True, title="Копия")
    copied = Activity.objects.get(section__plan=copy)
    assert sorted(f.code for f in copied.risk_factors.all()) == ["RF02", "RF07"]


# --- The school's risk tab: the activities of each factor


def test_the_risk_tab_lists_the_activities_addressing_each_factor(world, client_for, coordinator):
    RiskAssessment.objects.create(school=world.school, year=2020, factor=factor("RF03"), level="high")
    RiskAssessment.objects.create(school=world.school, year=2020, factor=factor("RF09"), level="low")
    _plan, (ours, everyone, others, far) = municipal_plan(
        world.municipality,
        ("Курсы <b>ПК</b>", "май 2021", [world.school]),
        ("Семинар для всех", "июнь 2021", []),
        ("Чужое мероприятие", "июнь 2021", [world.second_school]),
        ("Ещё", "июнь 2021", [world.school]),
    )
    ours.risk_factors.set([factor("RF03")])
    everyone.risk_factors.set([factor("RF03"), factor("RF01")])
    others.risk_factors.set([factor("RF03")])  # another school's activity
    _other_plan, (elsewhere,) = municipal_plan(world.far, ("Тульское", "май 2021", [world.far_school]))
    elsewhere.risk_factors.set([factor("RF03")])
    response = client_for(coordinator).get(
        reverse("roadmaps:school-risk-activities", args=["chemashi"]), {"year": "2020"}, **HTMX
    )
    rows = response.context["rows"]
    assert [(row["factor"].code, row["level"], [a.name for a in row["activities"]]) for row in rows] == [
        ("RF03", "high", ["Курсы <b>ПК</b>", "Семинар для всех"]),
        ("RF09", "low", []),
        ("RF01", None, ["Семинар для всех"]),
    ]
    html = response.content.decode()
    assert "<html" not in html and "Курсы &lt;b&gt;ПК&lt;/b&gt;" in html and "Чужое" not in html
    assert far.name not in html
    page = client_for(coordinator).get(reverse("roadmaps:school-risk-activities", args=["chemashi"]))
    assert "<html" in page.content.decode()  # without JavaScript: a whole school page


def test_the_registry_risk_tab_loads_the_activities_from_roadmaps(world, client_for, principal):
    body = (
        client_for(principal)
        .get(reverse("registry:school-tab", args=["chemashi", "risks"]), {"year": "2020"})
        .content.decode()
    )
    target = reverse("roadmaps:school-risk-activities", args=["chemashi"]) + "?year=2020"
    assert f'hx-get="{target}"' in body and f'href="{target}"' in body


def test_the_risk_activities_follow_the_plans_the_reader_sees(world, client_for, mentor):
    """The mentor school's principal reads chemashi's page as its mentor, but not a draft school plan of it."""
    RiskAssessment.objects.create(school=world.school, year=2020, factor=factor("RF03"), level="medium")
    draft = Plan.objects.create(
        level=Level.SCHOOL,
        municipality=world.municipality,
        school=world.school,
        title="Черновик школы",
        period_start=dt.date(2021, 1, 1),
        period_end=dt.date(2021, 12, 31),
        status=PlanStatus.DRAFT,
    )
    section = Section.objects.create(plan=draft, number="1.", order=1)
    hidden = Activity.objects.create(section=section, number="1.1", order=1, name="Скрытое", deadline_text="май 2021")
    hidden.risk_factors.set([factor("RF03")])
    from roadmaps.access import plans_visible_to

    seen = plans_visible_to(mentor).filter(pk=draft.pk).exists()
    response = client_for(mentor).get(reverse("roadmaps:school-risk-activities", args=["chemashi"]), {"year": "2020"})
    names = [a.name for row in response.context["rows"] for a in row["activities"]]
    assert names == (["Скрытое"] if seen else [])


# --- Target indicators of an activity (reports' fragment)


def test_the_coordinator_links_indicators_and_readers_may_not(world, client_for, coordinator, inspector, principal):
    _plan, (item,) = municipal_plan(world.municipality, ("Семинар", "май 2021", [world.school]))
    fragment = reverse("reports:activity-indicators", args=[item.pk])
    network, low = Indicator.objects.get(code="NETWORK_SHARE"), Indicator.objects.get(code="LOW_RESULTS_SHARE")
    client = client_for(coordinator)
    view = client.get(fragment, **HTMX).content.decode()
    assert "<html" not in view and "Мероприятие пока не связано" in view and "?edit=1" in view
    form = client.get(fragment, {"edit": "1"}, **HTMX).content.decode()
    assert 'name="indicators"' in form and "NETWORK_SHARE" in form
    saved = client.post(fragment, {"indicators": [network.pk, low.pk]}, **HTMX)
    html = saved.content.decode()
    assert saved.status_code == 200 and "<form" not in html
    assert "/reports/indicators/NETWORK_SHARE/?municipality=oktyabrsky" in html
    assert set(ActivityIndicator.objects.filter(activity=item).values_list("indicator__code", flat=True)) == {
        "NETWORK_SHARE",
        "LOW_RESULTS_SHARE",
    }
    # Without JavaScript: back to the activity page.
    plain = client.post(fragment, {"indicators": [low.pk]})
    assert plain.status_code == 302 and plain["Location"].endswith(f"/activities/{item.pk}/#indicators")
    assert list(ActivityIndicator.objects.filter(activity=item).values_list("indicator__code", flat=True)) == [
        "LOW_RESULTS_SHARE"
    ]
    assert ActivityIndicator.history.filter(activity_id=item.pk, history_type="-").count() == 1
    # Readers: they see the links, without the button, and may not change them.
    for reader in (inspector, principal):
        reader_client = client_for(reader)
        page = reader_client.get(fragment, **HTMX).content.decode()
        assert "LOW_RESULTS_SHARE" in page and "?edit=1" not in page
        assert reader_client.get(fragment, {"edit": "1"}, **HTMX).content.decode().count('name="indicators"') == 0
        assert reader_client.post(fragment, {"indicators": [network.pk]}, **HTMX).status_code == 403
    assert ActivityIndicator.objects.filter(activity=item).count() == 1


def test_outside_the_scope_the_fragment_is_404(world, client_for, other_coordinator, outsider):
    _plan, (item,) = municipal_plan(world.municipality, ("Семинар", "май 2021", [world.school]))
    fragment = reverse("reports:activity-indicators", args=[item.pk])
    network = Indicator.objects.get(code="NETWORK_SHARE")
    for user in (other_coordinator, outsider):
        assert client_for(user).get(fragment).status_code == 404
        assert client_for(user).post(fragment, {"indicators": [network.pk]}).status_code == 404
    assert not ActivityIndicator.objects.exists()


def test_only_municipal_indicators_are_offered(world, client_for, coordinator):
    _plan, (item,) = municipal_plan(world.municipality, ("Семинар", "май 2021", [world.school]))
    school_level = Indicator.objects.get(code="VPR_SUCCESS")
    response = client_for(coordinator).post(
        reverse("reports:activity-indicators", args=[item.pk]), {"indicators": [school_level.pk]}, **HTMX
    )
    assert "Выберите корректный вариант" in response.content.decode()
    assert not ActivityIndicator.objects.exists()


def test_the_page_without_javascript_escapes_the_activity(world, client_for, coordinator):
    _plan, (item,) = municipal_plan(world.municipality, ("<script>alert(1)</script>", "май 2021", [world.school]))
    body = client_for(coordinator).get(reverse("reports:activity-indicators", args=[item.pk])).content.decode()
    assert "<html" in body and "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


# --- The activities of an indicator, with their execution


def test_activities_of_an_indicator_with_their_execution_of_the_year(world, django_assert_max_num_queries):
    network = Indicator.objects.get(code="NETWORK_SHARE")
    _plan, (late, done, later, undated, _unlinked) = municipal_plan(
        world.municipality,
        ("Просрочено", "май 2021", [world.school]),
        ("Выполнено", "июнь 2021", [world.second_school, world.school]),
        ("Позже", "декабрь 2021", [world.school]),
        ("Без дат", "когда получится", [world.school]),
        ("Не связано", "май 2021", [world.school]),
    )
    accept_done(done, world.second_school)
    accept_done(done, world.school)
    _plan2, (other_year,) = municipal_plan(world.municipality, ("Другой год", "май 2021", []), title="План 2021")
    Plan.objects.filter(pk=_plan2.pk).update(period_start=dt.date(2019, 1, 1), period_end=dt.date(2019, 12, 31))
    _far, (far,) = municipal_plan(world.far, ("Тула", "май 2021", [world.far_school]))
    for activity in (late, done, later, undated, other_year, far):
        ActivityIndicator.objects.create(activity=activity, indicator=network)
    with django_assert_max_num_queries(2):
        rows = activities_of_indicator(network, world.municipality, 2021, today=dt.date(2021, 9, 1))
    assert [(r.activity.name, r.total, r.done, r.overdue, r.state) for r in rows] == [
        ("Просрочено", 1, 0, 1, State.OVERDUE),
        ("Выполнено", 2, 2, 0, State.DONE),
        ("Позже", 1, 0, 0, State.IN_PROGRESS),
        ("Без дат", 0, 0, 0, State.NOT_DUE),
    ]
    assert activities_of_indicator(network, world.municipality, 2022) == []  # the plan does not cover 2022
    html = render_to_string("reports/indicators/_activities.html", {"activities": rows, "year": 2021})
    assert reverse("roadmaps:activity-detail", args=[late.pk]) in html
    assert "text-bg-danger" in html and "text-bg-success" in html
    empty = render_to_string("reports/indicators/_activities.html", {"activities": [], "year": 2021})
    assert "Ни одно мероприятие" in empty


def test_the_links_are_in_the_audit_trail(world):
    from shnor_portal.audit.models import AuditEntry

    _plan, (item,) = municipal_plan(world.municipality, ("Семинар", "май 2021", [world.school]))
    item.risk_factors.add(factor("RF03"))
    latest = AuditEntry.objects.filter(content_type__model="activity", object_id=str(item.pk)).order_by("-pk").first()
    assert [c["after"] for c in latest.changes if c["field"] == "risk_factors"] == [str(factor("RF03"))]
    ActivityIndicator.objects.create(activity=item, indicator=Indicator.objects.get(code="NETWORK_SHARE"))
    entry = AuditEntry.objects.get(content_type__model="activityindicator", action="created")
    assert entry.municipality_id == world.municipality.pk
