"""Support in the browser, on the demo: the coordinator records a seminar with its material and finds it in the
calendar and the list; a principal sees the school's risk group; the mentor school sees its mentee's events and the
diagnostics summary, but no teacher's name or score."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]
PASSWORD = "shnor-demo-2024"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TOPIC = "Смысловое чтение на уроках: семинар-практикум для Шеркальской СОШ"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


def test_coordinator_records_a_seminar_with_a_material_and_finds_it_in_the_calendar(
    live_server, page, sign_in, demo, output_path, tmp_path
):
    sign_in("coord-oktyabrsky", PASSWORD)
    page.goto(f"{live_server.url}/support/events/")
    page.get_by_role("link", name="Новое мероприятие").click()
    page.locator("#id_type").select_option("seminar")
    page.locator("#id_format").select_option("in_person")
    page.locator("#id_start").fill("2021-03-16")
    page.locator("#id_topic").fill(TOPIC)
    page.locator("#id_organiser_municipality").select_option(label="Октябрьский район")
    page.get_by_label("Школы-адресаты").select_option(label="МКОУ «Шеркальская СОШ»")
    page.locator("main").get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Мероприятие сохранено.")).to_be_visible()
    expect(page.get_by_role("heading", name=TOPIC)).to_be_visible()

    material = tmp_path / "программа семинара.pdf"
    material.write_bytes(PDF)
    page.get_by_label("Материал (pdf, docx, xlsx, jpg, png)").set_input_files(str(material))
    page.get_by_role("button", name="Загрузить").click()
    expect(page.get_by_text("Материал «программа семинара.pdf» загружен.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="программа семинара.pdf").click()
    assert download.value.suggested_filename == "программа семинара.pdf"

    page.goto(f"{live_server.url}/support/events/calendar/?month=2021-03")
    expect(page.get_by_role("link", name=re.compile("Смысловое чтение на уроках"))).to_be_visible()
    page.goto(f"{live_server.url}/support/events/?school=sherkaly")
    table = page.locator("#event-table")
    expect(table.get_by_role("link", name=TOPIC)).to_be_visible()
    expect(table.get_by_text("Эффективные механизмы реализации программы перехода")).to_be_visible()  # the seed's
    page.screenshot(path=str(output_path / "coordinator-events.png"), full_page=True)


def test_principal_sees_the_risk_group_of_the_school(live_server, page, sign_in, demo, output_path):
    sign_in("director-sherkaly", PASSWORD)
    page.goto(f"{live_server.url}/registry/schools/sherkaly/")
    page.get_by_role("link", name="Наставничество").click()
    page.get_by_role("link", name="Диагностика профессиональных компетенций педагогов школы").click()
    expect(page.get_by_role("heading", name="Группа риска: педагоги на критическом уровне")).to_be_visible()
    risk_group = page.locator("#risk-group")
    for name in ("Лебедева О.П. (демо)", "Волков Д.А. (демо)"):
        expect(risk_group.get_by_role("link", name=name)).to_be_visible()
    expect(risk_group.get_by_text("Резщикова В.К.")).to_have_count(0)
    expect(page.get_by_text("Демонстрационные данные: баллы не из источника").first).to_be_visible()
    expect(page.locator("#competency-dynamics").get_by_role("cell", name="2021", exact=True)).to_be_visible()
    risk_group.get_by_role("link", name="Лебедева О.П. (демо)").click()
    expect(page.get_by_role("heading", name="Индивидуальный маршрут профессионального развития")).to_be_visible()
    expect(page.get_by_text("15.09.2020")).to_be_visible()
    expect(page.get_by_text("14.05.2021")).to_be_visible()
    page.screenshot(path=str(output_path / "principal-teacher.png"), full_page=True)


def test_mentor_sees_the_mentee_events_and_summary_without_names(live_server, page, sign_in, demo, output_path):
    sign_in("mentor-peregrebnoe-1", PASSWORD)
    page.goto(f"{live_server.url}/support/events/")
    table = page.locator("#event-table")
    expect(table.get_by_text("Особенности организации урочной и внеурочной деятельности")).to_be_visible()
    expect(table.get_by_text("Эффективные механизмы реализации программы перехода")).to_have_count(0)  # sherkaly's

    page.goto(f"{live_server.url}/support/schools/chemashi/competencies/")
    expect(page.locator("#competency-distribution")).to_be_visible()
    expect(page.locator("#competency-dynamics")).to_be_visible()
    expect(page.locator("#risk-group-size")).to_have_text("3 педагога на критическом уровне.")
    expect(page.locator("#risk-group")).to_have_count(0)
    content = page.content()
    for name in ("Алексеева", "Григорьев", "Зайцева", "(демо)"):
        assert name not in content
    assert " % · " not in content  # no individual result badge
    expect(page.get_by_role("link", name="Выгрузить группу риска в Excel")).to_have_count(0)
    page.screenshot(path=str(output_path / "mentor-summary.png"), full_page=True)

    response = page.goto(f"{live_server.url}/support/schools/chemashi/teachers/")
    assert response.status == 403
