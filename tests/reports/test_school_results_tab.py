"""The results tab of the school page, served by reports: a fragment for htmx, a whole school page without it."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.assessments.models import PublishedResult, Subject

pytestmark = pytest.mark.django_db


def tab(code):
    return reverse("reports:school-results-tab", kwargs={"code": code})


def import_results(tmp_path, years, subjects):
    lines = ["Год;Процедура;Предмет;Параллель;Код ОО;Код участника;Первичный балл;Отметка;Отметка по журналу"]
    for year in years:
        for subject in subjects:
            lines.append(f"{year};ВПР;{subject};5;chemashi;P{year}{len(lines)};10;4;4")
    path = tmp_path / f"vpr-{len(years)}-{len(subjects)}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("import_results", str(path), stdout=io.StringIO())


def test_the_registry_tab_loads_it_from_reports_and_links_to_it_without_javascript(client_for, coordinator):
    url = reverse("registry:school-tab", kwargs={"code": "chemashi", "tab": "results"})
    body = client_for(coordinator).get(url).content.decode()
    assert f'hx-get="{tab("chemashi")}" hx-trigger="load"' in body
    assert f'<a href="{tab("chemashi")}">' in body


def test_it_answers_htmx_with_the_tab_alone_and_a_browser_with_the_whole_school_page(client_for, principal, tmp_path):
    import_results(tmp_path, [2021, 2022], ["Математика"])
    client = client_for(principal)
    fragment = client.get(tab("chemashi"), headers={"HX-Request": "true"})
    assert "ВПР. Математика" in fragment.content.decode() and "breadcrumb" not in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]
    page = client.get(tab("chemashi")).content.decode()
    assert "breadcrumb" in page and "ВПР. Математика" in page
    assert 'class="nav-link active" href="/registry/schools/chemashi/results/"' in page


@pytest.mark.parametrize("persona", ["other_coordinator", "outsider"])
def test_it_answers_404_outside_the_scope_as_the_school_page_does(client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(tab("chemashi")).status_code == 404
    assert client.get(tab("chemashi"), headers={"HX-Request": "true"}).status_code == 404
    assert client.get(tab("no-such-school")).status_code == 404


def test_it_costs_the_same_queries_for_one_chart_and_for_twelve(client_for, coordinator, world, tmp_path):
    client = client_for(coordinator)
    client.get(tab("chemashi"))  # warm the session
    import_results(tmp_path, [2021], ["Математика"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(tab("chemashi"), headers={"HX-Request": "true"}).status_code == 200
    import_results(tmp_path, [2019, 2020, 2022], ["Математика", "Русский язык", "История", "Биология"])
    for year in (2017, 2018, 2019):
        PublishedResult.objects.create(
            school=world.school,
            procedure="ВПР",
            year=year,
            subject=Subject.objects.get(name="Математика"),
            grade=6,
            success_pct=90,
            source="Таблица 9",
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(tab("chemashi"), headers={"HX-Request": "true"})
    # Four subjects: a line of the mean mark and a distribution of marks each.
    body = response.content.decode()
    assert body.count('class="chart chart-line"') == 4 and body.count('class="chart chart-distribution"') == 4
    assert "Таблица 9" in body
    assert len(many) == len(few) <= 8
