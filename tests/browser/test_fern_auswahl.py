"""The remote-searched selects (Land catalogue filter, follow-up offers) in a real browser: keyboard, axe."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import field


def test_land_searches_the_buendnis_by_keyboard(as_user, live_server):
    from buendnis.models import Buendnis
    from tests.browser.conftest import axe_violations

    ziel = Buendnis.objects.order_by("-name").first()
    andere = Buendnis.objects.exclude(pk=ziel.pk).order_by("name").first()
    page = as_user("land")
    page.goto(f"{live_server.url}/angebote/")
    assert page.locator("select[name=buendnis] option").count() == 1
    suche = field(page, "Bündnis")
    expect(suche).to_have_attribute("role", "combobox")
    suche.focus()  # loads the first options
    liste = page.get_by_role("listbox", name="Vorschläge")
    expect(liste.get_by_role("option", name=andere.name)).to_be_visible()
    suche.press_sequentially("zzqx")
    expect(page.get_by_text("Keine Treffer")).to_be_visible()
    suche.fill("")
    suche.press_sequentially(ziel.name[:5])
    expect(liste.get_by_role("option", name=ziel.name)).to_be_visible()
    suche.press("Enter")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Filtern").click()
    expect(page).to_have_url(re.compile(rf"buendnis={ziel.pk}"))
    expect(page.locator("select[name=buendnis] option[selected]")).to_have_text(ziel.name)
    expect(page.get_by_role("status").first).to_contain_text("gefunden")


def test_follow_up_offers_searched_remotely_and_saved(as_user, live_server):
    from angebote.models import Angebot, AngebotStatus
    from buendnis.models import User
    from tests.browser.test_auswahl import _entwurf_und_ziel

    entwurf, _ziel = _entwurf_und_ziel()
    user = User.objects.get(username="kommune-neuss")
    vorlage = Angebot.objects.filter(buendnis_id=user.buendnis_id).first()
    Angebot.objects.bulk_create(
        Angebot(
            buendnis_id=user.buendnis_id,
            kennung=f"H7-{i}",
            titel=f"Zzfern Kurs {i:02d}",
            traeger_id=vorlage.traeger_id,
            kategorie_id=vorlage.kategorie_id,
            kreisweit=True,
            status=AngebotStatus.VEROEFFENTLICHT,
        )
        for i in range(80)
    )
    page = as_user("kommune-neuss")
    page.goto(f"{live_server.url}/angebote/{entwurf.pk}/bearbeiten/")
    assert page.locator("select[name=anschlussangebote][data-quelle]").count() == 1
    suche = field(page, "Anschlussangebote")
    suche.click()
    suche.press_sequentially("Zzfern Kurs 77")
    liste = page.get_by_role("listbox", name="Vorschläge")
    expect(liste.get_by_role("option", name=re.compile("Zzfern Kurs 77"))).to_be_visible()
    suche.press("Enter")
    suche.press("Escape")
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/angebote/{entwurf.pk}/$"))
    assert entwurf.anschlussangebote.filter(titel="Zzfern Kurs 77").exists()
