"""The neutral structure of a report, shared by the HTML, PDF and DOCX renderers.

It sits in the lowest app because every app lays out its own report sections and dashboard charts with it
(`<app>/berichte.py`); `berichte` only collects them and renders.

A report is a dict that survives JSON (it is stored on `Bericht.inhalt`)::

    {"titel", "untertitel", "stichtag", "einleitung", "abschnitte": [{"key", "titel", "bloecke": [...]}]}

Blocks (`typ`): `absatz` (text), `hinweis` (text, an annotation such as the suppression rule), `liste`
(eintraege), `kennzahlen` (eintraege: [label, value] pairs), `tabelle` (titel, kopf, zeilen, rechts: which columns
are figures, fuss: an optional total row) and `diagramm` (a bar chart: titel, labels, reihen [{name, werte}],
einheit). Every figure is formatted once, here, in German notation; chart values stay numeric strings so that the
web chart, the PDF bars and the table alternative come from the same data.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from buendnis.io import CONTROL_CHARACTERS

CENT = Decimal("0.01")
# A detail table of a section lists at most this many rows (and says how many more there are).
MAX_ZEILEN = 40


def ohne_steuerzeichen(value: str) -> str:
    """Text without the control characters that would break a DOCX or XLSX file (each becomes a space, as in
    `escape_formula`); text pasted from word processors can carry them."""
    return CONTROL_CHARACTERS.sub(" ", value)


def bereinigt(value):
    """A report structure (or any part of it) with every text free of control characters."""
    if isinstance(value, str):
        return ohne_steuerzeichen(value)
    if isinstance(value, dict):
        return {k: bereinigt(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [bereinigt(v) for v in value]
    return value


def zahl(value) -> str:
    """An integer or decimal count in German notation (1.234 / 1,5); None is a dash."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal) and value != value.to_integral_value():
        text = f"{value.normalize():,f}"
    elif isinstance(value, float):
        text = f"{Decimal(str(value)).normalize():,f}"
    else:
        text = f"{int(value):,d}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def euro(value) -> str:
    """A sum of money to the cent in German notation: 12.345,67 €."""
    if value is None:
        return "–"
    amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    text = f"{amount:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"{text} €"


def prozent(value) -> str:
    if value is None:
        return "–"
    amount = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return zahl(amount) + " %"


def datum(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")


def text(value) -> str:
    return "–" if value in (None, "") else str(value)


def absatz(value: str) -> dict:
    return {"typ": "absatz", "text": str(value)}


def hinweis(value: str) -> dict:
    return {"typ": "hinweis", "text": str(value)}


def liste(eintraege) -> dict:
    return {"typ": "liste", "eintraege": [str(e) for e in eintraege]}


def kennzahlen(eintraege) -> dict:
    return {"typ": "kennzahlen", "eintraege": [[str(k), str(v)] for k, v in eintraege]}


def tabelle(titel: str, kopf, zeilen, rechts=None, fuss=None) -> dict:
    kopf = [str(k) for k in kopf]
    return {
        "typ": "tabelle",
        "titel": str(titel),
        "kopf": kopf,
        "zeilen": [[str(c) for c in z] for z in zeilen],
        "rechts": list(rechts) if rechts else [False] * len(kopf),
        "fuss": [str(c) for c in fuss] if fuss else None,
    }


def diagramm(
    titel: str, labels, reihen: list[tuple[str, list]], einheit: str = "", gestapelt: bool = False
) -> dict:
    """A bar chart; `reihen` are (name, values) with int/Decimal values (None counts as hidden/0)."""
    return {
        "gestapelt": gestapelt,
        "typ": "diagramm",
        "titel": str(titel),
        "labels": [str(label) for label in labels],
        "reihen": [{"name": str(name), "werte": [_wert(v) for v in werte]} for name, werte in reihen],
        "einheit": einheit,
    }


def _wert(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return str(value.quantize(CENT)) if value != value.to_integral_value() else str(int(value))
    return str(value)


def diagramm_als_tabelle(block: dict) -> dict:
    """The accessible alternative of a chart: the same values as a table."""
    einheit = block.get("einheit") or ""

    def fmt(v):
        if v is None:
            return "–"
        return euro(Decimal(v)) if einheit == "€" else zahl(Decimal(v))

    kopf = [""] + [r["name"] for r in block["reihen"]]
    zeilen = [
        [label] + [fmt(r["werte"][i]) for r in block["reihen"]] for i, label in enumerate(block["labels"])
    ]
    return tabelle(block["titel"], kopf, zeilen, rechts=[False] + [True] * len(block["reihen"]))


def abschnitt(key: str, titel: str, bloecke: list[dict]) -> dict:
    return {"key": key, "titel": str(titel), "bloecke": bloecke}


def diagramme(section: dict | None) -> list[dict]:
    """The charts of a section (a dashboard shows them without the section's tables)."""
    if not section:
        return []
    return [b for b in section["bloecke"] if b["typ"] == "diagramm"]
