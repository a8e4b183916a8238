"""Targets (Zielsetzungen) of a Bündnis with their indicators and values.

Which rows: `Zielsetzung.objects.visible_to(user)` (a Bündnis its own, the Land all), so another Bündnis's target
is a 404. May this user: the permissions in `berichte/rules.py` (403 without). Every write is one service call of
`berichte.services`, whose refusal comes back as a German message; a page never changes a row by itself.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from bedarf import suppression
from berichte import services, steuerung
from berichte.forms_ziele import (
    IndikatorForm,
    IndikatorwertForm,
    RueckgabeForm,
    ZielsetzungFilter,
    ZielsetzungForm,
)
from berichte.models import Indikator, Zielsetzung, ZielsetzungStatus
from buendnis import registry as buendnis_registry
from buendnis.generic import (
    ActionView,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
    fehler_ins_formular,
)
from buendnis.rules import KEIN_RECHT


def _nur_entwurf(request, zielsetzung: Zielsetzung):
    """A page that changes a draft, opened for a target that is no longer one: back to the target, with why."""
    messages.error(
        request,
        _(
            "Die Zielsetzung ist %(status)s und wird nicht mehr geändert. Eine vereinbarte Zielsetzung ändern Sie "
            "über eine neue Fassung."
        )
        % {"status": zielsetzung.get_status_display()},
    )
    return HttpResponseRedirect(zielsetzung.get_absolute_url())


# Targets ----------------------------------------------------------------------------------------------------------


class ZielsetzungListView(ScopedListView):
    """The targets the user may see (a Bündnis its own, the Land all), with the count on track of the agreed."""

    model = Zielsetzung
    permission_required = "berichte.view_zielsetzung"
    template_name = "berichte/zielsetzung_list.html"
    filterset_class = ZielsetzungFilter
    create_url_name = "berichte:zielsetzung-create"
    title = gettext_lazy("Zielsetzungen")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        seite = list(ctx["object_list"])
        karten = {k.zielsetzung.pk: k for k in steuerung.zielkarten(seite)}
        ctx["zeilen"] = [(z, karten[z.pk]) for z in seite]
        ctx["regel"] = steuerung.im_plan_regel()
        ctx["zeigt_buendnis"] = not self.request.user.buendnis_id
        return ctx


class ZielsetzungDetailView(ScopedDetailView):
    """One target: its indicators with baseline, target, today's value, progress and on track; the values at the
    end of each quarter; the workflow's buttons; the versions."""

    model = Zielsetzung
    permission_required = "berichte.view_zielsetzung"
    template_name = "berichte/zielsetzung_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("buendnis", "vereinbart_von", "vorgaenger")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        z = self.object
        stand = steuerung.zielstand(z)
        ctx["stand"] = stand
        ctx["regel"] = steuerung.im_plan_regel()
        ctx["legende"] = suppression.legende()
        ctx["mit_personen"] = any(zeile.personen for zeile in stand.zeilen)
        ctx["aktionen"] = services.zielsetzung_aktionen(z, user)
        ctx["rueckgabe_form"] = RueckgabeForm()
        ctx["kann_bearbeiten"] = z.bearbeitbar and user.has_perm("berichte.change_zielsetzung", z)
        ctx["kann_indikatoren"] = z.bearbeitbar and user.has_perm("berichte.add_indikator", z)
        ctx["kann_werte"] = z.status == ZielsetzungStatus.VEREINBART and user.has_perm(
            "berichte.add_indikatorwert", z
        )
        ctx["fassungen"] = steuerung.fassungen(z, user)
        ctx["rueckgabe"] = steuerung.rueckgabe(z)
        ctx["erwartet_prozent"] = int(stand.erwarteter_anteil * 100)
        return ctx


class ZielsetzungCreateView(ScopedCreateView):
    """A new draft target of the user's own Bündnis (the coordination)."""

    model = Zielsetzung
    form_class = ZielsetzungForm
    permission_required = "berichte.add_zielsetzung"
    success_message = gettext_lazy(
        "Die Zielsetzung ist als Entwurf angelegt. Legen Sie nun ihre Indikatoren an."
    )

    def save(self, form):
        return services.zielsetzung_anlegen(
            buendnis=self.request.user.buendnis, by=self.request.user, **form.cleaned_data
        )


class ZielsetzungUpdateView(ScopedUpdateView):
    """Title, description and period of a draft; an agreed target changes through a new version."""

    model = Zielsetzung
    form_class = ZielsetzungForm
    permission_required = "berichte.change_zielsetzung"

    def get(self, request, *args, **kwargs):
        if not self.get_object().bearbeitbar:
            return _nur_entwurf(request, self.get_object())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.get_object().bearbeitbar:
            return _nur_entwurf(request, self.get_object())
        return super().post(request, *args, **kwargs)

    def save(self, form):
        return services.zielsetzung_aendern(
            zielsetzung=self.object, by=self.request.user, **form.cleaned_data
        )


class ZielsetzungAktionView(ActionView):
    """A step of the workflow (`vorlegen`, `vereinbaren`, `zurueckgeben` with a comment) or a new version
    (`neue-fassung`), by POST."""

    model = Zielsetzung
    erfolg = {
        "vorlegen": gettext_lazy("Die Zielsetzung ist dem Land vorgelegt."),
        "vereinbaren": gettext_lazy("Die Zielsetzung ist vereinbart."),
        "zurueckgeben": gettext_lazy(
            "Die Zielsetzung ist mit Ihrem Kommentar an die Koordination zurückgegeben."
        ),
        "neue-fassung": gettext_lazy(
            "Die neue Fassung ist als Entwurf angelegt. Bis sie vereinbart ist, gilt die bisherige Fassung."
        ),
    }

    def dispatch(self, request, *args, **kwargs):
        if kwargs["aktion"] not in self.erfolg:
            raise Http404
        self.aktion = kwargs["aktion"]
        return super().dispatch(request, *args, **kwargs)

    def get_permission_required(self) -> tuple[str, ...]:
        if self.aktion == services.NEUE_FASSUNG.action:
            return (services.NEUE_FASSUNG.perm,)
        return (services.ZIEL_TRANSITIONS.get(self.aktion).perm,)

    def get_form(self):
        return RueckgabeForm(data=self.request.POST) if self.aktion == "zurueckgeben" else None

    def perform(self, form):
        if self.aktion == services.NEUE_FASSUNG.action:
            self.ergebnis = services.zielsetzung_neue_fassung(zielsetzung=self.object, by=self.request.user)
        else:
            kommentar = form.cleaned_data["kommentar"] if form is not None else ""
            self.ergebnis = services.zielsetzung_transition(
                zielsetzung=self.object, aktion=self.aktion, kommentar=kommentar, by=self.request.user
            )
        return self.ergebnis

    def get_success_message(self, result) -> str:
        return str(self.erfolg[self.aktion])

    def get_success_url(self) -> str:
        ergebnis = getattr(self, "ergebnis", None)
        return (ergebnis or self.object).get_absolute_url()


# Indicators -------------------------------------------------------------------------------------------------------


class IndikatorCreateView(LoginRequiredMixin, FormView):
    """A new indicator of a draft target (`pk`: the target)."""

    model = Zielsetzung  # the row the URL names
    form_class = IndikatorForm
    template_name = "berichte/zielsetzung_indikator_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.zielsetzung = get_object_or_404(Zielsetzung.objects.visible_to(request.user), pk=kwargs["pk"])
        if not request.user.has_perm("berichte.add_indikator", self.zielsetzung):
            raise PermissionDenied(KEIN_RECHT)
        if not self.zielsetzung.bearbeitbar:
            return _nur_entwurf(request, self.zielsetzung)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["zielsetzung"] = self.zielsetzung
        ctx["quellen"] = quellen_erklaert()
        return ctx

    def form_valid(self, form):
        try:
            services.indikator_anlegen(
                zielsetzung=self.zielsetzung, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Der Indikator ist angelegt."))
        return HttpResponseRedirect(self.zielsetzung.get_absolute_url())


def quellen_erklaert() -> list[tuple[str, str, str]]:
    """(label, unit, how it is computed) of every registered source, for the indicator form."""
    return [(str(q.label), str(q.einheit), str(q.erklaerung)) for q in buendnis_registry.indikatorquellen()]


class IndikatorUpdateView(ScopedUpdateView):
    model = Indikator
    form_class = IndikatorForm
    permission_required = "berichte.change_indikator"
    template_name = "berichte/zielsetzung_indikator_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("zielsetzung")

    def get(self, request, *args, **kwargs):
        if not self.get_object().zielsetzung.bearbeitbar:
            return _nur_entwurf(request, self.get_object().zielsetzung)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.get_object().zielsetzung.bearbeitbar:
            return _nur_entwurf(request, self.get_object().zielsetzung)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["zielsetzung"] = self.object.zielsetzung
        ctx["quellen"] = quellen_erklaert()
        return ctx

    def save(self, form):
        return services.indikator_aendern(indikator=self.object, by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.zielsetzung.get_absolute_url()


class IndikatorDeleteView(ScopedDeleteView):
    model = Indikator
    permission_required = "berichte.delete_indikator"

    def get_queryset(self):
        return super().get_queryset().select_related("zielsetzung")

    def get(self, request, *args, **kwargs):
        if not self.get_object().zielsetzung.bearbeitbar:
            return _nur_entwurf(request, self.get_object().zielsetzung)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        indikator = self.object
        try:
            zielsetzung = services.indikator_loeschen(indikator=indikator, by=self.request.user)
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return HttpResponseRedirect(indikator.zielsetzung.get_absolute_url())
        messages.success(self.request, _("Der Indikator ist gelöscht."))
        return HttpResponseRedirect(zielsetzung.get_absolute_url())


class IndikatorwertCreateView(LoginRequiredMixin, FormView):
    """A value of a manual indicator of an agreed target, with Stichtag and evidence (`pk`: the indicator)."""

    model = Indikator  # the row the URL names
    form_class = IndikatorwertForm
    template_name = "berichte/zielsetzung_wert_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.indikator = get_object_or_404(
            Indikator.objects.visible_to(request.user).select_related("zielsetzung", "zielsetzung__buendnis"),
            pk=kwargs["pk"],
        )
        if not request.user.has_perm("berichte.add_indikatorwert", self.indikator):
            raise PermissionDenied(KEIN_RECHT)
        zielsetzung = self.indikator.zielsetzung
        if not self.indikator.manuell or zielsetzung.status != ZielsetzungStatus.VEREINBART:
            messages.error(
                request,
                _(
                    "Von Hand erfasst werden nur Werte von Indikatoren mit der Quelle „manuell“ einer vereinbarten "
                    "Zielsetzung."
                ),
            )
            return HttpResponseRedirect(self.indikator.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["indikator"] = self.indikator
        ctx["zielsetzung"] = self.indikator.zielsetzung
        return ctx

    def form_valid(self, form):
        try:
            services.indikatorwert_erfassen(
                indikator=self.indikator, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Der Wert ist erfasst."))
        return HttpResponseRedirect(self.indikator.get_absolute_url())


zielsetzung_list = ZielsetzungListView.as_view()
zielsetzung_detail = ZielsetzungDetailView.as_view()
zielsetzung_create = ZielsetzungCreateView.as_view()
zielsetzung_update = ZielsetzungUpdateView.as_view()
zielsetzung_aktion = ZielsetzungAktionView.as_view()
indikator_create = IndikatorCreateView.as_view()
indikator_update = IndikatorUpdateView.as_view()
indikator_delete = IndikatorDeleteView.as_view()
indikatorwert_create = IndikatorwertCreateView.as_view()
