"""Import (dry run, confirm, row errors in German, nothing written on error, idempotent re-import) and export
(scope, formula neutralisation in CSV and XLSX, numbers as numbers)."""

import csv
import io

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from angebote.models import Angebot, Statuswechsel, Zugang
from buendnis.models.importe import Importvorgang
from tests.angebote.factories import AngebotFactory

URL = "/angebote/import/"

GUT = [
    {
        "Kennung": "AH-001",
        "Titel": "Deutschkurs Aheim",
        "Träger": "VHS Aheim",
        "Kommunen": "Aheim",
        "Kategorie": "Deutschförderung",
        "Förderbaustein": "F4",
        "Plätze": "12",
        "Beginn": "01.02.2026",
        "Kosten (EUR)": "12,50",
        "Kinderbetreuung": "ja",
        "Anschlussangebote (Kennungen)": "AH-002",
        "Zugang: Duldung": "offen",
        "Zugang: Gestattung": "eingeschränkt: nur freie Plätze | Öffnung möglich: Landesmittel",
    },
    {
        "Kennung": "AH-002",
        "Titel": "Coaching Aheim",
        "Träger": "VHS Aheim",
        "Kommunen": "kreisweit",
        "Kategorie": "coaching",
        "Plätze": "8",
        "Zugang: Duldung": "nicht",
    },
]


def csv_datei(rows, name="angebote.csv"):
    headers = list(dict.fromkeys(k for r in rows for k in r))
    puffer = io.StringIO()
    writer = csv.DictWriter(puffer, fieldnames=headers, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, puffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_datei(rows, name="angebote.xlsx"):
    headers = list(dict.fromkeys(k for r in rows for k in r))
    data = tablib.Dataset(headers=headers)
    for r in rows:
        data.append([r.get(h, "") for h in headers])
    return SimpleUploadedFile(name, data.export("xlsx"), content_type="application/octet-stream")


def inhalt(response) -> bytes:
    """The body of a download, streamed or not."""
    return response.getvalue() if response.streaming else response.content


def stand():
    """Everything an import could touch, to prove "database unchanged"."""
    return (
        sorted(Angebot.objects.values_list("kennung", "titel", "plaetze", "version")),
        Zugang.objects.count(),
        Angebot.anschlussangebote.through.objects.count(),
        Angebot.kommunen.through.objects.count(),
    )


def importiere(client, datei):
    """Dry run, then confirm. Returns (preview response, confirm response or None)."""
    vorschau = client.post(URL, {"datei": datei})
    if vorschau.status_code != 200 or "vorgang" not in vorschau.context:
        return vorschau, None
    bestaetigt = client.post(
        URL, {"bestaetigen": "1", "vorgang": vorschau.context["vorgang"].pk}, follow=True
    )
    return vorschau, bestaetigt


@pytest.fixture
def kommune_client(scenario, traeger_a1):
    return scenario.client("kommune")


def test_dry_run_writes_nothing_and_confirm_imports(scenario, kommune_client):
    vorher = stand()
    vorschau = kommune_client.post(URL, {"datei": csv_datei(GUT)})
    assert vorschau.status_code == 200
    assert vorschau.context["vorschau"]["neu"] == 2
    assert stand() == vorher
    antwort = kommune_client.post(
        URL, {"bestaetigen": "1", "vorgang": vorschau.context["vorgang"].pk}, follow=True
    )
    assert "Import abgeschlossen: 2 neu" in antwort.content.decode()
    kurs = Angebot.objects.get(kennung="AH-001")
    assert kurs.status == "entwurf"
    assert kurs.buendnis == scenario.a
    assert kurs.plaetze == 12
    assert str(kurs.kosten) == "12.50"
    assert kurs.kinderbetreuung is True
    assert kurs.foerderbaustein == "f4"
    assert list(kurs.kommunen.all()) == [scenario.a1]
    gestattung = kurs.zugaenge.get(status__code="gestattung")
    assert (
        gestattung.art,
        gestattung.bedingung,
        gestattung.oeffnung_moeglich,
        gestattung.oeffnung_hinweis,
    ) == (
        "eingeschraenkt",
        "nur freie Plätze",
        True,
        "Landesmittel",
    )
    assert [a.kennung for a in kurs.anschlussangebote.all()] == ["AH-002"]
    assert Angebot.objects.get(kennung="AH-002").kreisweit


def test_xlsx_import_works_like_csv(scenario, kommune_client):
    _vorschau, antwort = importiere(kommune_client, xlsx_datei(GUT))
    assert antwort is not None
    assert Angebot.objects.filter(kennung__in=["AH-001", "AH-002"]).count() == 2


def test_reimport_of_the_same_file_updates_and_never_duplicates(scenario, kommune_client):
    importiere(kommune_client, csv_datei(GUT))
    nach_erstem = stand()
    vorschau, antwort = importiere(kommune_client, csv_datei(GUT))
    assert vorschau.context["vorschau"]["neu"] == 0
    assert "0 neu, 0 aktualisiert, 2 unverändert" in antwort.content.decode()
    assert stand() == nach_erstem
    geaendert = [dict(GUT[0], **{"Plätze": "14"}), GUT[1]]
    vorschau, antwort = importiere(kommune_client, xlsx_datei(geaendert))
    assert (vorschau.context["vorschau"]["neu"], vorschau.context["vorschau"]["aktualisiert"]) == (0, 1)
    kurs = Angebot.objects.get(kennung="AH-001")
    assert (kurs.plaetze, kurs.version) == (14, 2)
    assert Angebot.objects.filter(buendnis=scenario.a).count() == 2


def _mit(index, **aenderung):
    rows = [dict(r) for r in GUT]
    rows[index].update(aenderung)
    return rows


@pytest.mark.parametrize(
    ("rows", "meldung"),
    [
        (_mit(0, Kommunen="Nirgendwo"), "Unbekannte Kommune „Nirgendwo“"),
        (_mit(1, Kategorie="Kochkurs"), "Unbekannte Kategorie „Kochkurs“"),
        (_mit(0, **{"Zugang: Duldung": "vielleicht"}), "„vielleicht“ ist kein gültiger Zugang"),
        (_mit(0, Status="fertig"), "„fertig“ ist kein gültiger Wert für Status"),
        (_mit(0, **{"Plätze": "zwölf"}), "„zwölf“ ist keine ganze Zahl"),
        (_mit(1, **{"Kosten (EUR)": "teuer"}), "„teuer“ ist keine gültige Zahl"),
        (_mit(0, Beginn="31.02.2026"), "kein gültiges Datum"),
        (_mit(0, Kommunen="Adorf"), "Zeile einer anderen Kommune (Adorf)"),
        (_mit(1, Träger="Caritas A"), "Zeile einer anderen Kommune"),
        (_mit(1, Kennung="AH-001"), "steht mehrfach in der Datei"),
        (_mit(1, Titel="Deutschkurs Aheim", Kommunen="Aheim"), "Doppeltes Angebot"),
        (_mit(0, Kennung=""), "Die Kennung fehlt"),
        (_mit(0, Träger="Unbekannt e. V."), "Der Träger „Unbekannt e. V.“ ist im Bündnis nicht bekannt"),
        (_mit(0, **{"Anschlussangebote (Kennungen)": "XY-9"}), "Unbekannte Kennungen: XY-9"),
        (_mit(0, **{"Zugang: Gestattung": "eingeschränkt"}), "fehlt die Bedingung"),
        (_mit(0, **{"Alter von": "30", "Alter bis": "20"}), "Höchstalter liegt unter dem Mindestalter"),
    ],
)
def test_bad_file_is_refused_with_german_row_message_and_nothing_written(
    scenario, kommune_client, rows, meldung
):
    vorher = stand()
    for datei in (csv_datei(rows), xlsx_datei(rows)):
        antwort = kommune_client.post(URL, {"datei": datei})
        assert antwort.status_code == 400
        text = antwort.content.decode()
        assert meldung in text, text[text.find("Fehler nach Zeile") :][:1500]
        assert "Es wurde nichts gespeichert" in text
        assert stand() == vorher
    assert not Importvorgang.objects.exists()


def test_bad_row_among_good_rows_writes_nothing(scenario, kommune_client):
    vorher = stand()
    antwort = kommune_client.post(URL, {"datei": csv_datei(_mit(1, Kommunen="Nirgendwo"))})
    assert antwort.status_code == 400
    assert stand() == vorher


def test_existing_offer_of_another_kommune_cannot_be_overwritten(scenario, kommune_client):
    fremd = AngebotFactory(
        buendnis=scenario.a,
        kennung="AD-001",
        titel="Kurs Adorf",
        traeger=scenario.akteur_a,
        kommunen=[scenario.a2],
    )
    vorher = stand()
    antwort = kommune_client.post(URL, {"datei": csv_datei(_mit(0, Kennung="AD-001"))})
    assert antwort.status_code == 400
    assert "gehört zu einer anderen Kommune" in antwort.content.decode()
    assert stand() == vorher
    fremd.refresh_from_db()
    assert fremd.titel == "Kurs Adorf"


def test_published_offer_is_not_changed_by_a_kommune_import(scenario, kommune_client, traeger_a1):
    importiere(kommune_client, csv_datei(GUT))
    Angebot.objects.filter(kennung="AH-001").update(status="veroeffentlicht")
    vorher = stand()
    antwort = kommune_client.post(URL, {"datei": csv_datei(_mit(0, Titel="Neuer Titel"))})
    assert antwort.status_code == 400
    assert "kann von Ihnen nicht geändert werden" in antwort.content.decode()
    assert stand() == vorher


def test_import_does_not_change_the_workflow_status(scenario, traeger_a1):
    client = scenario.client("koordination")
    importiere(client, csv_datei(_mit(0, Status="veröffentlicht")))
    assert Angebot.objects.get(kennung="AH-001").status == "entwurf"
    assert not Statuswechsel.objects.exists()


def test_missing_required_column_is_a_file_error(scenario, kommune_client):
    rows = [{k: v for k, v in r.items() if k != "Kategorie"} for r in GUT]
    antwort = kommune_client.post(URL, {"datei": csv_datei(rows)})
    assert antwort.status_code == 400
    assert "Es fehlen Pflichtspalten: Kategorie" in antwort.content.decode()


def test_upload_checks_of_the_shared_flow_apply(scenario, kommune_client):
    antwort = kommune_client.post(URL, {"datei": SimpleUploadedFile("angebote.txt", b"x")})
    assert antwort.status_code == 400
    assert "Nur CSV- oder XLSX-Dateien" in antwort.content.decode()


@pytest.mark.parametrize(
    ("rolle", "erwartet"),
    [("mitglied", 403), ("auswertung", 403), ("land", 403), ("koordination", 200), ("kommune", 200)],
)
def test_import_page_role_matrix(scenario, rolle, erwartet):
    assert scenario.client(rolle).get(URL).status_code == erwartet


def test_confirm_of_someone_elses_upload_is_404(scenario, kommune_client):
    vorschau = kommune_client.post(URL, {"datei": csv_datei(GUT)})
    vorgang = vorschau.context["vorgang"].pk
    antwort = scenario.client("kommune_a2").post(URL, {"bestaetigen": "1", "vorgang": vorgang})
    assert antwort.status_code == 404
    assert not Angebot.objects.filter(kennung="AH-001").exists()


def test_template_has_german_headers_and_one_column_per_status(scenario):
    antwort = scenario.client("kommune").get(reverse("angebote:import-vorlage"), {"format": "xlsx"})
    assert antwort.status_code == 200
    buch = openpyxl.load_workbook(io.BytesIO(antwort.content))
    assert buch.sheetnames == ["Angebote", "Hinweise", "Listen"]
    kopf = [c.value for c in buch["Angebote"][1]]
    assert kopf[:5] == ["Kennung", "Titel", "Beschreibung", "Träger", "Kommunen"]
    assert "Zugang: Duldung" in kopf and "Zugang: Gestattung" in kopf and "Zugang: Chancen-AR" in kopf
    csv_antwort = scenario.client("kommune").get(reverse("angebote:import-vorlage"), {"format": "csv"})
    assert csv_antwort.content.startswith(b"\xef\xbb\xbf")
    assert csv_antwort.content.decode("utf-8-sig").startswith("Kennung;Titel")


def test_exported_file_can_be_imported_again_unchanged(scenario, traeger_a1):
    client = scenario.client("koordination")
    importiere(client, csv_datei(GUT))
    export = client.get(reverse("angebote:angebot-export"), {"format": "xlsx"})
    vorher = stand()
    vorschau, antwort = importiere(client, SimpleUploadedFile("export.xlsx", inhalt(export)))
    assert vorschau.context["vorschau"]["unveraendert"] == 2, vorschau.context.get("fehler")
    assert stand() == vorher


# Export --------------------------------------------------------------------------------------------------------

GEFAEHRLICH = {
    "titel": '=HYPERLINK("http://x")',
    "beschreibung": "+49 2131 123",
    "adresse": "-Hinterhof",
    "kennung": "@SUMME",
}


@pytest.fixture
def export_daten(scenario, angebote):
    AngebotFactory(
        buendnis=scenario.a,
        traeger=scenario.akteur_a,
        kreisweit=True,
        veroeffentlicht=True,
        plaetze=12,
        ansprechperson=None,
        **GEFAEHRLICH,
    )
    AngebotFactory(
        buendnis=scenario.a,
        titel="\tTab",
        beschreibung="\rWagenruecklauf",
        traeger=scenario.akteur_a,
        kreisweit=True,
        veroeffentlicht=True,
    )


def test_export_respects_the_users_scope(scenario, angebote):
    antwort = scenario.client("kommune").get(reverse("angebote:angebot-export"), {"format": "csv"})
    assert antwort.status_code == 200
    zeilen = list(csv.DictReader(io.StringIO(inhalt(antwort).decode("utf-8-sig")), delimiter=";"))
    assert {z["Titel"] for z in zeilen} == {
        "Entwurf Aheim",
        "Kurs Aheim",
        "Kurs Adorf",
        "Entwurf beide",
        "Kreisweit Aheimer Träger",
    }


def test_export_applies_the_list_filters(scenario, angebote):
    antwort = scenario.client("koordination").get(
        reverse("angebote:angebot-export"), {"format": "csv", "status": "veroeffentlicht"}
    )
    zeilen = list(csv.DictReader(io.StringIO(inhalt(antwort).decode("utf-8-sig")), delimiter=";"))
    assert {z["Titel"] for z in zeilen} == {"Kurs Aheim", "Kurs Adorf"}


def test_export_with_an_invalid_filter_exports_nothing_and_says_why(scenario, angebote):
    """An invalid filter value must not widen the export to everything the user may see."""
    client = scenario.client("koordination")
    antwort = client.get(reverse("angebote:angebot-export"), {"format": "csv", "status": "gibt-es-nicht"})
    assert antwort.status_code == 302
    assert antwort["Location"].startswith(reverse("angebote:angebot-list") + "?")
    assert "status=gibt-es-nicht" in antwort["Location"] and "format" not in antwort["Location"]
    seite = client.get(antwort["Location"]).content.decode()
    assert "Der Export wurde nicht erstellt" in seite


@pytest.mark.parametrize(
    ("rolle", "erwartet"), [("mitglied", 403), ("land", 200), ("auswertung", 200), ("anonym", 302)]
)
def test_export_role_matrix(scenario, rolle, erwartet):
    assert (
        scenario.client(rolle).get(reverse("angebote:angebot-export"), {"format": "csv"}).status_code
        == erwartet
    )


def test_csv_export_neutralises_formula_cells(scenario, export_daten):
    antwort = scenario.client("koordination").get(reverse("angebote:angebot-export"), {"format": "csv"})
    text = inhalt(antwort).decode("utf-8-sig")
    zeilen = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    zeile = next(z for z in zeilen if z["Kennung"] == "'@SUMME")
    assert zeile["Titel"] == '\'=HYPERLINK("http://x")'
    assert zeile["Beschreibung"] == "'+49 2131 123"
    assert zeile["Straße und Hausnummer"] == "'-Hinterhof"
    assert zeile["Plätze"] == "12"
    tab = next(z for z in zeilen if z["Titel"].endswith("Tab"))
    assert tab["Titel"] == "'\tTab"
    assert tab["Beschreibung"] == "'\rWagenruecklauf"


def test_xlsx_export_neutralises_formulas_and_keeps_numbers(scenario, export_daten):
    antwort = scenario.client("koordination").get(reverse("angebote:angebot-export"), {"format": "xlsx"})
    blatt = openpyxl.load_workbook(io.BytesIO(inhalt(antwort))).active
    kopf = [c.value for c in blatt[1]]
    zeilen = [dict(zip(kopf, [c.value for c in r], strict=True)) for r in blatt.iter_rows(min_row=2)]
    zeile = next(z for z in zeilen if z["Kennung"] == "'@SUMME")
    assert zeile["Titel"] == '\'=HYPERLINK("http://x")'
    assert zeile["Beschreibung"] == "'+49 2131 123"
    assert zeile["Straße und Hausnummer"] == "'-Hinterhof"
    assert zeile["Plätze"] == 12 and isinstance(zeile["Plätze"], int)
    assert zeile["Alter von"] == 18
    for row in blatt.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"


def test_import_cannot_reach_into_another_buendnis(scenario, kommune_client):
    importiere(kommune_client, csv_datei(GUT))
    vorher = stand()
    fremd = scenario.client("kommune_b1")
    antwort = fremd.post(
        URL, {"datei": csv_datei(GUT)}
    )  # Kommune "Aheim" and Träger "VHS Aheim" are not in b
    assert antwort.status_code == 400
    text = antwort.content.decode()
    assert "Unbekannte Kommune „Aheim“" in text
    assert "Der Träger „VHS Aheim“ ist im Bündnis nicht bekannt" in text
    assert stand() == vorher
