from __future__ import annotations

from collections.abc import Callable

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bedarf import forms, selectors, services
from bedarf import raster as grid
from bedarf.models import (
    AUFSCHLUESSELUNGEN,
    Altersband,
    Bedarfskategorie,
    Bedarfsmeldung,
    BesondereGruppe,
    Datenluecke,
    Dimension,
    Erhebung,
    Geschlecht,
    MeldungStatus,
)
from bedarf.resources import MeldungImport, vorlage
from buendnis import registry
from buendnis.generic import ActionView, ScopedCreateView, ScopedListView, ScopedUpdateView
from buendnis.io import csv_text, dataset_response, datei_response, escape_dataset, trennzeichen_aus
from buendnis.models import Benachrichtigung, BenachrichtigungArt, Kommune
from buendnis.rules import KEIN_RECHT, require_perm
from buendnis.versioning import StaleVersion
from buendnis.views_import import ImportFlowView


def _erhebung(request, pk, perm: str) -> Erhebung:
    erhebung = get_object_or_404(Erhebung.objects.visible_to(request.user).select_related("buendnis"), pk=pk)
    require_perm(request.user, perm, erhebung)
    return erhebung


# Erhebung --------------------------------------------------------------------------------------------------------


class ErhebungListView(ScopedListView):
    model = Erhebung
    permission_required = "bedarf.view_erhebung"
    create_url_name = "bedarf:erhebung-create"
    filterset_fields = ["status"]
    title = gettext_lazy("Erhebungen der Bedarfsanalyse")
    columns = [
        (gettext_lazy("Titel"), "titel"),
        (gettext_lazy("Stichtag"), "stichtag"),
        (gettext_lazy("Bündnis"), "buendnis"),
        (gettext_lazy("Status"), "get_status_display"),
        (gettext_lazy("abgegebene Meldungen"), "anzahl_abgegeben"),
        (gettext_lazy("Kommunen"), "anzahl_kommunen"),
    ]


class ErhebungCreateView(ScopedCreateView):
    model = Erhebung
    form_class = forms.ErhebungForm
    permission_required = "bedarf.add_erhebung"

    def save(self, form):
        # Opening a round tells the Kommunen (services.erhebung_eroeffnen).
        return services.erhebung_eroeffnen(erhebung=form.save(commit=False), by=self.request.user)


class ErhebungUpdateView(ScopedUpdateView):
    """Title, dates and notes of a round while it is open."""

    model = Erhebung
    form_class = forms.ErhebungForm
    permission_required = "bedarf.change_erhebung"


@login_required
def erhebung_detail(request, pk):
    erhebung = _erhebung(request, pk, "bedarf.view_erhebung")
    user = request.user
    darf = {
        "darf_abschliessen": user.has_perm("bedarf.abschliessen_erhebung", erhebung),
        "darf_erinnern": user.has_perm("bedarf.erinnern_erhebung", erhebung),
        "darf_auswerten": user.has_perm("bedarf.auswerten_erhebung", erhebung),
        "darf_bearbeiten": user.has_perm("bedarf.change_erhebung", erhebung),
        "darf_melden": bool(user.kommune_id)
        and user.has_perm(
            "bedarf.view_bedarfsmeldung", Bedarfsmeldung(erhebung=erhebung, kommune_id=user.kommune_id)
        ),
    }

    def rendern() -> dict:
        ctx = {
            "erhebung": erhebung,
            **darf,
            "andere_erhebungen": Erhebung.objects.visible_to(user)
            .filter(buendnis_id=erhebung.buendnis_id)
            .exclude(pk=erhebung.pk),
        }
        if darf["darf_abschliessen"] or darf["darf_erinnern"] or darf["darf_bearbeiten"]:
            ctx["lieferstand"] = selectors.lieferstand(erhebung)
            erinnert = _zuletzt_erinnert(erhebung)
            for zeile in ctx["lieferstand"]:
                zeile["erinnert_am"] = erinnert.get(zeile["kommune"].pk)
                zeile["offen"] = not zeile["meldung"] or zeile["meldung"].status != MeldungStatus.ABGEGEBEN
            # Ticking Kommunen for a reminder, where there is someone to remind.
            ctx["auswahl_erinnern"] = darf["darf_erinnern"] and any(z["offen"] for z in ctx["lieferstand"])
        if darf["darf_melden"]:
            ctx["eigene_meldung"] = Bedarfsmeldung.objects.filter(
                erhebung=erhebung, kommune_id=user.kommune_id
            ).first()
        if darf["darf_auswerten"]:
            ctx["ueberblick"] = selectors.ueberblick(user, erhebung, eigene_roh=True)
        return {
            "html": render_to_string("bedarf/_erhebung_detail.html", ctx),
            "auswahl_erinnern": ctx.get("auswahl_erinnern", False),
        }

    # The permissions are part of the key, though the scope already decides them: a page never shows what was
    # rendered for other rights.
    teil = _gecacht("erhebung", user, erhebung, rendern, "".join("1" if d else "0" for d in darf.values()))
    inhalt = mark_safe(teil["html"])  # noqa: S308 - the template engine's output, escaped there
    return render(
        request,
        "bedarf/erhebung_detail.html",
        {"erhebung": erhebung, "inhalt": inhalt, "auswahl_erinnern": teil["auswahl_erinnern"]},
    )


def _gecacht(name: str, user, erhebung: Erhebung, berechnen: Callable, *weitere: str):
    """A page's part about one round (its figures, protected, and its delivery status) from the cache of the
    figures: per data stamp and the user's scope (role, Bündnis, Kommune, Träger, language), the round and
    `weitere`. Every write to the round's Bündnis (Meldungen, offers, patterns, reminders) renews the stamp, so
    the next request shows it (a superuser of another Bündnis gets it computed: `dashboard_gecacht`)."""
    return registry.dashboard_gecacht(f"bedarf.{name}", user, berechnen, str(erhebung.pk), *weitere)


def _zuletzt_erinnert(erhebung: Erhebung) -> dict:
    """When each Kommune of the round's Bündnis was last reminded of this round (Kommune id -> time), read from
    the notifications its staff received. One query."""
    return dict(
        Benachrichtigung.objects.filter(
            art=BenachrichtigungArt.ERHEBUNG_ERINNERUNG,
            link=services.erinnerung_link(erhebung),
            empfaenger__kommune__buendnis_id=erhebung.buendnis_id,
        )
        .values_list("empfaenger__kommune_id")
        .annotate(zuletzt=Max("erstellt_am"))
        .order_by()
    )


class ErhebungActionView(ActionView):
    """An action on a round, for those who may see it and manage the alliance's rounds."""

    model = Erhebung
    permission_required = ("bedarf.view_erhebung", "bedarf.add_erhebung")

    def get_queryset(self):
        return super().get_queryset().select_related("buendnis")


class ErhebungAbschliessenView(ErhebungActionView):
    """Closing is irreversible: a confirmation page (GET) names the Kommunen whose figures are still missing."""

    http_method_names = ["get", "post"]
    service = services.erhebung_abschliessen
    success_message = gettext_lazy("Die Erhebung ist abgeschlossen; die Zahlen sind jetzt schreibgeschützt.")

    def get(self, request, *args, **kwargs):
        erhebung = self.get_checked_object()
        if not erhebung.ist_offen:
            messages.info(request, _("Die Erhebung ist bereits abgeschlossen."))
            return redirect(erhebung)
        stand = selectors.lieferstand(erhebung)
        fehlend = [z["kommune"] for z in stand if not z["meldung"] or z["meldung"].status != "abgegeben"]
        return render(
            request, "bedarf/erhebung_abschliessen.html", {"erhebung": erhebung, "fehlend": fehlend}
        )


class ErhebungErinnernView(ErhebungActionView):
    """Reminds Kommunen that have not delivered. GET is the confirmation page: the Kommunen ticked on the round's
    page (`?auswahl=1&kommune=…`), or without a choice every Kommune still missing, each with how many people
    will be reminded. POST reminds the Kommunen it names (all that are missing when it names none); one foreign,
    unknown or already delivered Kommune refuses the whole reminder."""

    http_method_names = ["get", "post"]
    service = services.erhebung_erinnern
    form_class = forms.ErinnerungForm

    def get_form_kwargs(self):
        return {"data": self.request.POST, "erhebung": self.object, "user": self.request.user}

    def service_kwargs(self, form) -> dict:
        self.kommunen = form.kommunen()
        return {"kommunen": self.kommunen}

    def get_success_message(self, result):
        if self.kommunen is None:
            return _("Erinnerung an %(n)d Person(en) verschickt.") % {"n": result}
        return ngettext(
            "%(k)s erinnert: %(n)d Person hat eine Erinnerung erhalten.",
            "%(k)s erinnert: %(n)d Personen haben eine Erinnerung erhalten.",
            result,
        ) % {"k": _kommunen_text(len(self.kommunen)), "n": result}

    def get(self, request, *args, **kwargs):
        erhebung = self.get_checked_object()
        if not erhebung.ist_offen:
            messages.info(request, _("Die Erhebung ist abgeschlossen; eine Erinnerung ist nicht mehr nötig."))
            return redirect(erhebung)
        form = forms.ErinnerungForm(request.GET, erhebung=erhebung, user=request.user)
        if not form.is_valid():
            self.form_invalid(form)
            return redirect(erhebung)
        gewaehlt = form.kommunen()
        if gewaehlt is None:
            stand = selectors.lieferstand(erhebung)
            kommunen = [
                z["kommune"]
                for z in stand
                if not z["meldung"] or z["meldung"].status != MeldungStatus.ABGEGEBEN
            ]
            if not kommunen:
                messages.info(
                    request, _("Alle Kommunen haben ihre Zahlen abgegeben; niemand muss erinnert werden.")
                )
                return redirect(erhebung)
        else:
            kommunen = gewaehlt
            try:
                services.erinnerung_pruefen(erhebung=erhebung, kommunen=kommunen)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect(erhebung)
        personen = dict(
            services.erinnerung_empfaenger(erhebung=erhebung, kommunen=kommunen)
            .values_list("kommune_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        zeilen = [(k, personen.get(k.pk, 0)) for k in kommunen]
        anzahl = sum(personen.values())
        return render(
            request,
            "bedarf/erhebung_erinnern.html",
            {
                "erhebung": erhebung,
                "zeilen": zeilen,
                "alle_fehlenden": gewaehlt is None,
                "anzahl_personen": anzahl,
                "zusammenfassung": ngettext(
                    "%(k)s, %(n)d Person erhält eine Erinnerung",
                    "%(k)s, %(n)d Personen erhalten eine Erinnerung",
                    anzahl,
                )
                % {"k": _kommunen_text(len(kommunen)), "n": anzahl},
            },
        )


def _kommunen_text(n: int) -> str:
    return ngettext("%(n)s Kommune", "%(n)s Kommunen", n) % {"n": n}


erhebung_abschliessen = ErhebungAbschliessenView.as_view()
erhebung_erinnern = ErhebungErinnernView.as_view()


# Entry grid ------------------------------------------------------------------------------------------------------


@login_required
def meldung_bearbeiten(request, pk):
    """The Kommune's grid for one round on one page; read-only once the round is closed."""
    erhebung = get_object_or_404(Erhebung.objects.visible_to(request.user), pk=pk)
    user = request.user
    if not user.kommune_id:
        raise PermissionDenied(KEIN_RECHT)
    kommune = get_object_or_404(Kommune.objects.visible_to(user), pk=user.kommune_id)
    meldung = Bedarfsmeldung.objects.filter(erhebung=erhebung, kommune=kommune).first()
    probe = meldung or Bedarfsmeldung(erhebung=erhebung, kommune=kommune)
    require_perm(user, "bedarf.view_bedarfsmeldung", probe)
    darf_schreiben = erhebung.ist_offen and user.has_perm("bedarf.change_bedarfsmeldung", probe)
    werte = grid.werte_laden(meldung)
    raster = grid.raster_fuer(erhebung, werte)
    initial = {
        "version": meldung.version if meldung else 0,
        "gesamt": meldung.gesamt if meldung else None,
        "notizen": meldung.notizen if meldung else "",
    }
    if request.method == "POST":
        if not darf_schreiben:
            if not erhebung.ist_offen:
                messages.error(
                    request,
                    _("Die Erhebung ist abgeschlossen; die Zahlen können nicht mehr geändert werden."),
                )
                return redirect("bedarf:meldung-bearbeiten", pk=erhebung.pk)
            raise PermissionDenied(KEIN_RECHT)
        form = forms.MeldungForm(request.POST, raster=raster, initial=initial)
        war_abgegeben = meldung is not None and meldung.status == MeldungStatus.ABGEGEBEN
        if form.is_valid():
            try:
                meldung = services.bedarfsmeldung_speichern(
                    erhebung=erhebung,
                    kommune=kommune,
                    gesamt=form.cleaned_data["gesamt"],
                    werte=form.werte(),
                    notizen=form.cleaned_data["notizen"],
                    version=form.cleaned_data["version"],
                    abgeben="abgeben" in request.POST,
                    by=user,
                )
            except StaleVersion as exc:
                # Keep the user's values; offer the current version so a deliberate second save goes through.
                data = request.POST.copy()
                data["version"] = exc.aktuelle_version
                form = forms.MeldungForm(data, raster=raster, initial=initial)
                form.is_valid()
                form.add_error(None, exc.messages)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                if war_abgegeben:
                    messages.success(
                        request, _("Die Korrektur ist gespeichert; die Meldung bleibt abgegeben.")
                    )
                elif "abgeben" in request.POST:
                    messages.success(request, _("Die Meldung ist abgegeben. Vielen Dank!"))
                else:
                    hinweise = grid.pruefe(raster, form.cleaned_data["gesamt"], form.werte())
                    messages.success(request, _("Der Entwurf ist gespeichert (noch nicht abgegeben)."))
                    for h in hinweise[:5]:
                        messages.warning(request, _("Vor dem Abgeben bitte klären: %(h)s") % {"h": h})
                return redirect("bedarf:meldung-bearbeiten", pk=erhebung.pk)
    else:
        form = forms.MeldungForm(initial=initial, raster=raster, werte=werte, readonly=not darf_schreiben)
    return render(
        request,
        "bedarf/meldung_form.html",
        {
            "erhebung": erhebung,
            "kommune": kommune,
            "meldung": meldung,
            "form": form,
            "raster": raster,
            "darf_schreiben": darf_schreiben,
            "zielgruppe": [
                (
                    s,
                    [
                        [form.bf(raster.zielgruppe(s.code, a.value, g.value)) for g in Geschlecht]
                        for a in Altersband
                    ],
                )
                for s in raster.status
            ],
            "altersbaender": list(Altersband),
            "geschlechter": list(Geschlecht),
            "aufschluesselungen": [
                (d.label, [(c.label, form.bf(raster.merkmal(d.value, c.value))) for c in choices])
                for d, choices in AUFSCHLUESSELUNGEN.items()
            ],
            "bedarf": [
                (k, [form.bf(raster.bedarf(k.code, s.code)) for s in raster.status])
                for k in raster.kategorien
            ],
            "besondere": [
                (b.label, form.bf(raster.merkmal(Dimension.BESONDERE.value, b.value)))
                for b in BesondereGruppe
            ],
        },
    )


def _eigene_meldung_pruefen(request, pk, schreiben: bool) -> tuple[Erhebung, Kommune]:
    """The round and the user's own Kommune, for the template and the import (raw figures: own Kommune only)."""
    erhebung = get_object_or_404(Erhebung.objects.visible_to(request.user), pk=pk)
    if not request.user.kommune_id:
        raise PermissionDenied(KEIN_RECHT)
    kommune = get_object_or_404(Kommune.objects.visible_to(request.user), pk=request.user.kommune_id)
    probe = Bedarfsmeldung(erhebung=erhebung, kommune=kommune)
    perm = "bedarf.change_bedarfsmeldung" if schreiben else "bedarf.view_bedarfsmeldung"
    require_perm(request.user, perm, probe)
    return erhebung, kommune


@login_required
def meldung_vorlage(request, pk):
    """The XLSX (or CSV) template of the grid, pre-filled with the Kommune's own figures."""
    erhebung, kommune = _eigene_meldung_pruefen(request, pk, schreiben=False)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    # The name goes into a header: slugified, so quotes or separators in a Kommune's name cannot break it.
    return dataset_response(
        vorlage(erhebung, kommune),
        fmt,
        f"meldung-{slugify(kommune.name)}-{erhebung.stichtag:%Y-%m-%d}",
        trennzeichen_aus(request.GET),
    )


class MeldungImportView(ImportFlowView):
    """Upload of the filled-in template: dry run with row errors, then confirm; all or nothing."""

    title = gettext_lazy("Zahlen aus der Vorlage importieren")
    template_name = "bedarf/meldung_import.html"
    hinweis = gettext_lazy(
        "Laden Sie die Vorlage herunter, tragen Sie die Anzahlen in die Spalte „Anzahl“ ein und laden Sie sie "
        "hier hoch. Es gelten dieselben Prüfungen wie beim Abgeben im Formular."
    )

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.erhebung, self.kommune = _eigene_meldung_pruefen(request, kwargs["pk"], schreiben=True)
        if not self.erhebung.ist_offen:
            # An old link or bookmark after closing: say why instead of a bare "forbidden" page.
            messages.error(
                request, _("Die Erhebung ist abgeschlossen; die Zahlen können nicht mehr geändert werden.")
            )
            return redirect("bedarf:meldung-bearbeiten", pk=self.erhebung.pk)
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self) -> bool:
        return True  # checked in dispatch against the round and the user's own Kommune

    def get_resource(self):
        return MeldungImport(erhebung=self.erhebung, kommune=self.kommune)

    def get_key(self) -> str:
        return f"bedarf.meldung.{self.erhebung.pk}.{self.kommune.pk}"

    def context(self, **extra):
        ctx = super().context(**extra)
        ctx["vorlage_url"] = reverse("bedarf:meldung-vorlage", args=[self.erhebung.pk])
        return ctx

    @property
    def success_url(self):
        return reverse("bedarf:meldung-bearbeiten", args=[self.erhebung.pk])


# Analysis --------------------------------------------------------------------------------------------------------


@login_required
def luecken(request, pk):
    erhebung = _erhebung(request, pk, "bedarf.auswerten_erhebung")

    def rendern() -> str:
        analyse = selectors.gap_analyse(request.user, erhebung, eigene_roh=True)
        # Drill-down links reversed once per category, not once per cell (hundreds of cells at Kreis scale).
        links = {
            k.code: reverse("bedarf:luecke-angebote", args=[erhebung.pk, k.code]) for k in analyse.kategorien
        }
        return render_to_string(
            "bedarf/_luecken.html",
            {"erhebung": erhebung, "analyse": analyse, "chart": analyse.chart_daten(), "links": links},
        )

    inhalt = mark_safe(_gecacht("luecken", request.user, erhebung, rendern))  # noqa: S308 - template output
    return render(request, "bedarf/luecken.html", {"erhebung": erhebung, "inhalt": inhalt})


@login_required
def luecke_angebote(request, pk, kategorie):
    """Drill-down: the offers behind one cell of the gap analysis."""
    erhebung = _erhebung(request, pk, "bedarf.auswerten_erhebung")
    bk = get_object_or_404(Bedarfskategorie, code=kategorie)
    kommune = None
    if request.GET.get("kommune", "").isdigit():
        kommune = get_object_or_404(
            Kommune.objects.visible_to(request.user).filter(buendnis_id=erhebung.buendnis_id),
            pk=request.GET["kommune"],
        )
    status = None
    if request.GET.get("status"):
        from angebote.models import Aufenthaltsstatus

        status = get_object_or_404(Aufenthaltsstatus, code=request.GET["status"])
    seite = Paginator(
        selectors.angebote_hinter_zelle(request.user, erhebung, bk, kommune, status), 25
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "bedarf/luecke_angebote.html",
        {
            "erhebung": erhebung,
            "kategorie": bk,
            "kommune": kommune,
            "status": status,
            "angebote": seite.object_list,
            "page_obj": seite,
        },
    )


@login_required
def vergleich(request):
    ids = [request.GET.get("a", ""), request.GET.get("b", "")]
    sichtbar = Erhebung.objects.visible_to(request.user).order_by("-stichtag")
    require_perm(request.user, "bedarf.auswerten_erhebung")
    ergebnis = None
    if all(i.isdigit() for i in ids):
        a = get_object_or_404(sichtbar, pk=ids[0])
        b = get_object_or_404(sichtbar, pk=ids[1])
        for e in (a, b):
            require_perm(request.user, "bedarf.auswerten_erhebung", e)
        if a.buendnis_id != b.buendnis_id:
            messages.error(request, _("Nur Erhebungen desselben Bündnisses lassen sich vergleichen."))
        else:
            ergebnis = selectors.erhebung_vergleich(request.user, a, b, eigene_roh=True)
    return render(
        request,
        "bedarf/vergleich.html",
        {"erhebungen": sichtbar.select_related("buendnis")[:100], "v": ergebnis, "ids": ids},
    )


def export_dataset(user, erhebung: Erhebung) -> tablib.Dataset:
    """Needs figures of a round as they may leave the Kommune: protected, long format, numbers as numbers."""
    # Kept as the gap analysis is (per data stamp, scope and round): the figures, not the file, so the separator
    # and the format stay free. Every row has the four columns: given at once, not appended one by one.
    zeilen, legende = _gecacht(
        "auswertung", user, erhebung, lambda: selectors.auswertung_zeilen(user, erhebung)
    )
    daten = tablib.Dataset(
        *zeilen,
        [_("Hinweis"), "", "", legende],
        headers=[_("Tabelle"), _("Zeile"), _("Spalte"), _("Wert")],
        title=_("Bedarfsanalyse")[:31],
    )
    return escape_dataset(daten)


@login_required
def export(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    erhebung = _erhebung(request, pk, "bedarf.auswerten_erhebung")
    name, trennzeichen = f"bedarfsanalyse-{erhebung.stichtag:%Y-%m-%d}", trennzeichen_aus(request.GET)
    if fmt == "csv":
        # A Kreis's round has 29,000 lines: writing them cost ten times what reading the kept figures does, so
        # the text is kept too, per separator.
        text = _gecacht(
            "auswertung-csv",
            request.user,
            erhebung,
            lambda: csv_text(export_dataset(request.user, erhebung), trennzeichen),
            trennzeichen,
        )
        return datei_response(text, fmt, name)
    return dataset_response(export_dataset(request.user, erhebung), fmt, name, trennzeichen)


# Datenlücken -----------------------------------------------------------------------------------------------------


class DatenlueckeListView(ScopedListView):
    model = Datenluecke
    permission_required = "bedarf.view_datenluecke"
    filterset_fields = ["status"]
    template_name = "bedarf/datenluecke_list.html"
    title = gettext_lazy("Datenlücken")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["darf_vorschlagen"] = self.request.user.has_perm("bedarf.add_datenluecke")
        ctx["darf_entscheiden"] = self.request.user.has_perm("bedarf.change_datenluecke", None)
        ctx["status_form"] = forms.DatenlueckeStatusForm(user=self.request.user)
        return ctx


@login_required
def datenluecke_vorschlagen(request):
    require_perm(request.user, "bedarf.add_datenluecke")
    form = forms.DatenlueckeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.datenluecke_vorschlagen(
                titel=form.cleaned_data["titel"],
                beschreibung=form.cleaned_data["beschreibung"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Vorschlag gespeichert."))
            return redirect("bedarf:datenluecke-list")
    return render(request, "bedarf/datenluecke_form.html", {"form": form})


class DatenlueckeStatusView(ActionView):
    """The coordination decides on a proposed Datenlücke; back to the list."""

    model = Datenluecke
    permission_required = "bedarf.change_datenluecke"
    form_class = forms.DatenlueckeStatusForm
    service = services.datenluecke_status_setzen
    object_name = "luecke"
    success_message = gettext_lazy("Status gespeichert.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self):
        return reverse("bedarf:datenluecke-list")


datenluecke_status = DatenlueckeStatusView.as_view()
