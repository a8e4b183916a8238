"""Fast export of the offer catalogue (issue #8): 50,000 offers as CSV in seconds, as XLSX in bounded memory.

The offers come from one `.values_list()` query read through a server-side cursor; Kommunen,
Anschlussangebote and the access rows are read once each into small maps keyed by offer id. So an export needs
the same few queries for ten offers as for fifty thousand, and never holds model instances. The columns and
their text are those of `AngebotResource` (the import reads an exported file back unchanged), and every text
cell is formula-safe (`buendnis.io.escape_formula`) in CSV and XLSX alike; numbers and dates stay native.
"""

from __future__ import annotations

import datetime
import io
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from angebote.models import Angebot, AngebotStatus, Aufenthaltsstatus, Finanzierung, Zugang
from angebote.resources import KREISWEIT, SPALTEN, zugang_als_text, zugang_header
from buendnis.io import BOM, CONTENT_TYPES, SEMIKOLON, csv_writer, csv_zelle, escape_formula

ZEILEN_JE_ABRUF = 2000
CSV_ZEILEN_JE_BLOCK = 500
# Cells of `export_zeilen` that a CSV writes as `csv_zelle` would, as they are (a date as 2027-03-01, None empty).
_FERTIG = frozenset({str, int, datetime.date, type(None)})

# Columns of the offer query, in the order of `SPALTEN` (plus the id first and `kreisweit` for "Kommunen").
_FELDER = (
    "pk",
    "kennung",
    "titel",
    "beschreibung",
    "traeger__name",
    "kreisweit",
    "online",
    "adresse",
    "plz",
    "ort",
    "zeiten",
    "kontakt_name",
    "kontakt_telefon",
    "kontakt_email",
    "anmeldung_url",
    "anmeldung_hinweis",
    "kategorie__bezeichnung",
    "foerderbaustein",
    "finanzierung",
    "alter_von",
    "alter_bis",
    "deutsch_voraussetzung",
    "deutsch_ziel",
    "plaetze",
    "freie_plaetze",
    "beginn",
    "ende",
    "laufend",
    "stunden_pro_woche",
    "kosten",
    "kinderbetreuung",
    "ansprechperson__name",
    "status",
    "bestaetigt_am",
)


class _Zugangswerte:
    """Stand-in for a `Zugang` row, so the cell text comes from the same function as the resource's."""

    __slots__ = ("art", "bedingung", "oeffnung_moeglich", "oeffnung_hinweis")

    def __init__(self, art, bedingung, oeffnung_moeglich, oeffnung_hinweis):
        self.art = art
        self.bedingung = bedingung
        self.oeffnung_moeglich = oeffnung_moeglich
        self.oeffnung_hinweis = oeffnung_hinweis


def export_kopf(status_liste: list[Aufenthaltsstatus]) -> list[str]:
    """The German column headers, the same as the import template's."""
    return [header for _key, header, _attr in SPALTEN] + [zugang_header(s) for s in status_liste]


def _ordnung(queryset) -> list:
    """The queryset's order (the list's sorting when chosen), made total with the id as tie-breaker."""
    ordnung = list(queryset.query.order_by) or ["titel"]
    if not any(str(o).lstrip("-") in ("pk", "id") for o in ordnung):
        ordnung.append("pk")
    return ordnung


def export_zeilen(
    queryset, status_liste: list[Aufenthaltsstatus] | None = None, *, sichtbar=None
) -> Iterator[list]:
    """One row per offer of `queryset` (already scoped to the user), text cells formula-safe.

    `sichtbar` (the offers the user may see) limits the column "Anschlussangebote" to offers the user knows of.

    Four queries whatever the number of offers: Kommunen, Anschlussangebote and access rows into maps, then the
    offers themselves through a server-side cursor in chunks.
    """
    if status_liste is None:
        status_liste = list(Aufenthaltsstatus.objects.aktiv())
    ids = queryset.order_by().values("pk")

    orte: dict[int, list[str]] = defaultdict(list)
    for angebot_id, name in (
        Angebot.kommunen.through.objects.filter(angebot_id__in=ids)
        .order_by("kommune__buendnis__name", "kommune__name")
        .values_list("angebot_id", "kommune__name")
        .iterator(chunk_size=ZEILEN_JE_ABRUF * 5)
    ):
        orte[angebot_id].append(name)

    anschluss: dict[int, list[str]] = defaultdict(list)
    kanten = Angebot.anschlussangebote.through.objects.filter(from_angebot_id__in=ids)
    if sichtbar is not None:
        kanten = kanten.filter(to_angebot_id__in=sichtbar.order_by().values("pk"))
    for angebot_id, kennung in (
        kanten.order_by()
        .values_list("from_angebot_id", "to_angebot__kennung")
        .iterator(chunk_size=ZEILEN_JE_ABRUF * 5)
    ):
        anschluss[angebot_id].append(kennung)

    spalte = {s.pk: i for i, s in enumerate(status_liste)}
    leer = ("",) * len(status_liste)
    texte: dict[tuple, str] = {}  # equal access rows share one string
    zugaenge: dict[int, list[str]] = {}
    for angebot_id, status_id, *werte in (
        Zugang.objects.filter(angebot_id__in=ids, status_id__in=list(spalte))
        .order_by()
        .values_list("angebot_id", "status_id", "art", "bedingung", "oeffnung_moeglich", "oeffnung_hinweis")
        .iterator(chunk_size=ZEILEN_JE_ABRUF * 5)
    ):
        schluessel = tuple(werte)
        text = texte.get(schluessel)
        if text is None:
            text = texte[schluessel] = escape_formula(zugang_als_text(_Zugangswerte(*werte)))
        zeile = zugaenge.get(angebot_id)
        if zeile is None:
            zeile = zugaenge[angebot_id] = list(leer)
        zeile[spalte[status_id]] = text

    finanzierung = {wert: str(label) for wert, label in Finanzierung.choices}
    status = {wert: str(label) for wert, label in AngebotStatus.choices}
    angebote = (
        queryset.select_related(None)
        .prefetch_related(None)
        .order_by(*_ordnung(queryset))
        .values_list(*_FELDER)
        .iterator(chunk_size=ZEILEN_JE_ABRUF)
    )
    e = escape_formula
    for (
        pk,
        kennung,
        titel,
        beschreibung,
        traeger,
        kreisweit,
        online,
        adresse,
        plz,
        ort,
        zeiten,
        kontakt_name,
        kontakt_telefon,
        kontakt_email,
        anmeldung_url,
        anmeldung_hinweis,
        kategorie,
        foerderbaustein,
        finanz,
        alter_von,
        alter_bis,
        deutsch_von,
        deutsch_ziel,
        plaetze,
        freie_plaetze,
        beginn,
        ende,
        laufend,
        stunden,
        kosten,
        kinderbetreuung,
        person,
        stand,
        bestaetigt_am,
    ) in angebote:
        yield [
            e(kennung),
            e(titel),
            e(beschreibung),
            e(traeger),
            KREISWEIT if kreisweit else e("; ".join(orte.get(pk, ()))),
            "ja" if online else "nein",
            e(adresse),
            e(plz),
            e(ort),
            e(zeiten),
            e(kontakt_name),
            e(kontakt_telefon),
            e(kontakt_email),
            e(anmeldung_url),
            e(anmeldung_hinweis),
            e(kategorie),
            foerderbaustein.upper(),
            finanzierung.get(finanz, ""),
            alter_von,
            alter_bis,
            deutsch_von.upper(),
            deutsch_ziel.upper(),
            plaetze,
            freie_plaetze,
            beginn,
            ende,
            "ja" if laufend else "nein",
            stunden,
            kosten,
            "ja" if kinderbetreuung else "nein",
            e(person or ""),
            e("; ".join(sorted(anschluss.get(pk, ())))),
            status.get(stand, stand),
            bestaetigt_am,
            *zugaenge.get(pk, leer),
        ]


# Writers ---------------------------------------------------------------------------------------------------------


def csv_bloecke(kopf: list[str], zeilen: Iterable[list], trennzeichen: str = SEMIKOLON) -> Iterator[bytes]:
    """UTF-8 CSV with BOM (Excel opens umlauts correctly) in blocks of a few hundred rows: semicolons and decimal
    commas for German spreadsheets, or commas and decimal points with `trennzeichen=KOMMA`."""
    puffer = io.StringIO()
    writer = csv_writer(puffer, trennzeichen)
    puffer.write(BOM)
    writer.writerow([escape_formula(h) for h in kopf])
    for nummer, zeile in enumerate(zeilen, 1):
        # Texts are final already (`export_zeilen` made every one formula-safe); only the decimals go through
        # `csv_zelle`, which keeps 50,000 rows fast.
        writer.writerow([w if w.__class__ in _FERTIG else csv_zelle(w, trennzeichen) for w in zeile])
        if nummer % CSV_ZEILEN_JE_BLOCK == 0:
            yield puffer.getvalue().encode("utf-8")
            puffer.seek(0)
            puffer.truncate()
    yield puffer.getvalue().encode("utf-8")


def _xlsx_wert(wert):
    # An empty text is an empty cell. Control characters, which XLSX does not allow, are gone already: every text
    # cell went through `escape_formula` (the others are fixed labels).
    return None if wert == "" else wert


def xlsx_schreiben(kopf: list[str], zeilen: Iterable[list], ziel, titel: str = "Angebote") -> None:
    """An XLSX workbook written row by row (openpyxl write-only mode: memory does not grow with the rows)."""
    buch = Workbook(write_only=True)
    blatt = buch.create_sheet(titel)
    fett = Font(bold=True)
    kopfzeile = []
    for header in kopf:
        zelle = WriteOnlyCell(blatt, value=escape_formula(header))
        zelle.font = fett
        kopfzeile.append(zelle)
    blatt.append(kopfzeile)
    for zeile in zeilen:
        blatt.append([_xlsx_wert(w) for w in zeile])
    buch.save(ziel)


def export_response(queryset, fmt: str, dateiname: str, *, sichtbar=None, trennzeichen: str = SEMIKOLON):
    """The offers of `queryset` (scoped and filtered by the caller) as a download that streams; a CSV has the
    separator of `trennzeichen`."""
    status_liste = list(Aufenthaltsstatus.objects.aktiv())
    kopf = export_kopf(status_liste)
    zeilen = export_zeilen(queryset, status_liste, sichtbar=sichtbar)
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_bloecke(kopf, zeilen, trennzeichen), content_type=CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = f'attachment; filename="{dateiname}.csv"'
        return response
    if fmt != "xlsx":
        raise ValueError(fmt)
    # The zip container is assembled at the end; a temporary file keeps it out of memory.
    datei = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it when sent
    try:
        xlsx_schreiben(kopf, zeilen, datei)
    except BaseException:
        datei.close()
        raise
    datei.seek(0)
    return FileResponse(
        datei, as_attachment=True, filename=f"{dateiname}.xlsx", content_type=CONTENT_TYPES["xlsx"]
    )
