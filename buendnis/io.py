"""Shared import/export infrastructure (django-import-export) for every app.

- `pruefe_upload(datei)`: checks an uploaded import file before anything parses it (size, type, zip structure of
  XLSX against zip bombs, encoding of CSV, row limit) and returns a `tablib.Dataset`, or raises `ValidationError`
  with a German message.
- `SafeExportMixin`: for Resources; neutralises text cells that a spreadsheet would run as a formula.
- `export_response(...)`: an export as an HTTP download, numbers as numbers.
- `ImportFlowView`: upload → dry-run preview with row errors in German → confirm; nothing is written on any error.
  The resource receives `user=` in every hook so it can refuse rows outside the user's scope.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable

import tablib
from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_UNCOMPRESSED = 100 * 1024 * 1024
XLSX_MAX_RATIO = 200
XLSX_MAX_ENTRIES = 2000
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


# Upload checks ----------------------------------------------------------------------------------------------------


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


def lade_dataset(raw: bytes, fmt: str) -> tablib.Dataset:
    if fmt == "xlsx":
        _check_xlsx_zip(raw)
        try:
            dataset = tablib.Dataset().load(io.BytesIO(raw), format="xlsx")
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


# Import results in German -----------------------------------------------------------------------------------------


def _messages_of(error) -> list[str]:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            out = []
            for field, errs in error.message_dict.items():
                label = "" if field == "__all__" else f"{field}: "
                out.extend(label + m for m in errs)
            return out
        return list(error.messages)
    return [str(error)]


def fehlerliste(result) -> list[dict]:
    """Every problem of an import result as {"zeile": n or None, "meldungen": [...]} in German."""
    fehler = []
    for error in result.base_errors:
        fehler.append({"zeile": None, "meldungen": _messages_of(error.error)})
    for number, errors in result.row_errors():
        meldungen = []
        for e in errors:
            meldungen.extend(
                _messages_of(e.error) if isinstance(e.error, ValidationError) else [_technisch(e.error)]
            )
        fehler.append({"zeile": number, "meldungen": meldungen})
    for invalid in result.invalid_rows:
        fehler.append({"zeile": invalid.number, "meldungen": _messages_of(invalid.error)})
    fehler.sort(key=lambda f: (f["zeile"] is not None, f["zeile"] or 0))
    return fehler


def _technisch(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, ValueError | TypeError | ArithmeticError):
        return _("Ungültiger Wert: %(text)s") % {"text": text[:200]}
    return _("Die Zeile konnte nicht verarbeitet werden (%(art)s).") % {"art": type(exc).__name__}


def fuehre_import_aus(resource, dataset: tablib.Dataset, *, user, dry_run: bool):
    """Runs an import in one transaction; any error rolls everything back. Returns (result, fehlerliste)."""
    with transaction.atomic():
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            collect_failed_rows=True,
            rollback_on_validation_errors=True,
            user=user,
        )
        fehler = fehlerliste(result)
        if fehler and not dry_run:
            transaction.set_rollback(True)
    return result, fehler


# The upload → preview → confirm flow ------------------------------------------------------------------------------


class ImportUploadForm(forms.Form):
    datei = forms.FileField(
        label=gettext_lazy("Datei (CSV oder XLSX, höchstens 5 MB, höchstens 10.000 Zeilen)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ImportFlowView(LoginRequiredMixin, View):
    """Generic staff import page. Subclasses set `resource_class`, `permission_required`, `title`,
    `template_url_name` (download of the template) and `success_url`; `get_resource()` may pass scope data.

    Step 1 (POST with a file): checks the file, runs a dry run, stores the upload as an `Importvorgang` and
    shows the preview. Step 2 (POST `bestaetigen` with the Vorgang id): runs the import for real; if anything
    fails now, everything is rolled back and the errors are shown.
    """

    resource_class = None
    permission_required = ""
    title = gettext_lazy("Import")
    template_name = "includes/import_flow.html"
    template_url_name: str | None = None
    success_url = "/"
    ressource_key = ""
    hinweis = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_permission():
            raise PermissionDenied(_("Dafür fehlt Ihnen die Berechtigung."))
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self) -> bool:
        return self.request.user.has_perm(self.permission_required)

    def get_resource(self):
        return self.resource_class()

    def get_key(self) -> str:
        return self.ressource_key or f"{self.resource_class.__module__}.{self.resource_class.__name__}"

    def context(self, **extra):
        ctx = {
            "title": self.title,
            "hinweis": self.hinweis,
            "template_url_name": self.template_url_name,
            "form": ImportUploadForm(),
        }
        ctx.update(extra)
        return ctx

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context())

    def post(self, request, *args, **kwargs):
        from buendnis.models.importe import Importvorgang

        if "bestaetigen" in request.POST:
            with transaction.atomic():
                # Only a waiting Vorgang of this user and this import; locked, so a double submit imports once.
                # Anything else (foreign, used, made up, not a number) is not found and changes nothing.
                vorgang = Importvorgang.objects.offen(
                    request.user, self.get_key(), request.POST.get("vorgang"), sperren=True
                )
                if vorgang is None:
                    raise Http404(_("Dieser Import wurde nicht gefunden oder ist schon abgeschlossen."))
                dataset = lade_dataset(bytes(vorgang.inhalt), vorgang.format)
                result, fehler = fuehre_import_aus(
                    self.get_resource(), dataset, user=request.user, dry_run=False
                )
                if fehler:
                    vorgang.status = Importvorgang.Status.FEHLGESCHLAGEN
                    vorgang.save(update_fields=["status"])
                else:
                    vorgang.status = Importvorgang.Status.IMPORTIERT
                    vorgang.importiert_am = timezone.now()
                    vorgang.inhalt = b""
                    vorgang.save(update_fields=["status", "importiert_am", "inhalt"])
            if fehler:
                messages.error(request, _("Der Import wurde abgebrochen. Es wurde nichts gespeichert."))
                return render(
                    request, self.template_name, self.context(fehler=fehler, vorschau=None), status=400
                )
            totals = result.totals
            messages.success(
                request,
                _("Import abgeschlossen: %(neu)d neu, %(akt)d aktualisiert, %(ueb)d unverändert.")
                % {"neu": totals.get("new", 0), "akt": totals.get("update", 0), "ueb": totals.get("skip", 0)},
            )
            return redirect(self.success_url)

        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form=form), status=400)
        try:
            raw, fmt = lies_upload(form.cleaned_data["datei"])
            dataset = lade_dataset(raw, fmt)
        except ValidationError as exc:
            form.add_error("datei", exc.messages)
            return render(request, self.template_name, self.context(form=form), status=400)
        result, fehler = fuehre_import_aus(self.get_resource(), dataset, user=request.user, dry_run=True)
        if fehler:
            return render(request, self.template_name, self.context(fehler=fehler), status=400)
        vorgang = Importvorgang.objects.create(
            benutzer=request.user,
            ressource=self.get_key(),
            dateiname=form.cleaned_data["datei"].name[:200],
            format=fmt,
            inhalt=raw,
            zeilen=dataset.height,
        )
        vorschau = {
            "neu": result.totals.get("new", 0),
            "aktualisiert": result.totals.get("update", 0),
            "unveraendert": result.totals.get("skip", 0),
            "zeilen": dataset.height,
            "kopf": dataset.headers,
            "beispiel": [list(r) for r in dataset[:10]],
        }
        return render(request, self.template_name, self.context(vorschau=vorschau, vorgang=vorgang))
