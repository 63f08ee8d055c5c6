"""load_demo: the plans of docs/demo.md, transcribed from the seeds."""

import pytest
from django.core.management import call_command

from roadmaps.models import Activity, Plan, PlanStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_it_loads_the_gorodets_roadmap_with_all_its_activities(demo):
    plan = Plan.objects.get(municipality__code="gorodets", level="municipal")
    assert (plan.status, plan.approval_number, str(plan.approval_date)) == (PlanStatus.APPROVED, "400а/п", "2020-09-04")
    assert list(plan.sections.values_list("number", flat=True)) == ["1", "2", "3.", "4"]
    numbers = list(Activity.objects.filter(section__plan=plan).values_list("number", flat=True))
    assert numbers[0] == "1.1" and numbers[-1] == "4.9" and len(numbers) == 40
    assert numbers.count("2.6") == 2
    first = Activity.objects.get(section__plan=plan, number="1.3")
    assert (first.deadline_text, first.deadline_kind, first.deadline_periods) == (
        "Сентябрь-октябрь 2020г",
        "dates",
        [["2020-09-01", "2020-10-31"]],
    )
    empty = Activity.objects.get(section__plan=plan, number="4.6")
    assert (empty.deadline_text, empty.deadline_kind) == ("", "unparsed")
    assert set(Activity.objects.get(section__plan=plan, number="2.1").executors.values_list("code", flat=True)) == {
        "osh-16",
        "sh-18",
        "vsh-2-zavolzhye",
        "ilyinskaya",
        "fedurino",
        "krasnoramenye",
    }


def test_it_loads_the_chaa_khol_plan_with_its_passport_and_the_dubensky_programme(demo):
    plan = Plan.objects.get(municipality__code="chaa-khol", level="municipal")
    assert (plan.approval_number, str(plan.approval_date), plan.timeframe) == ("158", "2021-03-26", "2021–2024 гг.")
    assert plan.goal.startswith("Сокращение разрыва") and "№ 111-д" in plan.normative_basis
    assert plan.sections.count() == 4 and Activity.objects.filter(section__plan=plan).count() == 18
    february = Activity.objects.get(section__plan=plan, deadline_text="Февраль, 2019 г.")
    assert february.outside_period and february.deadline_periods == [["2019-02-01", "2019-02-28"]]
    programme = Plan.objects.get(municipality__code="dubensky", level="municipal")
    assert list(programme.sections.values_list("number", flat=True)) == ["I.", "II.", "Ш.", "IV.", "V"]
    gola = Activity.objects.get(section__plan=programme, deadline_text="4 квартал 2024 гола")
    assert gola.deadline_periods == [["2024-10-01", "2024-12-31"]]


def test_the_demo_coordinator_opens_the_roadmap_and_the_other_one_gets_a_404(demo, client):
    plan = Plan.objects.get(municipality__code="gorodets", level="municipal")
    assert client.login(username="coord-gorodets", password="shnor-demo-2024")
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "Создание муниципальной рабочей группы" in html and "4.9" in html
    assert client.login(username="coord-oktyabrsky", password="shnor-demo-2024")
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_it_loads_the_yartsevo_programme_with_stages_under_the_main_activity(demo):
    plan = Plan.objects.get(municipality__code="yartsevo", level="municipal")
    assert (plan.approval_number, str(plan.approval_date)) == ("92", "2018-03-20")
    sections = list(plan.sections.select_related("parent"))
    assert [(s.number, s.parent.number if s.parent else None) for s in sections] == [
        ("Основное мероприятие 1.", None),
        ("1.1.", "Основное мероприятие 1."),
        ("1.2.", "Основное мероприятие 1."),
        ("1.3.", "Основное мероприятие 1."),
    ]
    assert [s.deadline_text for s in sections[1:]] == [
        "февраль – март 2018 год",
        "март - декабрь 2018 год",
        "До 2021 года",
    ]
    # An activity without its own deadline takes its stage's; the text stays empty, as written.
    first = Activity.objects.get(section=sections[1], number="1.")
    assert (first.deadline_text, first.deadline_kind, first.deadline_periods) == (
        "",
        "dates",
        [["2018-02-01", "2018-03-31"]],
    )
    ninth = Activity.objects.get(section=sections[3], number="9.")
    assert (ninth.deadline_text, ninth.deadline_periods) == (
        "сентябрь 2019 год до 2021 года",
        [["2019-09-01", "2021-12-31"]],
    )
    assert Activity.objects.filter(section__plan=plan).count() == 33
    # Seed 003's funding cells, as it writes them: «x» where a year does not apply, the source where it names one.
    sixth = Activity.objects.get(section=sections[1], number="6.")
    assert (sixth.funding_source, sixth.funding) == ("", {"2018": "x", "2021": "50%"})
    courses = Activity.objects.get(section=sections[2], number="7.")
    assert (courses.funding_source, courses.funding) == ("внебюджетные средства", {})
    funded = Activity.objects.filter(section__plan=plan).exclude(funding_source="", funding={})
    assert funded.count() == 8
