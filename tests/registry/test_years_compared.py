"""The «Years compared» tab of the school page: the yearly profiles side by side, the differences marked."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.profiles import SchoolYearProfile
from registry.year_comparison import profile_comparison
from tests.test_csp import assert_csp_clean

pytestmark = pytest.mark.django_db


def url(code="chemashi"):
    return reverse("registry:school-tab", kwargs={"code": code, "tab": "years"})


@pytest.fixture
def profiles(world):
    common = {"school": world.school}
    return [
        SchoolYearProfile.objects.create(
            **common,
            year=2019,
            pupils_primary=40,
            pupils_basic=60,
            pupils_secondary=10,
            teachers_total=20,
            higher_ed=15,
            large_families=12,
            ior=Decimal("0.406"),
        ),
        # 2020: no ИОР and no count of higher education, but the source's published share.
        SchoolYearProfile.objects.create(
            **common,
            year=2020,
            pupils_primary=45,
            pupils_basic=55,
            pupils_secondary=10,
            teachers_total=25,
            staff_published_pct={"higher_ed": 72.5},
            large_families=12,
        ),
        SchoolYearProfile.objects.create(
            **common,
            year=2021,
            pupils_primary=44,
            pupils_basic=55,
            teachers_total=24,
            higher_ed=18,
            large_families=9,
            ior=Decimal("0.452"),
        ),
    ]


def rows_of(comparison):
    return {label: cells for _title, rows in comparison["sections"] for label, cells in rows}


def test_it_sets_the_years_side_by_side_with_the_differences(profiles, world):
    comparison = profile_comparison(world.school)
    assert [year.label for year in comparison["years"]] == ["2019/2020", "2020/2021", "2021/2022"]
    rows = rows_of(comparison)
    primary = rows["1–4 классы"]
    assert [cell.text for cell in primary] == ["40", "45", "44"]
    assert [cell.delta for cell in primary] == [None, 5, -1]
    assert [cell.direction for cell in primary] == [None, "up", "down"]
    assert primary[2].against == "2020/2021"
    # 10 + 0: the total counts what is known; an unknown level is a dash and breaks the comparison after it.
    assert [cell.text for cell in rows["10–11 классы"]] == ["10", "10", "—"]
    assert [cell.direction for cell in rows["10–11 классы"]] == [None, "same", None]
    assert [cell.value for cell in rows["итого"]] == [110, 110, 99]
    # Shares of teachers: 15 of 20 = 75,0 %; 72,5 % as published; 18 of 24 = 75,0 % — in percentage points.
    higher = rows["имеют высшее образование, %"]
    assert [cell.text for cell in higher] == ["75,0", "72,5", "75,0"]
    assert [cell.delta_text for cell in higher] == ["", "−2,5 п.п.", "+2,5 п.п."]
    assert [cell.delta_text for cell in rows["дети из многодетных семей"]] == ["", "0", "−3"]
    # ИОР missing in 2020: no difference for 2020 nor for 2021 (nothing the year before to compare with).
    assert [cell.text for cell in rows["ИОР"]] == ["0,406", "—", "0,452"]
    assert [cell.delta for cell in rows["ИОР"]] == [None, None, None]
    # A row no year has a value for is left out: nothing is known of foster children here.
    assert "дети из приёмных семей и под опекой" not in rows and "дети из многодетных семей" in rows


def test_the_page_marks_changes_in_words_not_by_colour_alone(client_for, coordinator, profiles):
    body = client_for(coordinator).get(url()).content.decode()
    assert "Сравнение по годам" in body
    assert (
        '<span aria-hidden="true">▲ +5</span><span class="visually-hidden">больше на 5, чем в 2019/2020</span>' in body
    )
    assert (
        '<span aria-hidden="true">▼ −1</span><span class="visually-hidden">меньше на 1, чем в 2020/2021</span>' in body
    )
    assert "столько же, сколько в 2019/2020" in body
    assert "−2,5 п.п." in body


def test_it_draws_the_ior_trend_with_a_gap_and_its_table(client_for, coordinator, profiles):
    response = client_for(coordinator).get(url())
    assert_csp_clean(response)  # the inlined SVG and the arrows need no inline style
    body = response.content.decode()
    assert body.count("<svg") == 1 and 'role="img"' in body
    assert "<desc" in body and "2020/2021 — нет данных" in body
    assert "<polyline" not in body  # 2019 and 2021 are not joined across the missing 2020
    assert "Данные диаграммы таблицей" in body and '<td class="text-end">0,452</td>' in body


def test_without_profiles_it_says_so(client_for, coordinator):
    body = client_for(coordinator).get(url()).content.decode()
    assert "Профиль этой школы ещё не заполнен ни за один год." in body and "<svg" not in body


def test_it_costs_the_same_queries_for_one_year_and_for_ten(client_for, coordinator, world):
    client = client_for(coordinator)
    SchoolYearProfile.objects.create(school=world.school, year=2010, pupils_primary=1, ior=Decimal("0.5"))
    client.get(url())  # warm the session

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(), headers={"HX-Request": "true"}).status_code == 200
        return len(captured)

    few = count()
    for year in range(2011, 2020):
        SchoolYearProfile.objects.create(school=world.school, year=year, pupils_primary=year - 2000, ior=Decimal("0.5"))
    assert count() == few <= 6


def test_it_answers_htmx_with_the_tab_alone(client_for, principal, profiles):
    response = client_for(principal).get(url(), headers={"HX-Request": "true"})
    assert response.status_code == 200 and "breadcrumb" not in response.content.decode()
    assert "2021/2022" in response.content.decode()


@pytest.mark.parametrize("persona", ["other_coordinator", "outsider"])
def test_it_answers_404_outside_the_scope(client_for, request, persona, profiles):
    assert client_for(request.getfixturevalue(persona)).get(url()).status_code == 404
