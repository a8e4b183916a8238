"""Reading an uploaded spreadsheet: the checks every import runs before anything parses a cell.

- `lies_upload(datei)`: size and type of the upload; returns (bytes, format).
- `lade_dataset(raw, fmt)`: the zip structure of XLSX (against zip bombs and formulas without a stored value),
  the encoding and delimiter of CSV, one header row without repeats, the row limit; returns a `tablib.Dataset`.
- `pruefe_upload(datei)`: both in one call. `pruefe_spalten(dataset, pflicht)`: the required columns.

Each raises `ValidationError` with a German message. The cells themselves are read by `buendnis.cells`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from tablib.formats._xlsx import XLSXFormat

XLSX_MAX_UNCOMPRESSED = 100 * 1024 * 1024
XLSX_MAX_RATIO = 200
XLSX_MAX_ENTRIES = 2000


def _format_of(name: str) -> str:
    lower = (name or "").lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith(".xlsx"):
        return "xlsx"
    raise ValidationError(
        _("Nur CSV- oder XLSX-Dateien können importiert werden (Dateiendung .csv oder .xlsx).")
    )


# A formula cell whose result was never stored (`<f>…</f>` followed by no or an empty `<v>`): the reader would
# take it as empty, so a count could silently become 0.
FORMEL_OHNE_WERT = re.compile(rb"(?:</f>|<f\b[^>]*/>)\s*(?:</c>|<v\s*/>|<v>\s*</v>)")


def _check_xlsx_zip(raw: bytes) -> None:
    if not raw.startswith(b"PK\x03\x04"):
        raise ValidationError(_("Die Datei ist keine gültige XLSX-Datei (kein Excel-Arbeitsmappenformat)."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise ValidationError(_("Die XLSX-Datei ist beschädigt und kann nicht gelesen werden.")) from exc
    infos = archive.infolist()
    if len(infos) > XLSX_MAX_ENTRIES:
        raise ValidationError(_("Die XLSX-Datei enthält ungewöhnlich viele Bestandteile und wird abgelehnt."))
    total = 0
    for info in infos:
        total += info.file_size
        if (
            info.compress_size
            and info.file_size / info.compress_size > XLSX_MAX_RATIO
            and info.file_size > 1_000_000
        ):
            raise ValidationError(
                _("Die XLSX-Datei ist verdächtig stark komprimiert (Zip-Bombe) und wird abgelehnt.")
            )
    if total > XLSX_MAX_UNCOMPRESSED:
        raise ValidationError(_("Die XLSX-Datei ist entpackt zu groß und wird abgelehnt."))
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        raise ValidationError(_("Die Datei ist keine gültige XLSX-Arbeitsmappe."))
    for name in sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")):
        if FORMEL_OHNE_WERT.search(archive.read(name)):
            raise ValidationError(
                _(
                    "Die XLSX-Datei enthält Formeln ohne berechneten Wert (sie wurde von einem Programm erzeugt, "
                    "nicht in einer Tabellenkalkulation gespeichert). Bitte die Datei in Excel oder LibreOffice "
                    "öffnen, speichern und erneut hochladen."
                )
            )


def _decode_csv(raw: bytes) -> str:
    if b"\x00" in raw:
        raise ValidationError(
            _("Die CSV-Datei enthält Binärdaten oder ist UTF-16-kodiert. Bitte als „CSV UTF-8“ speichern.")
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1252" and any(ch in text for ch in "\x81\x8d\x8f\x90\x9d"):
            break
        return text
    raise ValidationError(
        _("Die Zeichenkodierung der CSV-Datei ist nicht lesbar. Bitte als „CSV UTF-8“ speichern.")
    )


def _normalise_headers(dataset: tablib.Dataset) -> tablib.Dataset:
    headers = [str(h).strip() if h is not None else "" for h in (dataset.headers or [])]
    if not headers or all(h == "" for h in headers):
        raise ValidationError(_("Die Datei hat keine Kopfzeile mit Spaltennamen."))
    seen = set()
    for h in headers:
        if h and h in seen:
            raise ValidationError(_("Die Spalte „%(spalte)s“ kommt mehrfach vor.") % {"spalte": h})
        seen.add(h)
    dataset.headers = headers
    return dataset


def _drop_empty_rows(dataset: tablib.Dataset) -> tablib.Dataset:
    clean = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        if any(v not in (None, "") and str(v).strip() != "" for v in row):
            clean.append(["" if v is None else v for v in row])
    return clean


def _lade_xlsx(raw: bytes) -> tablib.Dataset:
    """The first visible sheet of a workbook, not the one that was open when it was saved: the templates carry
    a help sheet ("Hinweise") that a user may have been reading when saving."""
    buch = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        blatt = next((b for b in buch.worksheets if b.sheet_state == "visible"), buch.active)
        dataset = tablib.Dataset()
        XLSXFormat.import_sheet(dataset, blatt, headers=True, skip_lines=0)
        return dataset
    finally:
        buch.close()


def lade_dataset(raw: bytes, fmt: str) -> tablib.Dataset:
    if fmt == "xlsx":
        _check_xlsx_zip(raw)
        try:
            dataset = _lade_xlsx(raw)
        except Exception as exc:  # noqa: BLE001 - any parser failure is a broken file for the user
            raise ValidationError(
                _("Die XLSX-Datei konnte nicht gelesen werden: sie ist beschädigt.")
            ) from exc
    else:
        text = _decode_csv(raw)
        first_line = text.split("\n", 1)[0]
        try:
            dialect = csv.Sniffer().sniff(first_line, delimiters=";,\t")
            delimiter = dialect.delimiter
        except csv.Error:
            delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        try:
            dataset = tablib.Dataset().load(text, format="csv", delimiter=delimiter)
        except Exception as exc:  # noqa: BLE001
            raise ValidationError(
                _("Die CSV-Datei konnte nicht gelesen werden (fehlerhafte Struktur).")
            ) from exc
    dataset = _drop_empty_rows(_normalise_headers(dataset))
    if dataset.height == 0:
        raise ValidationError(_("Die Datei enthält keine Datenzeilen."))
    if dataset.height > settings.IMPORT_MAX_ROWS:
        raise ValidationError(
            _("Die Datei hat %(n)d Zeilen; erlaubt sind höchstens %(max)d.")
            % {"n": dataset.height, "max": settings.IMPORT_MAX_ROWS}
        )
    return dataset


def lies_upload(datei) -> tuple[bytes, str]:
    """Reads an uploaded file after checking size and type; returns (bytes, format)."""
    if datei is None:
        raise ValidationError(_("Bitte wählen Sie eine Datei aus."))
    fmt = _format_of(getattr(datei, "name", ""))
    size = getattr(datei, "size", None)
    limit = settings.IMPORT_MAX_BYTES
    if size is not None and size > limit:
        raise ValidationError(
            _("Die Datei ist zu groß (höchstens %(mb)d MB).") % {"mb": limit // (1024 * 1024)}
        )
    raw = datei.read(limit + 1)
    if len(raw) > limit:
        raise ValidationError(
            _("Die Datei ist zu groß (höchstens %(mb)d MB).") % {"mb": limit // (1024 * 1024)}
        )
    if not raw:
        raise ValidationError(_("Die Datei ist leer."))
    return raw, fmt


def pruefe_upload(datei) -> tablib.Dataset:
    """All checks in one call: the dataset of a valid upload, or a German ValidationError."""
    raw, fmt = lies_upload(datei)
    return lade_dataset(raw, fmt)


def pruefe_spalten(dataset: tablib.Dataset, pflicht: Iterable[str]) -> None:
    fehlend = [s for s in pflicht if s not in (dataset.headers or [])]
    if fehlend:
        raise ValidationError(
            _("Es fehlen Pflichtspalten: %(spalten)s. Bitte verwenden Sie die Vorlage.")
            % {"spalten": ", ".join(fehlend)}
        )


# Documents (agreements, declarations) ------------------------------------------------------------------------------

# Old Word files (.doc) are OLE2 compound files.
OLE_KENNUNG = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def pruefe_dokument(datei, *, endungen: Iterable[str], falsche_endung: str) -> None:
    """Refuses (German ValidationError) a document upload above the size limit, with a file name ending not in
    `endungen` (message `falsche_endung`), or whose first bytes do not fit its ending (PDF, Word, OpenDocument,
    text)."""
    if datei.size > settings.DOKUMENT_MAX_BYTES:
        raise ValidationError(
            _("Die Datei ist zu groß (höchstens %(mb)s MB).")
            % {"mb": settings.DOKUMENT_MAX_BYTES // (1024 * 1024)}
        )
    name = (datei.name or "").lower()
    if not any(name.endswith(ext) for ext in endungen):
        raise ValidationError(falsche_endung)
    head = datei.read(8)
    datei.seek(0)
    if name.endswith(".pdf") and not head.startswith(b"%PDF"):
        raise ValidationError(_("Die Datei ist keine gültige PDF-Datei."))
    if name.endswith((".docx", ".odt")) and not head.startswith(b"PK"):
        raise ValidationError(_("Die Datei ist kein gültiges Word- bzw. OpenDocument-Dokument."))
    if name.endswith(".doc") and not head.startswith(OLE_KENNUNG):
        raise ValidationError(_("Die Datei ist kein gültiges Word-Dokument (.doc)."))
    if name.endswith(".txt"):
        anfang = datei.read(64 * 1024)
        datei.seek(0)
        if b"\x00" in anfang:
            raise ValidationError(_("Die Datei ist keine Textdatei."))
