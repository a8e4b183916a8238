"""Script payloads in every free-text field of the alliance come back escaped on every page that shows them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from buendnis.forms import AkteurForm
from tests.sicherheit.conftest import text_fields, vergifte
from tests.sicherheit.helpers import XSS_MARKERS, XSS_PAYLOADS, routes, url_for

ESCAPED = {
    XSS_PAYLOADS[0]: "&lt;script&gt;alert(1)&lt;/script&gt;",
    XSS_PAYLOADS[1]: "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
}


def assert_escaped(response, where: str):
    body = response.content.decode()
    for marker in XSS_MARKERS:
        assert marker not in body, f"unescaped payload {marker!r} on {where}"


def html_pages(client, objects):
    """GET every alliance page (lists, details, forms, dashboard) for these rows; yields the HTML answers."""
    for route in routes("buendnis"):
        url = url_for(route, objects)
        assert url is not None, f"{route}: no row for its URL parameters (see routes_ohne_modell.py)"
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield route, url, response


def test_every_text_field_of_every_alliance_model_is_covered(bestand):
    # Guards the fixture: a new model in buendnis without a row here would escape the XSS check.
    from django.apps import apps

    covered = set(bestand["a"])
    for model in apps.get_app_config("buendnis").get_models():
        if model.__name__.startswith("Historical") or model.__name__ in ("User", "Bereich"):
            continue
        # Audit records shown only in the superuser admin, which escapes every value.
        if model.__name__ in ("Importvorgang", "Mailversand"):
            continue
        if list(text_fields(model)):
            assert model in covered, f"{model.__name__} has text fields but no row in the XSS fixture"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("role", ["koordination", "mitglied", "kommune", "admin"])
def test_script_payload_in_every_text_field_is_rendered_escaped(scenario, bestand, payload, role):
    for obj in bestand["a"].values():
        vergifte(obj, payload)
    for name in ("mitglied", "kommune_a2"):
        vergifte(scenario.users[name], payload)
    client = scenario.client(role)
    seen = []
    for route, url, response in html_pages(client, bestand["a"]):
        assert_escaped(response, f"{route} ({url}) as {role}")
        if ESCAPED[payload] in response.content.decode():
            seen.append(route.name)
    # The payload really was on the pages (so "not found unescaped" means escaped, not missing).
    assert "dashboard" in seen or role == "admin"
    assert {"akteur-detail", "gremium-detail", "sitzung-detail"} <= set(seen)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_dashboard_escapes_payloads_for_every_role(scenario, bestand, payload, role_client, role):
    for obj in bestand["a"].values():
        vergifte(obj, payload)
    response = role_client.get(reverse("buendnis:dashboard"), follow=True)
    assert response.status_code == 200
    assert_escaped(response, f"dashboard as {role}")


def test_javascript_url_is_refused_as_website(scenario):
    form = AkteurForm(
        data={"name": "Träger X", "typ": "sonstige", "bereich": 1, "website": "javascript:alert(1)"},
        user=scenario.users["koordination"],
    )
    assert not form.is_valid()
    assert "website" in form.errors
