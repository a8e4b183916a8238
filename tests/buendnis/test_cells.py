"""The spreadsheet cell parsers every import reads with (buendnis.cells): one grammar per kind of cell, a German
message naming the value for anything else, and no number ever rounded to fit."""

import datetime
from decimal import Decimal

import pytest

from angebote.models import Finanzierung
from buendnis import cells

D = Decimal


@pytest.mark.parametrize(
    ("wert", "zahl"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("1.250", 1250),  # German thousands
        ("1.250.000", 1_250_000),
        (12, 12),
        (12.0, 12),  # XLSX stores whole numbers as floats too
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_a_whole_number_is_digits_optionally_grouped_by_thousands(wert, zahl):
    assert cells.parse_int(wert) == zahl


@pytest.mark.parametrize(
    "wert",
    [
        "1.5",
        "2.0",
        "2,0",
        "12.00",
        "6,5",
        "1e3",
        "²",
        "١٢",
        "zwölf",
        "Infinity",
        "NaN",
        2.5,
        True,
        float("nan"),
    ],
)
def test_anything_else_is_no_whole_number(wert):
    with pytest.raises(ValueError, match="ist keine ganze Zahl"):
        cells.parse_int(wert)


def test_whole_numbers_keep_to_their_bounds():
    with pytest.raises(ValueError, match="^„-2“ ist keine ganze Zahl ab 0.$"):
        cells.parse_int("-2")
    with pytest.raises(ValueError, match="^„-3“ ist keine ganze Zahl ab 0.$"):
        cells.parse_int(-3)
    with pytest.raises(ValueError, match=r"„99999999999“ ist zu groß \(höchstens 2.147.483.647\)"):
        cells.parse_int("99999999999")
    assert cells.parse_int("99999999999", maximum=None) == 99_999_999_999


@pytest.mark.parametrize(
    ("wert", "betrag"),
    [
        ("12,50", D("12.50")),
        ("1.234,56", D("1234.56")),
        ("1234.56", D("1234.56")),
        ("12,50 €", D("12.50")),
        ("3.000,00 EUR", D("3000.00")),
        ("1\u00a0234,5", D("1234.50")),
        ("0", D("0.00")),
        (25, D("25.00")),
        (12.5, D("12.50")),  # an XLSX number, read without binary rounding
        ("", None),
        (None, None),
    ],
)
def test_money_in_german_and_plain_notation(wert, betrag):
    assert cells.parse_money(wert) == betrag


@pytest.mark.parametrize("wert", ["12,345", "100,005", "0,001", 12.345])
def test_money_with_a_third_decimal_place_is_refused_not_rounded(wert):
    with pytest.raises(ValueError, match="hat mehr als 2 Nachkommastellen"):
        cells.parse_money(wert)


@pytest.mark.parametrize(
    ("wert", "meldung"),
    [
        ("teuer", "„teuer“ ist keine gültige Zahl"),
        ("NaN", "„NaN“ ist keine gültige Zahl"),
        ("-Infinity", "„-Infinity“ ist keine gültige Zahl"),
        ("-5", "„-5“ darf nicht negativ sein"),
        ("1e999999", "„1e999999“ ist zu groß"),
        (True, "„True“ ist keine Zahl"),
    ],
)
def test_odd_amounts_get_a_german_message(wert, meldung):
    with pytest.raises(ValueError, match=meldung):
        cells.parse_money(wert)


def test_a_decimal_holds_as_many_places_as_its_field():
    assert cells.parse_decimal("1.234,567891", places=6) == D("1234.567891")
    assert cells.parse_decimal("12,5", places=1) == D("12.5")
    with pytest.raises(ValueError, match="^„12,25“ hat mehr als 1 Nachkommastelle.$"):
        cells.parse_decimal("12,25", places=1)


@pytest.mark.parametrize(
    "wert",
    [
        "01.02.2026",
        "1.2.2026",
        "01.02.26",
        "2026-02-01",
        "2026-02-01 00:00:00",
        datetime.date(2026, 2, 1),
        datetime.datetime(2026, 2, 1, 13, 5),
    ],
)
def test_one_date_grammar_for_every_import(wert):
    assert cells.parse_date(wert) == datetime.date(2026, 2, 1)


@pytest.mark.parametrize("wert", ["31.02.2026", "2026/02/01", "Februar", 45000])
def test_anything_else_is_no_date(wert):
    with pytest.raises(ValueError, match=r"ist kein gültiges Datum \(TT.MM.JJJJ\)"):
        cells.parse_date(wert)
    assert cells.parse_date("") is None


@pytest.mark.parametrize(("wert", "ja"), [("ja", True), ("X", True), (1, True), ("Nein", False), ("", False)])
def test_ja_and_nein(wert, ja):
    assert cells.parse_bool(wert) is ja


def test_neither_ja_nor_nein():
    with pytest.raises(ValueError, match="„vielleicht“ ist weder „ja“ noch „nein“"):
        cells.parse_bool("vielleicht")


def test_a_choice_is_given_by_value_or_label():
    wert, label = Finanzierung.choices[0]
    assert cells.parse_choice(wert, Finanzierung.choices, "Finanzierung") == wert
    assert cells.parse_choice(f"  {str(label).upper()} ", Finanzierung.choices, "Finanzierung") == wert
    assert cells.parse_choice("", Finanzierung.choices, "Finanzierung") == ""
    with pytest.raises(ValueError, match="„Lotto“ ist kein gültiger Wert für Finanzierung"):
        cells.parse_choice("Lotto", Finanzierung.choices, "Finanzierung")


def test_text_takes_off_the_exports_formula_escape_and_nothing_else():
    assert cells.text("'=SUMME(A1)") == "=SUMME(A1)"
    assert cells.text("'Apostroph") == "'Apostroph"
    assert cells.text(5162.0) == "5162"
    assert cells.text(None) == ""
