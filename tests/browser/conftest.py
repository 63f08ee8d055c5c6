import os

import pytest

# The sync Playwright API keeps an event loop running; Django's ORM refuses to run inside one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Chromium as the portal's users run it: in Russian (the file picker, dates and number formats)."""
    return {**browser_context_args, "locale": "ru-RU"}


@pytest.fixture
def sign_in(live_server, page):
    def sign_in_as(username: str, password: str = "correct-horse-battery-staple"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Имя пользователя").fill(username)
        page.get_by_label("Пароль").fill(password)
        page.get_by_role("button", name="Войти").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in_as


@pytest.fixture
def output_path(request, pytestconfig):
    """Screenshots of each journey's last page go to test-results/<test name>/ for a human to look at."""
    from pathlib import Path

    folder = Path(pytestconfig.rootpath) / "test-results" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
