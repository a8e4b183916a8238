"""Import templates (Vorlagen) as people fill them in: XLSX with an example row, drop-down lists and help.

A `Vorlage` is the columns of one import (`Spalte`: header, explanation, example value, allowed values). It is
written as
- XLSX (`Vorlage.xlsx()`): the header row bold and frozen, column widths and number formats (dates TT.MM.JJJJ,
  amounts 1.250,00), row 2 an example in grey italics, a list validation over `ZEILEN` rows on every column
  with a closed set of values (the values on a hidden sheet "Listen", referenced by range: Excel refuses
  inline lists over 255 characters), and a sheet "Hinweise" explaining every column;
- CSV (`Vorlage.dataset()`): the header and the example row, cells written as the import reads them.

The example row carries `BEISPIELMARKE` in its first column. Every import skips a row holding that mark
(`ist_beispielzeile`; `BeispielzeileMixin` for django-import-export resources) without an error and without
counting it, so a template uploaded unchanged imports nothing, and a person may overwrite the example or write
below it. The values of the lists are exactly what the import's parsers (`buendnis.cells`) accept.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import tablib
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from buendnis import cells
from buendnis.io import CONTENT_TYPES, dataset_response, escape_formula

# The mark of the example row: not translated, so an import recognises it whatever the interface language.
BEISPIELMARKE = "Beispielzeile – wird nicht importiert"
# Rows of the data sheet that get the drop-down lists (the header is row 1).
ZEILEN = 1000
LISTEN_BLATT = "Listen"
HINWEISE_BLATT = "Hinweise"
# Allowed values listed in full on the help sheet up to this many; longer lists are only in the drop-down.
HINWEIS_WERTE_MAX = 12

# Kinds of cells: the number format of the column and how the example is written to CSV.
TEXT = "text"  # kept as typed (identifiers, postcodes: "04109" keeps its zero)
DATUM = "datum"
BETRAG = "betrag"
ZAHL = "zahl"
ZAHLENFORMAT = {TEXT: "@", DATUM: "DD.MM.YYYY", BETRAG: "#,##0.00", ZAHL: "General"}

JA_NEIN = ("ja", "nein")

KOPF_SCHRIFT = Font(bold=True)
KOPF_FUELLUNG = PatternFill("solid", fgColor="DDE4EE")
BEISPIEL_SCHRIFT = Font(italic=True, color="808080")


@dataclass(frozen=True)
class Spalte:
    """One column of a template.

    `auswahl`: the values a drop-down offers, exactly as the import accepts them (numbers as numbers, so a typed
    number matches); with `frei` other values are
    allowed too (several names separated by semicolons, a condition after "eingeschränkt:"), the list only
    suggests."""

    kopf: str
    hinweis: str = ""
    beispiel: Any = ""
    auswahl: Sequence[str | int] = ()
    frei: bool = False
    pflicht: bool = False
    art: str = ""


@dataclass
class Vorlage:
    """The template of one import: its data sheet's title, the columns and a general note for the help sheet."""

    titel: str
    spalten: list[Spalte]
    hinweis: str = ""
    zeilen: int = ZEILEN
    blatt_titel: str = field(init=False)

    def __post_init__(self):
        # Excel's limit for sheet names; "Listen" and "Hinweise" are taken by the template itself.
        self.blatt_titel = self.titel[:31]

    @property
    def kopf(self) -> list[str]:
        return [s.kopf for s in self.spalten]

    def beispielzeile(self) -> list:
        """The example row with native values (the first cell is the mark)."""
        zeile = [s.beispiel for s in self.spalten]
        if zeile:
            zeile[0] = BEISPIELMARKE
        return zeile

    def dataset(self) -> tablib.Dataset:
        """Header and example row, every cell as text in German notation (for CSV)."""
        daten = tablib.Dataset(headers=self.kopf, title=self.blatt_titel)
        daten.append([escape_formula(als_text(v)) for v in self.beispielzeile()])
        return daten

    def xlsx(self) -> bytes:
        buch = Workbook()
        blatt = buch.active
        blatt.title = self.blatt_titel
        hinweise = buch.create_sheet(HINWEISE_BLATT)
        listen = buch.create_sheet(LISTEN_BLATT)
        listen.sheet_state = "hidden"
        self._datenblatt(blatt, listen)
        self._hinweisblatt(hinweise)
        # The data sheet is the one an import reads (the active sheet when the file is opened and saved).
        buch.active = 0
        ausgabe = io.BytesIO()
        buch.save(ausgabe)
        return ausgabe.getvalue()

    def _datenblatt(self, blatt, listen) -> None:
        blatt.append([escape_formula(k) for k in self.kopf])
        blatt.append([_zelle(v) for v in self.beispielzeile()])
        blatt.freeze_panes = "A2"
        letzte = self.zeilen + 1
        listen_spalte = 0
        for nummer, spalte in enumerate(self.spalten, 1):
            buchstabe = get_column_letter(nummer)
            kopf = blatt.cell(row=1, column=nummer)
            kopf.font = KOPF_SCHRIFT
            kopf.fill = KOPF_FUELLUNG
            kopf.alignment = Alignment(vertical="top")
            beispiel = blatt.cell(row=2, column=nummer)
            beispiel.font = BEISPIEL_SCHRIFT
            format_ = ZAHLENFORMAT.get(spalte.art)
            dimension = blatt.column_dimensions[buchstabe]
            dimension.width = _breite(spalte, nummer == 1)
            if format_:
                # On the column, not on 1,000 empty cells: a sheet's "last row" stays the example row, so rows
                # appended by a program land right below it.
                dimension.number_format = format_
                if nummer > 1:
                    beispiel.number_format = format_
            if spalte.auswahl:
                listen_spalte += 1
                bereich = _liste_schreiben(listen, listen_spalte, spalte)
                validierung = _validierung(spalte, bereich)
                validierung.add(f"{buchstabe}2:{buchstabe}{letzte}")
                blatt.add_data_validation(validierung)
        blatt["A2"].comment = Comment(
            _(
                "Beispielzeile: Sie wird beim Import übersprungen, solange hier „%(marke)s“ steht. "
                "Überschreiben Sie die Zeile mit Ihren Daten (auch diese Zelle) oder tragen Sie Ihre Zeilen "
                "darunter ein."
            )
            % {"marke": BEISPIELMARKE},
            _("Vorlage"),
            width=320,
            height=110,
        )

    def _hinweisblatt(self, blatt) -> None:
        blatt.append([_("Hinweise zur Vorlage „%(titel)s“") % {"titel": self.titel}])
        blatt["A1"].font = Font(bold=True, size=13)
        allgemein = [
            _(
                "Tragen Sie ab Zeile 3 des Blatts „%(blatt)s“ eine Zeile je Eintrag ein. Zeile 2 ist ein Beispiel "
                "(grau, kursiv): Solange in Spalte A „%(marke)s“ steht, wird sie beim Import übersprungen. Sie "
                "können sie auch mit Ihren Daten überschreiben."
            )
            % {"blatt": self.blatt_titel, "marke": BEISPIELMARKE},
            _(
                "Spalten mit Auswahlliste: Klicken Sie in die Zelle und wählen Sie einen Wert aus der Liste; "
                "die Liste enthält genau die Werte, die der Import annimmt."
            ),
            _(
                "Datum als TT.MM.JJJJ (z. B. 01.03.2027), Beträge in Euro mit Komma (z. B. 1.250,00), "
                "ja/nein-Spalten mit „ja“ oder „nein“."
            ),
            _(
                "Ändern Sie die Spaltenüberschriften in Zeile 1 nicht und lassen Sie das Blatt „%(blatt)s“ das "
                "erste. Speichern Sie die Datei als XLSX und laden Sie sie auf der Importseite hoch. Zuerst läuft "
                "ein Probelauf; Fehler werden mit der Zeilennummer dieser Tabelle gemeldet."
            )
            % {"blatt": self.blatt_titel},
        ]
        if self.hinweis:
            allgemein.append(str(self.hinweis))
        for text in allgemein:
            blatt.append([escape_formula(text)])
            blatt.cell(row=blatt.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
            blatt.merge_cells(start_row=blatt.max_row, start_column=1, end_row=blatt.max_row, end_column=5)
            blatt.row_dimensions[blatt.max_row].height = 45
        blatt.append([])
        blatt.append([_("Spalte"), _("Pflicht"), _("Erläuterung"), _("Erlaubte Werte"), _("Beispiel")])
        for zelle in blatt[blatt.max_row]:
            zelle.font = KOPF_SCHRIFT
            zelle.fill = KOPF_FUELLUNG
        for spalte in self.spalten:
            blatt.append(
                [
                    escape_formula(spalte.kopf),
                    _("ja") if spalte.pflicht else "",
                    escape_formula(str(spalte.hinweis)),
                    escape_formula(_erlaubte_werte(spalte)),
                    escape_formula(als_text(spalte.beispiel)),
                ]
            )
            for zelle in blatt[blatt.max_row]:
                zelle.alignment = Alignment(wrap_text=True, vertical="top")
        for buchstabe, breite in zip("ABCDE", (28, 9, 70, 40, 24), strict=True):
            blatt.column_dimensions[buchstabe].width = breite


def _zelle(wert):
    """A value as an XLSX cell: numbers and dates native, text formula-safe."""
    if isinstance(wert, str):
        return escape_formula(wert)
    return wert


def als_text(wert) -> str:
    """A value as the import reads it from text: dates TT.MM.JJJJ, amounts 1.250,00, whole numbers plain."""
    if wert is None:
        return ""
    if isinstance(wert, datetime.date):
        return f"{wert:%d.%m.%Y}"
    if isinstance(wert, Decimal):
        return f"{wert:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return str(wert)


def _breite(spalte: Spalte, erste: bool) -> float:
    laengen = [len(spalte.kopf), len(als_text(spalte.beispiel)), 10]
    if erste:
        laengen.append(len(BEISPIELMARKE))
    if spalte.auswahl:
        laengen.append(max(len(str(w)) for w in spalte.auswahl))
    return min(max(laengen) + 2, 45)


def _liste_schreiben(listen, nummer: int, spalte: Spalte) -> str:
    """Writes the allowed values into column `nummer` of the list sheet (header in row 1); returns the range."""
    buchstabe = get_column_letter(nummer)
    listen.cell(row=1, column=nummer, value=escape_formula(spalte.kopf)).font = KOPF_SCHRIFT
    for zeile, wert in enumerate(spalte.auswahl, 2):
        listen.cell(row=zeile, column=nummer, value=_zelle(wert))
    return f"{LISTEN_BLATT}!${buchstabe}$2:${buchstabe}${len(spalte.auswahl) + 1}"


def _validierung(spalte: Spalte, bereich: str) -> DataValidation:
    if spalte.frei:
        fehler = _("Dieser Wert steht nicht in der Liste. Bitte prüfen Sie ihn (siehe Blatt „Hinweise“).")
    else:
        fehler = _("Bitte wählen Sie einen Wert aus der Liste (siehe Blatt „Hinweise“).")
    return DataValidation(
        type="list",
        formula1=bereich,
        allow_blank=True,
        showErrorMessage=True,
        # "information" lets the person keep another value (several names, a condition); "stop" does not.
        errorStyle="information" if spalte.frei else "stop",
        errorTitle=spalte.kopf[:32],
        error=fehler[:255],
        showInputMessage=bool(spalte.hinweis),
        promptTitle=spalte.kopf[:32],
        prompt=str(spalte.hinweis)[:255],
    )


def _erlaubte_werte(spalte: Spalte) -> str:
    if not spalte.auswahl:
        return ""
    if len(spalte.auswahl) > HINWEIS_WERTE_MAX:
        return _("Auswahlliste (%(n)d Werte)") % {"n": len(spalte.auswahl)}
    return ", ".join(str(w) for w in spalte.auswahl)


def vorlage_response(vorlage: Vorlage, fmt: str, dateiname: str, **csv_optionen) -> HttpResponse:
    """The template as a download: XLSX with lists and help, or CSV with header and example row
    (`csv_optionen` as `buendnis.io.dataset_response` takes them, e.g. the separator)."""
    if fmt != "xlsx":
        return dataset_response(vorlage.dataset(), fmt, dateiname, **csv_optionen)
    response = HttpResponse(vorlage.xlsx(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = content_disposition_header(True, f"{dateiname}.xlsx")
    return response


# Reading ---------------------------------------------------------------------------------------------------------

_MARKE = cells.fold(BEISPIELMARKE)


def ist_beispielzeile(zellen: Iterable) -> bool:
    """Whether a row of an upload is a template's example row: one of its cells holds `BEISPIELMARKE`. Asked of
    every row of every import: only text at least as long as the mark is folded (folding never lengthens)."""
    return any(
        isinstance(z, str) and len(z) >= len(_MARKE) and cells.fold(cells.text(z)) == _MARKE for z in zellen
    )


class BeispielzeileMixin:
    """Mix into a django-import-export Resource (before `ModelResource`): the template's example row is passed
    over. Its row result has no import type, so it counts as neither new, updated nor skipped, and it is no
    error; the row numbers of the other rows stay those of the sheet."""

    def import_row(self, row, instance_loader, **kwargs):
        if ist_beispielzeile(row.values()):
            return self.get_row_result_class()()
        return super().import_row(row, instance_loader, **kwargs)


def ja_nein_spalte(kopf: str, hinweis: str, beispiel: str = "nein", **kwargs) -> Spalte:
    """A yes/no column: the drop-down offers "ja" and "nein" (`buendnis.cells.parse_bool`)."""
    return Spalte(kopf, hinweis, beispiel, auswahl=JA_NEIN, **kwargs)


def baustein_auswahl(codes: Iterable[str]) -> list[str]:
    """The Förderbausteine as the templates write them ("F1" … "F6", `buendnis.cells.baustein_kurz`)."""
    return [cells.baustein_kurz(c) for c in codes]
