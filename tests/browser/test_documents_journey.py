"""Signed documents in headless Chromium, on the demo world: the inspector downloads a signed PDF from the document
registry and has it confirmed by the public verification page; the coordinator previews a plan annex in the report
centre, signs it and finds the entry in the registry."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from reports.signatures.models import SignedDocument

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

DEMO_PASSWORD = "shnor-demo-2024"


@pytest.fixture
def demo(settings):
    call_command("load_demo", stdout=io.StringIO())


def test_the_inspector_downloads_a_signed_pdf_and_the_verification_page_confirms_it(
    demo, live_server, page, sign_in, output_path
):
    entry = SignedDocument.objects.get(municipality__code="oktyabrsky")
    sign_in("inspector-oktyabrsky", DEMO_PASSWORD)
    page.get_by_role("link", name="Реестр документов").first.click()
    expect(page.get_by_role("heading", name="Реестр документов")).to_be_visible()
    row = page.locator("#document-registry tbody tr", has_text=entry.number)
    expect(row).to_contain_text("действует")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Скачать PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{entry.number}.pdf"
    signed = output_path / "signed.pdf"
    download.save_as(signed)
    with entry.file.open("rb") as handle:
        assert signed.read_bytes() == handle.read()

    page.get_by_role("link", name="Проверить документ").click()
    page.locator("input[name=file]").set_input_files(str(signed))
    page.get_by_role("button", name="Проверить").click()
    result = page.locator("#verification-result")
    expect(result).to_contain_text(f"Подпись действительна: документ зарегистрирован под номером {entry.number}")
    expect(result).to_contain_text(entry.certificate_serial)
    page.screenshot(path=str(output_path / "verified.png"), full_page=True)


def test_the_coordinator_previews_signs_and_finds_the_entry_in_the_registry(
    demo, live_server, page, sign_in, output_path
):
    before = set(SignedDocument.objects.values_list("pk", flat=True))
    sign_in("coord-gorodets", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/reports/centre/")
    page.locator("select[name=kind]").select_option("plan")
    page.locator("select[name=unit]").select_option("m:gorodets")
    page.locator("input[name=year]").fill("2021")
    page.locator("#document-choice button[type=submit]").click()
    expect(page.locator("#document-preview")).to_contain_text("1.1")
    page.get_by_role("button", name="Подписать").click()

    (new,) = SignedDocument.objects.exclude(pk__in=before)
    expect(page.get_by_role("heading", name=new.title)).to_be_visible()
    expect(page.locator("body")).to_contain_text(f"Документ подписан и внесён в реестр под номером {new.number}")
    assert new.signer.username == "coord-gorodets" and new.municipality.code == "gorodets"

    page.get_by_role("link", name="Реестр документов").first.click()
    expect(page.locator("#document-registry")).to_contain_text(new.number)
    page.screenshot(path=str(output_path / "registry.png"), full_page=True)
