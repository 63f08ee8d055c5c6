"""The Content-Security-Policy in headless Chromium: the coordinator and the admin walk the main pages — htmx tabs
and inline plan editing included — and the browser refuses nothing; the behaviour that left the markup for
static/js/portal.js (the year switch, the delete confirmation, progress bar widths) still works."""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from registry.models import Listing
from reports.assessments.models import Recalculation, ResultImport
from roadmaps.models import PlanStatus
from support.models import EventMaterial, EventSchool, SupportEvent
from tests.roadmaps.progress_builders import PDF, make_activity, make_plan, make_report, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]

# Chromium reports what a policy blocked both as a console error and as a securitypolicyviolation event; the event
# listener is added by Playwright before any page script, so the policy does not stop it.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def csp_watch(page):
    messages = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.add_init_script(WATCH_VIOLATIONS)

    def check():
        assert messages == []
        assert page.evaluate("window.__cspViolations") == []

    return check


def _visit(page, url, check, heading=None):
    response = page.goto(url)
    assert response.status == 200, url
    assert "default-src 'self'" in response.headers["content-security-policy"]
    if heading:
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    check()


@pytest.fixture
def plans(world):
    plan = make_plan(world.municipality, title="План Октябрьского района", status=PlanStatus.IN_PROGRESS)
    section = make_section(plan)
    done = make_activity(section, "15.03.2021", executors=[world.school], name="Семинар для директоров")
    make_activity(section, "15.03.2099", executors=[world.school], number="1.2", name="Диагностика педагогов")
    make_report(done, world.school)
    draft = make_plan(world.municipality, title="Черновик Октябрьского района", status=PlanStatus.DRAFT)
    return plan, draft


def test_the_coordinator_walks_the_main_pages_without_a_csp_violation(
    live_server, page, sign_in, world, coordinator, plans, csp_watch, output_path
):
    plan, draft = plans
    event = SupportEvent.objects.create(
        municipality=world.municipality, type="seminar", topic="Семинар по смысловому чтению", start=dt.date.today()
    )
    EventSchool.objects.create(event=event, school=world.school)
    material = EventMaterial(event=event, name="программа.pdf", kind="pdf", size=len(PDF))
    material.file.save("m.pdf", ContentFile(PDF), save=False)
    material.save()
    record = ResultImport.objects.create(user=coordinator, original_name="впр.xlsx", state=ResultImport.State.COMMITTED)
    Recalculation.objects.create(source=record, state=Recalculation.State.DONE, progress=100)

    page.goto(f"{live_server.url}/accounts/login/")
    csp_watch()
    sign_in("coordinator")
    csp_watch()
    url = live_server.url

    # The dashboard's year switch submits itself through portal.js, not an onchange= attribute.
    page.get_by_label("Учебный год").select_option("2020")
    page.wait_for_url(re.compile(r"year=2020"))
    csp_watch()

    _visit(page, f"{url}/registry/schools/", csp_watch, "Реестр школ")
    page.get_by_label("Статус").select_option("shnor")  # htmx swaps the table
    expect(page.locator("#registry-table tbody tr").first).to_be_visible()
    csp_watch()
    _visit(page, f"{url}/registry/schools/chemashi/", csp_watch)
    for tab in ("Результаты", "История изменений"):
        link = page.get_by_role("link", name=tab, exact=True)
        if link.count():
            link.first.click()
            page.wait_for_load_state("networkidle")
            csp_watch()
    _visit(page, f"{url}/registry/schools/chemashi/listings/", csp_watch)
    # Deleting a listing asks first (data-confirm in portal.js); declining keeps it.
    listings = Listing.objects.filter(school=world.school).count()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Удалить").first.click()
    page.wait_for_load_state("networkidle")
    assert Listing.objects.filter(school=world.school).count() == listings
    csp_watch()

    _visit(page, f"{url}/reports/results/", csp_watch)
    _visit(page, f"{url}/reports/results/import/{record.pk}/", csp_watch)
    width = page.locator(".progress-bar[data-width]").first.evaluate("bar => bar.style.width")
    assert width == "100%"
    _visit(page, f"{url}/reports/results/flags/", csp_watch)

    for path in ("pairings/", "pairings/diagram/", "events/", "events/calendar/", "consultations/"):
        _visit(page, f"{url}/support/{path}", csp_watch)
    page.screenshot(path=str(output_path / "coordinator-journal.png"), full_page=True)
    _visit(page, f"{url}/support/events/calendar/", csp_watch)
    page.screenshot(path=str(output_path / "coordinator-calendar.png"), full_page=True)
    _visit(page, f"{url}/support/events/{event.pk}/", csp_watch, "Семинар по смысловому чтению")
    _visit(page, f"{url}/support/schools/chemashi/teachers/", csp_watch)

    _visit(page, f"{url}/roadmaps/", csp_watch)
    _visit(page, f"{url}/roadmaps/{plan.pk}/", csp_watch)
    _visit(page, f"{url}/roadmaps/{plan.pk}/execution/", csp_watch)
    widths = page.locator(".progress-stacked .progress[data-width]").evaluate_all(
        "bars => bars.map(b => b.style.width)"
    )
    assert widths and all(width.endswith("%") for width in widths)
    page.screenshot(path=str(output_path / "coordinator-execution.png"), full_page=True)
    _visit(page, f"{url}/roadmaps/reviews/", csp_watch)
    _visit(page, f"{url}/roadmaps/import/", csp_watch)

    # Inline editing of the draft: htmx loads and swaps forms and rows without any inline script or style.
    _visit(page, f"{url}/roadmaps/{draft.pk}/edit/", csp_watch)
    _visit(page, f"{url}/roadmaps/{draft.pk}/", csp_watch)
    table = page.locator("#plan-activities")
    table.get_by_role("link", name="Добавить раздел").click()
    section_form = table.locator("form").filter(has=page.get_by_label("Родительский раздел"))
    section_form.get_by_label("Номер").fill("1.")
    section_form.get_by_label("Наименование").fill("Методическое сопровождение")
    section_form.get_by_role("button", name="Сохранить").click()
    expect(table.get_by_role("row", name=re.compile("Методическое сопровождение"))).to_be_visible()
    table.get_by_role("link", name="Добавить мероприятие в этот раздел").click()
    expect(table.get_by_label("Наименование мероприятия")).to_be_visible()
    page.wait_for_load_state("networkidle")
    csp_watch()
    page.screenshot(path=str(output_path / "coordinator-plan-editing.png"), full_page=True)

    _visit(page, f"{url}/accounts/password/change/", csp_watch)


def test_the_admin_pages_and_the_error_page_raise_no_csp_violation(
    live_server, page, sign_in, world, administrator, csp_watch, output_path
):
    sign_in("administrator")
    csp_watch()
    url = live_server.url
    for path in ("admin/", "admin/registry/school/", f"admin/registry/school/{world.school.pk}/change/"):
        _visit(page, f"{url}/{path}", csp_watch)
    # Forms with Django's own widgets: select2 autocompletes, calendars, raw ids, the permissions filter.
    for path in (
        "admin/registry/listing/add/",
        "admin/registry/pairing/add/",
        "admin/roadmaps/plan/add/",
        "admin/support/exportlog/",
        f"admin/accounts/user/{administrator.pk}/change/",
        "admin/accounts/user/",
    ):
        _visit(page, f"{url}/{path}", csp_watch)
    page.goto(f"{url}/admin/registry/listing/add/")
    page.locator(".select2-selection").first.click()  # opens the autocomplete dropdown
    expect(page.locator(".select2-search__field")).to_be_visible()
    page.wait_for_load_state("networkidle")
    csp_watch()
    page.screenshot(path=str(output_path / "admin-users.png"), full_page=True)
    response = page.goto(f"{url}/no-such-page/")
    assert response.status == 404
    page.wait_for_load_state("networkidle")
    csp_watch()
