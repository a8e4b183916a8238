"""Meetings end to end: invitation, attendance, agenda order, minutes, decisions with their tasks, approval.

Every view fetches its row with `visible_to(user)` (out of scope: 404), checks the permission (403), calls one
service and returns to the meeting with the service's German message.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from buendnis import forms, selectors, services
from buendnis.generic import ActionView, fehler_ins_formular
from buendnis.models import (
    Aufgabe,
    Beschluss,
    EinladungArt,
    Sitzung,
    SitzungStatus,
    Tagesordnungspunkt,
    TeilnahmeStatus,
)
from buendnis.rules import KEIN_RECHT


def gesperrt_umleiten(request, sitzung: Sitzung):
    """A page that would change a meeting with approved minutes: back to the meeting, saying why."""
    messages.error(
        request, _("Das Protokoll dieser Sitzung ist genehmigt; die Sitzung lässt sich nicht mehr ändern.")
    )
    return redirect(sitzung)


def detail_kontext(sitzung: Sitzung, user) -> dict:
    """What the meeting page shows, in a fixed number of queries whatever the number of agenda items,
    decisions, tasks and members."""
    darf_aendern = user.has_perm("buendnis.change_sitzung", sitzung)
    aenderbar = darf_aendern and not sitzung.protokoll_gesperrt
    jetzt = timezone.now()
    begonnen = sitzung.beginn <= jetzt
    geplant = sitzung.status == SitzungStatus.GEPLANT
    tops = list(sitzung.tagesordnungspunkte.order_by("position"))
    beschluesse = list(
        sitzung.beschluesse.select_related("tagesordnungspunkt")
        .prefetch_related(
            Prefetch(
                "aufgaben",
                queryset=Aufgabe.objects.select_related("akteur", "zustaendig").order_by("faellig_am", "id"),
            )
        )
        .order_by("datum", "id")
    )
    je_top = defaultdict(list)
    for beschluss in beschluesse:
        je_top[beschluss.tagesordnungspunkt_id].append(beschluss)
    einladungen = list(sitzung.einladungen.select_related("versendet_von")[:20])
    kann_einladen = aenderbar and geplant and sitzung.ende_oder_standard > jetzt
    anwesenheit = selectors.anwesenheit(sitzung)
    offene = selectors.offene_aufgaben_fuer_sitzung(sitzung)
    teilnahme_erfassbar = aenderbar and begonnen and sitzung.status != SitzungStatus.ABGESAGT
    return {
        "darf_aendern": darf_aendern,
        "aenderbar": aenderbar,
        "begonnen": begonnen,
        "tagesordnung": [(top, je_top.get(top.pk, [])) for top in tops],
        "anzahl_tops": len(tops),
        "beschluesse_ohne_top": je_top.get(None, []),
        "einladungen": einladungen,
        "kann_einladen": kann_einladen,
        "einladung_art": EinladungArt.AKTUALISIERUNG if einladungen else EinladungArt.EINLADUNG,
        "einladung_form": forms.EinladungForm() if kann_einladen else None,
        "anzahl_empfaenger": len(selectors.einladung_empfaenger(sitzung)) if kann_einladen else 0,
        "geaendert_seit_einladung": kann_einladen
        and bool(einladungen)
        and selectors.geaendert_seit_einladung(sitzung, einladungen[0]),
        "kann_absagen": aenderbar and geplant and sitzung.ende_oder_standard > jetzt,
        "kann_durchfuehren": aenderbar and geplant and begonnen,
        "anwesenheit": anwesenheit,
        "namen_anwesend": anwesenheit.namen(TeilnahmeStatus.ANWESEND),
        "namen_entschuldigt": anwesenheit.namen(TeilnahmeStatus.ENTSCHULDIGT),
        "namen_abwesend": anwesenheit.namen(TeilnahmeStatus.ABWESEND),
        "teilnahme_form": forms.TeilnahmeForm(zeilen=anwesenheit.zeilen) if teilnahme_erfassbar else None,
        "gast_form": forms.GastForm() if teilnahme_erfassbar else None,
        "offene_aufgaben": offene,
        "zeige_offene_aufgaben": bool(offene) or selectors.ist_naechste_sitzung(sitzung),
        "genehmigbare_protokolle": selectors.genehmigbare_protokolle(sitzung) if darf_aendern else [],
        "genehmigte_protokolle": list(sitzung.genehmigte_protokolle.order_by("beginn", "pk")),
        "top_form": forms.TagesordnungspunktForm(user=user) if aenderbar else None,
    }


class SitzungAktion(ActionView):
    """An action on a meeting from its page; back to the given section of the page."""

    model = Sitzung
    permission_required = "buendnis.change_sitzung"
    object_name = "sitzung"
    abschnitt = ""

    def get_success_url(self) -> str:
        url = self.object.get_absolute_url()
        return f"{url}#{self.abschnitt}" if self.abschnitt else url


class EinladenView(SitzungAktion):
    """Sends the invitation, or after it an update, to the members of the Gremium."""

    form_class = forms.EinladungForm
    abschnitt = "einladungen"

    def perform(self, form):
        art = EinladungArt.AKTUALISIERUNG if self.object.einladungen.exists() else EinladungArt.EINLADUNG
        return services.sitzung_einladen(
            sitzung=self.object, art=art, nachricht=form.cleaned_data["nachricht"], by=self.request.user
        )

    def get_success_message(self, result) -> str:
        if result.art == EinladungArt.AKTUALISIERUNG:
            text = ngettext(
                "Aktualisierung an %(n)d Adresse versendet.",
                "Aktualisierung an %(n)d Adressen versendet.",
                result.anzahl,
            )
        else:
            text = ngettext(
                "Einladung an %(n)d Adresse versendet.",
                "Einladung an %(n)d Adressen versendet.",
                result.anzahl,
            )
        return text % {"n": result.anzahl}


sitzung_einladen = EinladenView.as_view()


@login_required
def sitzung_absagen(request, pk):
    """Confirmation page, then the cancellation (to everyone invited)."""
    sitzung = get_object_or_404(Sitzung.objects.visible_to(request.user).select_related("gremium"), pk=pk)
    if not request.user.has_perm("buendnis.change_sitzung", sitzung):
        raise PermissionDenied(KEIN_RECHT)
    if sitzung.protokoll_gesperrt:
        return gesperrt_umleiten(request, sitzung)
    form = forms.AbsageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sitzung_absagen(
                sitzung=sitzung, nachricht=form.cleaned_data["nachricht"], by=request.user
            )
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
        else:
            messages.success(request, _("Die Sitzung ist abgesagt."))
            return redirect(sitzung)
    return render(
        request,
        "buendnis/sitzung_absagen.html",
        {"sitzung": sitzung, "form": form, "eingeladen": sitzung.einladungen.exists()},
    )


class StatusView(SitzungAktion):
    """ "Als durchgeführt markieren" (and back to planned)."""

    form_class = forms.SitzungStatusForm
    invalid_message = gettext_lazy("Bitte wählen Sie einen gültigen Status.")
    service = services.sitzung_status_setzen

    def get_success_message(self, result) -> str:
        if result.status == SitzungStatus.DURCHGEFUEHRT:
            return _("Die Sitzung ist als durchgeführt markiert.")
        return _("Die Sitzung ist wieder als geplant markiert.")


sitzung_status = StatusView.as_view()


class TeilnahmeView(SitzungAktion):
    """Attendance of every member at once."""

    form_class = forms.TeilnahmeForm
    service = services.teilnahme_erfassen
    success_message = gettext_lazy("Teilnahme gespeichert.")
    abschnitt = "teilnahme"

    def get_form_kwargs(self) -> dict:
        return {"data": self.request.POST, "zeilen": selectors.anwesenheit(self.object).zeilen}

    def service_kwargs(self, form) -> dict:
        # Only the members the form was posted for: a row added meanwhile keeps what it has.
        return {
            "eintraege": {k: v for k, v in form.eintraege().items() if f"mitglied_{k}" in self.request.POST}
        }


teilnahme_erfassen = TeilnahmeView.as_view()


class GastHinzufuegenView(SitzungAktion):
    form_class = forms.GastForm
    service = services.gast_hinzufuegen
    success_message = gettext_lazy("Gast eingetragen.")
    abschnitt = "teilnahme"


gast_hinzufuegen = GastHinzufuegenView.as_view()


class GastEntfernenView(SitzungAktion):
    form_class = forms.GastEntfernenForm
    service = services.gast_entfernen
    success_message = gettext_lazy("Gast entfernt.")
    abschnitt = "teilnahme"


gast_entfernen = GastEntfernenView.as_view()


class TopVerschiebenView(ActionView):
    """Moves an agenda item one place up or down (a button per direction: works by keyboard as by mouse)."""

    model = Tagesordnungspunkt
    permission_required = "buendnis.change_tagesordnungspunkt"
    object_name = "top"
    form_class = forms.TopVerschiebenForm
    invalid_message = gettext_lazy("Bitte wählen Sie, ob der Punkt nach oben oder nach unten rückt.")
    service = services.tagesordnungspunkt_verschieben

    def get_queryset(self):
        return super().get_queryset().select_related("sitzung")

    def get_success_message(self, result) -> str:
        return _("„%(t)s“ ist jetzt TOP %(n)d.") % {"t": result.titel, "n": result.position}

    def get_success_url(self) -> str:
        # Back to the same button, so the next key press moves the item again.
        richtung = self.request.POST.get("richtung", "")
        anker = (
            f"top-{self.object.pk}-{richtung}" if richtung in ("hoch", "runter") else f"top-{self.object.pk}"
        )
        return f"{self.object.sitzung.get_absolute_url()}#{anker}"


top_verschieben = TopVerschiebenView.as_view()


@login_required
def protokoll_bearbeiten(request, pk):
    """The minutes: one text per agenda item and a general part, saved together."""
    sitzung = get_object_or_404(Sitzung.objects.visible_to(request.user).select_related("gremium"), pk=pk)
    if not request.user.has_perm("buendnis.change_sitzung", sitzung):
        raise PermissionDenied(KEIN_RECHT)
    if sitzung.protokoll_gesperrt:
        return gesperrt_umleiten(request, sitzung)
    tops = list(sitzung.tagesordnungspunkte.order_by("position"))
    form = forms.ProtokollForm(request.POST or None, sitzung=sitzung, tops=tops)
    if request.method == "POST" and form.is_valid():
        try:
            services.protokoll_speichern(
                sitzung=sitzung, texte=form.texte(), allgemein=form.cleaned_data["allgemein"], by=request.user
            )
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
        else:
            messages.success(request, _("Protokoll gespeichert."))
            return HttpResponseRedirect(sitzung.get_absolute_url() + "#tagesordnung")
    return render(request, "buendnis/sitzung_protokoll.html", {"sitzung": sitzung, "form": form})


def _entwuerfe(formset) -> list[services.AufgabeEntwurf]:
    return [
        services.AufgabeEntwurf(
            titel=f.cleaned_data["titel"],
            akteur=f.cleaned_data.get("akteur"),
            zustaendig=f.cleaned_data.get("zustaendig"),
            faellig_am=f.cleaned_data.get("faellig_am"),
        )
        for f in formset
        if f.cleaned_data.get("titel")
    ]


def _beschluss_seite(request, *, sitzung: Sitzung | None, beschluss: Beschluss | None, initial: dict):
    """Create or edit a decision with any number of new tasks ("weitere Aufgabe" adds a row)."""
    daten = request.POST if request.method == "POST" else None
    mehr = daten is not None and "mehr" in daten
    if mehr:
        # Back with one row more: the typed values return unvalidated, nothing is saved yet.
        felder = ("text", "datum", "tagesordnungspunkt", "kernaufgabe")
        form = forms.BeschlussForm(initial={f: daten.get(f, "") for f in felder}, sitzung=sitzung)
    else:
        form = forms.BeschlussForm(daten, sitzung=sitzung, initial=initial)
    formset = forms.aufgaben_formset(daten, user=request.user, mehr=mehr)
    if daten is not None and not mehr and form.is_valid() and formset.is_valid():
        entwuerfe = _entwuerfe(formset)
        felder = {
            "text": form.cleaned_data["text"],
            "datum": form.cleaned_data["datum"],
            "kernaufgabe": form.cleaned_data["kernaufgabe"],
            "tagesordnungspunkt": form.cleaned_data.get("tagesordnungspunkt"),
            "aufgaben": entwuerfe,
            "by": request.user,
        }
        try:
            if beschluss is None:
                services.beschluss_fassen(gremium=sitzung.gremium, sitzung=sitzung, **felder)
            else:
                services.beschluss_aendern(beschluss=beschluss, **felder)
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
        else:
            if entwuerfe:
                meldung = ngettext(
                    "Beschluss gespeichert, %(n)d Aufgabe angelegt.",
                    "Beschluss gespeichert, %(n)d Aufgaben angelegt.",
                    len(entwuerfe),
                ) % {"n": len(entwuerfe)}
            elif beschluss is None:
                meldung = _("Beschluss gespeichert (ohne Aufgaben).")
            else:
                meldung = _("Beschluss gespeichert.")
            messages.success(request, meldung)
            if beschluss is not None:
                return redirect(beschluss.get_absolute_url())
            return redirect(sitzung)
    vorhandene = []
    if beschluss is not None:
        vorhandene = list(
            beschluss.aufgaben.select_related("akteur", "zustaendig").order_by("faellig_am", "id")
        )
    return render(
        request,
        "buendnis/beschluss_form.html",
        {
            "sitzung": sitzung,
            "beschluss": beschluss,
            "form": form,
            "formset": formset,
            "vorhandene_aufgaben": vorhandene,
            "max_aufgaben": forms.MAX_AUFGABEN,
        },
    )


@login_required
def beschluss_fassen(request, pk):
    """A decision with the tasks it creates, on one page (`?top=<id>` preselects the agenda item)."""
    sitzung = get_object_or_404(Sitzung.objects.visible_to(request.user).select_related("gremium"), pk=pk)
    if not request.user.has_perm("buendnis.add_beschluss", sitzung):
        raise PermissionDenied(KEIN_RECHT)
    if sitzung.protokoll_gesperrt:
        return gesperrt_umleiten(request, sitzung)
    initial = {"datum": timezone.localtime(sitzung.beginn).date()}
    top = request.GET.get("top", "")
    if top.isdigit():
        initial["tagesordnungspunkt"] = top
    return _beschluss_seite(request, sitzung=sitzung, beschluss=None, initial=initial)


@login_required
def beschluss_bearbeiten(request, pk):
    """Corrects a decision and adds tasks to it, until the minutes of its meeting are approved."""
    beschluss = get_object_or_404(
        Beschluss.objects.visible_to(request.user).select_related("sitzung__gremium", "gremium"), pk=pk
    )
    if not request.user.has_perm("buendnis.change_beschluss", beschluss):
        raise PermissionDenied(KEIN_RECHT)
    if beschluss.sitzung_id and beschluss.sitzung.protokoll_gesperrt:
        return gesperrt_umleiten(request, beschluss.sitzung)
    initial = {
        "text": beschluss.text,
        "datum": beschluss.datum,
        "kernaufgabe": beschluss.kernaufgabe,
        "tagesordnungspunkt": beschluss.tagesordnungspunkt_id,
    }
    return _beschluss_seite(request, sitzung=beschluss.sitzung, beschluss=beschluss, initial=initial)


class ProtokollGenehmigenView(SitzungAktion):
    """Approves the minutes of an earlier meeting (the URL's) in the meeting posted as `in_sitzung`."""

    form_class = forms.ProtokollGenehmigenForm
    invalid_message = gettext_lazy("Bitte wählen Sie die Sitzung, in der das Protokoll genehmigt wird.")

    def perform(self, form):
        self.in_sitzung = get_object_or_404(
            Sitzung.objects.visible_to(self.request.user), pk=form.cleaned_data["in_sitzung"]
        )
        return services.protokoll_genehmigen(
            sitzung=self.object, in_sitzung=self.in_sitzung, by=self.request.user
        )

    def get_success_message(self, result) -> str:
        return _("Das Protokoll der Sitzung „%(s)s“ ist genehmigt.") % {"s": result}

    def get_success_url(self) -> str:
        in_sitzung = getattr(self, "in_sitzung", None)
        if in_sitzung is not None:
            return in_sitzung.get_absolute_url() + "#genehmigung"
        return super().get_success_url()


protokoll_genehmigen = ProtokollGenehmigenView.as_view()
