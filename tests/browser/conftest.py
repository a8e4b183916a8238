"""Browser tests: Debian's Chromium driven by Playwright against Django's live server; axe-core for a11y."""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 15_000


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
        from playwright.sync_api import expect

        expect.set_options(timeout=TIMEOUT_MS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="de-DE", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


_DEMO_SNAPSHOT = {}


def _load_demo_data() -> None:
    """Loads the demo data once per run; later tests get a byte-for-byte copy of that database back.

    `demo_data` takes about ten seconds; SQLite's backup API restores its result in milliseconds, which keeps the
    browser suite within a few minutes. Other databases load the data every time.
    """
    import sqlite3

    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        call_command("demo_data", "--force", verbosity=0)
        return
    connection.ensure_connection()
    snapshot = _DEMO_SNAPSHOT.get(connection.settings_dict["NAME"])
    if snapshot is None:
        call_command("demo_data", "--force", verbosity=0)
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(snapshot)
        _DEMO_SNAPSHOT[connection.settings_dict["NAME"]] = snapshot
    else:
        snapshot.backup(connection.connection)


@pytest.fixture
def demo(django_db_serialized_rollback, transactional_db, settings):
    """The full demo data set, as `make run` loads it."""
    settings.DEBUG = False
    # The in-memory SQLite database of these tests refuses a second request at the same time ("database table is
    # locked"); the header's figures, fetched after each page, would race the next page. Unit tests cover them.
    settings.NAVIGATION_ZAHLEN_NACHLADEN = False
    _load_demo_data()
    return settings.DEMO_PASSWORD


@pytest.fixture
def login(page, live_server, demo):
    def do_login(username: str):
        page.goto(f"{live_server.url}/anmelden/")
        page.get_by_label("Benutzername").fill(username)
        page.get_by_label("Passwort").fill(demo)
        page.get_by_role("button", name="Anmelden").click()
        _wait_until_signed_in(page, live_server.url)
        return page

    return do_login


def _wait_until_signed_in(page, base_url: str) -> None:
    """The click only starts the navigation; wait until the signed-in page has replaced the login form."""
    from playwright.sync_api import expect

    expect(page).not_to_have_url(f"{base_url}/anmelden/")
    expect(page.get_by_role("button", name="Abmelden", include_hidden=True)).to_be_attached()
    page.wait_for_load_state("load")


@pytest.fixture
def as_user(browser, live_server, demo):
    """A fresh browser context per user, signed in: `page = as_user("koordination")`.

    Separate contexts keep the sessions apart, so a journey can switch between people without signing out.
    """
    contexts = []

    def sign_in(username: str):
        context = browser.new_context(
            locale="de-DE", viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{live_server.url}/anmelden/")
        page.get_by_label("Benutzername").fill(username)
        page.get_by_label("Passwort").fill(demo)
        page.get_by_role("button", name="Anmelden").click()
        _wait_until_signed_in(page, live_server.url)
        return page

    yield sign_in
    for context in contexts:
        context.close()


_AXE = []


def axe_violations(page) -> list:
    """WCAG 2.1 A/AA violations on the current page (axe-core, shipped inside axe-playwright-python)."""
    from axe_playwright_python.sync_playwright import Axe

    if not _AXE:
        _AXE.append(Axe())  # reads axe.min.js once
    results = _AXE[0].run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            # Only violations travel back to Python; passes and inapplicable rules are large and unused.
            "resultTypes": ["violations"],
        },
    )
    return results.response["violations"]
