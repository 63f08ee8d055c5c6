"""Renumbering keeps each plan's own scheme: the seeds' demo plans (000–003) and hand-made ones."""

import datetime as dt
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from roadmaps.models import Activity, Level, Plan, Section
from roadmaps.numbering import (
    CONTINUOUS,
    HIERARCHICAL,
    RESTART,
    ActivityRow,
    Scheme,
    SectionRow,
    detect_scheme,
    number_plan,
    renumber,
    roman,
)

DEMO_PLANS = Path(settings.BASE_DIR) / "fixtures" / "demo" / "plans.yaml"


def demo_rows(key: str):
    """The sections and activities of one demo plan as rows, straight from the fixture (no database)."""
    plan = next(p for p in yaml.safe_load(DEMO_PLANS.read_text())["plans"] if p["key"] == key)
    sections, activities, ids = [], [], {}
    next_activity = 1000
    for position, entry in enumerate(plan["sections"], start=1):
        ids[position] = position
        parent = ids.get(entry.get("parent"))
        sections.append(SectionRow(position, parent, str(entry.get("number") or ""), entry.get("title") or ""))
        for row in entry["activities"]:
            next_activity += 1
            activities.append(ActivityRow(next_activity, position, str(row.get("number") or "")))
    return sections, activities


def grouped(sections, activities, numbers):
    section_numbers, activity_numbers = numbers
    return [
        (section_numbers[s.pk], [activity_numbers[a.pk] for a in activities if a.section_id == s.pk]) for s in sections
    ]


def test_roman_numbers():
    assert [roman(n) for n in (1, 2, 3, 4, 5, 9, 14, 40)] == ["I", "II", "III", "IV", "V", "IX", "XIV", "XL"]


def test_seed_001_keeps_arabic_sections_and_activities_under_them():
    sections, activities = demo_rows("gorodets-roadmap-2020")
    scheme = detect_scheme(sections, activities)
    # «1», «2», «3.», «4»: most sections are written without the dot; «1.6.» is the odd one among «1.5», «1.7».
    assert scheme == Scheme(roman=False, section_dot=False, activities=HIERARCHICAL, activity_dot=False)
    result = grouped(sections, activities, number_plan(sections, activities))
    assert [number for number, _ in result] == ["1", "2", "3", "4"]
    assert result[0][1] == [f"1.{n}" for n in range(1, 16)]  # «1.6.» → «1.6»
    assert result[1][1] == [f"2.{n}" for n in range(1, 11)]  # the repeated «2.6» becomes 2.6, 2.7 … 2.10
    assert result[3][1][-1] == "4.9"


def test_seed_002_keeps_roman_sections_and_activities_restarting_under_each():
    sections, activities = demo_rows("dubensky-programme-2024")
    scheme = detect_scheme(sections, activities)
    assert (scheme.roman, scheme.section_dot, scheme.activities, scheme.activity_dot) == (True, True, RESTART, True)
    result = grouped(sections, activities, number_plan(sections, activities))
    # «Ш.» (a Cyrillic letter typed for III) and «V» without its dot come out in the plan's own style.
    assert [number for number, _ in result] == ["I.", "II.", "III.", "IV.", "V."]
    assert result[0][1] == [f"{n}." for n in range(1, 9)]  # the seed writes «1.» eight times
    assert result[2][1] == ["1.", "2.", "3.", "4.", "5."]


def test_seed_003_keeps_the_main_activity_prefix_the_stages_and_the_restart():
    sections, activities = demo_rows("yartsevo-programme-2018")
    scheme = detect_scheme(sections, activities)
    assert (scheme.prefix, scheme.nested_dot, scheme.activities, scheme.activity_dot) == (
        "Основное мероприятие ",
        True,
        RESTART,
        True,
    )
    result = grouped(sections, activities, number_plan(sections, activities))
    assert [number for number, _ in result] == ["Основное мероприятие 1.", "1.1.", "1.2.", "1.3."]
    assert result[1][1] == [f"{n}." for n in range(1, 7)]
    # The stage «1.2.» has an unnumbered row between «8.» and «9.»: renumbered, it is «9.» and the rest follow.
    assert result[2][1] == [f"{n}." for n in range(1, 19)]
    assert result[3][1] == [f"{n}." for n in range(1, 10)]


def test_seed_000_without_a_single_number_gets_the_default_scheme():
    sections, activities = demo_rows("chaa-khol-network-2021")
    assert detect_scheme(sections, activities) == Scheme()
    result = grouped(sections, activities, number_plan(sections, activities))
    assert [number for number, _ in result] == ["1.", "2.", "3.", "4."]
    assert result[0][1] == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    assert result[3][1] == ["4.1", "4.2", "4.3"]


def test_nested_sections_number_their_path_and_activities_follow_it():
    sections = [
        SectionRow(1, None, "1.", "Первый"),
        SectionRow(2, 1, "", "Вложенный"),
        SectionRow(3, None, "2.", "Второй"),
        SectionRow(4, 1, "1.3", "Вложенный после"),  # its parent comes earlier in the tree: numbered 1.2
    ]
    activities = [
        ActivityRow(10, 1, "1.1"),
        ActivityRow(11, 2, "1.1.1"),
        ActivityRow(12, 4, ""),
        ActivityRow(13, 3, ""),
    ]
    section_numbers, activity_numbers = number_plan(sections, activities)
    assert section_numbers == {1: "1.", 2: "1.1", 4: "1.2", 3: "2."}
    assert activity_numbers == {10: "1.1", 11: "1.1.1", 12: "1.2.1", 13: "2.1"}


def test_activities_numbered_straight_through_the_plan_stay_continuous():
    sections = [SectionRow(1, None, "I", "Первый"), SectionRow(2, None, "II", "Второй")]
    activities = [ActivityRow(10, 1, "1"), ActivityRow(11, 1, "2"), ActivityRow(12, 2, "3"), ActivityRow(13, 2, "5")]
    scheme = detect_scheme(sections, activities)
    assert (scheme.roman, scheme.section_dot, scheme.activities, scheme.activity_dot) == (
        True,
        False,
        CONTINUOUS,
        False,
    )
    section_numbers, activity_numbers = number_plan(sections, activities)
    assert section_numbers == {1: "I", 2: "II"}
    assert activity_numbers == {10: "1", 11: "2", 12: "3", 13: "4"}


def test_unnumbered_sections_stay_unnumbered_when_only_activities_are_numbered():
    sections = [SectionRow(1, None, "", "Первый"), SectionRow(2, None, "", "Второй")]
    activities = [ActivityRow(10, 1, "1."), ActivityRow(11, 2, "1."), ActivityRow(12, 2, "")]
    section_numbers, activity_numbers = number_plan(sections, activities)
    assert section_numbers == {1: "", 2: ""}
    assert activity_numbers == {10: "1.", 11: "1.", 12: "2."}


def test_activities_above_the_first_section_are_numbered_on_their_own():
    sections = [SectionRow(1, None, "", ""), SectionRow(2, None, "1.", "Раздел")]
    activities = [ActivityRow(10, 1, ""), ActivityRow(11, 1, ""), ActivityRow(12, 2, "1.1"), ActivityRow(13, 2, "")]
    section_numbers, activity_numbers = number_plan(sections, activities)
    assert section_numbers == {1: "", 2: "1."}
    assert activity_numbers == {10: "1", 11: "2", 12: "1.1", 13: "1.2"}


# --- In the database -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_renumber_writes_the_demo_plans_in_a_bounded_number_of_queries(django_assert_max_num_queries):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    plan = Plan.objects.get(municipality__code="gorodets", level="municipal")
    # 10 for the renumbering, 6 for its audit-trail entries (per kind: the relations, the new records, one insert).
    with django_assert_max_num_queries(16):
        changed = renumber(plan)
    # «1.6.», «2.6» repeated (and the nine activities after it), «3.» → «3».
    numbers = list(Activity.objects.filter(section__plan=plan).values_list("number", flat=True))
    assert numbers == [f"1.{n}" for n in range(1, 16)] + [f"2.{n}" for n in range(1, 11)] + [
        f"3.{n}" for n in range(1, 7)
    ] + [f"4.{n}" for n in range(1, 10)]
    assert list(plan.sections.values_list("number", flat=True)) == ["1", "2", "3", "4"]
    assert changed == 1 + 4 + 1  # «1.6.», «2.6»→«2.7» … «2.9»→«2.10» (4 rows), «3.»
    assert renumber(plan) == 0  # in order now: nothing to write
    # The change is in the history, like every edit.
    activity = Activity.objects.get(section__plan=plan, number="2.10")
    assert activity.history.count() >= 2

    programme = Plan.objects.get(municipality__code="dubensky", level="municipal")
    renumber(programme)
    assert list(programme.sections.values_list("number", flat=True)) == ["I.", "II.", "III.", "IV.", "V."]
    yartsevo = Plan.objects.get(municipality__code="yartsevo", level="municipal")
    renumber(yartsevo)
    assert list(yartsevo.sections.values_list("number", flat=True)) == [
        "Основное мероприятие 1.",
        "1.1.",
        "1.2.",
        "1.3.",
    ]


@pytest.mark.django_db
def test_renumbering_a_large_plan_costs_the_same_as_a_small_one(world, django_assert_max_num_queries):
    plan = Plan.objects.create(
        level=Level.MUNICIPAL,
        municipality=world.municipality,
        title="Большой план",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    sections = Section.objects.bulk_create(
        [Section(plan=plan, number=f"{n}.", title=f"Раздел {n}", order=n) for n in (3, 1, 2, 5, 4) * 4]
    )
    Activity.objects.bulk_create(
        [Activity(section=s, number="9.9", order=k, name=f"Мероприятие {k}") for s in sections for k in range(1, 16)]
    )
    # 10 for the renumbering, 6 for its audit-trail entries (per kind: the relations, the new records, one insert).
    with django_assert_max_num_queries(16):
        renumber(plan)
    first = plan.sections.order_by("order", "pk").first()
    assert first.number == "1." and list(first.activities.values_list("number", flat=True))[:3] == ["1.1", "1.2", "1.3"]
    assert Activity.objects.filter(section__plan=plan, number="20.15").count() == 1
