"""Writers of the exports: streamed CSV and JSON, XLSX through a temporary file, and the Datenpaket workbook.

All of them walk `queryset.iterator(chunk_size=2000)` of an already scoped, `for_export()`-shaped queryset, so
memory stays flat and the number of queries does not grow with the rows (prefetches run once per chunk).
"""

from __future__ import annotations

import datetime
import json
import tempfile
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from bedarf.suppression import ZEICHEN
from berichte.registry import registry
from buendnis.inhalt import ohne_steuerzeichen

# The CSV primitives live in `buendnis.io` (every app's exports write through them); the names stay importable
# from here for the pages and the background jobs of the exports.
from buendnis.io import (  # noqa: F401
    BOM,
    CSV_KOMMA,
    FORMATE,
    KOMMA,
    SEMIKOLON,
    TRENNZEICHEN,
    auftragsformat,
    csv_writer,
    csv_zelle,
    dateiformat,
    escape_formula,
    format_text,
    trennzeichen_aus,
)
from buendnis.registry import ExportEintrag, spaltenbedeutung

CHUNK = 2000
# `Exportauftrag.art` of the Datenpaket; every other job names a registered model as app.modell.
DATENPAKET = "datenpaket"


def sync_max() -> int:
    """Up to this many rows an export is answered at once; above it runs in the background."""
    return getattr(settings, "BERICHTE_EXPORT_SYNC_MAX", 50_000)


def zeilen(eintrag: ExportEintrag, queryset, user) -> tuple[list[str], Iterator[list]]:
    """Headers and a lazy iterator of formula-safe, protected rows with native values."""
    resource = eintrag.resource(user)
    if eintrag.schutz is None and hasattr(resource, "export_zeilen"):
        # The app's own row builder (Angebote: a few queries, 50,000 rows in seconds), the same cells.
        return resource.export_zeilen(queryset)
    headers = resource.get_export_headers()

    def rows():
        for obj in queryset.iterator(chunk_size=CHUNK):
            row = resource.export_resource(obj, force_native_type=True)
            if eintrag.schutz is not None:
                row = eintrag.schutz(row, headers, obj, user)
            yield row

    return headers, rows()


class _Echo:
    def write(self, value):
        return value


def auftrag_titel(auftrag) -> str:
    """What a background job exports, in words: "Datenpaket" or the entity's plural ("Aufgaben")."""
    if auftrag.art == DATENPAKET:
        return _("Datenpaket")
    app_label, _sep, model_name = auftrag.art.partition(".")
    eintrag = registry.get(app_label, model_name)
    return eintrag.titel if eintrag is not None else auftrag.art


def csv_stream(headers, rows, trennzeichen: str = SEMIKOLON) -> Iterator[str]:
    writer = csv_writer(_Echo(), trennzeichen)
    yield BOM + writer.writerow([escape_formula(h) for h in headers])
    for row in rows:
        yield writer.writerow([csv_zelle(v, trennzeichen) for v in row])


def json_stream(headers, rows) -> Iterator[str]:
    yield "["
    erste = True
    for row in rows:
        yield (
            ("" if erste else ",")
            + "\n"
            + json.dumps(dict(zip(headers, row, strict=False)), cls=DjangoJSONEncoder, ensure_ascii=False)
        )
        erste = False
    yield "\n]\n"


def xlsx_wert(value):
    """openpyxl refuses time-zone-aware datetimes, unknown types and control characters; numbers stay numbers."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    # Texts come through `escape_formula`, which replaced the control characters already.
    if value is None or isinstance(value, str | int | float | Decimal | datetime.date | bool):
        return value
    return ohne_steuerzeichen(str(value))


def xlsx_datei(blaetter, fortschritt: Callable[[int], None] | None = None):
    """Writes sheets [(title, headers, rows)] in write-only mode to an anonymous temp file, rewound."""
    wb = Workbook(write_only=True)
    gezaehlt = 0
    for titel, headers, rows in blaetter:
        ws = wb.create_sheet(title=_blattname(titel))
        ws.append([xlsx_wert(escape_formula(h)) for h in headers])
        for row in rows:
            # Every cell, not only the resources' ones: extra sheets (the protected needs analysis, the
            # documentation) carry names typed by users too.
            ws.append([xlsx_wert(escape_formula(v)) for v in row])
            gezaehlt += 1
            if fortschritt and gezaehlt % CHUNK == 0:
                fortschritt(gezaehlt)
    datei = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the caller streams and closes it
    wb.save(datei)
    datei.seek(0)
    return datei


def _blattname(titel: str) -> str:
    for zeichen in "[]:*?/\\":
        titel = titel.replace(zeichen, " ")
    return titel[:31]


# The Datenpaket ---------------------------------------------------------------------------------------------------


def datenpaket_eintraege(user) -> list[ExportEintrag]:
    return registry.fuer(user)


def datenpaket_querysets(user, buendnis_id: int):
    for eintrag in datenpaket_eintraege(user):
        qs = eintrag.queryset(user)
        if hasattr(qs, "for_buendnis"):
            qs = qs.for_buendnis(buendnis_id)
        yield eintrag, qs


def datenpaket_anzahl(user, buendnis_id: int) -> int:
    return sum(qs.count() for _eintrag, qs in datenpaket_querysets(user, buendnis_id))


def datenpaket_blaetter(user, buendnis, stichtag: datetime.date):
    """Sheets of a Bündnis' data package: one per entity, the sheets the apps add (the protected needs analysis),
    then the documentation sheet."""
    eintraege = []
    for eintrag, qs in datenpaket_querysets(user, buendnis.pk):
        eintraege.append(eintrag)
        headers, rows = zeilen(eintrag, qs, user)
        yield eintrag.titel, headers, rows
    zusatz_doku = []
    for blaetter in registry.zusatzblaetter():
        for titel, headers, rows, doku in blaetter(user, buendnis):
            zusatz_doku += [[titel, spalte, bedeutung] for spalte, bedeutung in doku]
            yield titel, headers, rows
    yield (
        _("Dokumentation"),
        [_("Blatt"), _("Spalte"), _("Bedeutung")],
        dokumentation(eintraege, buendnis, stichtag, user) + zusatz_doku,
    )


def dokumentation(eintraege: list[ExportEintrag], buendnis, stichtag: datetime.date, user=None) -> list[list]:
    """Column meanings, the Stichtag and the suppression rule of a data package."""
    k = getattr(settings, "BEDARF_MIN_COUNT", 3)
    out = [
        [_("Datenpaket"), _("Bündnis"), buendnis.name],
        [_("Datenpaket"), _("Stichtag"), stichtag.strftime("%d.%m.%Y")],
        [_("Datenpaket"), _("erstellt am"), timezone.localtime().strftime("%d.%m.%Y %H:%M")],
        [
            _("Datenpaket"),
            _("Geheimhaltung"),
            _(
                "Bedarfszahlen, die die zuständige Kommune verlassen, sind geschützt: Werte von 1 bis %(k1)d "
                "Personen und jede Zahl, aus der sich ein solcher Wert errechnen ließe, stehen als „%(z)s“. "
                "Das Zeichen sagt nichts über die Größe des Werts."
            )
            % {"k1": k - 1, "z": ZEICHEN},
        ],
        [
            _("Datenpaket"),
            _("Formate"),
            _(
                "Zahlen als Zahlen; Texte, die mit = + - @ beginnen, sind mit einem Apostroph versehen, damit "
                "keine Tabellenkalkulation sie als Formel ausführt."
            ),
        ],
    ]
    for eintrag in eintraege:
        if eintrag.schutz_hinweis:
            out.append([eintrag.titel, _("Geheimhaltung"), str(eintrag.schutz_hinweis)])
        resource = eintrag.resource(user)
        for f, header in zip(resource.get_export_fields(), resource.get_export_headers(), strict=True):
            pfad = f.attribute or resource.get_field_name(f)
            out.append([eintrag.titel, header, spaltenbedeutung(eintrag.model, pfad, kopf=header)])
    return out
