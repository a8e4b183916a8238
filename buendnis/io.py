"""Files for download: formula-safe cells and HTTP responses, for every app's exports.

- `escape_formula(value)` / `SafeExportMixin` / `escape_dataset(dataset)`: a text cell that a spreadsheet would
  run as a formula gets an apostrophe (the imports take it off again, `buendnis.cells.text`).
- `dataset_response(...)`, `export_response(...)`: an export as an HTTP download, numbers as numbers.
- `csv_writer`, `csv_zelle`, `trennzeichen_aus`: CSV for German spreadsheets (semicolon, decimal comma, BOM) or,
  on request, with commas and decimal points; every CSV export of every app writes through them.

Reading uploads is `buendnis.uploads`, their cells `buendnis.cells`, the import pages `buendnis.views_import`.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


# Control characters other than TAB, LF and CR: XLSX cannot hold them (openpyxl refuses the whole file).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def escape_formula(value):
    """A text cell starting with = + - @ TAB or CR is prefixed with an apostrophe so no spreadsheet runs it.

    Control characters (pasted from word processors) become spaces, so a single cell cannot break an export."""
    if isinstance(value, str):
        # A printable text holds no control character: the substitution is skipped for almost every cell.
        if not value.isprintable():
            value = CONTROL_CHARACTERS.sub(" ", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


class SafeExportMixin:
    """Mix into an import-export Resource: every exported text cell is formula-safe (CSV and XLSX alike)."""

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))


def escape_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """Formula-safe copy of a dataset built by hand (reports, data packages). The rows are given to the new dataset
    at once: they have the width of the original's, and appending them one by one checked each again (a round's
    needs analysis has 29,000)."""
    return tablib.Dataset(
        *([escape_formula(v) for v in row] for row in dataset),
        headers=[escape_formula(h) for h in dataset.headers] if dataset.headers else None,
        title=dataset.title,
    )


# CSV for spreadsheets ---------------------------------------------------------------------------------------------

# German Excel splits lines at semicolons and reads "1,5" as a number, so that is the default; on request
# (`?trennzeichen=komma`) comma and decimal point, for other programs. UTF-8 with BOM either way, so that Excel
# reads the umlauts. A background job keeps the choice in its format (`CSV_KOMMA`).
SEMIKOLON = "semikolon"
KOMMA = "komma"
TRENNZEICHEN = {SEMIKOLON: ";", KOMMA: ","}
CSV_KOMMA = "csv-komma"
FORMATE = ("csv", "xlsx", "json", CSV_KOMMA)
BOM = "\ufeff"


def trennzeichen_aus(daten) -> str:
    """The separator asked for by a request's `trennzeichen` (semicolon unless it says "komma")."""
    return KOMMA if daten.get("trennzeichen") == KOMMA else SEMIKOLON


def auftragsformat(fmt: str, trennzeichen: str) -> str:
    """The format a background job keeps: a comma-separated CSV as `CSV_KOMMA`, anything else as asked."""
    return CSV_KOMMA if fmt in ("csv", CSV_KOMMA) and trennzeichen == KOMMA else fmt


def dateiformat(fmt: str) -> tuple[str, str]:
    """(file format, separator) of a requested or kept format: `CSV_KOMMA` is a CSV with commas."""
    if fmt == CSV_KOMMA:
        return "csv", KOMMA
    return fmt, SEMIKOLON


def format_text(fmt: str) -> str:
    """How a format reads on the pages: "XLSX", "CSV (Semikolon)", "CSV (Komma)"."""
    datei, trennzeichen = dateiformat(fmt)
    if datei != "csv":
        return datei.upper()
    return _("CSV (Komma)") if trennzeichen == KOMMA else _("CSV (Semikolon)")


def csv_writer(ziel, trennzeichen: str = SEMIKOLON):
    """A CSV writer with the separator of `trennzeichen`; lines end in CRLF as RFC 4180 and Excel expect."""
    return csv.writer(ziel, delimiter=TRENNZEICHEN[trennzeichen], lineterminator="\r\n")


def csv_zelle(value, trennzeichen: str = SEMIKOLON):
    """One formula-safe CSV cell: numbers with the decimal sign that matches the separator, local times."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | float):
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return text.replace(".", ",") if trennzeichen == SEMIKOLON else text
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).isoformat()
    return escape_formula(value)


def csv_text(dataset: tablib.Dataset, trennzeichen: str = SEMIKOLON) -> str:
    """A dataset as CSV text with BOM: the separator of `trennzeichen`, formula-safe cells (`csv_zelle`)."""
    puffer = io.StringIO()
    puffer.write(BOM)
    writer = csv_writer(puffer, trennzeichen)
    if dataset.headers:
        writer.writerow([escape_formula(h) for h in dataset.headers])
    for row in dataset:
        writer.writerow([csv_zelle(v, trennzeichen) for v in row])
    return puffer.getvalue()


def dataset_response(
    dataset: tablib.Dataset, fmt: str, filename: str, trennzeichen: str = SEMIKOLON
) -> HttpResponse:
    """`dataset` as a download; a CSV with semicolons and decimal commas unless `trennzeichen` is `KOMMA`."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(fmt)
    return datei_response(
        csv_text(dataset, trennzeichen) if fmt == "csv" else dataset.export(fmt), fmt, filename
    )


def datei_response(content: str | bytes, fmt: str, filename: str) -> HttpResponse:
    """A file made already (e.g. a CSV text from the cache) as the download `filename`.`fmt`."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    # Quoted or encoded as the RFC requires, so a name from user data cannot break the header.
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response


def export_response(
    resource, queryset, fmt: str, filename: str, trennzeichen: str = SEMIKOLON, **kwargs
) -> HttpResponse:
    """Exports `queryset` (already scoped to the user) through `resource`; numbers stay numbers."""
    dataset = resource.export(queryset, force_native_type=True, **kwargs)
    return dataset_response(dataset, fmt, filename, trennzeichen)


class DeutschesCSV(CSV):
    """The admin changelist's CSV export, written like every other CSV download (`csv_text`): semicolons,
    decimal commas, BOM."""

    def export_data(self, dataset, **kwargs):
        return csv_text(dataset)
