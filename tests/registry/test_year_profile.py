from decimal import Decimal

import pytest
from django.urls import reverse

from registry.profiles import LevelResult, RiskAssessment, RiskFactor, SchoolYearProfile, SwotItem
from registry.rounding import share_pct

pytestmark = pytest.mark.django_db


def edit_url(code="chemashi", year=2019, kind="year-profile-edit"):
    return reverse(f"registry:{kind}", kwargs={"code": code, "year": year})


def tab_url(tab, year=2019, code="chemashi"):
    return reverse("registry:school-tab", kwargs={"code": code, "tab": tab}) + f"?year={year}"


PROFILE = {
    "teachers_total": "11",
    "higher_ed": "7",
    "higher_ed_ped": "7",
    "secondary_voc": "4",
    "secondary_voc_ped": "4",
    "category_highest": "2",
    "category_first": "6",
    "experience_under_5": "0",
    "experience_over_30": "5",
    "age_under_30": "0",
    "age_55_plus": "3",
    "pupils_primary": "40",
    "pupils_basic": "52",
    "pupils_secondary": "9",
    "ior": "0,406",
    "ior_note": "стабильно низкие результаты",
    "level-primary-pupils": "40",
    "level-primary-passed": "40",
    "level-primary-quality": "12",
}


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (7, 11, "63.6"),
        (1, 16, "6.3"),
        (1, 8, "12.5"),
        (2, 3, "66.7"),
        (0, 5, "0.0"),
        (5, 5, "100.0"),
        (1, 0, None),
        (None, 5, None),
        (3, None, None),
    ],
)
def test_shares_are_rounded_half_up_from_counts(numerator, denominator, expected):
    assert share_pct(numerator, denominator) == (Decimal(expected) if expected else None)


def test_it_saves_counts_and_derives_the_percentages(client_for, coordinator, world):
    response = client_for(coordinator).post(edit_url(), PROFILE)
    assert response.status_code == 302 and response["Location"] == tab_url("year")
    profile = SchoolYearProfile.objects.get(school=world.school, year=2019)
    assert profile.ior == Decimal("0.406") and profile.pupils_total == 101
    rows = {name: (count, derived) for name, _label, count, derived, _published in profile.staff_rows()}
    assert rows["higher_ed"] == (7, Decimal("63.6")) and rows["age_55_plus"] == (3, Decimal("27.3"))
    result = profile.level_results.get(level="primary")
    assert (result.success_pct, result.quality_pct) == (Decimal("100.0"), Decimal("30.0"))
    assert not profile.level_results.filter(level="basic").exists()  # an empty row is not stored
    assert profile.history.first().history_user == coordinator
    page = client_for(coordinator).get(tab_url("year")).content.decode()
    assert "63,6" in page and "0,406" in page


def test_it_keeps_published_percentages_marked_as_source_data(client_for, coordinator, world):
    data = {"higher_ed_pct": "63,6", "category_highest_pct": "18", "ior": ""}
    assert client_for(coordinator).post(edit_url(), data).status_code == 302
    profile = SchoolYearProfile.objects.get(school=world.school, year=2019)
    assert profile.staff_published_pct == {"higher_ed": 63.6, "category_highest": 18.0}
    page = client_for(coordinator).get(tab_url("year")).content.decode()
    assert "по данным источника" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"higher_ed": "12"}, "higher_ed", "Больше общей численности педагогов (11)."),
        ({"higher_ed_ped": "8"}, "higher_ed_ped", "Не может быть больше, чем «имеют высшее образование»."),
        ({"higher_ed": "-1"}, "higher_ed", "Убедитесь, что это значение больше либо равно 0."),
        ({"ior": "1,5"}, "ior", "Убедитесь, что это значение меньше либо равно 1."),
        ({"ior": "абв"}, "ior", "Введите число."),
        ({"category_first": "10"}, "category_first", "Высшая и первая категории вместе больше"),
        ({"secondary_voc": "5"}, "secondary_voc", "Высшее и среднее профессиональное образование вместе больше"),
        ({"age_under_30_pct": "120"}, "age_under_30_pct", "Доля должна быть от 0 до 100 %."),
        ({"age_under_30_pct": "много"}, "age_under_30_pct", "Введите число, например 63,6."),
        ({"age_under_30_pct": "NaN"}, "age_under_30_pct", "Доля должна быть от 0 до 100 %."),
        ({"experience_under_5": "6", "experience_over_30": "6"}, "experience_over_30", "стажем до 5 и свыше 30 лет"),
        ({"age_under_30": "6", "age_55_plus": "6"}, "age_55_plus", "до 30 лет и от 55 лет"),
        ({"large_families": "500"}, "large_families", "Больше, чем обучающихся в школе (101)."),
    ],
)
def test_it_refuses_impossible_values_next_to_the_field(client_for, coordinator, world, changes, field, message):
    response = client_for(coordinator).post(edit_url(), {**PROFILE, **changes})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert f"{message}" in response.content.decode()
    assert not SchoolYearProfile.objects.filter(school=world.school).exists()


def test_it_refuses_impossible_level_results(client_for, coordinator, world):
    response = client_for(coordinator).post(edit_url(), {**PROFILE, "level-primary-passed": "41"})
    assert response.status_code == 200
    assert "Больше, чем оценённых обучающихся." in response.content.decode()
    assert not LevelResult.objects.exists()


def test_the_principal_edits_the_own_school_profile(client_for, principal, world):
    assert client_for(principal).post(edit_url(), PROFILE).status_code == 302
    assert SchoolYearProfile.objects.filter(school=world.school, year=2019).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("inspector", 403),
        ("regional", 403),
        ("mentor", 403),
        ("other_coordinator", 404),
        ("outsider", 404),
    ],
)
def test_others_cannot_edit_the_profile(client_for, request, world, persona, status):
    client = client_for(request.getfixturevalue(persona))
    for kind in ("year-profile-edit", "risk-profile-edit", "swot-edit"):
        assert client.get(edit_url(kind=kind)).status_code == status
        assert client.post(edit_url(kind=kind), PROFILE).status_code == status
    assert client.post(edit_url(kind="year-copy")).status_code == status
    assert not SchoolYearProfile.objects.exists()


def test_a_principal_cannot_edit_another_school(client_for, principal):
    assert client_for(principal).post(edit_url(code="andra"), PROFILE).status_code == 404


def test_years_outside_the_range_do_not_exist(client_for, coordinator):
    assert client_for(coordinator).get(edit_url(year=99999)).status_code == 404


def test_it_saves_changes_and_clears_the_risk_profile(client_for, coordinator, world):
    client = client_for(coordinator)
    rf01, rf02, rf03 = RiskFactor.objects.filter(code__in=["RF01", "RF02", "RF03"]).order_by("code")
    assert RiskFactor.objects.valid_in(2019).count() == 10
    response = client.post(
        edit_url(kind="risk-profile-edit"),
        {
            f"level_{rf01.pk}": "high",
            f"comment_{rf01.pk}": "нет спортзала",
            f"level_{rf02.pk}": "medium",
        },
    )
    assert response.status_code == 302
    levels = dict(RiskAssessment.objects.filter(school=world.school, year=2019).values_list("factor__code", "level"))
    assert levels == {"RF01": "high", "RF02": "medium"}
    client.post(edit_url(kind="risk-profile-edit"), {f"level_{rf01.pk}": "low", f"comment_{rf01.pk}": "нет спортзала"})
    assert list(RiskAssessment.objects.filter(school=world.school).values_list("factor__code", "level")) == [
        ("RF01", "low")
    ]
    bad = client.post(edit_url(kind="risk-profile-edit"), {f"comment_{rf03.pk}": "без уровня"})
    assert bad.status_code == 200
    assert "Выберите уровень риска" in bad.content.decode()
    overview = client.get(reverse("registry:school-detail", kwargs={"code": "chemashi"}))
    assert overview.context["risk_years"] == [2019]
    assert "risk-low" in overview.content.decode()


def test_it_saves_the_swot_one_item_per_line_and_keeps_history_quiet(client_for, coordinator, world):
    client = client_for(coordinator)
    data = {
        "strength": "опытные педагоги\n\n• малые классы",
        "weakness": "- нет психолога",
        "opportunity": "",
        "threat": "отток учеников",
    }
    assert client.post(edit_url(kind="swot-edit"), data).status_code == 302
    items = list(SwotItem.objects.filter(school=world.school, year=2019).values_list("kind", "position", "text"))
    assert ("strength", 2, "малые классы") in items and ("weakness", 1, "нет психолога") in items
    history_rows = SwotItem.history.count()
    client.post(edit_url(kind="swot-edit"), data)
    assert SwotItem.history.count() == history_rows  # saving the same lists writes nothing
    assert "отток учеников" in client.get(tab_url("swot")).content.decode()


def test_it_copies_a_year_forward_once(client_for, coordinator, world):
    client = client_for(coordinator)
    client.post(edit_url(), PROFILE)
    client.post(edit_url(kind="swot-edit"), {"strength": "опытные педагоги"})
    response = client.post(edit_url(kind="year-copy"), {"tab": "swot"})
    assert response.status_code == 302 and response["Location"] == tab_url("swot", 2020)
    copy = SchoolYearProfile.objects.get(school=world.school, year=2020)
    # Staff and contingent carry over; outcomes of the year (ИОР, results by level) do not.
    assert copy.teachers_total == 11 and copy.ior is None and not copy.level_results.exists()
    assert SwotItem.objects.filter(school=world.school, year=2020).count() == 1
    again = client.post(edit_url(kind="year-copy"), follow=True)
    assert "уже есть данные" in again.content.decode()
    assert SchoolYearProfile.objects.filter(school=world.school).count() == 2


def test_the_year_tabs_render_in_a_bounded_number_of_queries(
    client_for, coordinator, world, django_assert_max_num_queries
):
    client = client_for(coordinator)
    client.post(edit_url(), PROFILE)
    for tab in ("year", "risks", "swot"):
        with django_assert_max_num_queries(10):
            assert client.get(tab_url(tab)).status_code == 200
