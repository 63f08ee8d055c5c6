"""Content-Security-Policy: every response carries the strict policy, and the pages themselves need nothing it
forbids — no inline <script> or <style>, no on…= handler, no style= attribute (the browser would refuse them)."""

from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path, reverse

from shnor_portal import urls as portal_urls

from .world_objects import roadmaps_object, support_object

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"
PERSONAS = ["coordinator", "principal", "mentor", "inspector", "regional", "outsider", "administrator"]


def directives(response) -> dict[str, list[str]]:
    assert HEADER in response, f"no {HEADER} header on {response.request['PATH_INFO']}"
    policy = {}
    for part in response[HEADER].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def assert_strict_policy(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'none'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


class InlineCode(HTMLParser):
    """Collects what a strict policy blocks: inline scripts and styles, event handler and style attributes,
    javascript: links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def assert_csp_clean(response):
    assert_strict_policy(response)
    if response.get("Content-Type", "").startswith("text/html"):
        assert inline_code(response.content.decode()) == []


@pytest.fixture
def objects(world):
    """The objects the main pages are about: chemashi's pairing, an event with a material, a plan in progress with
    an activity chemashi reports on, and a draft school plan."""
    return {
        "pairing": support_object(world, "pairing"),
        "event": support_object(world, "event"),
        "material": support_object(world, "material"),
        "plan": roadmaps_object(world, "plan"),
        "activity": roadmaps_object(world, "activity"),
        "evidence": roadmaps_object(world, "evidence"),
        "draft": roadmaps_object(world, "draft"),
    }


def main_pages(objects):
    return [
        reverse("dashboard"),
        reverse("registry:school-list"),
        reverse("registry:school-detail", args=["chemashi"]),
        reverse("registry:school-tab", args=["chemashi", "profile"]),
        reverse("registry:school-tab", args=["chemashi", "years"]),
        reverse("registry:school-tab", args=["chemashi", "results"]),
        reverse("registry:school-tab", args=["chemashi", "history"]),
        reverse("registry:school-tab", args=["chemashi", "mentoring"]),
        reverse("reports:school-results-tab", args=["chemashi"]),
        reverse("support:school-mentoring-tab", args=["chemashi"]),
        reverse("reports:results-list"),
        reverse("reports:flags"),
        reverse("reports:indicator-list") + "?show=all",
        reverse("reports:indicator-detail", args=["LOW_RESULTS_SHARE"]),
        reverse("reports:indicator-adopt", args=["oktyabrsky"]),
        reverse("support:pairing-list"),
        reverse("support:pairing-diagram"),
        reverse("support:pairing-detail", args=[objects["pairing"].pk]),
        reverse("support:event-list"),
        reverse("support:event-calendar"),
        reverse("support:consultation-journal"),
        reverse("support:event-detail", args=[objects["event"].pk]),
        reverse("support:teacher-list", args=["chemashi"]),
        reverse("roadmaps:plan-list"),
        reverse("roadmaps:plan-detail", args=[objects["plan"].pk]),
        reverse("roadmaps:plan-execution", args=[objects["plan"].pk]),
        reverse("roadmaps:activity-detail", args=[objects["activity"].pk]),
        reverse("roadmaps:plan-edit", args=[objects["draft"].pk]),
        reverse("roadmaps:plan-import"),
        reverse("roadmaps:my-tasks"),
        reverse("roadmaps:report-reviews"),
        reverse("roadmaps:school-risk-activities", args=["chemashi"]),
        reverse("reports:activity-indicators", args=[objects["activity"].pk]),
        reverse("reports:municipality-comparison"),
        reverse("registry:school-tab", args=["chemashi", "risks"]),
        reverse("password-change"),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_sends_the_strict_policy_on_every_main_page_of_every_persona(request, persona, objects, client_for):
    client = client_for(request.getfixturevalue(persona))
    statuses = set()
    for url in main_pages(objects):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):  # the full page and the htmx fragment
            response = client.get(url, **headers)
            statuses.add(response.status_code)
            assert_csp_clean(response)
    assert 200 in statuses


def test_the_login_and_password_reset_pages_are_clean_too(client, world):
    for url in (reverse("login"), reverse("password-reset")):
        response = client.get(url)
        assert response.status_code == 200
        assert_csp_clean(response)


def test_a_redirect_and_a_file_download_carry_the_policy(client, objects, coordinator):
    response = client.get(reverse("dashboard"))  # anonymous: the redirect to the login page
    assert response.status_code == 302
    assert_strict_policy(response)
    client.force_login(coordinator)
    response = client.get(reverse("support:material-download", args=[objects["material"].pk]))
    assert response.status_code == 200
    assert_strict_policy(response)


def test_the_admin_pages_are_clean(administrator, client_for, world):
    client = client_for(administrator)
    for url in (
        reverse("admin:index"),
        reverse("admin:registry_school_changelist"),
        reverse("admin:registry_school_change", args=[world.school.pk]),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:roadmaps_plan_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_csp_clean(response)


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("a deliberate failure of the CSP test")


# The portal's own URLs plus two that fail on purpose: the error templates link back to the dashboard.
urlpatterns = [path("forbidden/", _forbidden), path("broken/", _broken), *portal_urls.urlpatterns]


@pytest.mark.urls(__name__)
def test_the_error_pages_carry_the_policy_and_no_inline_style(settings, world):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    for url, status in (("/forbidden/", 403), ("/missing/", 404), ("/broken/", 500)):
        response = client.get(url)
        assert response.status_code == status
        assert_strict_policy(response)
    assert inline_code(render_to_string("500.html")) == []
    assert inline_code(render_to_string("403.html")) == []


def test_the_htmx_config_asks_for_no_inline_style_eval_or_scripts(client, world):
    html = client.get(reverse("login")).content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "allowEval": false, ' in html
    assert '"allowScriptTags": false}' in html


def test_no_template_holds_what_the_policy_blocks(settings):
    """Every template, rendered by a test above or not: the policy would silently break any of these in a browser."""
    import re

    blocked = re.compile(
        r"<style|<script(?![^>]*\bsrc=)|\sstyle\s*=|\son[a-z]+\s*=|javascript:|\bhx-on|\|\s*safe\b|autoescape off",
        re.IGNORECASE,
    )
    plain_text_mail = {"reminder_email.txt", "password_reset.txt"}  # autoescape off is right for a text e-mail
    found = []
    for template in sorted((settings.BASE_DIR / "templates").rglob("*.*")):
        if template.name in plain_text_mail:
            continue
        for number, line in enumerate(template.read_text().splitlines(), 1):
            if blocked.search(line):
                found.append(f"{template.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    assert found == []
