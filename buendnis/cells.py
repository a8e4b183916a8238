"""Spreadsheet cell parsers: one grammar per kind of cell, shared by every import.

A parser takes a cell as the file reader delivers it (text from CSV; text, int, float, bool or datetime from
XLSX) and returns the Python value, `None` for an empty cell, or raises `ValueError` with a German message naming
the value; the import reports that message under the column's header in the row's line. No parser rounds: a
number with more decimal places than its field holds is refused, never cut to size.
"""

from __future__ import annotations

import datetime
import numbers
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from buendnis.io import FORMULA_PREFIXES

# The largest whole number the database stores in an integer column.
INT_MAX = 2_147_483_647
# Every date format an import accepts: German with four- or two-digit year, ISO, and ISO with the time of day
# as some programs save a date cell as text.
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%Y-%m-%d %H:%M:%S")
JA = frozenset({"ja", "j", "x", "1", "true", "wahr", "yes"})
NEIN = frozenset({"nein", "n", "", "0", "false", "falsch", "no", "-"})
# A whole number is digits, optionally grouped in thousands by dots as German writes them ("1.250"). A decimal
# point or comma never makes a whole number, "6.0" included: one reader takes it for 6, another for 60.
WHOLE_NUMBER = re.compile(r"-?(?:[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+)")
# A number grouped in thousands by dots, without a decimal comma: "1.250", "12.500", "1.000.000" as German
# Excel saves a cell formatted with separators into a semicolon CSV.
THOUSANDS = re.compile(r"-?[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
# Beyond any amount or count a field holds (and beyond exact decimal arithmetic).
MAX_DIGITS_BEFORE_POINT = 16


def text(value) -> str:
    """A cell as trimmed text. Undoes the exports' formula escape ("'=..." back to "=...") and writes a whole
    number that XLSX stored as a float without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value)
    if result[:1] == "'" and result[1:].startswith(FORMULA_PREFIXES):
        result = result[1:]
    return result.strip()


def fold(value: str) -> str:
    """Text for comparing names and keywords: case and runs of white space do not count."""
    return re.sub(r"\s+", " ", value).strip().casefold()


def parse_int(value, *, minimum: int = 0, maximum: int | None = INT_MAX) -> int | None:
    """A whole number (see `WHOLE_NUMBER`, or an XLSX number without a fraction) between the bounds
    (`maximum=None`: no upper bound, for a number that is only compared, never stored)."""
    if isinstance(value, bool):
        raise ValueError(_("„%(wert)s“ ist keine ganze Zahl.") % {"wert": value})
    if isinstance(value, numbers.Number) and not isinstance(value, numbers.Integral):
        zahl = Decimal(str(value))
        if not zahl.is_finite() or zahl != zahl.to_integral_value():
            raise ValueError(_("„%(wert)s“ ist keine ganze Zahl.") % {"wert": str(value)[:40]})
        value = int(zahl)
    anzeige = text(value)
    if anzeige == "":
        return None
    if isinstance(value, numbers.Integral):
        zahl = int(value)
    elif WHOLE_NUMBER.fullmatch(anzeige):
        zahl = int(anzeige.replace(".", ""))
    else:
        raise ValueError(_("„%(wert)s“ ist keine ganze Zahl (erwartet z. B. 12).") % {"wert": anzeige[:40]})
    if zahl < minimum:
        raise ValueError(
            _("„%(wert)s“ ist keine ganze Zahl ab %(min)d.") % {"wert": anzeige[:40], "min": minimum}
        )
    if maximum is not None and zahl > maximum:
        raise ValueError(
            _("„%(wert)s“ ist zu groß (höchstens %(max)s).")
            % {"wert": anzeige[:40], "max": f"{maximum:,}".replace(",", ".")}
        )
    return zahl


def parse_decimal(value, *, places: int) -> Decimal | None:
    """A non-negative number with at most `places` decimal places: XLSX numbers as they are, text in German
    (1.234,56) or plain (1234.56) notation, with or without "€"/"EUR". Never passes through binary floating
    point arithmetic; more decimal places than allowed are refused, not rounded.

    Dots in thousands without a comma ("1.250", "1.000.000") are German grouping where a decimal point cannot
    be meant: more than one dot, or three digits after it in a field with fewer than three places (an amount
    "1.250" is 1250 euros, never 1.25)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(_("„%(wert)s“ ist keine Zahl.") % {"wert": value})
    if isinstance(value, float):
        # A spreadsheet number: its shortest exact decimal at the precision a spreadsheet shows (15 digits), so
        # 4.1 stored as 4.0999999999999996 is 4.1 and a whole number stays whole.
        anzeige = normal = format(value, ".15g")
    elif isinstance(value, numbers.Number):
        anzeige = normal = str(value)
    else:
        anzeige = text(value)
        normal = anzeige.replace("€", "").replace("EUR", "").replace(" ", "").replace("\u00a0", "")
        if "," in normal:
            normal = normal.replace(".", "").replace(",", ".")
        elif THOUSANDS.fullmatch(normal) and (normal.count(".") > 1 or places < 3):
            normal = normal.replace(".", "")
    if normal == "":
        return None
    try:
        zahl = Decimal(normal)
    except InvalidOperation:
        raise ValueError(_zahl_erwartet(anzeige, places)) from None
    if not zahl.is_finite():
        raise ValueError(_zahl_erwartet(anzeige, places))
    if zahl.adjusted() >= MAX_DIGITS_BEFORE_POINT:
        raise ValueError(_("„%(wert)s“ ist zu groß.") % {"wert": anzeige[:40]})
    stelle = Decimal(1).scaleb(-places)
    if zahl != zahl.quantize(stelle):
        raise ValueError(
            ngettext(
                "„%(wert)s“ hat mehr als %(n)d Nachkommastelle.",
                "„%(wert)s“ hat mehr als %(n)d Nachkommastellen.",
                places,
            )
            % {"wert": anzeige[:40], "n": places}
        )
    if zahl < 0:
        raise ValueError(_("„%(wert)s“ darf nicht negativ sein.") % {"wert": anzeige[:40]})
    return zahl.quantize(stelle)


def _zahl_erwartet(anzeige: str, places: int) -> str:
    """The refusal of a cell that is no number, naming the form expected."""
    beispiel = "25,00" if places == 2 else "4 oder 4,5"
    return _("„%(wert)s“ ist keine gültige Zahl (erwartet z. B. %(beispiel)s).") % {
        "wert": anzeige[:40],
        "beispiel": beispiel,
    }


def parse_money(value) -> Decimal | None:
    """An amount in euros, exact to the cent (a third decimal place is refused, never rounded away)."""
    return parse_decimal(value, places=2)


def parse_date(value) -> datetime.date | None:
    """A date: an XLSX date cell, or text in one of `DATE_FORMATS` (TT.MM.JJJJ as the templates say)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    anzeige = text(value)
    if anzeige == "":
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(anzeige, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("„%(wert)s“ ist kein gültiges Datum (TT.MM.JJJJ).") % {"wert": anzeige[:40]})


def parse_bool(value) -> bool:
    """Ja or nein (and the usual spellings of both); an empty cell is nein."""
    if isinstance(value, bool):
        return value
    wort = fold(text(value))
    if wort in JA:
        return True
    if wort in NEIN:
        return False
    raise ValueError(
        _("„%(wert)s“ ist weder „ja“ noch „nein“ (erwartet: ja oder nein).") % {"wert": text(value)[:40]}
    )


def parse_choice(value, choices: Iterable[tuple[str, str]], label: str) -> str:
    """One of `choices` (value, label pairs), given by its value or its label; "" for an empty cell."""
    anzeige = text(value)
    if anzeige == "":
        return ""
    choices = list(choices)
    schluessel = fold(anzeige)
    for wert, bezeichnung in choices:
        if schluessel in (fold(str(wert)), fold(str(bezeichnung))):
            return wert
    raise ValueError(
        _("„%(wert)s“ ist kein gültiger Wert für %(feld)s (erlaubt: %(erlaubt)s).")
        % {"wert": anzeige[:60], "feld": label, "erlaubt": ", ".join(str(b) for _w, b in choices)}
    )


# Roman numerals of the six Förderbausteine, as the programme's older papers number them.
ROEMISCH = ("I", "II", "III", "IV", "V", "VI")


def baustein_kurz(code: str) -> str:
    """The one written form of a Förderbaustein in templates, exports and imports: "F1" … "F6"."""
    return code.upper() if code else ""


def parse_baustein(value, choices: Iterable[tuple[str, str]]) -> str:
    """A Förderbaustein as its code ("f4"): written "F4", "4", "IV", with or without its name ("F4 Kurse",
    "IV Kurse"), or the name alone ("Kurse"); "" for an empty cell."""
    anzeige = text(value)
    if anzeige == "":
        return ""
    choices = list(choices)
    schluessel = fold(anzeige)
    for nummer, (wert, bezeichnung) in enumerate(choices, 1):
        name = fold(re.sub(r"^\S+\s+", "", str(bezeichnung)))
        kurz = {fold(str(wert)), str(nummer), ROEMISCH[nummer - 1].casefold()}
        varianten = kurz | {f"{k} {name}" for k in kurz} | {name, fold(str(bezeichnung))}
        if schluessel in varianten:
            return wert
    raise ValueError(
        _("„%(wert)s“ ist kein Förderbaustein (erwartet: %(erlaubt)s).")
        % {"wert": anzeige[:60], "erlaubt": ", ".join(baustein_kurz(w) for w, _b in choices)}
    )


def anzeige(value) -> str:
    """A cell as the import preview shows it: dates as TT.MM.JJJJ (a spreadsheet date cell has no time of day
    worth showing), whole numbers without ".0", decimals with a comma."""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return f"{value:%d.%m.%Y}"
        return f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, float):
        return format(value, ".15g").replace(".", ",")
    return text(value)
