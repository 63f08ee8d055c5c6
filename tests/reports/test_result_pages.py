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
    page = client_for(principal).get(reverse("registry:school-tab", kwargs={"code": "chemashi", "tab": "results"}))
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
