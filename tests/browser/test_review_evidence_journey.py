"""The coordinator reviews a report with its evidence, in headless Chromium: the principal sends a report with an
order (PDF) and a link, the coordinator returns it from the review queue, the principal sends it again with the same
order (under another name) and the protocol; the queue then lists two files — the order once — with their sizes and
the link beside «Принять / Вернуть», the coordinator downloads the order right from the queue and accepts."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from roadmaps.models import Evidence, PlanStatus, ProgressReport, Review
from tests.roadmaps.progress_builders import PDF, day, docx_bytes, make_activity, make_plan, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]
ACTIVITY = "Педагогический совет по результатам ВПР"
ORDER = PDF + b"%" + b"x" * 2500  # 2,5 КБ: a size the queue shows


@pytest.fixture
def activity(world):
    today = timezone.localdate()
    plan = make_plan(
        world.municipality,
        school=world.school,
        status=PlanStatus.IN_PROGRESS,
        start=today - dt.timedelta(days=90),
        end=today + dt.timedelta(days=270),
        title="Дорожная карта МКОУ «Чемашинская СОШ» на учебный год",
    )
    section = make_section(plan, title="Работа с результатами оценочных процедур")
    return make_activity(section, day(today + dt.timedelta(days=7)), executors=[world.school], name=ACTIVITY)


def _send(page, live_server, activity, files, *, answer=None):
    page.goto(live_server.url + reverse("roadmaps:activity-detail", args=[activity.pk]))
    form = page.locator("#report-form")
    form.get_by_label("Статус").select_option(label="выполнен")
    form.get_by_label("Что сделано").fill("Педсовет проведён, решения оформлены приказом.")
    form.get_by_label("Ссылки на подтверждения").fill("https://chemashi.example.ru/news/pedsovet")
    form.get_by_label("Файлы-подтверждения").set_input_files([str(path) for path in files])
    if answer:
        form.get_by_label("Ответ").fill(answer)
    form.get_by_role("button", name="Сохранить и отправить на проверку").click()
    expect(page.get_by_text("Отчёт сохранён и отправлен координатору на проверку.")).to_be_visible()


def _queue_row(page, live_server):
    page.goto(live_server.url + reverse("roadmaps:report-reviews"))
    expect(page.get_by_role("heading", name="Отчёты на проверке")).to_be_visible()
    return page.locator("#review-table tbody tr").filter(has_text=ACTIVITY)


def test_the_coordinator_reviews_a_report_with_its_files_and_accepts_it(
    live_server, page, sign_in, world, principal, coordinator, activity, output_path, tmp_path
):
    order = tmp_path / "Приказ № 45-од.pdf"
    order.write_bytes(ORDER)
    copy = tmp_path / "приказ (скан).pdf"
    copy.write_bytes(ORDER)
    protocol = tmp_path / "Протокол педсовета.docx"
    protocol.write_bytes(docx_bytes())

    sign_in("principal")
    _send(page, live_server, activity, [order])
    page.get_by_role("button", name="Выйти").click()

    sign_in("coordinator")
    row = _queue_row(page, live_server)
    expect(row.get_by_role("link", name="Приказ № 45-од.pdf")).to_be_visible()
    row.get_by_label("Комментарий координатора").fill("Приложите протокол педсовета.")
    row.get_by_role("button", name=re.compile("Вернуть")).click()
    expect(row.get_by_text("возвращён", exact=False).first).to_be_visible()
    page.get_by_role("button", name="Выйти").click()

    sign_in("principal")
    _send(page, live_server, activity, [copy, protocol], answer="Протокол приложен.")
    page.get_by_role("button", name="Выйти").click()

    sign_in("coordinator")
    row = _queue_row(page, live_server)
    expect(row).to_contain_text("2 файла")
    # The same order sent again replaced the first one: listed once, under its new name.
    expect(row.get_by_role("link", name="приказ (скан).pdf")).to_be_visible()
    expect(row.get_by_role("link", name="Приказ № 45-од.pdf")).to_have_count(0)
    expect(row).to_contain_text("pdf · 2,5 КБ")
    expect(row.get_by_role("link", name="Протокол педсовета.docx")).to_be_visible()
    expect(row).to_contain_text("docx")
    expect(row.get_by_role("link", name="https://chemashi.example.ru/news/pedsovet")).to_be_visible()
    expect(row.get_by_role("button", name="Принять")).to_be_visible()
    page.screenshot(path=str(output_path / "review-queue.png"), full_page=True)

    with page.expect_download() as download:
        row.get_by_role("link", name="приказ (скан).pdf").click()
    assert download.value.suggested_filename == "приказ (скан).pdf"
    assert open(download.value.path(), "rb").read() == ORDER

    row.get_by_label("Комментарий координатора").fill("Принято.")
    row.get_by_role("button", name="Принять").click()
    expect(row.get_by_text("принят", exact=True)).to_be_visible()
    report = ProgressReport.objects.get(activity=activity, school=world.school)
    assert (report.review, report.reviewed_by) == (Review.ACCEPTED, coordinator)
    assert sorted(Evidence.objects.filter(report=report).values_list("name", flat=True)) == [
        "Протокол педсовета.docx",
        "приказ (скан).pdf",
    ]
