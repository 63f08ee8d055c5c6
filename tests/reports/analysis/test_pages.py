"""The ВПР analysis pages: what each persona sees, sorting, the htmx fragment, the .xlsx, the charts, queries."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.assessments.models import Campaign, ParticipantResult, Subject, Task

from .campaign import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(world):
    built = build(world)
    Task.objects.create(campaign=built, position=1, label="1", max_points=1, level="Б")
    works = ParticipantResult.objects.filter(campaign=built)
    works.filter(mark__gte=3).update(task_scores={"1": 1})
    works.filter(mark=2).update(task_scores={"1": 0})
    return built


def municipality_url(campaign):
    return reverse("reports:vpr-analysis", kwargs={"pk": campaign.pk})


def school_url(campaign, code):
    return reverse("reports:vpr-analysis-school", kwargs={"pk": campaign.pk, "code": code})


def test_it_lists_the_schools_with_their_signals_and_the_total(client_for, coordinator, campaign):
    response = client_for(coordinator).get(municipality_url(campaign))
    assert response.status_code == 200
    names = [row["name"] for row in response.context["page"].object_list]
    assert names == ["МКОУ «Андринская СОШ»", "МКОУ «Чемашинская СОШ»"]
    body = response.content.decode()
    assert "отрицательная динамика" in body  # andra: +10.0 points
    assert "«3» 6: 4 / 2" in body  # chemashi's peak, with n(s) and n(s − 1)
    assert "Итого по муниципалитету" in body
    assert "выборка мала, выводы ограничены" in body


def test_it_sorts_by_the_dynamics_of_twos_both_ways(client_for, coordinator, campaign):
    client = client_for(coordinator)
    url = municipality_url(campaign)
    down = client.get(url, {"sort": "dynamics", "dir": "desc"}).context["page"].object_list
    assert [row["figures"]["marks_2_dynamics_pp"] for row in down] == [10.0, 3.3]
    up = client.get(url, {"sort": "dynamics", "dir": "asc"}).context["page"].object_list
    assert [row["figures"]["marks_2_dynamics_pp"] for row in up] == [3.3, 10.0]
    # A school without a journal mark has no gap count: it goes last whichever the direction.
    gaps = client.get(url, {"sort": "journal_gap", "dir": "asc"}).context["page"].object_list
    assert [row["code"] for row in gaps] == ["chemashi", "andra"]


def test_an_htmx_sort_gets_the_table_alone(client_for, coordinator, campaign):
    response = client_for(coordinator).get(
        municipality_url(campaign), {"sort": "marks_2", "dir": "desc"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<table" in body and "<html" not in body
    assert body.index("Андринская") < body.index("Чемашинская")  # 30.0 % before 13.3 %


def test_it_exports_the_sorted_table_with_the_total(client_for, coordinator, campaign):
    response = client_for(coordinator).get(
        municipality_url(campaign), {"sort": "dynamics", "dir": "desc", "export": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows() if row[0].value]
    header = next(n for n, row in enumerate(rows) if row[0] == "Школа")
    data = rows[header + 1 :]
    assert [row[0] for row in data] == ["МКОУ «Андринская СОШ»", "МКОУ «Чемашинская СОШ»", "Итого по муниципалитету"]
    assert data[0][3] == 30.0 and data[0][8] == 10.0 and data[0][9] == "да"
    assert data[2][1] == 25


def test_the_school_page_shows_every_part_with_its_sample(client_for, coordinator, campaign):
    response = client_for(coordinator).get(school_url(campaign, "chemashi"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="chart chart-') == 3  # distribution, histogram, task mastery
    assert body.count("sample-note") >= 4  # beside each chart and the groups
    assert "a-0" in body and "a-2" in body and "a-9" not in body  # gap codes only, no gap of one mark
    histogram = response.context["histogram"]
    assert dict(histogram.counts)[6] == 4 and 6 in histogram.highlighted and 11 not in histogram.highlighted
    assert "мало данных" in body  # every mark group is under ten works
    (task,) = response.context["figures"]["tasks"]
    assert (task["mastery_pct"], task["status"]) == (86.7, "mastered")  # 13 of the 15 works solved it


def test_the_principal_sees_the_own_school_only(client_for, principal, campaign):
    client = client_for(principal)
    assert client.get(school_url(campaign, "chemashi")).status_code == 200
    assert client.get(school_url(campaign, "andra")).status_code == 404
    assert client.get(municipality_url(campaign)).status_code == 404


def test_the_mentor_school_sees_its_mentee(client_for, mentor, campaign):
    client = client_for(mentor)
    assert client.get(school_url(campaign, "chemashi")).status_code == 200
    assert client.get(school_url(campaign, "andra")).status_code == 404


@pytest.mark.parametrize("persona", ["inspector", "regional"])
def test_overseers_read_both_pages(client_for, persona, request, campaign):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(municipality_url(campaign)).status_code == 200
    assert client.get(school_url(campaign, "andra")).status_code == 200


def test_outsiders_get_404(client_for, other_coordinator, outsider, campaign):
    for user in (other_coordinator, outsider):
        client = client_for(user)
        assert client.get(municipality_url(campaign)).status_code == 404
        assert client.get(school_url(campaign, "chemashi")).status_code == 404
        assert client.get(municipality_url(campaign), {"municipality": "dubensky"}).status_code == 404


def test_an_ege_campaign_has_no_analysis(client_for, coordinator, world):
    ege = Campaign.objects.create(
        procedure="ЕГЭ", year=2025, subject=Subject.objects.get(name="Русский язык"), grade=11
    )
    assert client_for(coordinator).get(municipality_url(ege)).status_code == 404


def test_it_is_linked_from_the_campaign_page_and_the_schools_results_tab(client_for, coordinator, principal, campaign):
    page = client_for(coordinator).get(reverse("reports:campaign-results", kwargs={"pk": campaign.pk}))
    assert municipality_url(campaign) in page.content.decode()
    tab = client_for(principal).get(reverse("reports:school-results-tab", kwargs={"code": "chemashi"}))
    assert school_url(campaign, "chemashi") in tab.content.decode()


def test_the_pages_cost_a_bounded_number_of_queries(client_for, coordinator, campaign, django_assert_max_num_queries):
    client = client_for(coordinator)
    client.get(municipality_url(campaign))  # the session and the user's scope read once
    with django_assert_max_num_queries(16):
        assert client.get(municipality_url(campaign)).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(school_url(campaign, "chemashi")).status_code == 200
