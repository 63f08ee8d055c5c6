import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from reports.assessments.models import Campaign

pytestmark = pytest.mark.django_db
FILE = (
    "Год;Процедура;Предмет;Параллель;Код ОО;Код участника;Первичный балл;Отметка;Отметка по журналу\n"
    "2021;ВПР;Математика;5;chemashi;A1;10;4;4\n2021;ВПР;Математика;5;chemashi;A2;3;2;3\n"
    "2021;ВПР;Математика;5;novopavshino;B1;3;3;3\n"
    "2022;ВПР;Математика;6;chemashi;C1;10;5;4\n"
)


@pytest.fixture
def results(world, tmp_path):
    path = tmp_path / "vpr.csv"
    path.write_text(FILE, encoding="utf-8")
    call_command("import_results", str(path), stdout=io.StringIO())
    return Campaign.objects.get(year=2021)


def test_the_campaign_table_shows_only_schools_in_scope_and_exports(client_for, coordinator, results):
    client = client_for(coordinator)
    listing = client.get(reverse("reports:results-list")).content.decode()
    assert "Математика" in listing
    page = client.get(reverse("reports:campaign-results", kwargs={"pk": results.pk}))
    body = page.content.decode()
    assert "МКОУ «Чемашинская СОШ»" in body and "Новопавшинская" not in body
    assert [row["mean_mark"] for _school, row, _classes in page.context["rows"]] == [3.0]
    sheet = load_workbook(
        io.BytesIO(
            client.get(reverse("reports:campaign-results", kwargs={"pk": results.pk}), {"export": "xlsx"}).content
        )
    ).active
    assert [cell.value for cell in sheet[5]][:3] == ["МКОУ «Чемашинская СОШ»", 2, 3]


def test_a_campaign_without_results_in_scope_is_404(client_for, principal, results, world):
    from accounts.models import Role
    from tests.factories import user_with_role

    stranger = user_with_role(Role.PRINCIPAL, "stranger", school=world.second_school)
    assert client_for(stranger).get(reverse("reports:campaign-results", kwargs={"pk": results.pk})).status_code == 404
    assert client_for(principal).get(reverse("reports:campaign-results", kwargs={"pk": results.pk})).status_code == 200


def test_the_school_page_charts_the_results_over_the_years(client_for, principal, results):
    page = client_for(principal).get(reverse("reports:school-results-tab", kwargs={"code": "chemashi"}))
    body = page.content.decode()
    assert "<svg" in body and "ВПР. Математика" in body
    assert "3,00" in body and "5,00" in body


def test_a_campaign_shows_each_class_under_its_school_and_exports_them(client_for, coordinator, world):
    from reports.assessments.aggregates import recalculate
    from reports.assessments.models import Campaign, ParticipantResult, Subject

    campaign = Campaign.objects.create(
        procedure="ВПР", year=2021, subject=Subject.objects.get(name="Русский язык"), grade=5
    )
    for code, class_name, mark in (("A1", "5а", 2), ("A2", "5а", 4), ("A3", "5б", 5)):
        ParticipantResult.objects.create(
            campaign=campaign, school=world.school, class_name=class_name, participant=code, mark=mark
        )
    recalculate([campaign.pk])
    from reports.assessments.models import SchoolAggregate

    assert SchoolAggregate.objects.get(campaign=campaign).participants == 3
    client = client_for(coordinator)
    url = reverse("reports:campaign-results", kwargs={"pk": campaign.pk})
    response = client.get(url)
    page = response.content.decode()
    (_school, _row, classes) = response.context["rows"][0]
    assert [(name, row["participants"], row["marks"]["2"], row["mean_mark"]) for name, row in classes] == [
        ("5а", 2, 1, 3.0),
        ("5б", 1, 0, 5.0),
    ]
    assert "5а класс" in page and "5б класс" in page
    export = client.get(url, {"export": "xlsx"})
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(export.content)).active
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert f"{world.school.short_name} — 5а" in names and world.school.short_name in names


def _campaign_of_many_schools(world, count):
    """A ВПР campaign with one participant («4», two out of three results) in each of `count` new schools."""
    from reports.assessments.aggregates import recalculate
    from reports.assessments.models import ParticipantResult, Subject
    from tests.factories import SchoolFactory

    campaign = Campaign.objects.create(
        procedure="ВПР", year=2021, subject=Subject.objects.get(name="Математика"), grade=7
    )
    for number in range(count):
        school = SchoolFactory(
            code=f"many-{number:03d}", short_name=f"МБОУ «СОШ №{number:03d}»", municipality=world.municipality
        )
        ParticipantResult.objects.create(
            campaign=campaign, school=school, class_name="7а", participant=f"P{number}", mark=4, journal_mark=5
        )
    recalculate([campaign.pk])
    return campaign


def test_it_paginates_the_campaign_table_by_50_schools_and_exports_them_all(
    client_for, coordinator, world, django_assert_max_num_queries
):
    campaign = _campaign_of_many_schools(world, 51)
    client = client_for(coordinator)
    url = reverse("reports:campaign-results", kwargs={"pk": campaign.pk})
    with django_assert_max_num_queries(12):
        first = client.get(url)
    assert [school.code for school, _row, _classes in first.context["rows"]] == [f"many-{n:03d}" for n in range(50)]
    assert first.content.decode().count("7а класс") == 50
    assert "?page=2" in first.content.decode()
    second = client.get(url, {"page": 2})
    assert [school.code for school, _row, _classes in second.context["rows"]] == ["many-050"]
    sheet = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content)).active
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert sum(1 for name in names if name and str(name).startswith("МБОУ «СОШ №") and "—" not in name) == 51


def test_it_formats_the_numbers_of_the_campaign_table_in_the_russian_way(client_for, coordinator, world):
    campaign = _campaign_of_many_schools(world, 1)
    body = client_for(coordinator).get(reverse("reports:campaign-results", kwargs={"pk": campaign.pk})).content
    cells = [
        cell.split(">", 1)[1]
        for cell in body.decode().split("</td>")
        if '<td class="text-end">' in cell and "МБОУ «СОШ №000»" not in cell
    ]
    # participants, mean mark, «2»…«5», success, quality, lowered, confirmed, raised — for the school, then its class
    # a mean with two decimals, a percentage with one (shnor_portal/numbers.py): a mean of exactly 4 is «4,00»
    school_line = ["1", "4,00", "0", "0", "1", "0", "100,0", "100,0", "100,0", "0,0", "0,0"]
    assert cells == school_line + school_line


def test_the_campaign_table_body_escapes_school_and_class_names_and_writes_numbers_in_the_russian_way(world):
    from decimal import Decimal
    from types import SimpleNamespace

    from django.utils import translation

    from reports.campaign_table import table_body, table_lines

    school = SimpleNamespace(short_name="<b>Школа</b>", code="chemashi")
    row = {"participants": 3, "mean_score": Decimal("61.5"), "max_score": 80, "below_min_pct": None}
    with translation.override("ru"):
        html = table_body(table_lines([(school, row, [('5"><script>', row)])], "ЕГЭ"))
    assert "<script>" not in html and "<b>" not in html
    assert (
        f'<a href="{reverse("registry:school-tab", args=["chemashi", "results"])}">&lt;b&gt;Школа&lt;/b&gt;</a>' in html
    )
    assert '<span class="ps-3">5&quot;&gt;&lt;script&gt; класс</span>' in html
    numbers = '<td class="text-end">3</td><td class="text-end">61,50</td><td class="text-end">80</td>'
    assert html.count(numbers + '<td class="text-end">—</td></tr>') == 2
