"""The report centre in headless Chromium: the coordinator finds it in the menu, previews the plan annex and
downloads it as PDF; the preview breaks no rule of the Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from tests.reports.documents.builders import make_plan, pdf_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_coordinator_previews_and_downloads_the_plan_annex(live_server, page, sign_in, coordinator, world, output_path):
    make_plan(world.municipality, sections=2, per_section=3)
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    sign_in("coordinator")
    page.get_by_role("link", name="Центр отчётов").click()
    page.get_by_label("Документ").select_option("plan")
    page.get_by_label("Год").fill("2021")
    page.get_by_role("button", name="Показать").click()
    preview = page.locator("#document-preview")
    expect(preview).to_contain_text("УТВЕРЖДЕНО")
    expect(preview.locator("tr.section")).to_have_count(2)
    expect(preview).to_contain_text("Обучились 30 % руководителей")
    page.screenshot(path=str(output_path / "report-centre-preview.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Скачать PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("plan-oktyabrsky-2021-")
    content = open(download.path(), "rb").read()
    assert "Раздел 2: поддержка школ" in pdf_text(content)
    assert not [text for text in problems if "Content Security Policy" in text], problems
