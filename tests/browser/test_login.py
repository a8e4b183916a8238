"""Every demo user signs in and reaches a dashboard for its role; the pages pass axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

DEMO_USERS = [
    "koordination",
    "kommune-neuss",
    "kommune-dormagen",
    "mitglied",
    "auswertung",
    "koordination-duesseldorf",
    "land",
    "admin",
]


@pytest.mark.parametrize("username", DEMO_USERS)
def test_demo_user_logs_in_and_sees_dashboard(login, username):
    page = login(username)
    expect(page.get_by_role("heading", level=1).first).to_have_text(re.compile(r"Übersicht$"))
    expect(page.get_by_role("navigation", name="Hauptnavigation")).to_be_visible()
    violations = axe_violations(page)
    gefunden = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert gefunden == [], f"{username}: axe-core violations on the dashboard: {gefunden}"


def test_login_page_is_accessible_and_rejects_wrong_password(page, live_server, demo):
    page.goto(f"{live_server.url}/anmelden/")
    assert axe_violations(page) == []
    page.get_by_label("Benutzername").fill("koordination")
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("alert")).to_be_visible()  # waits for the answer to the POST
    expect(page).to_have_url(re.compile(r"/anmelden/"))
    expect(page.get_by_label("Benutzername")).to_have_value("koordination")
