"""One indicator's page: the formula in words, what it counted as links (only what the user may see), details as a
table where the formula keeps no list, the dynamics chart with its table, the baseline."""

import datetime as dt
from decimal import Decimal

import pytest

from reports.indicators.models import Indicator, IndicatorValue
from reports.indicators.services import recalculate
from support.models import DevelopmentRecord, EventSchool, SupportEvent, Teacher

from .pages import YEAR, adopt, detail_url, setup_indicators

pytestmark = pytest.mark.django_db


def _section(content: str, element_id: str) -> str:
    start = content.index(f'id="{element_id}"')
    return content[start : content.index("</div>", start)]


def test_it_lists_the_numerator_and_denominator_schools_as_links(client, world, coordinator):
    event = SupportEvent.objects.create(
        municipality=world.municipality, type="seminar", start=dt.date(YEAR, 3, 1), topic="Семинар"
    )
    EventSchool.objects.create(event=event, school=world.school)
    setup_indicators(world)
    client.force_login(coordinator)
    response = client.get(detail_url(world.municipality, "METH_SUPPORT_SHARE"))
    assert response.status_code == 200
    content = response.content.decode()
    indicator = Indicator.objects.get(code="METH_SUPPORT_SHARE")
    assert indicator.formula_text and indicator.formula_text[:40] in content
    numerator = _section(content, "indicator-numerator")
    assert world.school.get_absolute_url() in numerator and "Чемашинская" in numerator
    assert world.second_school.get_absolute_url() not in numerator
    denominator = _section(content, "indicator-denominator")
    assert world.school.get_absolute_url() in denominator
    # 1 of 1: 100,0 against the target 100,0 — met; the chart and its table are there with the year.
    summary = _section(content, "indicator-summary")
    assert "100,0" in summary and "✓ выполнен" in summary and "(1 / 1)" in summary
    assert "<svg" in content and "chart-data" in content and f'<th scope="row" class="fw-normal">{YEAR}</th>' in content


def test_it_shows_the_baseline_and_targets(client, world, coordinator):
    setup_indicators(world)
    client.force_login(coordinator)
    content = client.get(detail_url(world.municipality, "REG_COUNT")).content.decode()
    assert "1 (2019)" in _section(content, "indicator-summary")
    assert '<td>2020</td><td class="text-end">2</td>' in content


def _teacher_counted(world):
    teacher = Teacher.objects.create(school=world.school, full_name="Петрова Анна Ивановна")
    DevelopmentRecord.objects.create(
        teacher=teacher, programme="Курс", start=dt.date(YEAR, 2, 1), end=dt.date(YEAR, 3, 1), completed=True
    )
    adopt(world.municipality, "PD_STAFF_COUNT")
    recalculate([world.municipality.pk], [YEAR])
    value = IndicatorValue.objects.get(indicator__code="PD_STAFF_COUNT", municipality=world.municipality, year=YEAR)
    assert value.numerator_ids == [teacher.pk]
    return teacher


def test_teachers_are_listed_to_the_coordinator_and_the_principal_only(
    client, world, coordinator, principal, inspector
):
    teacher = _teacher_counted(world)
    for user in (coordinator, principal):
        client.force_login(user)
        numerator = _section(
            client.get(detail_url(world.municipality, "PD_STAFF_COUNT")).content.decode(), "indicator-numerator"
        )
        assert teacher.get_absolute_url() in numerator and "Петрова" in numerator
    client.force_login(inspector)
    numerator = _section(
        client.get(detail_url(world.municipality, "PD_STAFF_COUNT")).content.decode(), "indicator-numerator"
    )
    assert "Петрова" not in numerator and teacher.get_absolute_url() not in numerator
    assert "Ещё 1 не показан" in numerator


def test_details_without_lists_show_as_tables(client, world, coordinator, principal):
    setup_indicators(world)
    value = IndicatorValue.objects.get(indicator__code="LOW_RESULTS_SHARE", municipality=world.municipality, year=YEAR)
    # A formula that keeps no id lists stores what it counted in the details: the ГИА gap's pairs, TOP_MARK_SHARE's
    # counts per school (here planted on a stored value).
    value.numerator_ids = value.denominator_ids = None
    value.details = {
        "gap": 10.25,
        "gap_previous": 12.5,
        "pairs": [
            {"procedure": "ОГЭ", "subject": "<b>Математика</b>", "2020": {"gap": 10.25, "n": 3, "k": 1}, "used": True},
            {"procedure": "ЕГЭ", "subject": "Русский язык", "used": False},
        ],
        "schools": {
            str(world.school.pk): {"fives": 3, "works": 12},
            str(world.second_school.pk): {"fives": 1, "works": 4},
        },
    }
    value.save()
    client.force_login(coordinator)
    content = client.get(detail_url(world.municipality, "LOW_RESULTS_SHARE")).content.decode()
    details = content[content.index('id="indicator-details"') :]
    assert "разрыв прошлого года" in details and "12,5" in details
    assert '<th scope="col">Предмет</th>' in details and "&lt;b&gt;Математика&lt;/b&gt;" in details
    assert "разрыв: 10,25; школ с результатом: 3" in details and "<td>да</td>" in details and "<td>нет</td>" in details
    assert "<td>МКОУ «Чемашинская СОШ»</td><td>3</td><td>12</td>" in details
    assert "<td>МКОУ «Андринская СОШ»</td><td>1</td><td>4</td>" in details
    # The principal of chemashi does not see andra's name, only that such a school was counted.
    client.force_login(principal)
    details = client.get(detail_url(world.municipality, "LOW_RESULTS_SHARE")).content.decode()
    assert "Андринская" not in details and "школа вне вашей области" in details


def test_an_unknown_or_school_indicator_is_404(client, world, coordinator):
    client.force_login(coordinator)
    assert client.get(detail_url(world.municipality, "NO_SUCH")).status_code == 404
    assert client.get(detail_url(world.municipality, "VPR_SUCCESS")).status_code == 404


def test_a_municipality_outside_the_scope_is_404(client, world, other_coordinator, principal):
    setup_indicators(world)
    client.force_login(other_coordinator)
    assert client.get(detail_url(world.municipality, "REG_COUNT")).status_code == 404
    assert client.get(f"/reports/indicators/?municipality={world.municipality.code}").status_code == 404
    # The principal of chemashi reads its municipality's indicators, not the neighbour's.
    client.force_login(principal)
    assert client.get(detail_url(world.municipality, "REG_COUNT")).status_code == 200
    assert client.get(detail_url(world.neighbour, "REG_COUNT")).status_code == 404
    assert (
        Decimal("1")
        == IndicatorValue.objects.get(indicator__code="REG_COUNT", municipality=world.municipality, year=YEAR).value
    )


def test_it_lists_the_activities_serving_it_of_the_plans_the_reader_sees(client_for, world, coordinator, principal):
    from reports.indicators.models import ActivityIndicator
    from tests.reports.test_dashboards_roles import municipal_plan

    network = Indicator.objects.get(code="NETWORK_SHARE")
    _own, (own,) = municipal_plan(world.municipality, ("Семинар наставников", "май 2021", [world.school]))
    _other, (other,) = municipal_plan(
        world.municipality, ("Выезд в другую школу", "май 2021", [world.second_school]), title="План другой школы"
    )
    for activity in (own, other):
        ActivityIndicator.objects.create(activity=activity, indicator=network)
    url = detail_url(world.municipality, "NETWORK_SHARE", year=2021)
    everything = client_for(coordinator).get(url).content.decode()
    assert "Семинар наставников" in everything and "Выезд в другую школу" in everything
    # chemashi's principal reads the municipality's indicators but only the plans chemashi executes.
    own_only = client_for(principal).get(url).content.decode()
    assert "Семинар наставников" in own_only and "Выезд в другую школу" not in own_only
