"""Import and export at their limits: hostile text, exported files read back, bulk writes with history, and
a number of queries that does not grow with the rows (issue #8: 50,000 offers exported, 10,000 rows imported)."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from angebote.models import Angebot, Zugang
from tests.angebote.factories import AngebotFactory
from tests.angebote.test_import_export import GUT, URL, _mit, csv_datei, importiere, inhalt, stand, xlsx_datei

EXPORT = "angebote:angebot-export"


@pytest.fixture
def kommune_client(scenario, traeger_a1):
    return scenario.client("kommune")


# Hostile text ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimport_of_an_export_with_formula_like_text_changes_nothing(scenario, traeger_a1, fmt):
    """The export escapes "=…", "@…" with an apostrophe; the import takes it off again, so the Kennung still
    matches and nothing is duplicated or changed."""
    AngebotFactory(
        buendnis=scenario.a,
        kennung="@SUMME",
        titel='=HYPERLINK("http://x")',
        beschreibung="+49 2131 123",
        adresse="-Hinterhof",
        traeger=traeger_a1,
        kommunen=[scenario.a1],
        zugang={"duldung": ("eingeschraenkt", "=nur mit Erlaubnis")},
    )
    client = scenario.client("koordination")
    export = client.get(reverse(EXPORT), {"format": fmt})
    vorher = stand()
    vorschau, _antwort = importiere(client, SimpleUploadedFile(f"export.{fmt}", inhalt(export)))
    assert vorschau.context.get("fehler") is None, vorschau.context.get("fehler")
    assert (vorschau.context["vorschau"]["neu"], vorschau.context["vorschau"]["unveraendert"]) == (0, 1)
    assert stand() == vorher
    angebot = Angebot.objects.get()
    assert (angebot.kennung, angebot.titel) == ("@SUMME", '=HYPERLINK("http://x")')


def test_xlsx_export_survives_control_characters_in_stored_text(scenario, traeger_a1):
    AngebotFactory(
        buendnis=scenario.a, titel="Kurs\x07 mit Klingel", traeger=traeger_a1, kommunen=[scenario.a1]
    )
    antwort = scenario.client("koordination").get(reverse(EXPORT), {"format": "xlsx"})
    assert antwort.status_code == 200
    blatt = openpyxl.load_workbook(io.BytesIO(inhalt(antwort))).active
    wert = blatt.cell(row=2, column=2).value
    assert "\x07" not in wert and wert.split() == ["Kurs", "mit", "Klingel"]


@pytest.mark.parametrize(
    ("aenderung", "meldung"),
    [
        ({"Titel": "T" * 250}, "höchstens 200 Zeichen"),
        ({"Adresse": "A" * 301}, "höchstens 300 Zeichen"),
        ({"Kennung": "K" * 41}, "höchstens 40 Zeichen"),
        ({"Zugang: Duldung": "eingeschränkt: " + "x" * 501}, "höchstens 500 Zeichen"),
        ({"Zugang: Duldung": "offen | Öffnung möglich: " + "x" * 501}, "höchstens 500 Zeichen"),
    ],
)
def test_too_long_text_is_refused_not_cut_off(scenario, kommune_client, aenderung, meldung):
    vorher = stand()
    antwort = kommune_client.post(URL, {"datei": csv_datei(_mit(0, **aenderung))})
    assert antwort.status_code == 400
    text = antwort.content.decode()
    assert meldung in text
    assert "Es wurde nichts gespeichert" in text
    assert stand() == vorher


@pytest.mark.parametrize(
    ("aenderung", "meldung"),
    [
        ({"Plätze": "Infinity"}, "„Infinity“ ist keine ganze Zahl"),
        ({"Plätze": "NaN"}, "„NaN“ ist keine ganze Zahl"),
        ({"Kosten (EUR)": "NaN"}, "„NaN“ ist keine gültige Zahl"),
        ({"Kosten (EUR)": "-Infinity"}, "„-Infinity“ ist keine gültige Zahl"),
        ({"Kosten (EUR)": "-5"}, "„-5“ darf nicht negativ sein"),
        ({"Plätze": "99999999999"}, "„99999999999“ ist zu groß (höchstens 2.147.483.647)"),
        ({"Stunden pro Woche": "61"}, "Stunden pro Woche"),
    ],
)
def test_odd_numbers_get_a_german_row_message(scenario, kommune_client, aenderung, meldung):
    vorher = stand()
    antwort = kommune_client.post(URL, {"datei": csv_datei(_mit(0, **aenderung))})
    assert antwort.status_code == 400
    text = antwort.content.decode()
    assert meldung in text
    assert "Ungültiger Wert" not in text and "konnte nicht verarbeitet werden" not in text
    assert stand() == vorher


@pytest.mark.parametrize("kosten", ["12,345", 12.345])
def test_an_amount_with_a_third_decimal_place_is_refused_naming_row_and_column(
    scenario, kommune_client, kosten
):
    """Money is never rounded to the cent (buendnis.cells.parse_money): the row and the column are named."""
    vorher = stand()
    rows = _mit(1, **{"Kosten (EUR)": kosten})
    # As text in a CSV, "12.345" is German thousands grouping (12.345,00 €, tests/buendnis/test_csv_deutsch.py);
    # only a spreadsheet's number cell 12.345 has three decimal places.
    dateien = (csv_datei(rows), xlsx_datei(rows)) if isinstance(kosten, str) else (xlsx_datei(rows),)
    for datei in dateien:
        antwort = kommune_client.post(URL, {"datei": datei})
        assert antwort.status_code == 400
        assert antwort.context["fehler"] == [
            {"zeile": 3, "meldungen": [f"Kosten (EUR): „{kosten}“ hat mehr als 2 Nachkommastellen."]}
        ]
        assert stand() == vorher


def test_unknown_contact_person_is_a_row_error(scenario, kommune_client):
    antwort = kommune_client.post(URL, {"datei": csv_datei(_mit(0, Ansprechperson="Frau Niemand"))})
    assert antwort.status_code == 400
    assert "Die Ansprechperson „Frau Niemand“ ist beim Träger nicht eingetragen" in antwort.content.decode()


# Bulk writes ------------------------------------------------------------------------------------------------------


def test_import_writes_history_like_the_form_does(scenario, kommune_client):
    importiere(kommune_client, csv_datei(GUT))
    kurs = Angebot.objects.get(kennung="AH-001")
    eintrag = kurs.history.get()
    assert (eintrag.history_type, eintrag.history_user, eintrag.version) == (
        "+",
        scenario.users["kommune"],
        1,
    )
    assert [k.kommune_id for k in eintrag.kommunen.all()] == [scenario.a1.pk]
    assert [k.to_angebot.kennung for k in eintrag.anschlussangebote.all()] == ["AH-002"]
    assert Zugang.history.filter(angebot_id=kurs.pk, history_type="+").count() == 2


def test_reimport_replaces_kommunen_access_and_follow_ups(scenario, traeger_a1):
    client = scenario.client("koordination")
    importiere(client, csv_datei(GUT))
    kurs = Angebot.objects.get(kennung="AH-001")
    geaendert = _mit(
        0,
        Kommunen="Aheim; Adorf",
        **{
            "Zugang: Duldung": "eingeschränkt: nur mit Beschäftigungserlaubnis",
            "Zugang: Gestattung": "",
            "Anschlussangebote (Kennungen)": "",
        },
    )
    vorschau, antwort = importiere(client, xlsx_datei(geaendert))
    assert vorschau.context["vorschau"]["aktualisiert"] == 1
    assert "0 neu, 1 aktualisiert, 1 unverändert" in antwort.content.decode()
    kurs.refresh_from_db()
    assert kurs.version == 2
    assert {k.name for k in kurs.kommunen.all()} == {"Aheim", "Adorf"}
    assert list(kurs.anschlussangebote.all()) == []
    assert {(z.status.code, z.art, z.bedingung) for z in kurs.zugaenge.all()} == {
        ("duldung", "eingeschraenkt", "nur mit Beschäftigungserlaubnis")
    }
    letzter = kurs.history.order_by("-history_id").first()
    assert (letzter.history_type, letzter.version) == ("~", 2)
    assert {k.kommune_id for k in letzter.kommunen.all()} == {scenario.a1.pk, scenario.a2.pk}
    assert Zugang.history.filter(angebot_id=kurs.pk, history_type="-", status__code="gestattung").exists()
    # A later edit in the form sees the import as the version in between.
    assert kurs.history.filter(version=2).exists()


def test_offer_may_follow_on_to_a_later_row_of_the_same_file(scenario, kommune_client):
    rows = [dict(GUT[0], **{"Anschlussangebote (Kennungen)": "AH-003"}), GUT[1]]
    rows.append(dict(GUT[1], Kennung="AH-003", Titel="Später in der Datei"))
    importiere(kommune_client, csv_datei(rows))
    kurs = Angebot.objects.get(kennung="AH-001")
    assert [a.kennung for a in kurs.anschlussangebote.all()] == ["AH-003"]


# Bounded queries --------------------------------------------------------------------------------------------------


def _zeilen(n: int) -> list[dict]:
    zugang = ["offen", "nicht", "eingeschränkt: freie Plätze", "nicht | Öffnung möglich: Landesmittel"]
    return [
        {
            "Kennung": f"AH-{i:03d}",
            "Titel": f"Kurs {i}",
            "Träger": "VHS Aheim",
            "Kommunen": "kreisweit" if i % 3 == 0 else "Aheim",
            "Kategorie": "Deutschförderung",
            "Plätze": "12",
            "Anschlussangebote (Kennungen)": f"AH-{i + 1:03d}" if i < n else "",
            "Zugang: Duldung": zugang[i % 4],
            "Zugang: Gestattung": zugang[(i + 1) % 4],
        }
        for i in range(1, n + 1)
    ]


# SQLite splits a bulk insert of the offer's history rows after 24 rows (999 bound parameters), so the
# comparison stays below that; PostgreSQL writes 1,000 rows per statement.
WENIGE, VIELE = 5, 20


def _abfragen(client, datei) -> tuple[int, int]:
    """(queries of the dry run, queries of the confirmation)."""
    with CaptureQueriesContext(connection) as probe:
        vorschau = client.post(URL, {"datei": datei})
    assert vorschau.status_code == 200, vorschau.context.get("fehler")
    with CaptureQueriesContext(connection) as bestaetigt:
        antwort = client.post(URL, {"bestaetigen": "1", "vorgang": vorschau.context["vorgang"].pk})
    # As a browser does: the page after the redirect shows (and so takes from the session) the message.
    client.get(antwort["Location"])
    return len(probe), len(bestaetigt)


def test_import_needs_as_many_queries_for_many_rows_as_for_few(scenario, kommune_client):
    wenige = _abfragen(kommune_client, csv_datei(_zeilen(WENIGE)))
    Angebot.objects.all().delete()
    viele = _abfragen(kommune_client, csv_datei(_zeilen(VIELE)))
    assert Angebot.objects.count() == VIELE
    assert viele == wenige


def test_reimport_with_changes_needs_as_many_queries_for_many_rows_as_for_few(scenario, traeger_a1):
    client = scenario.client("koordination")

    def geaendert(n):
        return [dict(z, **{"Plätze": "14", "Kommunen": "Adorf"}) for z in _zeilen(n)]

    importiere(client, csv_datei(_zeilen(WENIGE)))
    wenige = _abfragen(client, csv_datei(geaendert(WENIGE)))
    Angebot.objects.all().delete()
    importiere(client, csv_datei(_zeilen(VIELE)))
    viele = _abfragen(client, csv_datei(geaendert(VIELE)))
    assert set(Angebot.objects.values_list("plaetze", flat=True)) == {14}
    assert viele == wenige


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_needs_as_many_queries_for_60_offers_as_for_6(scenario, traeger_a1, fmt):
    client = scenario.client("koordination")

    def messen(n):
        for _ in range(n):
            AngebotFactory(
                buendnis=scenario.a,
                traeger=traeger_a1,
                kommunen=[scenario.a1, scenario.a2],
                zugang={"duldung": "offen", "gestattung": "nicht"},
            )
        with CaptureQueriesContext(connection) as abfragen:
            antwort = client.get(reverse(EXPORT), {"format": fmt})
            daten = inhalt(antwort)
        return len(abfragen), daten

    wenige, _daten = messen(6)
    viele, daten = messen(54)
    assert viele == wenige
    if fmt == "csv":
        zeilen = list(csv.DictReader(io.StringIO(daten.decode("utf-8-sig")), delimiter=";"))
        assert len(zeilen) == 60
        assert {z["Kommunen"] for z in zeilen} == {"Adorf; Aheim"}
        assert {(z["Zugang: Duldung"], z["Zugang: Gestattung"]) for z in zeilen} == {("offen", "nicht")}


# Offers of other Kommunen ------------------------------------------------------------------------------------------


def test_kommune_cannot_link_to_a_draft_it_cannot_see(scenario, kommune_client, angebote):
    fremd = angebote["a2_entwurf"].kennung
    vorher = stand()
    antwort = kommune_client.post(
        URL, {"datei": csv_datei(_mit(0, **{"Anschlussangebote (Kennungen)": fremd}))}
    )
    assert antwort.status_code == 400
    assert f"Unbekannte Kennungen: {fremd}" in antwort.content.decode()
    assert stand() == vorher


def test_link_to_a_hidden_draft_is_neither_exported_nor_lost_on_reimport(scenario, kommune_client, angebote):
    importiere(kommune_client, csv_datei(GUT))
    kurs = Angebot.objects.get(kennung="AH-001")
    verborgen = angebote["a2_entwurf"]
    kurs.anschlussangebote.add(verborgen)  # set by the coordination
    export = kommune_client.get(reverse(EXPORT), {"format": "csv"})
    zeilen = list(csv.DictReader(io.StringIO(inhalt(export).decode("utf-8-sig")), delimiter=";"))
    zeile = next(z for z in zeilen if z["Kennung"] == "AH-001")
    assert zeile["Anschlussangebote (Kennungen)"] == "AH-002"
    assert verborgen.kennung not in inhalt(export).decode("utf-8-sig")
    zeile["Plätze"] = "15"
    vorschau, _antwort = importiere(kommune_client, csv_datei([zeile]))
    assert vorschau.context["vorschau"]["aktualisiert"] == 1
    kurs.refresh_from_db()
    assert kurs.plaetze == 15
    assert {a.kennung for a in kurs.anschlussangebote.all()} == {"AH-002", verborgen.kennung}


def test_duplicate_of_a_hidden_draft_is_refused_without_naming_it(scenario, kommune_client, angebote):
    verborgen = angebote["a2_entwurf"]  # "Entwurf Adorf" of the Caritas, a draft of Adorf
    vorher = stand()
    zeile = _mit(0, Titel=verborgen.titel, **{"Träger": scenario.akteur_a.name})
    antwort = kommune_client.post(URL, {"datei": csv_datei(zeile)})
    assert antwort.status_code == 400
    text = antwort.content.decode()
    assert "gibt es im Bündnis schon (als Entwurf einer anderen Kommune)" in text
    assert verborgen.kennung not in text
    assert stand() == vorher


def test_resource_rows_for_streamed_exports_match_the_download(scenario, traeger_a1):
    """The reports' generic export can take the same rows (`AngebotResource.export_zeilen`)."""
    from angebote.resources import AngebotResource

    AngebotFactory(buendnis=scenario.a, titel="-Minus", traeger=traeger_a1, kommunen=[scenario.a1], plaetze=9)
    koordination = scenario.users["koordination"]
    kopf, zeilen = AngebotResource(user=koordination).export_zeilen(Angebot.objects.visible_to(koordination))
    download = scenario.client("koordination").get(reverse(EXPORT), {"format": "csv"})
    datei = list(csv.reader(io.StringIO(inhalt(download).decode("utf-8-sig")), delimiter=";"))
    zeilen = list(zeilen)
    assert datei[0] == kopf
    assert [[("" if v is None else str(v)) for v in z] for z in zeilen] == datei[1:]
    assert zeilen[0][1] == "'-Minus" and zeilen[0][kopf.index("Plätze")] == 9
