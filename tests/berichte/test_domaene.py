"""The domain sections of the Sachstandsbericht checked against hand-computed fixture data: offers, needs
(with small-number protection), funds to the cent, Teilhabemanagement; plus the domain exports."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from angebote.models import Angebot, AngebotStatus, Aufenthaltsstatus, Kategorie, Zugang, ZugangArt
from bedarf.models import Erhebung, ErhebungStatus
from berichte import selectors, services
from buendnis.choices import Baustein
from tests.bedarf.conftest import deliver
from tests.bedarf.factories import ErhebungFactory
from tests.berichte.helpers import body, docx_text, pdf_text
from tests.foerderung.factories import (
    BudgetFactory,
    FoerderantragFactory,
    FoerderbausteinFactory,
    MittelabrufFactory,
    TeilhabeStelleFactory,
)

VON = datetime.date(2019, 1, 1)
BIS = datetime.date(2020, 12, 31)


def angebot(
    buendnis, traeger, kennung, kategorie, plaetze, zugang, kommunen=(), kreisweit=False, status=None
):
    a = Angebot.objects.create(
        buendnis=buendnis,
        kennung=kennung,
        titel=f"Angebot {kennung}",
        traeger=traeger,
        kategorie=Kategorie.objects.get(code=kategorie),
        plaetze=plaetze,
        kreisweit=kreisweit,
        status=status or AngebotStatus.VEROEFFENTLICHT,
    )
    a.kommunen.set(kommunen)
    for code, art in zugang.items():
        Zugang.objects.create(
            angebot=a,
            status=Aufenthaltsstatus.objects.get(code=code),
            art=art,
            bedingung="nur mit Arbeitserlaubnis" if art == ZugangArt.EINGESCHRAENKT else "",
        )
    return a


def runde(scenario, titel, stichtag, a1, a2):
    e = ErhebungFactory(buendnis=scenario.a, titel=titel, stichtag=stichtag)
    deliver(e, scenario.a1, scenario.users["kommune"], *a1)
    deliver(e, scenario.a2, scenario.users["kommune_a2"], *a2)
    Erhebung.objects.filter(pk=e.pk).update(status=ErhebungStatus.ABGESCHLOSSEN)
    e.refresh_from_db()
    return e


@pytest.fixture
def domaene(scenario):
    offen, eingeschraenkt = ZugangArt.OFFEN, ZugangArt.EINGESCHRAENKT
    a, t = scenario.a, scenario.akteur_a
    o1 = angebot(a, t, "O1", "deutsch", 10, {"duldung": offen, "gestattung": eingeschraenkt}, [scenario.a1])
    angebot(a, t, "O2", "deutsch", 5, {"gestattung": offen}, kreisweit=True)
    angebot(a, t, "O3", "deutsch", 20, {"duldung": offen}, [scenario.a2], status=AngebotStatus.ENTWURF)
    o4 = angebot(a, t, "O4", "arbeit", 4, {"duldung": offen}, [scenario.a2])
    o1.anschlussangebote.add(o4)
    angebot(scenario.b, scenario.akteur_b, "B1", "deutsch", 99, {"duldung": offen}, [scenario.b1])
    # Two closed rounds of Bündnis a; in the later one a2 reports 2 people needing work (a small number).
    runde(
        scenario,
        "Erhebung 2019",
        datetime.date(2019, 10, 31),
        ({"duldung": 9, "gestattung": 6}, {("deutsch", "duldung"): 7, ("deutsch", "gestattung"): 5}),
        ({"duldung": 7, "gestattung": 4}, {("deutsch", "duldung"): 6, ("deutsch", "gestattung"): 3}),
    )
    runde(
        scenario,
        "Erhebung 2020",
        datetime.date(2020, 10, 31),
        (
            {"duldung": 10, "gestattung": 6},
            {("deutsch", "duldung"): 8, ("deutsch", "gestattung"): 5, ("qualifizierung", "duldung"): 4},
        ),
        (
            {"duldung": 7, "gestattung": 4},
            {
                ("deutsch", "duldung"): 6,
                ("deutsch", "gestattung"): 4,
                ("arbeit", "duldung"): 2,
                ("qualifizierung", "duldung"): 5,
            },
        ),
    )
    f1 = FoerderbausteinFactory(nummer=Baustein.F1)
    f6 = FoerderbausteinFactory(nummer=Baustein.F6, programm=f1.programm)
    BudgetFactory(buendnis=a, baustein=f1, betrag=Decimal("100000.00"))
    BudgetFactory(buendnis=a, baustein=f6, betrag=Decimal("50000.50"))
    BudgetFactory(buendnis=scenario.b, baustein=f1, betrag=Decimal("777777.77"))
    FoerderantragFactory(
        buendnis=a, baustein=f1, kommune=scenario.a1, beantragt=Decimal("12345.67"), eingereicht=True
    )
    bewilligt = FoerderantragFactory(
        buendnis=a, baustein=f1, kommune=scenario.a2, beantragt=Decimal("20000.10"), bewilligt=True
    )
    MittelabrufFactory(antrag=bewilligt, betrag=Decimal("1000.01"))
    MittelabrufFactory(antrag=bewilligt, betrag=Decimal("2500.00"))
    TeilhabeStelleFactory(buendnis=a, kommune=scenario.a1, vze=Decimal("1.00"))
    TeilhabeStelleFactory(buendnis=a, kommune=scenario.a2, vze=Decimal("0.50"), besetzt_seit=None)
    TeilhabeStelleFactory(buendnis=scenario.b, kommune=scenario.b1, vze=Decimal("3.00"))


def inhalt(scenario, role="koordination"):
    k = selectors.Kontext(buendnis=scenario.a, von=VON, bis=BIS, user=scenario.users[role])
    return selectors.sachstandsbericht_inhalt(k)


def abschnitt(inh, key):
    return next(a for a in inh["abschnitte"] if a["key"] == key)


def tabelle(section, titel_anfang):
    return next(
        b for b in section["bloecke"] if b["typ"] == "tabelle" and b["titel"].startswith(titel_anfang)
    )


def diagramm(section, titel_anfang):
    return next(
        b for b in section["bloecke"] if b["typ"] == "diagramm" and b["titel"].startswith(titel_anfang)
    )


def test_all_domain_sections_are_offered_and_in_order(scenario, domaene):
    keys = [a["key"] for a in inhalt(scenario)["abschnitte"]]
    assert keys == [
        "buendnis",
        "sitzungen",
        "foren",
        "prioritaeten",
        "vereinbarungen",
        "angebote",
        "bedarf",
        "foerderung",
        "teilhabemanagement",
        "aufgaben",
    ]


def test_offers_by_kategorie_and_kommune(scenario, domaene):
    a = abschnitt(inhalt(scenario), "angebote")
    kat = {z[0]: z[1:] for z in tabelle(a, "Angebote und Plätze je Kategorie")["zeilen"]}
    # Drafts and Bündnis b never count.
    assert kat["Deutschförderung"] == ["2", "15"]
    assert kat["Arbeit und Beschäftigung"] == ["1", "4"]
    assert tabelle(a, "Angebote und Plätze je Kategorie")["fuss"] == ["Summe", "3", "19"]
    kom = {z[0]: z[1] for z in tabelle(a, "Angebote je Kommune")["zeilen"]}
    assert kom == {"Adorf": "1", "Aheim": "1", "kreisweit": "1"}
    chart = diagramm(a, "Angebote je Kategorie")
    idx = chart["labels"].index("Deutschförderung")
    assert chart["reihen"][0]["werte"][idx] == "2"


def test_access_matrix_and_dead_ends(scenario, domaene):
    a = abschnitt(inhalt(scenario), "angebote")
    matrix = tabelle(a, "Zugangsmatrix")
    duldung = matrix["kopf"].index("Duldung")
    gestattung = matrix["kopf"].index("Gestattung")
    deutsch = next(z for z in matrix["zeilen"] if z[0] == "Deutschförderung")
    assert deutsch[duldung] == "1 / 10"
    assert deutsch[gestattung] == "2 / 15"
    sackgassen = tabelle(a, "Bildungsketten")
    assert [z[0] for z in sackgassen["zeilen"]] == ["Angebot O2"]  # O1 leads on to O4, O4 is a goal


def test_needs_figures_and_gaps_with_small_numbers_protected(scenario, domaene):
    b = abschnitt(inhalt(scenario), "bedarf")
    kennzahlen = dict(next(x for x in b["bloecke"] if x["typ"] == "kennzahlen")["eintraege"])
    assert kennzahlen["Erhebung"] == "Erhebung 2020"
    assert kennzahlen["Kommunen mit abgegebener Meldung"] == "2 / 2"
    bund = {z[0]: z[1:] for z in tabelle(b, "Bedarf und Angebot je Bedarfskategorie")["zeilen"]}
    # Deutsch: 13 + 10 = 23 people, 15 places, 65 %, gap 8.
    assert bund["Deutschförderung"] == ["23", "15", "65 %", "8"]
    # Work: only a2's 2 people -> protected, and no derived figure that would reveal it.
    assert bund["Arbeit und Beschäftigung"][0] == "*"
    assert bund["Arbeit und Beschäftigung"][3] == "*"
    # Needs of different categories are not added up anywhere (one person may have several), so nothing else has to
    # be withheld to protect the 2.
    assert bund["Berufliche Qualifizierung"][0] == "9"
    chart = diagramm(b, "Bedarf und Plätze")
    arbeit = chart["labels"].index("Arbeit und Beschäftigung")
    assert chart["reihen"][0]["werte"][arbeit] is None  # a gap in the chart, never the number
    groesste = tabelle(b, "Größte Angebotslücken")["zeilen"]
    assert groesste[0][:2] == ["Adorf", "Deutschförderung"]
    assert groesste[0][4] == "5"
    legende = [x["text"] for x in b["bloecke"] if x["typ"] == "hinweis"]
    assert any("„*“" in t for t in legende)


def test_needs_change_between_rounds(scenario, domaene):
    b = abschnitt(inhalt(scenario), "bedarf")
    vergleich = tabelle(b, "Veränderung des Bedarfs")
    deutsch = next(z for z in vergleich["zeilen"] if z[0] == "Deutschförderung")
    assert deutsch == ["Deutschförderung", "21", "23", "+2"]
    chart = diagramm(b, "Bedarf im Vergleich")
    assert [r["name"] for r in chart["reihen"]] == ["Erhebung 2019", "Erhebung 2020"]


def test_funds_per_foerderbaustein_to_the_cent(scenario, domaene):
    f = abschnitt(inhalt(scenario), "foerderung")
    t = tabelle(f, "Mittel je Förderbaustein")
    zeilen = {z[0]: z[1:] for z in t["zeilen"]}
    assert zeilen["F1 Coaching"] == [
        "100.000,00 €",
        "32.345,77 €",
        "20.000,10 €",
        "3.500,01 €",
        "79.999,90 €",
    ]
    assert zeilen["F6 Teilhabemanagement"][0] == "50.000,50 €"
    assert t["fuss"] == ["Summe", "150.000,50 €", "32.345,77 €", "20.000,10 €", "3.500,01 €", "130.000,40 €"]
    chart = diagramm(f, "Mittel je Förderbaustein")
    assert chart["einheit"] == "€"
    assert chart["reihen"][3]["werte"][chart["labels"].index("F1 Coaching")] == "3500.01"


def test_teilhabemanagement_positions(scenario, domaene):
    t = abschnitt(inhalt(scenario), "teilhabemanagement")
    kennzahlen = dict(next(x for x in t["bloecke"] if x["typ"] == "kennzahlen")["eintraege"])
    assert kennzahlen == {
        "Stellen": "2",
        "Vollzeitäquivalente (VZÄ)": "1,5",
        "davon besetzt (VZÄ)": "1",
        "unbesetzt (VZÄ)": "0,5",
    }


def test_teilhabemanagement_counts_the_position_at_the_kreis(scenario, domaene):
    """A position of the Kreis's Geschäftsführende Stelle (no Kommune) is a row of its own, not a failed report."""
    TeilhabeStelleFactory(buendnis=scenario.a, kommune=None, vze=Decimal("0.50"), bezeichnung="KI")
    t = abschnitt(inhalt(scenario), "teilhabemanagement")
    kennzahlen = dict(next(x for x in t["bloecke"] if x["typ"] == "kennzahlen")["eintraege"])
    assert kennzahlen["Stellen"] == "3" and kennzahlen["Vollzeitäquivalente (VZÄ)"] == "2"
    zeilen = [z for x in t["bloecke"] if x["typ"] == "tabelle" for z in x["zeilen"]]
    assert any("Geschäftsführende Stelle (Kreis)" in z for z in zeilen)


def test_report_with_domain_sections_renders_all_formats(scenario, domaene):
    bericht = services.bericht_erzeugen(
        buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, by=scenario.users["auswertung"]
    )
    pdf = pdf_text(bericht.datei_pdf.read())
    assert "Diagramm: Mittel je Förderbaustein" in pdf
    assert "20.000,10 €" in pdf
    assert "*" in pdf
    text = docx_text(bericht.datei_docx.read())
    assert "Diagramm: Angebote je Kategorie" in text
    assert "3.500,01 €" in text
    html = bericht.datei_html.read().decode()
    assert "<svg" in html and "777.777,77" not in html
    page = scenario.client("kommune").get(bericht.get_absolute_url()).content.decode()
    assert 'id="berichte-diagramme"' in page
    assert 'class="berichte-chart"' in page


def test_domain_exports_are_scoped(scenario, domaene):
    client = scenario.client("koordination")
    # Semicolon CSV: decimal commas.
    for model, fremd in (("foerderantrag", "777777"), ("budget", "777777,77"), ("teilhabestelle", "3,00")):
        url = reverse("berichte:export", args=["foerderung", model]) + "?format=csv"
        response = client.get(url)
        assert response.status_code == 200, model
        assert fremd.encode() not in body(response)
    response = client.get(reverse("berichte:export", args=["angebote", "angebot"]) + "?format=csv")
    assert b"Angebot O1" in body(response)
    response = client.get(reverse("berichte:export", args=["angebote", "angebot"]) + "?format=json")
    assert b"Angebot B1" not in body(response)


def test_raw_needs_rows_only_for_own_kommune(scenario, domaene):
    url = reverse("berichte:export", args=["bedarf", "meldewert"]) + "?format=csv"
    assert scenario.client("koordination").get(url).status_code == 403
    rows = body(scenario.client("kommune").get(url)).decode("utf-8-sig").splitlines()[1:]
    assert rows and all(";Aheim;" in r for r in rows)
    url = reverse("berichte:export", args=["bedarf", "bedarfsmeldung"]) + "?format=csv"
    lines = body(scenario.client("kommune").get(url)).decode("utf-8-sig").splitlines()[1:]
    aheim = [r for r in lines if ";Aheim;" in r]
    adorf = [r for r in lines if ";Adorf;" in r]
    assert aheim and all(";16;" in r or ";15;" in r for r in aheim)  # own Kommune raw
    assert adorf and all(";*;" in r for r in adorf)  # the other Kommune's total is not shown


def test_datenpaket_contains_protected_needs_sheet(scenario, domaene):
    response = scenario.client("auswertung").post(reverse("berichte:datenpaket"), {"buendnis": scenario.a.pk})
    wb = openpyxl.load_workbook(io.BytesIO(body(response)))
    assert {"Angebote", "Förderanträge", "Bedarfsanalyse (geschützt)", "Dokumentation"} <= set(wb.sheetnames)
    assert "Meldewerte der eigenen Kommune" not in wb.sheetnames  # raw figures never leave the Kommune
    bedarf = list(wb["Bedarfsanalyse (geschützt)"].iter_rows(values_only=True))
    arbeit = [
        r
        for r in bedarf
        if r[0] == "Erhebung 2020" and r[2] == "Bedarf" and r[4] == "Arbeit und Beschäftigung"
    ]
    assert {r[3]: r[5] for r in arbeit}["Bündnis"] == "*"
    deutsch = [
        r for r in bedarf if r[0] == "Erhebung 2020" and r[2] == "Bedarf" and r[4] == "Deutschförderung"
    ]
    assert {r[3]: r[5] for r in deutsch}["Bündnis"] == 23
    antraege = list(wb["Förderanträge"].iter_rows(values_only=True))
    assert all("777777" not in str(r) for r in antraege)
    assert any(
        r[antraege[0].index("beantragte Förderung (EUR)")] == Decimal("12345.67")
        or r[antraege[0].index("beantragte Förderung (EUR)")] == 12345.67
        for r in antraege[1:]
    )
    doku = list(wb["Dokumentation"].iter_rows(values_only=True))
    assert any(r[0] == "Bedarfsanalyse (geschützt)" and r[1] == "Wert" for r in doku)


def test_report_offers_only_what_the_apps_registered(scenario, monkeypatch):
    """berichte only collects: with the alliance's contributions alone registered, the domain sections and exports
    are absent and the report leaves them out."""
    from berichte.registry import registry
    from buendnis import berichte as buendnis_berichte
    from buendnis import registry as beitraege

    for ablage in ("_exporte", "_abschnitte", "_dashboardteile", "_zusatzblaetter"):
        monkeypatch.setattr(beitraege, ablage, {})
    buendnis_berichte.registrieren()
    keys = [a.key for a in selectors.verfuegbare_abschnitte()]
    assert keys == ["buendnis", "sitzungen", "foren", "prioritaeten", "vereinbarungen", "aufgaben"]
    assert [e for e in registry.alle() if e.app_label != "buendnis"] == []
    inh = selectors.sachstandsbericht_inhalt(
        selectors.Kontext(buendnis=scenario.a, von=VON, bis=BIS), abschnitte=None
    )
    assert "angebote" not in [a["key"] for a in inh["abschnitte"]]
