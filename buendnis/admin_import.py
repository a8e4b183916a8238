"""Admin imports whose pending file is bound to the person who uploaded it.

django-import-export keeps an uploaded file between the dry run and the confirmation in a "temp storage" and
writes the storage name into the confirm form's hidden field `import_file_name`; its confirm step reads whatever
that field names from the server's temp directory and deletes it afterwards. Any staff user who knew or guessed a
name could import or delete another person's pending upload.

Here the pending file is an `Importvorgang` row of the uploading user (the same record the staff import pages
use). The hidden field carries only the Vorgang's number; the confirm step takes the file from a Vorgang that
belongs to request.user, is of this admin's import and still waits, and refuses anything else with a German
message, touching no file and no row.

- `ImportvorgangStorage`: the temp storage class (also `IMPORT_EXPORT_TMP_STORAGE_CLASS`); it works only inside
  a request of `GebundenerImportMixin` and refuses otherwise, so an admin without the mixin fails closed.
- `GebundenerImportMixin`: put before `ImportMixin`/`ImportExportMixin` in an admin class. Its import page
  numbers rows as the spreadsheet does (`tabellenzeilen`).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.tmp_storages import BaseStorage

from buendnis.models.importe import Importvorgang
from buendnis.views_import import tabellenzeile


@dataclass
class _Lauf:
    """The admin import request running in this context: who uploads, and the Vorgang its upload created."""

    benutzer: Any
    ressource: str
    vorgang: Importvorgang | None = None


_lauf: ContextVar[_Lauf | None] = ContextVar("buendnis_admin_import", default=None)


def _aktueller_lauf() -> _Lauf:
    lauf = _lauf.get()
    if lauf is None or lauf.benutzer is None or not lauf.benutzer.is_authenticated:
        raise PermissionDenied(_("Importdateien werden nur über den Import der Verwaltung angenommen."))
    return lauf


class ImportvorgangStorage(BaseStorage):
    """django-import-export temp storage in `Importvorgang` rows, readable only by their owner.

    `name` is the Vorgang's number. The owner and the import come from the running admin import, never from the
    name, so a name posted by someone else finds nothing."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dateiname = kwargs.get("dateiname", "")
        self.format = kwargs.get("format", "")

    def _vorgang(self) -> Importvorgang:
        lauf = _aktueller_lauf()
        vorgang = Importvorgang.objects.offen(lauf.benutzer, lauf.ressource, self.name)
        if vorgang is None:
            raise PermissionDenied(_("Diese Importdatei gehört nicht zu Ihrem Import."))
        return vorgang

    def save(self, data):
        lauf = _aktueller_lauf()
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        vorgang = Importvorgang.objects.create(
            benutzer=lauf.benutzer,
            ressource=lauf.ressource,
            dateiname=(self.dateiname or "import")[:200],
            format=(self.format or "")[:10],
            inhalt=data,
        )
        lauf.vorgang = vorgang
        self.name = str(vorgang.pk)

    def read(self):
        data = bytes(self._vorgang().inhalt)
        if "b" in (self.read_mode or ""):
            return data
        return data.decode(self.encoding or "utf-8-sig")

    def remove(self):
        # The Vorgang stays as an audit entry; only its content goes.
        vorgang = self._vorgang()
        vorgang.status = Importvorgang.Status.FEHLGESCHLAGEN
        vorgang.inhalt = b""
        vorgang.save(update_fields=["status", "inhalt"])


def tabellenzeilen(result) -> None:
    """Numbers the rows of an admin import's result as the spreadsheet shows them (the header is row 1, the
    first data row row 2), as the staff import pages do (`buendnis.views_import.tabellenzeile`).

    django-import-export counts data rows from 1 and its `row_errors()` even counts reported rows, not rows of
    the file; the page renders after this, so its row numbers are the sheet's."""
    for zeile in [*result.invalid_rows, *result.error_rows]:
        zeile.number = tabellenzeile(zeile.number)
    fehlerzeilen = [(z.number, z.errors) for z in result.error_rows]
    result.row_errors = lambda: fehlerzeilen


class GebundenerImportMixin:
    """Admin import (django-import-export) whose confirm step only takes the uploader's own pending file."""

    tmp_storage_class = ImportvorgangStorage

    def import_ressource(self) -> str:
        """The `Importvorgang.ressource` of this admin's imports."""
        return f"admin:{self.opts.label_lower}"

    def write_to_tmp_storage(self, import_file, input_format):
        storage = self.get_tmp_storage_class()(
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            dateiname=import_file.name,
            format=str(input_format.get_title()),
            **self.get_tmp_storage_class_kwargs(),
        )
        storage.save(b"".join(import_file.chunks()))
        return storage

    def import_action(self, request, **kwargs):
        lauf = _Lauf(benutzer=request.user, ressource=self.import_ressource())
        token = _lauf.set(lauf)
        try:
            response = super().import_action(request, **kwargs)
        finally:
            _lauf.reset(token)
        kontext = getattr(response, "context_data", None) or {}
        if kontext.get("result") is not None:
            tabellenzeilen(kontext["result"])
        if lauf.vorgang is not None:
            if "confirm_form" in kontext:
                result = kontext.get("result")
                lauf.vorgang.zeilen = getattr(result, "total_rows", 0) or 0
                lauf.vorgang.save(update_fields=["zeilen"])
            else:
                # The file could not be read or the dry run found errors: there is nothing to confirm, so this
                # request's own Vorgang goes again (as on the staff pages, a refused upload leaves no record).
                lauf.vorgang.delete()
        return response

    def _format_des_vorgangs(self, vorgang: Importvorgang):
        for format_class in self.get_import_formats():
            fmt = format_class(encoding=self.from_encoding)
            if str(fmt.get_title()) == vorgang.format:
                return fmt
        return None

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """The confirmed import: the file (and its format and name) come from the user's own pending Vorgang."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            # The library's page for an incomplete form; it reads no file.
            return super().process_import(request, **kwargs)
        with transaction.atomic():
            vorgang = Importvorgang.objects.offen(
                request.user,
                self.import_ressource(),
                confirm_form.cleaned_data["import_file_name"],
                sperren=True,
            )
            input_format = self._format_des_vorgangs(vorgang) if vorgang is not None else None
            if input_format is None:
                messages.error(
                    request,
                    _(
                        "Diese Importdatei gehört nicht zu Ihrem Import oder wurde schon verarbeitet. Es wurde "
                        "nichts importiert und nichts gelöscht. Bitte laden Sie die Datei erneut hoch."
                    ),
                )
                app_label, model_name = self.get_model_info()
                return HttpResponseRedirect(
                    reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)
                )
            data = bytes(vorgang.inhalt)
            if not input_format.is_binary():
                data = data.decode(self.from_encoding)
            dataset = input_format.create_dataset(data)
            result = self.process_dataset(
                dataset, confirm_form, request, file_name=vorgang.dateiname, **kwargs
            )
            if result.has_errors() or result.has_validation_errors():
                vorgang.status = Importvorgang.Status.FEHLGESCHLAGEN
            else:
                vorgang.status = Importvorgang.Status.IMPORTIERT
                vorgang.importiert_am = timezone.now()
            vorgang.inhalt = b""
            vorgang.save(update_fields=["status", "importiert_am", "inhalt"])
        return self.process_result(result, request)
