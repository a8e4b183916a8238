"""Files for download: formula-safe cells and HTTP responses, for every app's exports.

- `escape_formula(value)` / `SafeExportMixin` / `escape_dataset(dataset)`: a text cell that a spreadsheet would
  run as a formula gets an apostrophe (the imports take it off again, `buendnis.cells.text`).
- `dataset_response(...)`, `export_response(...)`: an export as an HTTP download, numbers as numbers.

Reading uploads is `buendnis.uploads`, their cells `buendnis.cells`, the import pages `buendnis.views_import`.
"""

from __future__ import annotations

import re

import tablib
from django.http import HttpResponse
from django.utils.http import content_disposition_header

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
        value = CONTROL_CHARACTERS.sub(" ", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


class SafeExportMixin:
    """Mix into an import-export Resource: every exported text cell is formula-safe (CSV and XLSX alike)."""

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))


def escape_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """Formula-safe copy of a dataset built by hand (reports, data packages)."""
    safe = tablib.Dataset(headers=[escape_formula(h) for h in dataset.headers or []], title=dataset.title)
    for row in dataset:
        safe.append([escape_formula(v) for v in row])
    return safe


def dataset_response(dataset: tablib.Dataset, fmt: str, filename: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise ValueError(fmt)
    if fmt == "csv":
        content = "\ufeff" + dataset.export("csv")  # BOM: Excel opens UTF-8 umlauts correctly
    else:
        content = dataset.export(fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    # Quoted or encoded as the RFC requires, so a name from user data cannot break the header.
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response


def export_response(resource, queryset, fmt: str, filename: str, **kwargs) -> HttpResponse:
    """Exports `queryset` (already scoped to the user) through `resource`; numbers stay numbers."""
    dataset = resource.export(queryset, force_native_type=True, **kwargs)
    return dataset_response(dataset, fmt, filename)
