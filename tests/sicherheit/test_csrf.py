"""Every write needs the CSRF token: a POST without it is refused with 403 and writes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.sicherheit.helpers import all_routes, dummy_url, routes, snapshot, url_for


@pytest.mark.parametrize("route", all_routes(), ids=str)
def test_no_view_is_exempt_from_csrf(route):
    assert not getattr(route.callback, "csrf_exempt", False), f"{route} is csrf_exempt"


def test_all_apps_are_discovered():
    namespaces = {r.namespace for r in all_routes()}
    assert {"buendnis", "angebote", "bedarf", "foerderung", "berichte"} <= namespaces


@pytest.mark.parametrize("role", ["koordination", "kommune", "land"])
def test_post_without_csrf_token_to_every_url_of_every_app_is_403(scenario, role):
    # Other apps' rows are not built here: placeholder ids suffice, the CSRF check runs before the view.
    client = Client(enforce_csrf_checks=True)
    client.force_login(scenario.users[role])
    before = snapshot()
    wrong = []
    for route in all_routes():
        url = dummy_url(route)
        response = client.post(url, {"name": "ohne Token", "titel": "ohne Token"})
        if response.status_code != 403:
            wrong.append(f"{url} ({route}) -> {response.status_code}")
    assert wrong == []
    assert snapshot() == before


def test_anonymous_post_without_csrf_token_is_403_too(db):
    client = Client(enforce_csrf_checks=True)
    wrong = [str(r) for r in all_routes() if client.post(dummy_url(r)).status_code != 403]
    assert wrong == []


def test_post_without_csrf_token_to_every_alliance_url_is_403(scenario, bestand):
    client = Client(enforce_csrf_checks=True)
    client.force_login(scenario.users["koordination"])
    before = snapshot()
    wrong = []
    for route in routes("buendnis"):
        url = url_for(route, bestand["a"])
        assert url is not None, f"{route}: no row for its URL parameters (see routes_ohne_modell.py)"
        response = client.post(url, {"name": "ohne Token", "titel": "ohne Token", "text": "ohne Token"})
        if response.status_code != 403:
            wrong.append(f"{url} ({route}) -> {response.status_code}")
    assert wrong == []
    assert snapshot() == before


def test_post_with_csrf_token_is_accepted(scenario):
    # The counter-check: the same client with the token from the form gets through.
    client = Client(enforce_csrf_checks=True)
    client.force_login(scenario.users["koordination"])
    page = client.get("/gremien/neu/")
    token = page.context["csrf_token"]
    response = client.post(
        "/gremien/neu/",
        {
            "csrfmiddlewaretoken": str(token),
            "art": "forum",
            "name": "Mit Token",
            "format": "arbeitsgruppe",
            "status": "vorgeschlagen",
        },
    )
    assert response.status_code == 302


def test_login_form_needs_csrf_token(scenario):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/anmelden/", {"username": "koord", "password": "test-passwort-123"})
    assert response.status_code == 403


def test_admin_and_language_switch_need_the_csrf_token_too(scenario):
    """all_routes() leaves out admin/ and i18n/; their writes are guarded the same way."""
    from django.conf import settings

    client = Client(enforce_csrf_checks=True)
    client.force_login(scenario.users["admin"])
    urls = [
        "/admin/login/",
        "/admin/logout/",
        "/admin/buendnis/gremium/add/",
        "/admin/buendnis/user/add/",
        f"/admin/buendnis/user/{scenario.users['kommune'].pk}/change/",
        f"/admin/buendnis/user/{scenario.users['kommune'].pk}/delete/",
        "/admin/axes/accessattempt/",
        "/i18n/setlang/",
    ]
    before = snapshot()
    wrong = []
    for url in urls:
        response = client.post(url, {"post": "yes", "language": "en", "username": "x", "name": "ohne Token"})
        if response.status_code != 403:
            wrong.append(f"{url} -> {response.status_code}")
    assert wrong == []
    assert snapshot() == before
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


CSRF_FEHLER_VIEW = "buendnis.views_konto.csrf_fehler"


@pytest.mark.parametrize("role", [None, "kommune"])
def test_refused_form_gets_a_german_page_without_inline_styles(scenario, settings, role):
    from tests.sicherheit.test_csp_templates import offences

    settings.CSRF_FAILURE_VIEW = CSRF_FEHLER_VIEW
    client = Client(enforce_csrf_checks=True)
    if role:
        client.force_login(scenario.users[role])
    before = snapshot()
    response = client.post("/gremien/neu/" if role else "/anmelden/", {"name": "ohne Token"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "Formular abgelaufen" in text
    assert "Ihre Eingaben wurden nicht gespeichert" in text
    assert "CSRF verification failed" not in text
    assert "Ihr Browser hat kein Sicherheits-Cookie mitgeschickt" in text
    assert offences(text) == []
    assert "'self'" in response["Content-Security-Policy"]
    assert snapshot() == before


def test_refused_form_with_cookie_does_not_blame_the_cookies(scenario, settings):
    settings.CSRF_FAILURE_VIEW = CSRF_FEHLER_VIEW
    client = Client(enforce_csrf_checks=True)
    client.get("/anmelden/")  # sets the CSRF cookie
    response = client.post("/anmelden/", {"csrfmiddlewaretoken": "x" * 64, "username": "koord"})
    assert response.status_code == 403
    assert "Formular abgelaufen" in response.content.decode()
    assert "Sicherheits-Cookie" not in response.content.decode()


def test_the_settings_use_the_german_csrf_page(db):
    response = Client(enforce_csrf_checks=True).post("/anmelden/", {"username": "koord"})
    assert response.status_code == 403
    assert "Formular abgelaufen" in response.content.decode()
