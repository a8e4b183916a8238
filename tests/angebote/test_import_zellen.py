"""Imports a Kommune can use (issue 17): row numbers as the spreadsheet shows them, decimals written German style
or as spreadsheet numbers, the Förderbaustein as F1–F6 (I–VI and the name read too), German dates in the preview."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from angebote.models import Angebot
from buendnis import cells
from buendnis.choices import Baustein
from tests.angebote.test_import_export import GUT, URL, csv_datei, importiere, kommune_client, xlsx_datei

__all__ = ["kommune_client"]


@pytest.mark.parametrize("datei", [csv_datei, xlsx_datei])
@pytest.mark.parametrize(
    "wert, erwartet",
    [("4", "4.0"), ("4,5", "4.5"), (4, "4.0"), (4.5, "4.5"), (4.1, "4.1")],
)
def test_hours_per_week_accept_whole_and_german_decimal_numbers(
    scenario, kommune_client, datei, wert, erwartet
):
    zeile = dict(GUT[1], **{"Stunden pro Woche": wert})
    _vorschau, antwort = importiere(kommune_client, datei([zeile]))
    assert antwort is not None and antwort.status_code == 200
    assert Angebot.objects.get(kennung="AH-002").stunden_pro_woche == Decimal(erwartet)


@pytest.mark.parametrize("wert", ["F4", "f4", "IV", "IV Kurse", "Kurse", "F4 Kurse"])
def test_foerderbaustein_accepts_what_template_and_screen_show(scenario, kommune_client, wert):
    zeile = dict(GUT[1], **{"Förderbaustein": wert})
    _vorschau, antwort = importiere(kommune_client, csv_datei([zeile]))
    assert antwort is not None
    assert Angebot.objects.get(kennung="AH-002").foerderbaustein == Baustein.F4


def test_error_names_the_spreadsheet_row_column_and_expected_form(scenario, kommune_client):
    """The header is row 1: the second data row is row 3, as the spreadsheet numbers it."""
    zeilen = [
        dict(GUT[1]),
        dict(
            GUT[1],
            Kennung="AH-003",
            Titel="Coaching Adorf",
            **{"Stunden pro Woche": "vier", "Förderbaustein": "F9"},
        ),
    ]
    antwort = kommune_client.post(URL, {"datei": csv_datei(zeilen)})
    assert antwort.status_code == 400
    [fehler] = antwort.context["fehler"]
    assert fehler["zeile"] == 3
    assert (
        "Stunden pro Woche: „vier“ ist keine gültige Zahl (erwartet z. B. 4 oder 4,5)." in fehler["meldungen"]
    )
    assert (
        "Förderbaustein: „F9“ ist kein Förderbaustein (erwartet: F1, F2, F3, F4, F5, F6)."
        in fehler["meldungen"]
    )
    assert "Zeile 1 ist die Kopfzeile" in antwort.content.decode()
    assert not Angebot.objects.filter(kennung__in=["AH-002", "AH-003"]).exists()


def test_duplicate_kennung_names_spreadsheet_rows(scenario, kommune_client):
    antwort = kommune_client.post(URL, {"datei": csv_datei([GUT[1], GUT[1]])})
    assert antwort.status_code == 400
    assert [f["zeile"] for f in antwort.context["fehler"]] == [2, 3]
    assert "(Zeilen 2, 3)" in antwort.content.decode()


def test_preview_shows_spreadsheet_dates_as_german_dates(scenario, kommune_client):
    zeile = dict(GUT[1], Beginn=datetime.datetime(2027, 3, 1))
    vorschau = kommune_client.post(URL, {"datei": xlsx_datei([zeile])})
    assert vorschau.status_code == 200
    inhalt = vorschau.content.decode()
    assert "<td>01.03.2027</td>" in inhalt and "00:00" not in inhalt


def test_cell_parsers_read_spreadsheet_floats_as_shown():
    assert cells.parse_decimal(4.1, places=1) == Decimal("4.1")
    assert cells.parse_decimal(0.1 + 0.2, places=1) == Decimal("0.3")
    with pytest.raises(ValueError, match="mehr als 1 Nachkommastelle"):
        cells.parse_decimal("4,25", places=1)
    assert cells.anzeige(datetime.date(2027, 3, 1)) == "01.03.2027"
    assert cells.anzeige(4.5) == "4,5"
