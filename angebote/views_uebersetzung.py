"""Staff pages for the translations of an offer's texts into the languages of the public catalogue.

The owners of the offer (its Kommune, its Träger's staff, the coordination) translate it at every stage but
archived (`angebote.translate_angebot`); everyone who may see the offer sees which languages are done. The German text is the offer's own; `angebote.services.uebersetzung_speichern`
writes the other languages (django-parler rows).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from angebote import forms, services
from angebote.models import UEBERSETZBARE_FELDER, Angebot
from buendnis.generic import ScopedDetailView, ScopedMixin, fehler_ins_formular

UEBERSETZT, TEILWEISE, FEHLT = "uebersetzt", "teilweise", "fehlt"
STAND_LABEL = {
    UEBERSETZT: gettext_lazy("übersetzt"),
    TEILWEISE: gettext_lazy("teilweise"),
    FEHLT: gettext_lazy("fehlt"),
}


@dataclass(frozen=True)
class Sprachstand:
    """One language of an offer: its code and own name, the writing direction and how far it is translated."""

    code: str
    name: str
    richtung: str
    stand: str
    fehlende_felder: tuple[str, ...]

    @property
    def stand_label(self) -> str:
        return str(STAND_LABEL[self.stand])


def sprachstaende(angebot: Angebot) -> list[Sprachstand]:
    """Per translatable language: "übersetzt" when every German text has its translation, "teilweise" when some
    has, else "fehlt". Reads `angebot.uebersetzungen.all()` (prefetch it for lists)."""
    zeilen = {z.language_code: z for z in angebot.uebersetzungen.all()}
    deutsch = [f for f in UEBERSETZBARE_FELDER if (getattr(angebot, f) or "").strip()]
    labels = {f: str(Angebot._meta.get_field(f).verbose_name) for f in UEBERSETZBARE_FELDER}
    namen = dict(settings.LANGUAGES)
    result = []
    for code in services.UEBERSETZUNGSSPRACHEN:
        zeile = zeilen.get(code)
        vorhanden = {
            f
            for f in UEBERSETZBARE_FELDER
            if zeile is not None and (getattr(zeile, services.uebersetzungsfeld(f)) or "").strip()
        }
        fehlend = tuple(labels[f] for f in deutsch if f not in vorhanden)
        if vorhanden and not fehlend:
            stand = UEBERSETZT
        elif vorhanden:
            stand = TEILWEISE
        else:
            stand = FEHLT
        result.append(Sprachstand(code, namen[code], forms.schreibrichtung(code), stand, fehlend))
    return result


class AngebotUebersetzungenView(ScopedDetailView):
    """The languages of an offer with their state ("übersetzt / teilweise / fehlt") and links to translate."""

    model = Angebot
    permission_required = "angebote.view_angebot"
    template_name = "angebote/angebot_uebersetzungen.html"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("uebersetzungen")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["sprachen"] = sprachstaende(self.object)
        ctx["anzahl_uebersetzt"] = sum(1 for s in ctx["sprachen"] if s.stand == UEBERSETZT)
        ctx["kann_uebersetzen"] = self.request.user.has_perm("angebote.translate_angebot", self.object)
        return ctx


class AngebotUebersetzungView(ScopedMixin, SingleObjectMixin, FormView):
    """The texts of an offer in one language, each input beside the German text; saved by the service."""

    model = Angebot
    permission_required = "angebote.translate_angebot"
    form_class = forms.UebersetzungForm
    template_name = "angebote/angebot_uebersetzung_form.html"

    @property
    def sprache(self) -> str:
        sprache = self.kwargs["sprache"]
        if sprache not in services.UEBERSETZUNGSSPRACHEN:
            raise Http404
        return sprache

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        zeile = self.object.uebersetzungen.filter(language_code=self.sprache).first()
        if zeile is None:
            return {}
        return {f: getattr(zeile, services.uebersetzungsfeld(f)) for f in UEBERSETZBARE_FELDER}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(angebot=self.object, sprache=self.sprache)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["sprache"] = self.sprache
        ctx["sprache_name"] = dict(settings.LANGUAGES)[self.sprache]
        ctx["richtung"] = forms.schreibrichtung(self.sprache)
        return ctx

    def get_success_url(self):
        return reverse("angebote:angebot-uebersetzungen", args=[self.object.pk])

    def form_valid(self, form):
        daten = {f: form.cleaned_data.get(f) or "" for f in UEBERSETZBARE_FELDER}
        try:
            services.uebersetzung_speichern(
                angebot=self.object, sprache=self.sprache, daten=daten, by=self.request.user
            )
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
            return self.form_invalid(form)
        name = dict(settings.LANGUAGES)[self.sprache]
        if any(v.strip() for v in daten.values()):
            messages.success(self.request, _("Übersetzung (%(sprache)s) gespeichert.") % {"sprache": name})
        else:
            messages.success(self.request, _("Übersetzung (%(sprache)s) entfernt.") % {"sprache": name})
        return HttpResponseRedirect(self.get_success_url())
