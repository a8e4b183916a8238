"""The select-all checkbox of bulk-action tables (`static/js/sammelauswahl.js`) in Chromium: the offer list's bulk
form and the reminder table of a survey round."""

from pathlib import Path

from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from tests.angebote.factories import AngebotFactory
from tests.bedarf.conftest import erhebung  # noqa: F401
from tests.bedarf.test_sammelerinnerung import runde  # noqa: F401


def test_select_all_is_revealed_by_script_and_operated_by_keyboard(browser, scenario, runde):  # noqa: F811
    """Chromium on the rendered page with `static/js/sammelauswahl.js`: Space on the header checkbox ticks every
    row, a row ticked off makes it "partly selected", without JavaScript it stays hidden."""
    for titel in ("Kurs A", "Kurs B"):
        AngebotFactory(
            buendnis=scenario.a,
            titel=titel,
            traeger=scenario.akteur_a,
            kommunen=[scenario.a1],
            zur_pruefung=True,
        )
    client = scenario.client("koordination")
    seiten = {
        "kommune": client.get(runde.get_absolute_url()).content.decode(),
        "auswahl": client.get(reverse("angebote:angebot-list")).content.decode(),
    }
    skript = Path(settings.BASE_DIR) / "static" / "js" / "sammelauswahl.js"
    for name, html in seiten.items():
        page = browser.new_page()
        page.set_content(html)
        page.add_script_tag(path=str(skript))
        alle = page.get_by_role("checkbox", name="Alle auf dieser Seite auswählen")
        zeilen = page.locator(f'tbody input[type="checkbox"][name="{name}"]')
        assert zeilen.count() == 2, name
        expect(alle).to_be_visible()
        alle.focus()
        page.keyboard.press("Space")
        for i in range(2):
            expect(zeilen.nth(i)).to_be_checked()
        zeilen.nth(0).focus()
        page.keyboard.press("Space")
        expect(alle).not_to_be_checked()
        assert alle.evaluate("e => e.indeterminate") is True
        alle.focus()
        page.keyboard.press("Space")
        for i in range(2):
            expect(zeilen.nth(i)).to_be_checked()
        page.keyboard.press("Space")
        for i in range(2):
            expect(zeilen.nth(i)).not_to_be_checked()
        page.close()
        ohne_js = browser.new_context(java_script_enabled=False)
        page = ohne_js.new_page()
        page.set_content(html)
        expect(page.get_by_role("checkbox", name="Alle auf dieser Seite auswählen")).to_be_hidden()
        expect(page.locator(f'tbody input[type="checkbox"][name="{name}"]').first).to_be_visible()
        ohne_js.close()
