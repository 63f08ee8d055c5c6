"""The flag page of assessment results: rules R1–R3, objectivity O1–O3, the page, its export and the registry action."""

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from registry.models import Listing, School, Status
from reports.admin import form_for
from reports.assessments.flags import flagged_ids, low_results, objectivity
from reports.assessments.models import AggregatedResult, Campaign, ParticipantResult, SchoolAggregate, Subject
from reports.assessments.rules import FlagRule
from tests.factories import SchoolFactory, user_with_role

pytestmark = pytest.mark.django_db
Y = 2024
MATH, RUS = "Математика", "Русский язык"


# --- helpers: campaigns and results as the import leaves them (stored aggregates, participants' rows).


def campaign(procedure="ВПР", year=Y, subject=MATH, grade=5) -> Campaign:
    return Campaign.objects.get_or_create(
        procedure=procedure, year=year, subject=Subject.objects.get(name=subject), grade=grade
    )[0]


def result(school, work: Campaign, participants: int, twos: int, **counts) -> SchoolAggregate:
    """A stored campaign × school aggregate: `twos` «2», the rest «3» unless `counts` says otherwise."""
    marks = {"marks_2": twos, "marks_3": participants - twos, "marks_4": 0, "marks_5": 0} | counts
    total = sum(int(name[-1]) * marks[name] for name in ("marks_2", "marks_3", "marks_4", "marks_5"))
    return SchoolAggregate.objects.update_or_create(
        campaign=work,
        school=school,
        defaults={"participants": participants, "marked": participants, "mark_sum": total, **marks},
    )[0]


def fail(school, year=Y, subject=MATH, grade=5, procedure="ВПР"):
    """A campaign R1 judges failed with the default parameters: 6 of 10 participants with «2»."""
    return result(school, campaign(procedure, year, subject, grade), 10, 6)


def flag_r1(school, year=Y):
    """Two failed campaigns in `year`, one of them failed the year before too."""
    fail(school, year, MATH, 5)
    fail(school, year, RUS, 5)
    fail(school, year - 1, MATH, 5)


def pupils(school, work: Campaign, marks: list[tuple[int | None, int | None]], prefix="p"):
    """Participants' rows: (ВПР mark, journal mark)."""
    ParticipantResult.objects.bulk_create(
        ParticipantResult(
            campaign=work, school=school, participant=f"{prefix}{school.pk}-{n}", mark=mark, journal_mark=journal
        )
        for n, (mark, journal) in enumerate(marks)
    )


def rule(code, **parameters) -> FlagRule:
    """Switch a rule on with some of its parameters changed (validated as the admin validates them)."""
    row = FlagRule.objects.get(code=code)
    row.parameters = {**row.parameters, **parameters}
    row.enabled = True
    row.full_clean()
    row.save()
    return row


def switch_off(code):
    FlagRule.objects.filter(code=code).update(enabled=False)


def codes(schools, year=Y) -> dict[str, list[str]]:
    return {flags.school.code: flags.codes for flags in low_results(schools, year)}


def scope(world):
    return School.objects.filter(municipality=world.municipality)


# --- the rules as loaded by the data migration.


def test_it_loads_the_rules_of_the_reference_with_their_defaults():
    rules = {r.code: r for r in FlagRule.objects.all()}
    assert sorted(rules) == ["O1", "O2", "O3", "R1", "R2", "R3", "VA"]
    assert (rules["R1"].enabled, rules["R2"].enabled, rules["R3"].enabled) == (True, False, False)
    assert rules["R1"].parameters == {
        "min_participants": 5,
        "threshold_pct": 30,
        "min_campaigns": 2,
        "same_cohort": False,
    }
    assert rules["R2"].parameters == {"min_graduates": 1} and rules["R3"].parameters == {"bottom_pct": 10}
    assert rules["O1"].parameters == {"gap_pp": 20, "min_participants": 5}
    assert rules["O2"].parameters["raised_pct"] == 15 and rules["O3"].parameters["lowered_pct"] == 50


def test_it_refuses_parameters_out_of_range_unknown_or_missing():
    r1 = FlagRule.objects.get(code="R1")
    for parameters in (
        {**r1.parameters, "threshold_pct": 130},
        {**r1.parameters, "min_participants": 0},
        {**r1.parameters, "same_cohort": "yes"},
        {**r1.parameters, "colour": 1},
        {"threshold_pct": 30},
    ):
        r1.parameters = parameters
        with pytest.raises(ValidationError):
            r1.full_clean()


def test_the_admin_edits_typed_parameters_and_validates_them(client_for, administrator):
    r1 = FlagRule.objects.get(code="R1")
    client = client_for(administrator)
    page = reverse("admin:reports_flagrule_change", args=[r1.pk])
    assert 'name="threshold_pct"' in client.get(page).content.decode()
    data = {"enabled": "on", "min_participants": "7", "threshold_pct": "25.5", "min_campaigns": "3"}
    assert client.post(page, data).status_code == 302
    r1.refresh_from_db()
    assert r1.parameters == {"min_participants": 7, "threshold_pct": 25.5, "min_campaigns": 3, "same_cohort": False}
    refused = client.post(page, {**data, "threshold_pct": "101"})
    assert refused.status_code == 200 and "threshold_pct" in refused.context["adminform"].form.errors
    r1.refresh_from_db()
    assert r1.parameters["threshold_pct"] == 25.5
    assert form_for("R2")().fields.keys() == {"enabled", "min_graduates"}


# --- R1: share of «2».


def test_r1_marks_a_school_at_30_percent_and_not_at_29_9(world):
    work = campaign(subject=MATH)
    result(world.school, work, 1000, 300)
    fail(world.school, Y, RUS, 5)
    fail(world.school, Y - 1, RUS, 5)
    result(world.second_school, campaign(subject=MATH), 1000, 299)
    fail(world.second_school, Y, RUS, 5)
    fail(world.second_school, Y - 1, RUS, 5)
    assert codes(scope(world)) == {"chemashi": ["R1"]}


def test_r1_needs_five_participants_in_a_campaign(world):
    result(world.school, campaign(subject=MATH), 5, 2)  # 40 % of 5: failed
    fail(world.school, Y, RUS, 5)
    fail(world.school, Y - 1, RUS, 5)
    result(world.second_school, campaign(subject=MATH), 4, 4)  # 100 % of 4: too few to judge
    fail(world.second_school, Y, RUS, 5)
    fail(world.second_school, Y - 1, RUS, 5)
    assert codes(scope(world)) == {"chemashi": ["R1"]}


def test_r1_needs_two_failed_campaigns_unless_the_parameter_says_one(world):
    fail(world.school, Y, MATH, 5)
    fail(world.school, Y - 1, MATH, 5)
    result(world.school, campaign(subject=RUS), 10, 2)  # 20 %: not failed
    assert codes(scope(world)) == {}
    rule("R1", min_campaigns=1)
    assert codes(scope(world)) == {"chemashi": ["R1"]}


def test_r1_needs_the_same_work_failed_the_year_before(world):
    fail(world.school, Y, MATH, 5)
    fail(world.school, Y, RUS, 5)
    fail(world.school, Y - 1, MATH, 7)  # another grade
    fail(world.school, Y - 1, RUS, 5, procedure="ОГЭ")  # another procedure
    assert codes(scope(world)) == {}


def test_r1_compares_the_same_grade_by_default_and_the_same_cohort_when_asked(world):
    fail(world.school, Y, MATH, 6)
    fail(world.school, Y, RUS, 6)
    fail(world.school, Y - 1, MATH, 5)  # the same pupils a year before
    fail(world.second_school, Y, MATH, 6)
    fail(world.second_school, Y, RUS, 6)
    fail(world.second_school, Y - 1, MATH, 6)  # the same procedure and grade
    assert codes(scope(world)) == {"andra": ["R1"]}
    rule("R1", same_cohort=True)
    assert codes(scope(world)) == {"chemashi": ["R1"]}


def test_r1_shows_the_failed_campaigns_and_their_match_with_numbers(world):
    flag_r1(world.school)
    (flags,) = low_results(scope(world), Y)
    (hit,) = flags.hits
    assert [(r.label, r.pct_2, m.year if m else None) for r, m in hit.failed] == [
        ("ВПР. Математика, 5 класс", 60.0, Y - 1),
        ("ВПР. Русский язык, 5 класс", 60.0, None),
    ]
    text = " ".join(hit.lines)
    assert "«2» у 6 из 10 участников (60,0 %)" in text and f"в {Y - 1}" in text


def test_r1_ignores_ege_and_schools_outside_the_scope(world):
    flag_r1(world.far_school)
    fail(world.school, Y, RUS, 11, procedure="ЕГЭ")
    fail(world.school, Y, MATH, 5)
    fail(world.school, Y - 1, RUS, 11, procedure="ЕГЭ")
    assert codes(scope(world)) == {}


def test_a_school_flagged_in_both_years_is_marked_two_years_running(world):
    flag_r1(world.school, Y)
    flag_r1(world.school, Y - 1)  # Y−1 failed twice, and Y−2 once
    flag_r1(world.second_school, Y)
    flags = {f.school.code: f for f in low_results(scope(world), Y)}
    assert flags["chemashi"].two_years and [h.code for h in flags["chemashi"].previous] == ["R1"]
    assert not flags["andra"].two_years
    assert flagged_ids(scope(world), Y) == ({world.school.pk, world.second_school.pk}, {world.school.pk})


# --- R2: graduates below the minimum on compulsory ГИА.


def test_r2_is_off_by_default_and_marks_graduates_below_the_minimum_when_on(world):
    ege = campaign("ЕГЭ", Y, RUS, 11)
    SchoolAggregate.objects.create(campaign=ege, school=world.school, participants=20, tested=20, below_min=1)
    oge = campaign("ОГЭ", Y, MATH, 9)
    result(world.second_school, oge, 15, 1)
    history = campaign("ЕГЭ", Y, "История", 11)  # not compulsory
    SchoolAggregate.objects.create(campaign=history, school=world.mentor_school, participants=5, below_min=3)
    assert codes(scope(world)) == {}
    rule("R2")
    assert codes(scope(world)) == {"chemashi": ["R2"], "andra": ["R2"]}
    (chemashi,) = [f for f in low_results(scope(world), Y) if f.school == world.school]
    assert "ЕГЭ. Русский язык: 1 из 20 ниже минимального тестового балла" in chemashi.hits[0].lines
    rule("R2", min_graduates=2)
    assert codes(scope(world)) == {}


# --- R3: bottom of the municipality.


def _vpr_means(schools_and_means, year):
    """ВПР Russian of grade 5 where every one of 10 participants got `mark`: the school's mean mark."""
    work = campaign("ВПР", year, RUS, 5)
    for school, mark in schools_and_means:
        marks = {f"marks_{m}": 10 if m == mark else 0 for m in (2, 3, 4, 5)}
        result(school, work, 10, marks.pop("marks_2"), **marks)


def test_r3_marks_the_lowest_tenth_of_the_municipality_in_both_years(world):
    rule("R3")
    others = [SchoolFactory(municipality=world.municipality) for _ in range(8)]
    schools = [world.school, world.second_school, *others]  # 10 schools: the lowest one (10 %)
    _vpr_means([(world.school, 2), (world.second_school, 3), *((s, 4) for s in others)], Y)
    _vpr_means([(world.school, 2), (world.second_school, 3), *((s, 5) for s in others)], Y - 1)
    assert codes(scope(world)) == {"chemashi": ["R3"]}
    assert len(schools) == 10
    (flags,) = low_results(scope(world), Y)
    assert "2,00" in flags.hits[0].lines[0] and "1 из 10" in flags.hits[0].lines[0]


def test_r3_needs_both_years_and_rounds_the_tenth_up(world):
    rule("R3")
    others = [SchoolFactory(municipality=world.municipality) for _ in range(9)]  # 11 schools: the lowest two
    _vpr_means([(world.school, 2), (world.second_school, 3), *((s, 4) for s in others)], Y)
    _vpr_means([(world.school, 5), (world.second_school, 2), *((s, 4) for s in others)], Y - 1)
    assert codes(scope(world)) == {"andra": ["R3"]}  # chemashi was not among the lowest the year before


def test_r3_counts_schools_tied_with_the_lowest_among_the_lowest(world):
    rule("R3")
    others = [SchoolFactory(municipality=world.municipality) for _ in range(8)]
    for year in (Y, Y - 1):
        _vpr_means([(world.school, 2), (world.second_school, 2), *((s, 4) for s in others)], year)
    assert codes(scope(world)) == {"andra": ["R3"], "chemashi": ["R3"]}
    assert "2 из 10" in low_results(scope(world), Y)[0].hits[0].lines[0]


def test_rules_switched_off_flag_nothing(world):
    flag_r1(world.school)
    switch_off("R1")
    assert low_results(scope(world), Y) == []


# --- O1–O3: objectivity risk of ВПР.


def _rows(world, **options):
    return {(row.school.code, row.label): row for row in objectivity(scope(world), Y, **options)}


def test_o1_fires_above_20_points_and_not_at_20(world):
    at_20 = campaign("ВПР", Y, MATH, 5)
    # 1000 participants: journal «4» for 600, ВПР «4» for 400 → quality 60 % vs 40 %: gap exactly 20 points.
    pupils(world.school, at_20, [(4, 4)] * 400 + [(3, 4)] * 200 + [(3, 3)] * 400)
    above = campaign("ВПР", Y, MATH, 6)
    pupils(world.school, above, [(4, 4)] * 400 + [(3, 4)] * 201 + [(3, 3)] * 399, prefix="q")
    rows = _rows(world)
    assert list(rows) == [("chemashi", "ВПР. Математика, 6 класс")]
    row = rows[("chemashi", "ВПР. Математика, 6 класс")]
    assert row.fired == ["O1"]
    assert (row.quality_journal_pct, row.quality_vpr_pct, row.quality_gap_pp) == (60.1, 40.0, 20.1)
    assert (row.compared, row.lowered, row.lowered_pct, row.raised_pct, row.success_gap_pp) == (1000, 201, 20.1, 0, 0)


def test_o2_fires_at_15_percent_raised_and_o3_at_50_percent_lowered(world):
    raised = campaign("ВПР", Y, MATH, 5)
    pupils(world.school, raised, [(4, 3)] * 3 + [(3, 3)] * 17)  # 15 % raised
    pupils(world.second_school, raised, [(4, 3)] * 2 + [(3, 3)] * 18)  # 10 %
    lowered = campaign("ВПР", Y, RUS, 5)
    pupils(world.school, lowered, [(3, 4)] * 10 + [(4, 4)] * 10)  # 50 % lowered
    pupils(world.second_school, lowered, [(2, 3)] * 9 + [(3, 3)] * 11)  # 45 %, the same quality
    rows = _rows(world)
    assert {key: row.fired for key, row in rows.items()} == {
        ("chemashi", "ВПР. Математика, 5 класс"): ["O2"],
        ("chemashi", "ВПР. Русский язык, 5 класс"): ["O1", "O3"],  # journal quality 100 % vs 50 %
    }
    assert rows[("chemashi", "ВПР. Математика, 5 класс")].raised_pct == 15.0
    assert rows[("chemashi", "ВПР. Русский язык, 5 класс")].lowered_pct == 50.0


def test_it_does_not_judge_campaigns_with_fewer_than_five_journal_marks(world):
    work = campaign("ВПР", Y, MATH, 5)
    pupils(world.school, work, [(5, 3)] * 4 + [(5, None)] * 10)  # 4 with a journal mark, all raised
    pupils(world.second_school, work, [(5, 3)] * 5)
    assert list(_rows(world)) == [("andra", "ВПР. Математика, 5 класс")]
    row = _rows(world, include_not_judged=True)[("chemashi", "ВПР. Математика, 5 класс")]
    assert row.too_little_data and row.fired == [] and row.not_judged == ["O1", "O2", "O3"] and row.compared == 4


def test_aggregated_rows_give_raised_and_lowered_but_no_journal_quality(world):
    work = campaign("ВПР", Y, MATH, 5)
    AggregatedResult.objects.create(
        campaign=work,
        school=world.school,
        class_name="5а",
        participants=10,
        marks_2=0,
        marks_3=5,
        marks_4=5,
        marks_5=0,
        lowered=1,
        confirmed=5,
        raised=4,
    )
    (row,) = objectivity(scope(world), Y)
    assert (row.fired, row.raised_pct, row.lowered_pct, row.quality_gap_pp) == (["O2"], 40.0, 10.0, None)


def test_objectivity_rules_switched_off_flag_nothing(world):
    work = campaign("ВПР", Y, MATH, 5)
    pupils(world.school, work, [(5, 3)] * 10)
    switch_off("O2")
    assert objectivity(scope(world), Y) == []
    FlagRule.objects.update(enabled=False)
    assert objectivity(scope(world), Y, include_not_judged=True) == []


def test_objectivity_is_for_vpr_of_the_year_only(world):
    pupils(world.school, campaign("ОГЭ", Y, MATH, 9), [(5, 3)] * 10)
    pupils(world.school, campaign("ВПР", Y - 1, MATH, 5), [(5, 3)] * 10, prefix="old")
    assert objectivity(scope(world), Y) == []


# --- the page.


def url(**params):
    return reverse("reports:flags") + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("inspector", 200),
        ("regional", 200),
        ("administrator", 200),
        ("principal", 403),
        ("mentor", 403),
        ("outsider", 403),
    ],
)
def test_the_page_is_for_coordinators_inspectors_and_the_region(client_for, request, persona, status):
    assert client_for(request.getfixturevalue(persona)).get(url(year=Y)).status_code == status


def test_it_sends_anonymous_visitors_to_sign_in(client, world):
    response = client.get(url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_refuses_other_methods(client_for, coordinator):
    assert client_for(coordinator).post(url()).status_code == 405


def test_it_lists_the_flagged_schools_of_the_scope_with_rules_and_numbers(client_for, coordinator, world):
    flag_r1(world.school, Y)
    flag_r1(world.school, Y - 1)
    flag_r1(world.far_school, Y)
    page = client_for(coordinator).get(url(year=Y))
    body = page.content.decode()
    assert [row.school for row in page.context["page"].object_list] == [world.school]
    assert "Новопавшинская" not in body
    assert "два года подряд" in body and "60,0 %" in body
    assert "Включить в реестр" in body
    assert reverse("reports:flag-listing", kwargs={"code": "chemashi"}) + f"?year={Y}" in body


def test_it_switches_the_year_and_filters_two_years_running(client_for, coordinator, world):
    flag_r1(world.school, Y)
    flag_r1(world.school, Y - 1)
    flag_r1(world.second_school, Y)
    client = client_for(coordinator)
    assert client.get(url()).context["year"] == Y  # the latest year with results
    shown = client.get(url(year=Y - 1)).context["page"].object_list
    assert [row.school for row in shown] == [world.school]
    both = client.get(url(year=Y, two_years=1)).context["page"].object_list
    assert [row.school for row in both] == [world.school]
    assert len(client.get(url(year=Y)).context["page"].object_list) == 2


def test_read_only_users_do_not_see_the_include_button(client_for, inspector, regional, world):
    flag_r1(world.school)
    for user in (inspector, regional):
        body = client_for(user).get(url(year=Y)).content.decode()
        assert "МКОУ «Чемашинская СОШ»" in body and "Включить в реестр" not in body


def test_the_regional_coordinator_sees_the_whole_region(client_for, regional, world):
    flag_r1(world.school)
    flag_r1(world.neighbour_school)
    flag_r1(world.far_school)
    shown = client_for(regional).get(url(year=Y)).context["page"].object_list
    assert {row.school.code for row in shown} == {"chemashi", "berezovo"}


def test_the_objectivity_tab_shows_its_numbers(client_for, coordinator, world):
    pupils(world.school, campaign("ВПР", Y, MATH, 5), [(3, 5)] * 6 + [(3, 3)] * 4)
    pupils(world.second_school, campaign("ВПР", Y, MATH, 5), [(5, 3)] * 3)
    client = client_for(coordinator)
    page = client.get(url(year=Y, tab="objectivity"))
    body = page.content.decode()
    assert [row.school for row in page.context["page"].object_list] == [world.school]
    assert "ВПР. Математика, 5 класс" in body and "60,0" in body and "O1" in body and "O3" in body
    with_little = client.get(url(year=Y, tab="objectivity", not_judged=1)).content.decode()
    assert "мало данных" in with_little and "МКОУ «Андринская СОШ»" in with_little


def test_it_says_when_the_rules_are_switched_off(client_for, coordinator, world):
    flag_r1(world.school)
    FlagRule.objects.filter(code__startswith="R").update(enabled=False)
    body = client_for(coordinator).get(url(year=Y)).content.decode()
    assert "Все правила этой таблицы выключены" in body


def test_it_exports_the_filtered_list_to_excel(client_for, coordinator, world):
    flag_r1(world.school)
    flag_r1(world.second_school)
    flag_r1(world.second_school, Y - 1)
    client = client_for(coordinator)
    response = client.get(url(year=Y, two_years=1, export="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
    assert [(r[0], r[2], r[5]) for r in rows] == [("МКОУ «Андринская СОШ»", "R1", "да")]
    assert "60,0 %" in rows[0][3]
    pupils(world.school, campaign("ВПР", Y, RUS, 5), [(5, 3)] * 10)
    sheet = load_workbook(io.BytesIO(client.get(url(year=Y, tab="objectivity", export="xlsx")).content)).active
    (row,) = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
    assert row[:4] == ["МКОУ «Чемашинская СОШ»", "Октябрьский район", "ВПР. Русский язык, 5 класс", 10]
    assert (row[10], row[11], row[14]) == (10, 100.0, "O2")


@pytest.mark.parametrize("value", ["²", "2019.5", "-1", "99999999999999999999", "<script>", "\x00", "%", "null"])
def test_hostile_parameters_never_break_the_page(client_for, coordinator, world, value):
    flag_r1(world.school)
    client = client_for(coordinator)
    for name in ("year", "tab", "page", "two_years", "not_judged"):
        response = client.get(reverse("reports:flags"), {name: value})
        assert response.status_code == 200
        assert {row.school for row in response.context["page"].object_list} <= {world.school}
    assert client.get(reverse("reports:flags"), {"year": value, "export": "xlsx"}).status_code == 200
    assert client.get(reverse("reports:flag-listing", kwargs={"code": "chemashi"}), {"year": value}).status_code == 200


def test_it_paginates(client_for, coordinator, world):
    for _ in range(51):
        flag_r1(SchoolFactory(municipality=world.municipality))
    client = client_for(coordinator)
    assert len(client.get(url(year=Y)).context["page"].object_list) == 50
    assert len(client.get(url(year=Y, page=2)).context["page"].object_list) == 1


def _many_flagged(world, n):
    for index in range(n):
        school = SchoolFactory(municipality=world.municipality)
        flag_r1(school)
        flag_r1(school, Y - 1)
        pupils(school, campaign("ВПР", Y, MATH, 5), [(5, 3)] * 6, prefix=f"m{index}-")


def test_it_costs_a_bounded_number_of_queries_whatever_the_number_of_schools(
    client_for, coordinator, world, django_assert_max_num_queries
):
    rule("R2")
    rule("R3")
    client = client_for(coordinator)
    for total in (3, 33):
        _many_flagged(world, total - len(low_results(scope(world), Y)))
        # rules, R1, R2, R3, the flagged schools
        with django_assert_max_num_queries(5):
            assert len(low_results(scope(world), Y)) == total
        # rules, participants' marks, aggregated rows, the schools
        with django_assert_max_num_queries(4):
            assert len(objectivity(scope(world), Y)) == total
        # session, user, scope, years, the flags above and the current listings of the page
        with django_assert_max_num_queries(10):
            assert len(client.get(url(year=Y)).context["page"].object_list) == total
        with django_assert_max_num_queries(8):
            assert len(client.get(url(year=Y, tab="objectivity")).context["page"].object_list) == total
        with django_assert_max_num_queries(9):
            assert client.get(url(year=Y, export="xlsx")).status_code == 200


# --- «Включить в реестр»: the registry's listing form and service.


def include_url(school, year=Y):
    return reverse("reports:flag-listing", kwargs={"code": school.code}) + f"?year={year}"


def test_it_opens_the_listing_form_prefilled_with_stably_low_results(client_for, coordinator, world):
    flag_r1(world.school)
    page = client_for(coordinator).get(include_url(world.school))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["status"] == Status.STABLE_LOW
    assert form.initial["note"] == f"Предложена правилами идентификации за {Y}: R1"
    assert "60,0 %" in page.content.decode()


def test_it_includes_the_school_in_the_registry_with_the_basis(client_for, coordinator, world):
    flag_r1(world.school)
    client = client_for(coordinator)
    data = {
        "status": Status.STABLE_LOW,
        "start": "2024-09-01",
        "basis": "приказ №77 от 01.09.2024",
        "basis_number": "77",
        "basis_date": "2024-09-01",
        "note": "R1",
    }
    response = client.post(include_url(world.school), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:school-tab", kwargs={"code": "chemashi", "tab": "listings"})
    listing = Listing.objects.get(school=world.school, status=Status.STABLE_LOW)
    assert (listing.start, listing.basis_number, listing.basis_date) == (dt.date(2024, 9, 1), "77", dt.date(2024, 9, 1))
    registry = client.get(response["Location"]).content.decode()
    assert "стабильно низкие результаты" in registry and "приказ №77 от 01.09.2024" in registry
    assert listing.history.first().history_user == coordinator


def test_it_requires_the_order_number_and_date(client_for, coordinator, world):
    response = client_for(coordinator).post(
        include_url(world.school), {"status": Status.STABLE_LOW, "start": "2024-09-01", "basis": "приказ"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"basis_number", "basis_date"}
    assert not Listing.objects.filter(school=world.school, status=Status.STABLE_LOW).exists()


@pytest.mark.parametrize(("persona", "status"), [("inspector", 403), ("regional", 403), ("principal", 403)])
def test_read_only_users_get_403_on_the_post_and_nothing_changes(client_for, request, world, persona, status):
    data = {"status": Status.STABLE_LOW, "start": "2024-09-01", "basis_number": "1", "basis_date": "2024-09-01"}
    client = client_for(request.getfixturevalue(persona))
    assert client.post(include_url(world.school), data).status_code == status
    assert client.get(include_url(world.school)).status_code == status
    assert not Listing.objects.filter(status=Status.STABLE_LOW).exists()


@pytest.mark.parametrize("persona", ["other_coordinator", "outsider"])
def test_a_school_outside_the_scope_is_404(client_for, request, world, persona):
    data = {"status": Status.STABLE_LOW, "start": "2024-09-01", "basis_number": "1", "basis_date": "2024-09-01"}
    client = client_for(request.getfixturevalue(persona))
    assert client.get(include_url(world.school)).status_code == 404
    assert client.post(include_url(world.school), data).status_code == 404
    assert not Listing.objects.filter(status=Status.STABLE_LOW).exists()


def test_the_post_needs_the_csrf_token(world, coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    data = {"status": Status.STABLE_LOW, "start": "2024-09-01", "basis_number": "1", "basis_date": "2024-09-01"}
    assert client.post(include_url(world.school), data).status_code == 403
    assert not Listing.objects.filter(status=Status.STABLE_LOW).exists()
    page = client.get(include_url(world.school)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(include_url(world.school), {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and Listing.objects.filter(status=Status.STABLE_LOW).count() == 1


def test_a_coordinator_of_two_roles_oversees_only_their_municipality(client_for, world):
    user = user_with_role(Role.MUNICIPAL_COORDINATOR, "both", municipality=world.municipality)
    user.role_assignments.create(role=Role.PRINCIPAL, school=world.far_school)
    flag_r1(world.far_school)
    flag_r1(world.school)
    shown = client_for(user).get(url(year=Y)).context["page"].object_list
    assert [row.school for row in shown] == [world.school]
