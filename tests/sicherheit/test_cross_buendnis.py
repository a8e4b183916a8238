"""Every alliance URL that names a row answers 404 for a row of another Bündnis, by GET and by POST, and
writes nothing. Discovered from buendnis/urls.py, so new URLs are covered without editing this file."""

from __future__ import annotations

import pytest

from tests.sicherheit.helpers import routes, snapshot, url_for

ROW_ROUTES = [r for r in routes("buendnis") if r.params]

# Plausible form data for any alliance form, so a POST that got past the scope check would write.
POST_DATA = {
    "name": "gekapert",
    "titel": "gekapert",
    "text": "gekapert",
    "beschreibung": "gekapert",
    "status": "erledigt",
    "notiz": "gekapert",
    "art": "forum",
    "format": "arbeitsgruppe",
    "typ": "sonstige",
    "bereich": "1",
    "rang": "1",
    "funktion": "mitglied",
    "beginn": "2030-01-01T10:00",
    "datum": "2030-01-01",
    "kommentar": "gekapert",
    "aufgaben-TOTAL_FORMS": "0",
    "aufgaben-INITIAL_FORMS": "0",
}


def probe_all(client, objects) -> list[str]:
    """GET and POST every row URL with the given rows; the list of answers that were not a 404."""
    wrong = []
    for route in ROW_ROUTES:
        url = url_for(route, objects)
        assert url is not None, f"{route}: no row for its URL parameters (see routes_ohne_modell.py)"
        # POST-only URLs answer GET with 405 before looking at the row, which reveals nothing either.
        status = client.get(url).status_code
        if status not in (404, 405):
            wrong.append(f"GET {url} ({route}) -> {status}")
        status = client.post(url, POST_DATA).status_code
        if status != 404:
            wrong.append(f"POST {url} ({route}) -> {status}")
    return wrong


def test_alliance_urls_with_rows_are_discovered():
    names = {r.name for r in ROW_ROUTES}
    assert {"akteur-detail", "akteur-update", "sitzung-detail", "top-create", "dokument-download"} <= names


@pytest.mark.parametrize("role", ["koordination", "kommune", "mitglied", "auswertung"])
def test_rows_of_other_buendnis_are_404_by_get_and_post_and_nothing_changes(scenario, bestand, role):
    before = snapshot()
    assert probe_all(scenario.client(role), bestand["b"]) == []
    assert snapshot() == before


def test_other_buendnis_cannot_reach_rows_of_the_first(scenario, bestand):
    # The same in the other direction, for the coordination of Bündnis b.
    before = snapshot()
    assert probe_all(scenario.client("koordination_b"), bestand["a"]) == []
    assert snapshot() == before


def test_probe_notices_a_reachable_row(scenario, bestand):
    # The counter-check: the same probe against the user's own rows reports them.
    wrong = probe_all(scenario.client("koordination"), bestand["a"])
    assert any("akteur-update" in line for line in wrong)
