"""Journey: a Kommune enters an offer with access per residence status, the coordination publishes it, and it
appears in the public catalogue without login."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import field

TITEL = "Sprachcafé Neuss-Nord (Browsertest)"


def test_kommune_enters_offer_koordination_publishes_it_and_public_catalogue_shows_it(
    as_user, browser, live_server
):
    from angebote.models import Angebot, AngebotStatus, ZugangArt

    # The Kommune enters the offer through the navigation.
    kommune = as_user("kommune-neuss")
    nav = kommune.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("button", name="Angebote", exact=True).click()
    nav.get_by_role("link", name="Neues Angebot").click()
    expect(kommune).to_have_url(re.compile(r"/angebote/neu/$"))
    expect(kommune.get_by_role("heading", level=1)).to_have_text("Neues Angebot")

    field(kommune, "Titel").fill(TITEL)
    field(kommune, "Beschreibung").fill("Offener Treff zum Deutschsprechen, dienstags 17 Uhr.")
    field(kommune, "Kategorie").select_option(label="Deutschförderung")
    field(kommune, "Träger").select_option(index=1)
    kommune.get_by_label("Neuss", exact=True).check()
    field(kommune, "Plätze je Durchgang").fill("12")
    # How a young person takes part: publishing refuses an offer without it.
    field(kommune, "Kontakt (Person oder Stelle)").fill("Integrationsbüro Neuss")
    field(kommune, "Telefon").fill("02131 90-1234")
    field(kommune, "Straße und Hausnummer").fill("Markt 2")
    field(kommune, "Postleitzahl").fill("41460")
    field(kommune, "Ort").fill("Neuss")
    field(kommune, "Öffnungs- oder Kurszeiten").fill("dienstags 17–19 Uhr")
    kommune.get_by_label("Zugang für Gestattung", exact=True).select_option(label="offen")
    kommune.get_by_label("Zugang für Duldung", exact=True).select_option(label="mit Einschränkung")
    kommune.get_by_label("Bedingung für Duldung", exact=True).fill(
        "nach Rücksprache mit der Ausländerbehörde"
    )
    kommune.get_by_label("Zugang für Beschäftigungsduldung", exact=True).select_option(
        label="nicht zugänglich"
    )
    kommune.get_by_label("Öffnung möglich für Beschäftigungsduldung", exact=True).check()
    kommune.get_by_role("button", name="Speichern", exact=True).click()

    expect(kommune).to_have_url(re.compile(r"/angebote/\d+/$"))
    expect(kommune.get_by_role("heading", level=1)).to_have_text(TITEL)
    expect(kommune.get_by_role("status").filter(has_text="Entwurf angelegt")).to_be_visible()
    zugang = kommune.get_by_role("table", name="Zugang nach Aufenthaltsstatus")
    expect(zugang.get_by_role("row", name=re.compile(r"^Duldung")).first).to_contain_text(
        "nach Rücksprache mit der Ausländerbehörde"
    )

    kommune.get_by_role("button", name="Zur Prüfung einreichen").click()
    expect(kommune.get_by_role("status").filter(has_text="ist zur Prüfung eingereicht")).to_be_visible()
    angebot = Angebot.objects.get(titel=TITEL)
    assert angebot.status == AngebotStatus.ZUR_PRUEFUNG
    zugaenge = {z.status.code: z for z in angebot.zugaenge.select_related("status")}
    assert zugaenge["gestattung"].art == ZugangArt.OFFEN
    assert zugaenge["duldung"].art == ZugangArt.EINGESCHRAENKT
    assert zugaenge["beschaeftigungsduldung"].oeffnung_moeglich is True

    # Not public yet.
    anonym = browser.new_context(locale="de-DE").new_page()
    anonym.goto(f"{live_server.url}/katalog/?q=Sprachcaf%C3%A9+Neuss-Nord")
    expect(anonym.get_by_role("status")).to_contain_text("0 Angebote gefunden")

    # The coordination finds it in the catalogue and publishes it.
    koordination = as_user("koordination")
    koordination.goto(f"{live_server.url}/angebote/")
    koordination.get_by_label("Suche (Titel, Beschreibung, Träger)").fill("Sprachcafé Neuss-Nord")
    koordination.get_by_role("button", name="Filtern").click()
    koordination.wait_for_load_state()
    koordination.get_by_role("link", name=TITEL).click()
    expect(koordination.get_by_role("heading", level=1)).to_have_text(TITEL)
    koordination.get_by_role("button", name="Veröffentlichen", exact=True).click()
    expect(koordination.get_by_role("status").filter(has_text="ist veröffentlicht")).to_be_visible()
    angebot.refresh_from_db()
    assert angebot.status == AngebotStatus.VEROEFFENTLICHT

    # Anyone can now find it in the public catalogue, with its access per residence status.
    anonym.goto(f"{live_server.url}/katalog/")
    anonym.get_by_label("Suche", exact=True).fill("Sprachcafé Neuss-Nord")
    anonym.get_by_role("button", name="Suchen").click()
    expect(anonym.get_by_role("status")).to_contain_text("1 Angebot gefunden")
    anonym.get_by_role("link", name=TITEL).click()
    expect(anonym).to_have_url(re.compile(r"/katalog/\d+/$"))
    expect(anonym.get_by_role("heading", level=1)).to_have_text(TITEL)
    expect(anonym.get_by_text("nach Rücksprache mit der Ausländerbehörde")).to_be_visible()
    # One tap to call, and the way there.
    expect(anonym.get_by_role("link", name=re.compile("Anrufen"))).to_have_attribute(
        "href", "tel:02131901234"
    )
    expect(anonym.get_by_role("link", name=re.compile("Weg dorthin"))).to_have_attribute(
        "href", re.compile(r"^https://www\.openstreetmap\.org/search\?query=Markt")
    )
    expect(anonym.get_by_text("dienstags 17–19 Uhr")).to_be_visible()
    expect(anonym.get_by_role("link", name="Anmelden (für Fachkräfte)")).to_be_visible()
    anonym.context.close()
