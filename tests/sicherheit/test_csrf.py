"""Every write needs the CSRF token: a POST without it is refused with 403 and writes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.sicherheit.helpers import routes, snapshot, url_for

APP_NAMESPACES = ["buendnis", "angebote", "bedarf", "foerderung", "berichte"]


def all_routes():
    for namespace in APP_NAMESPACES:
        yield from routes(namespace)


@pytest.mark.parametrize("route", list(all_routes()), ids=str)
def test_no_view_is_exempt_from_csrf(route):
    assert not getattr(route.callback, "csrf_exempt", False), f"{route} is csrf_exempt"


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
