"""Journey: a Kommune enters its needs figures in the open survey round (a refused entry keeps the values), the
coordination closes the round and opens the gap analysis."""

import re

from playwright.sync_api import expect

RUNDE = "Angebots- und Bedarfsanalyse 2021"
BEDARF_DEUTSCH_GESTATTUNG = "Bedarf Deutschförderung, Gestattung"


def test_kommune_enters_needs_koordination_closes_round_and_opens_gap_analysis(as_user, live_server):
    from bedarf.models import Bedarfsmeldung, Erhebung

    erhebung = Erhebung.objects.get(titel=RUNDE)
    assert erhebung.ist_offen

    kommune = as_user("kommune-neuss")
    nav = kommune.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("button", name="Bedarfsanalyse", exact=True).click()
    nav.get_by_role("link", name="Erhebungen", exact=True).click()
    expect(kommune).to_have_url(re.compile(r"/bedarf/$"))
    kommune.get_by_role("link", name=RUNDE).click()
    expect(kommune).to_have_url(re.compile(rf"/bedarf/erhebungen/{erhebung.pk}/$"))
    kommune.get_by_role("link", name="Zahlen unserer Kommune eintragen").click()
    expect(kommune.get_by_role("heading", level=1)).to_have_text(f"{RUNDE}: Zahlen für Neuss")

    # The Kommune has 43 people with Gestattung; 60 of them cannot need German lessons.
    zeile_gestattung = kommune.get_by_role("row", name=re.compile(r"^Gestattung Gestattung, 18–20"))
    gestattung = sum(
        int(v or 0)
        for v in zeile_gestattung.get_by_role("textbox").evaluate_all("els => els.map(e => e.value)")
    )
    bedarf = kommune.get_by_label(BEDARF_DEUTSCH_GESTATTUNG, exact=True)
    bedarf.fill(str(gestattung + 17))
    kommune.get_by_label("Anmerkungen").fill("Zahlen aus dem Ausländerzentralregister, Stand März")
    version_vorher = Bedarfsmeldung.objects.get(erhebung=erhebung, kommune__name="Neuss").version
    kommune.get_by_role("button", name=re.compile("Korrektur speichern|Meldung abgeben")).click()

    fehler = kommune.get_by_role("alert")
    expect(fehler).to_contain_text("Ihre Eingaben sind erhalten geblieben")
    expect(kommune.get_by_label(BEDARF_DEUTSCH_GESTATTUNG, exact=True)).to_have_value(str(gestattung + 17))
    expect(kommune.get_by_label("Anmerkungen")).to_have_value(
        "Zahlen aus dem Ausländerzentralregister, Stand März"
    )
    assert Bedarfsmeldung.objects.get(erhebung=erhebung, kommune__name="Neuss").version == version_vorher

    kommune.get_by_label(BEDARF_DEUTSCH_GESTATTUNG, exact=True).fill("30")
    kommune.get_by_role("button", name=re.compile("Korrektur speichern|Meldung abgeben")).click()
    expect(kommune.get_by_role("status").filter(has_text="abgegeben")).to_be_visible()
    expect(kommune.get_by_label(BEDARF_DEUTSCH_GESTATTUNG, exact=True)).to_have_value("30")
    meldung = Bedarfsmeldung.objects.get(erhebung=erhebung, kommune__name="Neuss")
    assert meldung.version == version_vorher + 1
    assert meldung.notizen == "Zahlen aus dem Ausländerzentralregister, Stand März"

    # The task worker renews the round's audited suppression pattern for the new figures (here, in the test).
    from bedarf.tasks import sperrmuster_erneuern

    sperrmuster_erneuern.call(erhebung.pk)
    # The coordination closes the round (after a confirmation naming the missing Kommunen) ...
    koordination = as_user("koordination")
    koordination.goto(f"{live_server.url}{erhebung.get_absolute_url()}")
    koordination.get_by_role("link", name="Erhebung abschließen …").click()
    expect(koordination.get_by_role("heading", level=1)).to_contain_text("abschließen?")
    koordination.get_by_role("button", name="Endgültig abschließen").click()
    expect(koordination).to_have_url(re.compile(rf"/bedarf/erhebungen/{erhebung.pk}/$"))
    expect(koordination.get_by_role("status").filter(has_text="abgeschlossen")).to_be_visible()
    erhebung.refresh_from_db()
    assert not erhebung.ist_offen

    # ... and opens the gap analysis, which already counts the new figure.
    koordination.get_by_role("link", name="Angebotslücken").click()
    expect(koordination.get_by_role("heading", level=1)).to_have_text(f"Angebotslücken: {RUNDE}")
    je_kommune = koordination.get_by_role("table", name=re.compile("Angebotslücken je Kommune"))
    zeile = je_kommune.get_by_role("row", name=re.compile(r"^Neuss Deutschförderung"))
    expect(zeile).to_contain_text("Gestattung: 30 /")

    # The Kommune's figures are read-only now.
    kommune.reload()
    expect(kommune.get_by_text("die Zahlen sind schreibgeschützt")).to_be_visible()
    expect(kommune.get_by_label(BEDARF_DEUTSCH_GESTATTUNG, exact=True)).to_be_disabled()
