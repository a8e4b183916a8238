"""Journey: a funding application from draft to approval with a drawdown. The Kommune drafts and submits it; the
coordination reviews it, approves it with a Bescheid and records a drawdown."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from tests.browser.helpers import field

TITEL = "Deutsch und Mathe am Abend Neuss 2021 (Browsertest)"


def test_funding_application_goes_from_draft_to_approved_with_drawdown(as_user, live_server):
    from foerderung.models import AntragStatus, Foerderantrag

    # The Kommune drafts the application with a cost plan.
    kommune = as_user("kommune-neuss")
    nav = kommune.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("button", name="Förderung", exact=True).click()
    nav.get_by_role("link", name="Förderanträge").click()
    expect(kommune).to_have_url(re.compile(r"/foerderung/antraege/$"))
    kommune.get_by_role("link", name="Neuer Antrag").click()
    expect(kommune.get_by_role("heading", level=1)).to_have_text("Förderantrag anlegen")

    field(kommune, "Förderbaustein").select_option(label="F4 Kurse")
    field(kommune, "Titel").fill(TITEL)
    field(kommune, "Beschreibung").fill("Abendkurs Deutsch B1 und Mathematik für Auszubildende.")
    field(kommune, "Beginn").fill("2021-02-01")
    field(kommune, "Ende").fill("2021-12-31")
    field(kommune, "Haushaltsjahr").fill("2021")
    field(kommune, "Geplante Teilnehmende").fill("14")
    kostenplan = kommune.get_by_role("table", name="Kostenpositionen")
    erste = kostenplan.get_by_role("row").nth(1)
    # The rate, the state's 80 % and the own share come from the funding rule, never from the form.
    field(erste, "Kostenart").select_option(label="Pauschale je Unterrichtsstunde")
    field(erste, "Kategorie").select_option(label="Honorare")
    field(erste, "Bezeichnung").fill("Unterrichtsstunden (Pauschale P 4)")
    field(erste, "Einheiten").fill("80")
    kommune.get_by_role("button", name="Speichern").click()

    expect(kommune).to_have_url(re.compile(r"/foerderung/antraege/\d+/$"))
    expect(kommune.get_by_role("heading", level=1)).to_have_text(TITEL)
    kosten = kommune.get_by_role("table", name="Kostenplan des Antrags")
    expect(kosten.get_by_role("row", name=re.compile("beantragte Förderung"))).to_contain_text("2.400,00")
    antrag = Foerderantrag.objects.get(titel=TITEL)
    assert antrag.status == AntragStatus.ENTWURF

    kommune.get_by_role("button", name="Status: eingereicht").click()
    expect(kommune.get_by_role("status").filter(has_text="Status geändert")).to_contain_text("eingereicht")
    antrag.refresh_from_db()
    assert antrag.status == AntragStatus.EINGEREICHT

    # The coordination takes it into review and approves it with a Bescheid.
    koordination = as_user("koordination")
    koordination.goto(f"{live_server.url}/foerderung/antraege/")
    koordination.get_by_role("link", name=TITEL).click()
    expect(koordination.get_by_role("heading", level=1)).to_have_text(TITEL)
    koordination.get_by_role("button", name="Status: in Prüfung").click()
    expect(koordination.get_by_role("status").filter(has_text="Status geändert")).to_contain_text(
        "in Prüfung"
    )
    expect(koordination.get_by_role("link", name="Bewilligen (Bescheid erfassen)")).to_be_visible()
    antrag.refresh_from_db()
    assert antrag.status == AntragStatus.IN_PRUEFUNG

    koordination.get_by_role("link", name="Bewilligen (Bescheid erfassen)").click()
    expect(field(koordination, "bewilligter Betrag (EUR)")).to_have_value(re.compile(r"^2400(\.00)?$"))
    field(koordination, "bewilligter Betrag (EUR)").fill("2200.00")
    field(koordination, "Bescheiddatum").fill("2021-01-20")
    field(koordination, "Bescheidnummer").fill("BR-AR 2021/4711")
    koordination.get_by_role("button", name="Bewilligen").click()
    expect(koordination.get_by_role("status").filter(has_text="Antrag bewilligt")).to_be_visible()
    expect(koordination.get_by_text("BR-AR 2021/4711")).to_be_visible()
    antrag.refresh_from_db()
    assert antrag.status == AntragStatus.BEWILLIGT
    assert antrag.bewilligt_betrag == Decimal("2200.00")

    # A drawdown on proven teaching hours.
    abruf = koordination.locator("form").filter(
        has=koordination.get_by_role("heading", name="Mittelabruf erfassen")
    )
    field(abruf, "Abrufdatum").fill("2021-06-30")
    field(abruf, "Kostenposition").select_option(index=1)
    field(abruf, "nachgewiesene Einheiten").fill("40")
    field(abruf, "Bemerkung").fill("erstes Halbjahr")
    abruf.get_by_role("button", name="Mittelabruf erfassen").click()
    abrufe = koordination.get_by_role("table", name="Mittelabrufe")
    # 40 proven hours × 37.50 EUR × 80 % = 1,200.00, computed from the units.
    expect(abrufe.get_by_role("row", name=re.compile("erstes Halbjahr"))).to_contain_text("1.200,00")
    expect(abrufe).to_contain_text("1.000,00")  # still available of the approved 2,200.00
    assert [(m.betrag, m.einheiten) for m in antrag.mittelabrufe.all()] == [
        (Decimal("1200.00"), Decimal("40"))
    ]
