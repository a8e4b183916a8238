"""The public pages on a phone (issue 16): no horizontal scrolling at 390 and 320 px, no axe-core violation, in
German and in Arabic (right to left); the filter panel opens behind one button and the Kommune list follows the
Kreis. One browser context per language, few page loads."""

from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from angebote.models import Angebot
from buendnis.models import Ansprechperson
from tests.browser.conftest import TIMEOUT_MS, axe_violations

BREITEN = (390, 320)


def _vorbereiten() -> Angebot:
    """A published demo offer with every way to take part, an Arabic translation and long words."""
    angebot = Angebot.objects.oeffentlich().select_related("traeger").order_by("pk").first()
    assert angebot is not None, "the demo data hold no published offer"
    person = Ansprechperson.objects.create(
        akteur=angebot.traeger,
        name="Erika Beraterin",
        telefon="02131 123456",
        email="eine.sehr.lange.adresse.fuer.die.beratung@beispiel-bildungstraeger.example.org",
        oeffentlich=True,
    )
    Angebot.objects.filter(pk=angebot.pk).update(
        kontakt_name="Bildungsberatung im Integrationszentrum",
        kontakt_telefon="+49 2131 90 12 34",
        kontakt_email="anmeldung.integrationskurse@volkshochschule-beispielstadt.example.org",
        anmeldung_url="https://example.org/anmeldung/integrationskurse/sommersemester?kurs=deutsch-a1-abend",
        adresse="Oberstraße 110–124",
        plz="41460",
        ort="Neuss",
        online=True,
        zeiten="Mo–Do 9–12 Uhr, freitags nach Vereinbarung",
        anmeldung_hinweis="Einfach vorbeikommen oder anrufen",
        ansprechperson=person,
    )
    angebot.refresh_from_db()
    angebot.set_current_language("ar")
    angebot.titel_uebersetzt = "دورة اللغة الألمانية للشباب"
    angebot.beschreibung_uebersetzt = "تعلم اللغة الألمانية في مجموعات صغيرة مع رعاية الأطفال."
    angebot.save_translations()
    return angebot


def _pruefen(page, url: str, name: str, verstoesse: dict, *, filter_oeffnen: bool = False) -> None:
    page.set_viewport_size({"width": BREITEN[0], "height": 800})
    page.goto(url)
    page.wait_for_load_state("load")
    if filter_oeffnen:
        page.locator("#filter > summary").click()
        expect(page.locator("#filter")).to_have_attribute("open", "")
        # The first filter (its label is translated; the field keeps its name).
        expect(page.locator('select[name="buendnis"]')).to_be_visible()
    for breite in BREITEN:
        page.set_viewport_size({"width": breite, "height": 800})
        breiten = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert breiten[0] <= breiten[1], f"{name} at {breite} px: {breiten[0]} px wide"
    page.set_viewport_size({"width": BREITEN[0], "height": 800})
    gefunden = axe_violations(page)
    if gefunden:
        verstoesse[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in gefunden]


@pytest.mark.parametrize("sprache", ["de", "ar"])
def test_public_pages_fit_a_phone_and_have_no_axe_violations(browser, live_server, demo, sprache):
    angebot = _vorbereiten()
    context = browser.new_context(locale="de-DE", viewport={"width": BREITEN[0], "height": 800})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    base = live_server.url
    try:
        # The language is chosen with the switcher (a cookie), as a visitor does.
        page.goto(f"{base}/")
        if sprache != "de":
            page.locator(f'button[name="language"][value="{sprache}"]').click()
            page.wait_for_load_state("load")
        richtung = "rtl" if sprache == "ar" else "ltr"
        expect(page.locator("html")).to_have_attribute("dir", richtung)
        expect(page.locator("html")).to_have_attribute("lang", sprache)

        verstoesse: dict = {}
        _pruefen(page, f"{base}/", "start", verstoesse)
        _pruefen(page, f"{base}/katalog/", "katalog", verstoesse)
        # Results come first on a phone: the filters are behind one closed button.
        expect(page.locator("#filter")).not_to_have_attribute("open", "")
        kreis = angebot.buendnis_id
        _pruefen(
            page,
            f"{base}/katalog/?{urlencode({'buendnis': kreis})}",
            "filter",
            verstoesse,
            filter_oeffnen=True,
        )
        _pruefen(page, f"{base}/katalog/{angebot.pk}/", "detail", verstoesse)
        assert verstoesse == {}, verstoesse

        # The offer in the chosen language, and the way to take part on the phone.
        if sprache == "ar":
            expect(page.get_by_role("heading", level=1)).to_have_text("دورة اللغة الألمانية للشباب")
        else:
            expect(page.get_by_role("heading", level=1)).to_have_text(angebot.titel)
        expect(page.locator('a[href="tel:+492131901234"]')).to_be_visible()
        expect(page.locator('a[href^="mailto:anmeldung.integrationskurse@"]')).to_be_visible()
        expect(page.locator('a[href^="https://www.openstreetmap.org/search?query="]')).to_be_visible()
    finally:
        context.close()


def test_kommune_list_follows_the_kreis_without_reloading(page, live_server, demo):
    page.goto(f"{live_server.url}/katalog/")
    # At desk width (1280 px) the panel is open already.
    expect(page.locator("#filter")).to_have_attribute("open", "")
    kreis = page.get_by_label("Wo? Kreis oder Stadt")
    kommune = page.get_by_label("Wo? Ort")
    alle = kommune.locator("option").count()
    kreis.select_option(label="Rhein-Kreis Neuss")
    # Only the Kommunen of that Kreis, without groups; "alle" stays first.
    expect(kommune.locator("optgroup")).to_have_count(0)
    nachher = kommune.locator("option").count()
    assert 2 <= nachher < alle
    assert kommune.locator("option").first.inner_text() == "alle"
    kreis.select_option("")
    expect(kommune.locator("option")).to_have_count(alle)
