"""Browser tests: Debian's Chromium driven by Playwright against Django's live server; axe-core for a11y."""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's Chromium is missing (/usr/bin/chromium); .ci/run installs it with apt-get.")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="de-DE", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def demo(django_db_serialized_rollback, transactional_db, settings):
    """The full demo data set, as `make run` loads it."""
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("demo_data", "--force", verbosity=0)
    return settings.DEMO_PASSWORD


@pytest.fixture
def login(page, live_server, demo):
    def do_login(username: str):
        page.goto(f"{live_server.url}/anmelden/")
        page.get_by_label("Benutzername").fill(username)
        page.get_by_label("Passwort").fill(demo)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_load_state("networkidle")
        return page

    return do_login


def axe_violations(page) -> list:
    """WCAG 2.1 A/AA violations on the current page (axe-core, shipped inside axe-playwright-python)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    return results.response["violations"]
