"""The staff import pages: upload → dry run with the row errors in German → confirm, all or nothing.

`ImportFlowView` is the base of every app's import page; the resource (a django-import-export Resource, or an
object speaking its result protocol) receives `user=` in every hook so it can refuse rows outside the user's
scope. The pending upload is an `Importvorgang` of the uploading user, never a file named by the form.
"""

from __future__ import annotations

import tablib
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from buendnis import cells
from buendnis.forms import ImportUploadForm
from buendnis.models.importe import Importvorgang
from buendnis.rules import KEIN_RECHT
from buendnis.uploads import lade_dataset, lies_upload
from buendnis.vorlagen import ist_beispielzeile


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


# The header is row 1 of the sheet: data row n (as import-export counts) is the spreadsheet's row n + 1.
ERSTE_DATENZEILE = 2


def tabellenzeile(nummer: int | None) -> int | None:
    """The row number a spreadsheet shows for the import's data row `nummer` (counted from 1)."""
    return None if nummer is None else nummer + ERSTE_DATENZEILE - 1


def fehlerliste(result) -> list[dict]:
    """Every problem of an import result as {"zeile": n or None, "meldungen": [...]} in German; n is the row
    number the spreadsheet shows (the header is row 1, the first data row is row 2)."""
    fehler = []
    for error in result.base_errors:
        fehler.append({"zeile": None, "meldungen": _messages_of(error.error)})
    # `error_rows` carry the row's number in the file; `row_errors()` would count the reported rows instead.
    for zeile in result.error_rows:
        number = zeile.number
        meldungen = []
        for e in zeile.errors:
            meldungen.extend(
                _messages_of(e.error) if isinstance(e.error, ValidationError) else [_technisch(e.error)]
            )
        fehler.append({"zeile": tabellenzeile(number), "meldungen": meldungen})
    for invalid in result.invalid_rows:
        fehler.append({"zeile": tabellenzeile(invalid.number), "meldungen": _messages_of(invalid.error)})
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
            raise PermissionDenied(KEIN_RECHT)
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
            # The template's example row is no row of data (every import skips it).
            "zeilen": sum(1 for r in dataset if not ist_beispielzeile(r)),
            "kopf": dataset.headers,
            # Cells as a person reads them (dates TT.MM.JJJJ, not a spreadsheet's raw datetime).
            "beispiel": [[cells.anzeige(v) for v in r] for r in dataset[:10]],
        }
        return render(request, self.template_name, self.context(vorschau=vorschau, vorgang=vorgang))
