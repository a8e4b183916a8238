"""Import templates (`buendnis.vorlagen`): bold frozen header, an example row every import skips, drop-down lists
holding exactly what the imports accept, a help sheet; and the admin import numbering rows as the sheet does."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.results import Error, Result, RowResult
from openpyxl.utils import range_boundaries

from angebote.models import Angebot, AngebotStatus, Finanzierung, Kategorie, Sprachniveau
from angebote.resources import parse_zugang
from buendnis import cells
from buendnis.choices import Baustein
from buendnis.uploads import lade_dataset
from buendnis.views_import import fehlerliste
from buendnis.vorlagen import BEISPIELMARKE, ZEILEN, Spalte, Vorlage, ist_beispielzeile
from foerderung.models import Foerderantrag, Mittelabruf
from tests.factories import AkteurFactory
from tests.foerderung.conftest import f1, programm, regeln_f1  # noqa: F401 - fixtures
from tests.foerderung.factories import FoerderantragFactory

ANGEBOTE_IMPORT = "/angebote/import/"


@pytest.fixture
def traeger_a1(scenario):
    return AkteurFactory(buendnis=scenario.a, name="VHS Aheim", kommune=scenario.a1)


def lade(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def listen(buch: openpyxl.Workbook) -> dict[str, tuple[list, object]]:
    """Header of each validated column → (allowed values, the validation)."""
    blatt = buch.worksheets[0]
    kopf = [c.value for c in blatt[1]]
    ergebnis = {}
    for dv in blatt.data_validations.dataValidation:
        assert dv.type == "list"
        blattname, bereich = dv.formula1.split("!")
        assert blattname == "Listen"
        min_col, min_row, _max_col, max_row = range_boundaries(bereich.replace("$", ""))
        werte = [buch["Listen"].cell(row=r, column=min_col).value for r in range(min_row, max_row + 1)]
        (ziel,) = dv.sqref.ranges
        assert (ziel.min_row, ziel.max_row) == (2, ZEILEN + 1)
        ergebnis[kopf[ziel.min_col - 1]] = (werte, dv)
    return ergebnis


def hochladen(client, url, inhalt: bytes, name: str):
    """Dry run and confirmation on an import page. Returns (preview response, confirmation response)."""
    vorschau = client.post(url, {"datei": SimpleUploadedFile(name, inhalt)})
    assert vorschau.status_code == 200, vorschau.context.get("fehler") or vorschau.context["form"].errors
    assert not vorschau.context.get("fehler")
    bestaetigt = client.post(
        url, {"bestaetigen": "1", "vorgang": vorschau.context["vorgang"].pk}, follow=True
    )
    return vorschau, bestaetigt


def gespeichert(buch: openpyxl.Workbook) -> bytes:
    puffer = io.BytesIO()
    buch.save(puffer)
    return puffer.getvalue()


# Offers -----------------------------------------------------------------------------------------------------------


def test_offer_template_has_bold_frozen_header_marked_example_and_help(scenario, traeger_a1):
    buch = lade(scenario.client("kommune").get(reverse("angebote:import-vorlage"), {"format": "xlsx"}))
    assert buch.sheetnames == ["Angebote", "Hinweise", "Listen"]
    assert buch["Listen"].sheet_state == "hidden"
    blatt = buch["Angebote"]
    assert blatt.freeze_panes == "A2"
    kopf = [c.value for c in blatt[1]]
    assert all(c.font.b for c in blatt[1])
    beispiel = dict(zip(kopf, (c.value for c in blatt[2]), strict=True))
    assert blatt["A2"].value == BEISPIELMARKE
    assert blatt["A2"].comment is not None and "übersprungen" in blatt["A2"].comment.text
    assert all(c.font.i for c in blatt[2])
    # Values of the user's own scope: the own Kommune and a Träger of that Kommune, never the other Bündnis's.
    assert beispiel["Kommunen"] == "Aheim"
    assert beispiel["Träger"] == "VHS Aheim"
    assert beispiel["Förderbaustein"] == "F4"
    assert isinstance(beispiel["Beginn"], datetime.datetime)
    assert blatt.cell(row=2, column=kopf.index("Beginn") + 1).number_format == "DD.MM.YYYY"
    assert beispiel["Kosten (EUR)"] == 25
    assert blatt.cell(row=2, column=kopf.index("Kosten (EUR)") + 1).number_format == "#,##0.00"
    assert blatt.column_dimensions["B"].width >= len("Titel")
    # Nothing below the example: a program appending rows writes them right under it.
    assert blatt.max_row == 2
    hilfe = [[c.value for c in zeile] for zeile in buch["Hinweise"].iter_rows()]
    erklaert = {z[0] for z in hilfe}
    assert set(kopf) <= erklaert
    assert any(z[0] and BEISPIELMARKE in z[0] for z in hilfe)


def test_offer_template_lists_hold_exactly_what_the_import_accepts(scenario, traeger_a1):
    buch = lade(scenario.client("koordination").get(reverse("angebote:import-vorlage"), {"format": "xlsx"}))
    gefunden = listen(buch)
    kategorien = {cells.fold(k.bezeichnung) for k in Kategorie.objects.aktiv()}
    pruefer = {
        "Träger": lambda w: w in {"Caritas A", "VHS Aheim"},
        "Kommunen": lambda w: w in {"Aheim", "Adorf", "kreisweit"},
        "Online": lambda w: cells.parse_bool(w) in (True, False),
        "laufender Einstieg": lambda w: cells.parse_bool(w) in (True, False),
        "Kinderbetreuung": lambda w: cells.parse_bool(w) in (True, False),
        "Kategorie": lambda w: cells.fold(w) in kategorien,
        "Förderbaustein": lambda w: cells.parse_baustein(w, Baustein.choices) in Baustein.values,
        "Rechtskreis/Finanzierung": lambda w: cells.parse_choice(w, Finanzierung.choices, "x") != "",
        "Deutsch vorausgesetzt": lambda w: cells.parse_choice(w, Sprachniveau.choices, "x") != "",
        "Deutsch am Ende": lambda w: cells.parse_choice(w, Sprachniveau.choices, "x") != "",
        "Status": lambda w: cells.parse_choice(w, AngebotStatus.choices, "x") != "",
    }
    zugang = [k for k in gefunden if k.startswith("Zugang: ")]
    assert "Zugang: Duldung" in zugang and "Zugang: Gestattung" in zugang
    assert set(pruefer) | set(zugang) == set(gefunden)
    for kopf, (werte, _dv) in gefunden.items():
        assert werte, kopf
        for wert in werte:
            if kopf in zugang:
                assert parse_zugang(wert)[0] in ("offen", "nicht"), wert
            else:
                assert pruefer[kopf](wert), (kopf, wert)
    assert sorted(gefunden["Förderbaustein"][0]) == ["F1", "F2", "F3", "F4", "F5", "F6"]
    # Caritas B belongs to the other Bündnis; its name is not offered.
    assert "Caritas B" not in gefunden["Träger"][0]
    # A closed list refuses other values; the Kommunen (several allowed) and access columns only suggest.
    assert gefunden["Förderbaustein"][1].errorStyle in (None, "stop")
    assert gefunden["Kommunen"][1].errorStyle == "information"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_offer_template_uploaded_unchanged_imports_nothing_and_reports_no_error(scenario, traeger_a1, fmt):
    client = scenario.client("kommune")
    vorlage = client.get(reverse("angebote:import-vorlage"), {"format": fmt})
    vorschau, bestaetigt = hochladen(client, ANGEBOTE_IMPORT, vorlage.content, f"vorlage.{fmt}")
    assert vorschau.context["vorschau"]["zeilen"] == 0
    assert (vorschau.context["vorschau"]["neu"], vorschau.context["vorschau"]["unveraendert"]) == (0, 0)
    assert "Import abgeschlossen: 0 neu, 0 aktualisiert, 0 unverändert." in bestaetigt.content.decode()
    assert not Angebot.objects.exists()


def test_offer_template_with_example_replaced_by_a_real_row_imports_that_row(scenario, traeger_a1):
    client = scenario.client("kommune")
    buch = lade(client.get(reverse("angebote:import-vorlage"), {"format": "xlsx"}))
    blatt = buch["Angebote"]
    # The person keeps the example's values and gives the row a Kennung instead of the mark.
    blatt["A2"] = "AH-100"
    _vorschau, bestaetigt = hochladen(client, ANGEBOTE_IMPORT, gespeichert(buch), "angebote.xlsx")
    assert "Import abgeschlossen: 1 neu" in bestaetigt.content.decode()
    angebot = Angebot.objects.get(kennung="AH-100")
    assert angebot.traeger == traeger_a1
    assert list(angebot.kommunen.all()) == [scenario.a1]
    assert angebot.kosten == Decimal("25.00")
    assert angebot.stunden_pro_woche == Decimal("12")
    assert angebot.beginn.month == 2 and angebot.foerderbaustein == "f4"


def test_offer_rows_below_the_example_import_and_errors_name_the_sheet_row(scenario, traeger_a1):
    client = scenario.client("kommune")
    buch = lade(client.get(reverse("angebote:import-vorlage"), {"format": "xlsx"}))
    blatt = buch["Angebote"]
    kopf = [c.value for c in blatt[1]]
    gut = {
        "Kennung": "AH-1",
        "Titel": "Kurs",
        "Träger": "VHS Aheim",
        "Kommunen": "Aheim",
        "Kategorie": "coaching",
    }
    schlecht = {**gut, "Kennung": "AH-2", "Titel": "Kurs 2", "Förderbaustein": "F9"}
    for zeile in (gut, schlecht):
        blatt.append([zeile.get(k) for k in kopf])
    antwort = client.post(ANGEBOTE_IMPORT, {"datei": SimpleUploadedFile("a.xlsx", gespeichert(buch))})
    assert antwort.status_code == 400
    fehler = antwort.context["fehler"]
    assert [f["zeile"] for f in fehler] == [4]
    assert "F9" in fehler[0]["meldungen"][0]
    blatt.delete_rows(4)
    _vorschau, bestaetigt = hochladen(client, ANGEBOTE_IMPORT, gespeichert(buch), "a.xlsx")
    assert "Import abgeschlossen: 1 neu" in bestaetigt.content.decode()
    assert list(Angebot.objects.values_list("kennung", flat=True)) == ["AH-1"]


def test_offer_csv_template_is_header_and_example_row_in_german_notation(scenario, traeger_a1):
    antwort = scenario.client("kommune").get(reverse("angebote:import-vorlage"), {"format": "csv"})
    assert antwort.status_code == 200
    daten = lade_dataset(antwort.content, "csv")
    assert daten.headers[:5] == ["Kennung", "Titel", "Beschreibung", "Träger", "Kommunen"]
    assert daten.height == 1
    zeile = daten.dict[0]
    assert zeile["Kennung"] == BEISPIELMARKE
    assert zeile["Kosten (EUR)"] == "25,00"
    assert zeile["Beginn"].count(".") == 2 and len(zeile["Beginn"]) == len("01.02.2027")


# Funding ----------------------------------------------------------------------------------------------------------


def test_application_template_example_is_of_own_scope_and_lists_fit_the_import(scenario, f1):  # noqa: F811
    buch = lade(scenario.client("kommune").get(reverse("foerderung:antrag-vorlage"), {"format": "xlsx"}))
    blatt = buch.worksheets[0]
    kopf = [c.value for c in blatt[1]]
    beispiel = dict(zip(kopf, (c.value for c in blatt[2]), strict=True))
    assert beispiel["ID"] == BEISPIELMARKE
    assert (beispiel["Förderbaustein"], beispiel["Kommune"], beispiel["Bündnis"]) == (
        "F1",
        "Aheim",
        scenario.a.name,
    )
    assert beispiel["Personalkosten (EUR)"] == 1250
    gefunden = listen(buch)
    # Only the Förderbausteine that are set up, only the own Kommune, only the Bündnis's Akteure.
    assert gefunden["Förderbaustein"][0] == ["F1"]
    assert gefunden["Kommune"][0] == ["Aheim"]
    assert gefunden["Antragsteller (Akteur)"][0] == ["Caritas A"]
    assert set(gefunden) == {"Förderbaustein", "Kommune", "Antragsteller (Akteur)"}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_application_template_unchanged_imports_nothing(scenario, f1, regeln_f1, fmt):  # noqa: F811
    client = scenario.client("kommune")
    vorlage = client.get(reverse("foerderung:antrag-vorlage"), {"format": fmt})
    _vorschau, bestaetigt = hochladen(
        client, reverse("foerderung:antrag-import"), vorlage.content, f"v.{fmt}"
    )
    assert "Import abgeschlossen: 0 neu" in bestaetigt.content.decode()
    assert not Foerderantrag.objects.exists()


def test_application_template_with_example_replaced_imports_a_draft(scenario, f1, regeln_f1):  # noqa: F811
    client = scenario.client("kommune")
    buch = lade(client.get(reverse("foerderung:antrag-vorlage"), {"format": "xlsx"}))
    buch.worksheets[0]["A2"] = None  # an empty ID: a new draft
    _vorschau, bestaetigt = hochladen(
        client, reverse("foerderung:antrag-import"), gespeichert(buch), "a.xlsx"
    )
    assert "Import abgeschlossen: 1 neu" in bestaetigt.content.decode()
    antrag = Foerderantrag.objects.get()
    assert (antrag.kommune, antrag.baustein, antrag.status) == (scenario.a1, f1, "entwurf")
    assert sorted(k.betrag for k in antrag.kostenpositionen.all()) == [Decimal("250.00"), Decimal("1250.00")]


def test_drawdown_template_unchanged_imports_nothing(scenario):
    client = scenario.client("koordination")
    vorlage = client.get(reverse("foerderung:mittelabruf-vorlage"), {"format": "xlsx"})
    assert lade(vorlage).worksheets[0]["A2"].value == BEISPIELMARKE
    _vorschau, bestaetigt = hochladen(
        client, reverse("foerderung:mittelabruf-import"), vorlage.content, "abrufe.xlsx"
    )
    assert "Import abgeschlossen: 0 neu" in bestaetigt.content.decode()
    assert not Mittelabruf.objects.exists()


def test_drawdown_template_offers_approved_applications_and_its_example_imports(scenario, f1):  # noqa: F811
    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True)
    FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1)  # a draft: nothing to draw
    FoerderantragFactory(buendnis=scenario.b, kommune=scenario.b1, baustein=f1, bewilligt=True)
    client = scenario.client("koordination")
    buch = lade(client.get(reverse("foerderung:mittelabruf-vorlage"), {"format": "xlsx"}))
    blatt = buch.worksheets[0]
    kopf = [c.value for c in blatt[1]]
    beispiel = dict(zip(kopf, (c.value for c in blatt[2]), strict=True))
    # Numbers in the list, so a typed ID matches it.
    assert listen(buch)["Antrag-ID"][0] == [antrag.pk]
    assert beispiel["Antrag"] == antrag.titel
    assert beispiel["Kostenposition-ID"] == antrag.kostenpositionen.get().pk
    blatt["A2"] = antrag.pk
    _vorschau, bestaetigt = hochladen(
        client, reverse("foerderung:mittelabruf-import"), gespeichert(buch), "abrufe.xlsx"
    )
    assert "Import abgeschlossen: 1 neu" in bestaetigt.content.decode()
    abruf = Mittelabruf.objects.get()
    assert (abruf.antrag, abruf.betrag, abruf.bemerkung) == (antrag, Decimal("1250.00"), "Abruf 1. Quartal")


@pytest.mark.parametrize(
    ("rolle", "erwartet"),
    [("anonym", 302), ("mitglied", 403), ("auswertung", 403), ("land", 403), ("kommune", 200)],
)
def test_application_template_role_matrix(scenario, rolle, erwartet):
    antwort = scenario.client(rolle).get(reverse("foerderung:antrag-vorlage"), {"format": "xlsx"})
    assert antwort.status_code == erwartet


# The writer itself --------------------------------------------------------------------------------------------------


def test_long_and_comma_lists_go_to_the_hidden_sheet_and_text_is_formula_safe():
    namen = [f"Träger, Nummer {i}" for i in range(60)] + ["=HYPERLINK(1)"]
    vorlage = Vorlage("Test", [Spalte("Kennung"), Spalte("Träger", "Name", "=HYPERLINK(1)", auswahl=namen)])
    buch = openpyxl.load_workbook(io.BytesIO(vorlage.xlsx()))
    werte, _dv = listen(buch)["Träger"]
    assert len(werte) == 61 and werte[0] == "Träger, Nummer 0"
    assert werte[-1] == "'=HYPERLINK(1)"
    assert buch["Test"]["B2"].value == "'=HYPERLINK(1)"
    assert buch["Test"]["B2"].data_type == "s"


def test_example_row_is_recognised_by_its_mark_only():
    assert ist_beispielzeile([BEISPIELMARKE, "x"])
    assert ist_beispielzeile(["", f"  {BEISPIELMARKE.upper()} "])
    assert not ist_beispielzeile(["Beispiel", "NE-001"])
    assert not ist_beispielzeile([None, 3, datetime.date(2027, 1, 1)])


# Admin ------------------------------------------------------------------------------------------------------------


def test_admin_import_numbers_error_rows_as_the_sheet_shows_them(scenario, traeger_a1):
    # Only superusers import in the admin; the offers' import needs a Bündnis.
    koordination = scenario.users["koordination"]
    koordination.is_superuser = True
    koordination.save(update_fields=["is_superuser"])
    client = scenario.client("koordination")
    text = (
        "Kennung;Titel;Träger;Kommunen;Kategorie;Plätze\n"
        "AH-1;Kurs;VHS Aheim;Aheim;coaching;3\n"
        "AH-2;Kurs 2;VHS Aheim;Aheim;coaching;viele\n"
    )
    antwort = client.post(
        reverse("admin:angebote_angebot_import"),
        {
            "resource": "0",
            "format": "1",
            "import_file": SimpleUploadedFile("a.csv", text.encode("utf-8"), content_type="text/csv"),
        },
    )
    assert antwort.status_code == 200, antwort.content[:500]
    ergebnis = antwort.context["result"]
    assert [z.number for z in ergebnis.invalid_rows] == [3]
    assert "<td>3 </td>" in antwort.content.decode()
    assert not Angebot.objects.exists()


def test_staff_import_names_a_failing_row_by_its_row_in_the_file():
    """A row that raised (not a validation error) keeps its place in the file, even when rows before it were
    not reported (django-import-export's `row_errors()` counts reported rows only)."""
    result = Result()
    fehlerhaft = RowResult()
    fehlerhaft.errors.append(Error(ValueError("kaputt")))
    result.append_row_result(fehlerhaft)  # data rows 1 and 2 were skipped without a report
    result.append_error_row(3, {}, fehlerhaft.errors)
    assert fehlerliste(result) == [{"zeile": 4, "meldungen": ["Ungültiger Wert: kaputt"]}]
