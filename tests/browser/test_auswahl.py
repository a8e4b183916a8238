"""The searchable multi-select (Tom Select) and the long offer form: found by its label, operated by keyboard,
German texts, no axe violations, the same values without JavaScript; the action bar in reach at 390 px."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import field


def _entwurf_und_ziel():
    """A draft of Neuss that kommune-neuss may edit, and another offer it can choose as Anschlussangebot."""
    from angebote.models import Angebot, AngebotStatus
    from buendnis.models import User

    user = User.objects.get(username="kommune-neuss")
    entwurf = Angebot.objects.editable_by(user).filter(status=AngebotStatus.ENTWURF).order_by("pk").first()
    ziel = (
        Angebot.objects.visible_to(user)
        .filter(buendnis_id=user.buendnis_id, status=AngebotStatus.VEROEFFENTLICHT)
        .exclude(pk=entwurf.pk)
        .exclude(pk__in=entwurf.anschlussangebote.values("pk"))
        .order_by("titel")
        .first()
    )
    return entwurf, ziel


def test_multi_select_is_searchable_by_keyboard_and_keeps_its_label(as_user, live_server):
    from tests.browser.conftest import axe_violations

    entwurf, ziel = _entwurf_und_ziel()
    page = as_user("kommune-neuss")
    page.goto(f"{live_server.url}/angebote/{entwurf.pk}/bearbeiten/")

    suche = field(page, "Anschlussangebote")
    expect(suche).to_have_attribute("role", "combobox")  # the label names Tom Select's search field
    suche.click()
    suche.press_sequentially("zzqx-gibt-es-nicht")
    expect(page.get_by_text("Keine Treffer")).to_be_visible()
    suche.fill("")
    suche.press_sequentially(ziel.titel[:12])
    expect(
        page.get_by_role("listbox", name="Vorschläge").get_by_role("option", name=ziel.titel)
    ).to_be_visible()
    suche.press("Enter")
    suche.press("Escape")
    expect(page.get_by_role("button", name="Entfernen").first).to_be_attached()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/angebote/{entwurf.pk}/$"))
    assert ziel in entwurf.anschlussangebote.all()


def test_without_javascript_the_plain_multi_select_works(browser, live_server, demo):
    entwurf, ziel = _entwurf_und_ziel()
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/anmelden/")
    page.get_by_label("Benutzername").fill("kommune-neuss")
    page.get_by_label("Passwort").fill(demo)
    page.get_by_role("button", name="Anmelden").click()
    page.goto(f"{live_server.url}/angebote/{entwurf.pk}/bearbeiten/")
    auswahl = field(page, "Anschlussangebote")
    expect(auswahl).to_have_attribute("multiple", "")
    auswahl.select_option(label=ziel.titel)
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/angebote/{entwurf.pk}/$"))
    assert ziel in entwurf.anschlussangebote.all()
    context.close()


def test_long_form_keeps_its_actions_in_reach_on_a_phone(as_user, live_server):
    entwurf, _ziel = _entwurf_und_ziel()
    page = as_user("kommune-neuss")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/angebote/{entwurf.pk}/bearbeiten/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("main .btn-primary").count() == 1
    einreichen = page.get_by_role("button", name="Speichern und zur Prüfung einreichen")
    expect(einreichen).to_be_in_viewport()  # at the top of a 3,000 px form, not only at its end
    page.mouse.wheel(0, 1500)
    expect(einreichen).to_be_in_viewport()
    einreichen.click()
    expect(
        page.get_by_role("status").filter(has_text="ist gespeichert und zur Prüfung eingereicht")
    ).to_be_visible()
    entwurf.refresh_from_db()
    assert entwurf.status == "zur_pruefung"
