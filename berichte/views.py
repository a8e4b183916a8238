from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import FormView

from berichte import exporte, opendata, render_docx, render_html, render_pdf, selectors, services
from berichte.forms import DatenpaketForm, SachstandsberichtForm
from berichte.models import Bericht, Exportauftrag, ExportStatus
from berichte.registry import registry
from buendnis.generic import ActionView, ScopedDetailView, ScopedListView
from buendnis.io import CONTENT_TYPES
from buendnis.models import Buendnis, Sitzung
from buendnis.rules import KEIN_RECHT

DOKUMENT_TYPEN = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _verweigert():
    raise PermissionDenied(KEIN_RECHT)


# Reports ----------------------------------------------------------------------------------------------------------


class BerichtListView(ScopedListView):
    model = Bericht
    permission_required = "berichte.view_bericht"
    template_name = "berichte/bericht_list.html"
    filterset_fields = ["art"]
    title = gettext_lazy("Berichte")
    columns = [
        (gettext_lazy("Titel"), "titel"),
        (gettext_lazy("Art"), "get_art_display"),
        (gettext_lazy("Bündnis"), "buendnis"),
        (gettext_lazy("von"), "zeitraum_von"),
        (gettext_lazy("bis"), "zeitraum_bis"),
        (gettext_lazy("erstellt von"), "erstellt_von"),
        (gettext_lazy("erstellt am"), "created_at"),
        (gettext_lazy("Status"), "get_status_display"),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["kann_erzeugen"] = user.is_superuser or user.has_perm("berichte.add_bericht", user.buendnis)
        return ctx


class BerichtCreateView(LoginRequiredMixin, FormView):
    """Generate a Sachstandsbericht: period, sections, introduction; the result is kept and shown."""

    form_class = SachstandsberichtForm
    template_name = "berichte/bericht_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        user = request.user
        if not (
            user.is_superuser or (user.buendnis_id and user.has_perm("berichte.add_bericht", user.buendnis))
        ):
            _verweigert()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        buendnis = form.cleaned_data.get("buendnis") or user.buendnis
        try:
            bericht = services.bericht_erzeugen(
                buendnis=buendnis,
                von=form.cleaned_data["zeitraum_von"],
                bis=form.cleaned_data["zeitraum_bis"],
                abschnitte=form.cleaned_data["abschnitte"],
                einleitung=form.cleaned_data["einleitung"],
                titel=form.cleaned_data["titel"],
                by=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        if bericht.fertig:
            messages.success(self.request, _("Der Bericht wurde erzeugt und gespeichert."))
        else:
            messages.info(
                self.request,
                _("Der Bericht wird im Hintergrund erzeugt. Diese Seite zeigt ihn, sobald er fertig ist."),
            )
        return redirect(bericht)


class BerichtDetailView(ScopedDetailView):
    """The kept report as a printable page, with its files for download."""

    model = Bericht
    permission_required = "berichte.view_bericht"
    template_name = "berichte/bericht_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("buendnis", "erstellt_von")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        inhalt = self.object.inhalt or {}
        ctx["inhalt"] = inhalt
        ctx["diagramme"] = render_html.diagramme(inhalt)
        ctx["kann_wiederholen"] = self.object.status == ExportStatus.FEHLER and self.request.user.has_perm(
            "berichte.add_bericht", self.object
        )
        return ctx


@login_required
@require_GET
def bericht_status(request, pk: int):
    """Where a report in the making stands, for its page to poll."""
    bericht = get_object_or_404(Bericht.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("berichte.view_bericht", bericht):
        _verweigert()
    return JsonResponse(
        {
            "status": bericht.status,
            "status_text": bericht.get_status_display(),
            "fertig": bericht.fertig,
            "fehler": bericht.fehler,
        }
    )


class BerichtWiederholenView(ActionView):
    """Start a failed report again (same period, sections and introduction)."""

    model = Bericht
    permission_required = "berichte.add_bericht"
    service = services.bericht_wiederholen
    success_message = gettext_lazy("Der Bericht wird erneut erzeugt.")


@login_required
def bericht_download(request, pk: int, fmt: str):
    if fmt not in DOKUMENT_TYPEN:
        raise Http404
    bericht = get_object_or_404(Bericht.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("berichte.view_bericht", bericht):
        _verweigert()
    datei = bericht.datei(fmt)
    if not datei:
        raise Http404(_("Diese Datei gibt es zu diesem Bericht nicht."))
    return FileResponse(
        datei.open("rb"),
        as_attachment=True,
        filename=datei.name.rsplit("/", 1)[-1],
        content_type=DOKUMENT_TYPEN[fmt],
    )


@login_required
def protokoll(request, pk: int, fmt: str):
    """Minutes of a Sitzung (attendance, agenda items with minutes, decisions and tasks, approval): a printable
    page, PDF or DOCX."""
    if fmt not in DOKUMENT_TYPEN:
        raise Http404
    sitzung = get_object_or_404(
        Sitzung.objects.visible_to(request.user).select_related("gremium", "protokoll_genehmigt_in"), pk=pk
    )
    if not request.user.has_perm("berichte.protokoll_sitzung", sitzung):
        _verweigert()
    inhalt = selectors.protokoll_inhalt(sitzung)
    name = f"protokoll-{sitzung.pk}-{timezone.localtime(sitzung.beginn):%Y%m%d}"
    if fmt == "html":
        return render(request, "berichte/protokoll.html", {"inhalt": inhalt, "sitzung": sitzung})
    inhalt_bytes = render_pdf.render_pdf(inhalt) if fmt == "pdf" else render_docx.render_docx(inhalt)
    response = HttpResponse(inhalt_bytes, content_type=DOKUMENT_TYPEN[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# Exports ----------------------------------------------------------------------------------------------------------


@login_required
def export_uebersicht(request):
    """Every export the user may run, the Datenpaket and the user's background jobs."""
    if not request.user.has_perm("berichte.export_daten"):
        _verweigert()
    return render(
        request,
        "berichte/export_uebersicht.html",
        {
            # Grouped by the apps' German names ("Angebote", "Bündnis"), each in the order of registration.
            "eintraege": sorted(registry.fuer(request.user), key=lambda e: str(e.bereich)),
            "datenpaket_form": DatenpaketForm(user=request.user),
            "auftraege": [
                (auftrag, exporte.auftrag_titel(auftrag), exporte.format_text(auftrag.format))
                for auftrag in Exportauftrag.objects.visible_to(request.user).for_list()[:10]
            ],
            "sync_max": exporte.sync_max(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def export(request, app_label: str, model_name: str):
    """`format=csv|xlsx|json` of a registered model, limited to the user's scope (optionally `buendnis=<id>`);
    CSV with semicolons, or with commas for `trennzeichen=komma`.

    GET answers with the file: CSV and JSON stream row by row, XLSX is written to a temporary file and streamed
    from there. POST (same fields) starts a background job and leads to its progress page. Above
    `BERICHTE_EXPORT_SYNC_MAX` rows, or with `?hintergrund=1`, GET shows the form that starts the job: a GET
    never writes, so no other site can start an export for a signed-in person with a link.
    """
    eintrag = registry.get(app_label, model_name)
    if eintrag is None:
        raise Http404(_("Für diese Daten gibt es keinen Export."))
    if not eintrag.darf(request.user):
        _verweigert()
    daten = request.POST if request.method == "POST" else request.GET
    if daten.get("format", "xlsx") not in exporte.FORMATE:
        return HttpResponse(
            _("Unbekanntes Format. Möglich sind: csv, xlsx, json."), status=400, content_type="text/plain"
        )
    # CSV: semicolons and decimal commas for German spreadsheets unless `trennzeichen=komma` asks for commas.
    fmt, trennzeichen = exporte.dateiformat(
        exporte.auftragsformat(daten.get("format", "xlsx"), exporte.trennzeichen_aus(daten))
    )
    qs = eintrag.queryset(request.user)
    buendnis = None
    if daten.get("buendnis"):
        wert = daten["buendnis"]
        if not (wert.isdecimal() and len(wert) <= 9):
            return HttpResponse(
                _("Ungültige Angabe zum Bündnis: bitte die Nummer eines Bündnisses angeben."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        buendnis = get_object_or_404(Buendnis.objects.visible_to(request.user), pk=int(wert))
        qs = qs.for_buendnis(buendnis.pk)
    if request.method == "POST":
        auftrag = services.exportauftrag_starten(
            art=eintrag.key,
            format=exporte.auftragsformat(fmt, trennzeichen),
            buendnis=buendnis,
            by=request.user,
        )
        return redirect(auftrag)
    anzahl = qs.count()
    if request.GET.get("hintergrund") or anzahl > exporte.sync_max():
        return render(
            request,
            "berichte/export_hintergrund.html",
            {
                "eintrag": eintrag,
                "format": fmt,
                "trennzeichen": trennzeichen,
                "format_text": exporte.format_text(exporte.auftragsformat(fmt, trennzeichen)),
                "buendnis": buendnis,
                "anzahl": anzahl,
            },
        )
    headers, rows = exporte.zeilen(eintrag, qs, request.user)
    name = f"{eintrag.model_name}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        datei = exporte.xlsx_datei([(eintrag.titel, headers, rows)])
        return FileResponse(datei, as_attachment=True, filename=name, content_type=CONTENT_TYPES["xlsx"])
    if fmt == "csv":
        stream = exporte.csv_stream(headers, rows, trennzeichen)
    else:
        stream = exporte.json_stream(headers, rows)
    response = StreamingHttpResponse(stream, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class DatenpaketView(LoginRequiredMixin, FormView):
    """One XLSX workbook of a Bündnis: a sheet per entity and the documentation sheet."""

    form_class = DatenpaketForm
    template_name = "berichte/datenpaket_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("berichte.export_daten"):
            _verweigert()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        buendnis = form.cleaned_data["buendnis"]
        if exporte.datenpaket_anzahl(user, buendnis.pk) > exporte.sync_max():
            auftrag = services.exportauftrag_starten(
                art=services.DATENPAKET, format="xlsx", buendnis=buendnis, by=user
            )
            return redirect(auftrag)
        datei = exporte.xlsx_datei(exporte.datenpaket_blaetter(user, buendnis, timezone.localdate()))
        name = f"datenpaket-{buendnis.kreisschluessel}-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(datei, as_attachment=True, filename=name, content_type=CONTENT_TYPES["xlsx"])


def _auftrag(request, pk: int) -> Exportauftrag:
    auftrag = get_object_or_404(Exportauftrag.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("berichte.view_exportauftrag", auftrag):
        _verweigert()
    return auftrag


@login_required
def exportauftrag_detail(request, pk: int):
    """Progress page of a background export; static/js/berichte_export.js polls the status."""
    auftrag = _auftrag(request, pk)
    return render(
        request,
        "berichte/exportauftrag_detail.html",
        {
            "auftrag": auftrag,
            "titel": exporte.auftrag_titel(auftrag),
            "format_text": exporte.format_text(auftrag.format),
            "status_url": reverse("berichte:exportauftrag-status", args=[auftrag.pk]),
        },
    )


@login_required
def exportauftrag_status(request, pk: int):
    auftrag = _auftrag(request, pk)
    return JsonResponse(
        {
            "status": auftrag.status,
            "status_text": auftrag.get_status_display(),
            "fortschritt": auftrag.fortschritt,
            "zeilen": auftrag.zeilen,
            "fertig": auftrag.status == ExportStatus.FERTIG,
            "fehler": auftrag.fehler,
            "download": reverse("berichte:exportauftrag-download", args=[auftrag.pk])
            if auftrag.status == ExportStatus.FERTIG
            else "",
        }
    )


@login_required
def exportauftrag_download(request, pk: int):
    auftrag = _auftrag(request, pk)
    if auftrag.status != ExportStatus.FERTIG or not auftrag.datei:
        raise Http404(_("Der Export ist noch nicht fertig."))
    return FileResponse(
        auftrag.datei.open("rb"),
        as_attachment=True,
        filename=auftrag.datei.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES.get(exporte.dateiformat(auftrag.format)[0], "application/octet-stream"),
    )


# Open data (public, read-only) ------------------------------------------------------------------------------------


def _oeffentlich(response):
    response["Cache-Control"] = "public, max-age=900"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def opendata_json(request):
    """All published offers as JSON (optionally `?kreisschluessel=05162`), streamed."""
    angebote = opendata.angebote_oeffentlich(request.GET.get("kreisschluessel") or None)
    basis = request.build_absolute_uri("/")[:-1]
    response = StreamingHttpResponse(
        opendata.json_stream(angebote, basis), content_type=CONTENT_TYPES["json"]
    )
    return _oeffentlich(response)


@require_GET
def opendata_hsds(request):
    """The published offers as an Open Referral HSDS 3.0 CSV package (zip with its datapackage.json)."""
    angebote = opendata.angebote_oeffentlich(request.GET.get("kreisschluessel") or None)
    basis = request.build_absolute_uri("/")[:-1]
    response = HttpResponse(opendata.hsds_zip(angebote, basis), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="angebote-hsds-{timezone.localdate():%Y%m%d}.zip"'
    )
    return _oeffentlich(response)
