"""The Land's map of NRW (issue 15): it renders from the server alone, passes axe-core, and its table alternative
holds the same figures as the map's titles."""

import os
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

LOKAL = {"127.0.0.1", "localhost"}


def _lokal(url: str) -> bool:
    teile = urlsplit(url)
    return teile.scheme in ("data", "blob", "about") or teile.hostname in LOKAL


@pytest.mark.parametrize("karte", ["ampel", "ziele", "erhebung_abgegeben", "bewilligt"])
def test_map_renders_locally_accessibly_and_matches_its_table(as_user, live_server, karte):
    page = as_user("land")
    anfragen: list[str] = []
    page.on("request", lambda r: anfragen.append(r.url))
    page.goto(f"{live_server.url}/berichte/land/?karte={karte}")
    page.wait_for_load_state("networkidle")

    expect(page.get_by_role("heading", name="Landesübersicht der Bündnisse")).to_be_visible()
    karte_svg = page.locator("svg.landkarte-svg")
    expect(karte_svg).to_be_visible()
    # All 53 Kreise and kreisfreie Städte are drawn; the demo's Bündnisse are links, filled by a class.
    expect(karte_svg.locator("path")).to_have_count(53)
    flaechen = karte_svg.locator("a.karte-flaeche")
    assert flaechen.count() >= 1
    gefuellt = flaechen.locator("path").evaluate_all("els => els.map(e => getComputedStyle(e).fill)")
    assert all(f and f != "none" for f in gefuellt), gefuellt
    box = karte_svg.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300

    # Nothing leaves the server: no tile server, no CDN.
    assert anfragen, "no request recorded"
    fremd = [u for u in anfragen if not _lokal(u)]
    assert fremd == [], fremd

    assert axe_violations(page) == []

    # The table right below holds the same figure as each area's title.
    titel = flaechen.evaluate_all(
        "els => els.map(e => [e.dataset.buendnis, e.querySelector('title').textContent.trim()])"
    )
    for buendnis_id, text in titel:
        zeile = page.locator(f"tr[data-buendnis='{buendnis_id}']")
        name = " ".join(zeile.locator("th").inner_text().split())
        wert = " ".join(zeile.locator(f"td[data-spalte='{karte}']").inner_text().split())
        assert text == f"{name}: {wert}"

    if os.environ.get("LANDKARTE_BILD"):
        page.screenshot(path=os.environ["LANDKARTE_BILD"].replace(".png", f"-{karte}.png"), full_page=True)


def test_pointing_at_an_area_marks_its_row(as_user, live_server):
    page = as_user("land")
    page.goto(f"{live_server.url}/berichte/land/")
    flaeche = page.locator("svg.landkarte-svg a.karte-flaeche").first
    buendnis_id = flaeche.get_attribute("data-buendnis")
    flaeche.hover()
    expect(page.locator(f"tr[data-buendnis='{buendnis_id}']")).to_have_class("hervorgehoben")
