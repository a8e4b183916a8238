"""Journey: the coordination imports offers from an XLSX file through the staff import page. A faulty row is
reported with its row number and nothing is written; after the fix the import goes through, and the export
(a real download) contains the new row."""

import re

import openpyxl
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations

GUT = {
    "Kennung": "BT-IMPORT-1",
    "Titel": "Bewerbungstraining Neuss (Import)",
    "Träger": "Caritasverband Rhein-Kreis Neuss",
    "Kommunen": "Neuss",
    "Kategorie": "Coaching und Beratung",
    "Plätze": 10,
    "Zugang: Gestattung": "offen",
    "Zugang: Duldung": "eingeschränkt: mit Beschäftigungserlaubnis",
}
FEHLERHAFT = {
    "Kennung": "BT-IMPORT-2",
    "Titel": "Nachhilfe Mathematik Dormagen (Import)",
    "Träger": "VHS Dormagen",
    "Kommunen": "Dormagen",
    "Kategorie": "Schulabschluss",
    "Plätze": "viele",
}
DATEI_LABEL = re.compile(r"^\s*Datei \(CSV oder XLSX")


def fill_template(vorlage, ziel, zeilen: list[dict]):
    """Writes rows into the downloaded template below its German header row."""
    buch = openpyxl.load_workbook(vorlage)
    blatt = buch["Angebote"]
    kopf = [c.value for c in blatt[1]]
    for zeile in zeilen:
        unbekannt = set(zeile) - set(kopf)
        assert not unbekannt, f"the template has no column {unbekannt}"
        blatt.append([zeile.get(spalte) for spalte in kopf])
    buch.save(ziel)
    return ziel


def test_koordination_imports_offers_with_error_fixes_file_imports_and_exports(as_user, tmp_path):
    from angebote.models import Angebot, AngebotStatus

    kennungen = [GUT["Kennung"], FEHLERHAFT["Kennung"]]
    anzahl_vorher = Angebot.objects.count()
    page = as_user("koordination")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("button", name="Angebote", exact=True).click()
    nav.get_by_role("link", name="Angebote importieren").click()
    expect(page).to_have_url(re.compile(r"/angebote/import/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Angebote importieren")

    with page.expect_download() as laden:
        page.get_by_role("link", name="Vorlage herunterladen (XLSX)").click()
    vorlage = tmp_path / "vorlage.xlsx"
    laden.value.save_as(vorlage)

    # First attempt: the third row of the sheet (second data row) has a non-numeric number of places.
    datei = fill_template(vorlage, tmp_path / "angebote-fehler.xlsx", [GUT, FEHLERHAFT])
    page.get_by_label(DATEI_LABEL).set_input_files(datei)
    page.get_by_role("button", name="Datei prüfen (Probelauf)").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Die Datei enthält Fehler. Es wurde nichts gespeichert."
    )
    fehler = page.get_by_role("table", name="Fehler nach Zeile")
    expect(fehler.get_by_role("row")).to_have_count(2)  # header and the one faulty row
    expect(fehler.get_by_role("row").nth(1)).to_contain_text(re.compile(r"Plätze|ganze Zahl"))
    assert not Angebot.objects.filter(kennung__in=kennungen).exists()
    assert Angebot.objects.count() == anzahl_vorher
    assert axe_violations(page) == []  # the error report itself is accessible

    # Second attempt with the fixed file: dry run, then confirmation.
    datei = fill_template(vorlage, tmp_path / "angebote.xlsx", [GUT, {**FEHLERHAFT, "Plätze": 8}])
    page.get_by_label(DATEI_LABEL).set_input_files(datei)
    page.get_by_role("button", name="Datei prüfen (Probelauf)").click()
    vorschau = page.get_by_role("status").filter(has_text="Probelauf ohne Fehler")
    expect(vorschau).to_contain_text("2 neu")
    assert axe_violations(page) == []
    assert not Angebot.objects.filter(kennung__in=kennungen).exists()
    page.get_by_role("button", name="Import bestätigen").click()
    expect(page).to_have_url(re.compile(r"/angebote/$"))
    expect(page.get_by_role("status").filter(has_text="Import abgeschlossen")).to_contain_text("2 neu")

    neu = {a.kennung: a for a in Angebot.objects.filter(kennung__in=kennungen)}
    assert set(neu) == set(kennungen)
    assert {a.status for a in neu.values()} == {AngebotStatus.ENTWURF}
    assert neu["BT-IMPORT-2"].plaetze == 8
    assert neu["BT-IMPORT-1"].zugaenge.get(status__code="duldung").bedingung == "mit Beschäftigungserlaubnis"

    # Export of the filtered list as a real download; the new row is in the workbook.
    page.get_by_label("Suche (Titel, Beschreibung, Träger)").fill("Bewerbungstraining Neuss")
    page.get_by_role("button", name="Filtern").click()
    expect(page.get_by_role("link", name=GUT["Titel"])).to_be_visible()
    with page.expect_download() as laden:
        page.get_by_role("link", name="Export (XLSX)").click()
    assert laden.value.suggested_filename.endswith(".xlsx")
    export = tmp_path / laden.value.suggested_filename
    laden.value.save_as(export)
    blatt = openpyxl.load_workbook(export).worksheets[0]
    zeilen = list(blatt.iter_rows(values_only=True))
    kopf = list(zeilen[0])
    treffer = [dict(zip(kopf, z, strict=False)) for z in zeilen[1:] if GUT["Kennung"] in z]
    assert len(treffer) == 1, zeilen[:3]
    assert treffer[0]["Titel"] == GUT["Titel"]
    assert treffer[0]["Plätze"] in (10, "10")
