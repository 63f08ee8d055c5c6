"""Roadmaps in headless Chromium: the coordinator builds a school plan inline (htmx, no page reload), renumbers it,
sends it through approval and finds version 1; the principal reports an activity «выполнено» with a PDF from
«Мои задачи», the coordinator accepts it from the review queue and downloads the evidence, and the principal's task
shows it done and accepted; an inline edit of a plan sent on in another window reloads the page and says why."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roadmaps.models import Evidence, Plan, PlanStatus, ProgressReport, ReportStatus, Review
from tests.roadmaps.progress_builders import PDF, day, make_activity, make_plan, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]
TITLE = "Дорожная карта МКОУ «Чемашинская СОШ» по переходу в эффективный режим работы на 2026–2027 учебный год"
SECTION = "Организационно-методическое обеспечение"
DIAGNOSTICS = "Диагностика профессиональных дефицитов педагогов"
SEMINAR = "Семинар-практикум «Смысловое чтение на уроках»"


def _row(page, name):
    """The table row of an activity, found by its name."""
    return page.locator("#plan-activities tr[id^='activity-']").filter(has_text=name)


def _fill_activity(form, number, name, deadline, responsible):
    form.get_by_label("Номер").fill(number)
    form.get_by_label("Наименование мероприятия").fill(name)
    form.get_by_label("Срок (как написано)").fill(deadline)
    form.get_by_label("Ответственные").fill(responsible)
    form.get_by_role("button", name="Сохранить").click()


def test_coordinator_builds_a_school_plan_inline_and_approves_it(
    live_server, page, sign_in, world, coordinator, output_path
):
    sign_in("coordinator")
    page.goto(f"{live_server.url}/roadmaps/")
    page.get_by_role("link", name="Создать план").click()
    expect(page.get_by_role("heading", name="Новый план")).to_be_visible()
    page.get_by_label("Уровень").select_option(label="школа")
    page.get_by_label("Школа").select_option(label="МКОУ «Чемашинская СОШ» (Октябрьский район)")
    page.get_by_label("Наименование").fill(TITLE)
    page.get_by_label("Начало периода").fill("2026-09-01")
    page.get_by_label("Окончание периода").fill("2027-08-31")
    page.get_by_label("Цель").fill(
        "Повышение качества образования через развитие профессиональных компетенций педагогов"
    )
    page.get_by_role("button", name="Создать план").click()
    expect(page.get_by_text("создан как черновик")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text("черновик", exact=True)).to_be_visible()

    # From here on the table is edited in place: a page reload would lose this marker.
    page.evaluate("window.journeyMarker = 'no reload'")
    table = page.locator("#plan-activities")
    table.get_by_role("link", name="Добавить раздел").click()
    section_form = table.locator("form").filter(has=page.get_by_label("Родительский раздел"))
    section_form.get_by_label("Номер").fill("1.")
    section_form.get_by_label("Наименование").fill(SECTION)
    section_form.get_by_role("button", name="Сохранить").click()
    expect(table.get_by_role("row", name=re.compile(SECTION))).to_be_visible()

    table.get_by_role("link", name="Добавить мероприятие в этот раздел").click()
    _fill_activity(
        table.locator("form").filter(has=page.get_by_label("Наименование мероприятия")),
        "1.1",
        DIAGNOSTICS,
        "Сентябрь-октябрь 2026г",
        "Заместитель директора по УВР",
    )
    expect(_row(page, DIAGNOSTICS)).to_contain_text("Сентябрь-октябрь 2026г")
    expect(_row(page, DIAGNOSTICS)).to_contain_text("01.09.2026–31.10.2026")
    table.get_by_role("link", name="Добавить мероприятие в этот раздел").click()
    _fill_activity(
        table.locator("form").filter(has=page.get_by_label("Наименование мероприятия")),
        "1.5",
        SEMINAR,
        "Декабрь 2026 г.",
        "Руководитель ШМО",
    )
    expect(_row(page, SEMINAR)).to_contain_text("01.12.2026–31.12.2026")
    expect(page.locator("#plan-counts")).to_contain_text("2 мероприятия")

    # Edit the seminar in its row: its form replaces the row, the saved row comes back.
    _row(page, SEMINAR).get_by_role("link", name="Изменить мероприятие").click()
    form = table.locator("form").filter(has=page.get_by_label("Наименование мероприятия"))
    expect(form.get_by_label("Наименование мероприятия")).to_have_value(SEMINAR)
    form.get_by_label("Срок (как написано)").fill("Ноябрь 2026 г.")
    form.get_by_label("Ожидаемый результат").fill("Методические рекомендации")
    form.get_by_role("button", name="Сохранить").click()
    expect(_row(page, SEMINAR)).to_contain_text("01.11.2026–30.11.2026")
    expect(_row(page, SEMINAR)).to_contain_text("Методические рекомендации")

    # The seminar goes first; renumbering gives it 1.1 and the diagnostics 1.2.
    _row(page, SEMINAR).get_by_role("button", name="Выше").click()
    expect(table.locator("tr[id^='activity-']").first).to_contain_text(SEMINAR)
    page.once("dialog", lambda dialog: dialog.accept())
    table.get_by_role("button", name="Перенумеровать").click()
    expect(table.get_by_role("status")).to_contain_text("Перенумеровано")
    expect(_row(page, SEMINAR).locator("td").first).to_have_text("1.1")
    expect(_row(page, DIAGNOSTICS).locator("td").first).to_have_text("1.2")
    assert page.evaluate("window.journeyMarker") == "no reload"

    page.get_by_role("button", name="Отправить на согласование").click()
    expect(page.get_by_text("Статус плана: «на согласовании».")).to_be_visible()
    lifecycle = page.locator("#plan-lifecycle")
    lifecycle.locator("summary", has_text="Утвердить").click()
    lifecycle.get_by_label("Номер приказа об утверждении").fill("412-од")
    lifecycle.get_by_label("Дата приказа об утверждении").fill("2026-09-15")
    lifecycle.get_by_label("Кем утверждён").fill("Управление образования администрации Октябрьского района")
    lifecycle.get_by_role("button", name="Утвердить").click()
    expect(page.get_by_text("Статус плана: «утверждён».")).to_be_visible()
    expect(page.locator("main").get_by_text("утверждён", exact=True)).to_be_visible()
    expect(page.get_by_text("№412-од от 15.09.2026")).to_be_visible()

    page.get_by_role("link", name="Версии (1)").click()
    expect(page.get_by_role("heading", name="Версии плана")).to_be_visible()
    versions = page.locator("#versions tbody tr")
    expect(versions).to_have_count(1)
    expect(versions.first.get_by_role("link", name="1", exact=True)).to_be_visible()
    versions.first.get_by_role("link", name="1", exact=True).click()
    expect(page.get_by_text(SEMINAR)).to_be_visible()
    expect(page.get_by_text(DIAGNOSTICS)).to_be_visible()
    page.screenshot(path=str(output_path / "coordinator-plan-version.png"), full_page=True)


@pytest.fixture
def school_task(world):
    """A school plan of chemashi being carried out, with one activity the school carries out, due in five days."""
    today = timezone.localdate()
    plan = make_plan(
        world.municipality,
        school=world.school,
        status=PlanStatus.IN_PROGRESS,
        start=today - dt.timedelta(days=90),
        end=today + dt.timedelta(days=270),
        title="Дорожная карта МКОУ «Чемашинская СОШ» на учебный год",
    )
    plan.approval_number, plan.approval_date = "412-од", today - dt.timedelta(days=80)
    plan.save()
    section = make_section(plan, title=SECTION)
    return make_activity(
        section,
        day(today + dt.timedelta(days=5)),
        executors=[world.school],
        number="1.1",
        name="Положение о внутришкольном наставничестве",
    )


def test_principal_reports_a_task_and_the_coordinator_accepts_it(
    live_server, page, sign_in, world, principal, coordinator, school_task, output_path, tmp_path
):
    evidence = tmp_path / "приказ о наставничестве.pdf"
    evidence.write_bytes(PDF)
    activity = school_task.name

    sign_in("principal")
    page.get_by_role("navigation").get_by_role("link", name="Мои задачи").click()
    expect(page.get_by_role("heading", name="Мои задачи")).to_be_visible()
    task = page.locator("#task-table tbody tr").filter(has_text=activity)
    expect(task).to_contain_text("скоро срок")
    task.get_by_role("link", name=re.compile(activity)).click()

    report_form = page.locator("#report-form")
    expect(report_form.get_by_role("heading", name=re.compile("Отчёт о выполнении"))).to_be_visible()
    report_form.get_by_label("Статус").select_option(label="выполнен")
    report_form.get_by_label("Что сделано").fill("Положение утверждено приказом директора, наставники назначены.")
    report_form.get_by_label("Файлы-подтверждения").set_input_files(str(evidence))
    report_form.get_by_role("button", name="Сохранить и отправить на проверку").click()
    expect(page.get_by_text("Отчёт сохранён и отправлен координатору на проверку.")).to_be_visible()
    expect(page.locator("#reports ~ div").get_by_text("на проверке").first).to_be_visible()
    expect(page.get_by_role("link", name="приказ о наставничестве.pdf")).to_be_visible()
    report = ProgressReport.objects.get(activity=school_task, school=world.school)
    assert (report.status, report.review, report.percent) == (ReportStatus.DONE, Review.PENDING, 100)

    page.get_by_role("button", name="Выйти").click()
    sign_in("coordinator")
    page.get_by_role("link", name=re.compile("отчёт ожидает проверки")).click()
    expect(page.get_by_role("heading", name="Отчёты на проверке")).to_be_visible()
    row = page.locator("#review-table tbody tr").filter(has_text=activity)
    expect(row).to_contain_text("МКОУ «Чемашинская СОШ»")
    expect(row).to_contain_text("выполнен, 100")
    row.get_by_label("Комментарий координатора").fill("Принято, положение соответствует требованиям.")
    row.get_by_role("button", name="Принять").click()
    expect(row.get_by_text("принят", exact=True)).to_be_visible()
    report.refresh_from_db()
    assert (report.review, report.reviewed_by) == (Review.ACCEPTED, coordinator)

    row.get_by_role("link", name=re.compile(activity)).click()
    link = page.get_by_role("link", name="приказ о наставничестве.pdf")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "приказ о наставничестве.pdf"
    assert open(download.value.path(), "rb").read() == PDF
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200 and response.body() == PDF
    assert Evidence.objects.get(report=report).name == "приказ о наставничестве.pdf"

    page.get_by_role("button", name="Выйти").click()
    sign_in("principal")
    page.get_by_role("navigation").get_by_role("link", name="Мои задачи").click()
    task = page.locator("#task-table tbody tr").filter(has_text=activity)
    expect(task).to_contain_text("выполнено и принято")
    expect(task).to_contain_text("принят")
    expect(task).to_contain_text("выполнен, 100")
    page.screenshot(path=str(output_path / "principal-tasks.png"), full_page=True)


def test_an_inline_edit_of_a_plan_sent_on_in_another_window_reloads_the_page_with_the_reason(
    live_server, page, sign_in, world, coordinator, output_path
):
    plan = make_plan(
        world.municipality,
        school=world.school,
        status=PlanStatus.DRAFT,
        start=dt.date(2026, 9, 1),
        end=dt.date(2027, 8, 31),
        title=TITLE,
    )
    make_activity(make_section(plan, title=SECTION), "Сентябрь-октябрь 2026г", number="1.1", name=DIAGNOSTICS)
    sign_in("coordinator")
    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    expect(page.get_by_text("черновик", exact=True)).to_be_visible()
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.REVIEW)  # sent for approval from another window

    page.locator("#plan-activities").get_by_role("link", name="Добавить мероприятие в этот раздел").click()
    expect(page.get_by_text("Ничего не изменено: это действие здесь больше недоступно")).to_be_visible()
    expect(page.get_by_text("на согласовании", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Добавить мероприятие в этот раздел")).to_have_count(0)
    expect(_row(page, DIAGNOSTICS)).to_contain_text("01.09.2026–31.10.2026")
    page.screenshot(path=str(output_path / "coordinator-refused-edit.png"), full_page=True)
