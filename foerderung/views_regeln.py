"""Pages of the funding rules (Förderregeln): the versions of one Förderbaustein, and the Land's new version."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from buendnis.generic import ScopedListView, ScopedMixin, fehler_ins_formular

from . import services
from .forms import DATUM, HelperMixin
from .models import Foerderbaustein, Foerderregel

VERSION_FELDER = ["gueltig_ab", *services.REGEL_AENDERBAR]


class RegelListView(ScopedListView):
    """All versions of the rules of one Förderbaustein, oldest first per kind of cost."""

    model = Foerderregel
    parent_model = Foerderbaustein
    permission_required = "foerderung.view_foerderregel"
    template_name = "foerderung/foerderregel_list.html"
    filterset_fields = ["kostenart"]

    def get_baustein(self) -> Foerderbaustein:
        if not hasattr(self, "_baustein"):
            self._baustein = get_object_or_404(
                Foerderbaustein.objects.visible_to(self.request.user).select_related("programm"),
                pk=self.kwargs["parent_pk"],
            )
        return self._baustein

    def get_queryset(self):
        return super().get_queryset().filter(baustein=self.get_baustein())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["baustein"] = self.get_baustein()
        ctx["title"] = _("Förderregeln des Förderbausteins %(b)s") % {"b": ctx["baustein"].kurz}
        ctx["kann_aendern"] = self.request.user.has_perm("foerderung.change_foerderregel")
        return ctx


class RegelVersionForm(HelperMixin, forms.Form):
    """The new version's data, prefilled from the current one; its start date is entered fresh."""

    submit_label = gettext_lazy("Neue Version anlegen")

    def __init__(self, *args, regel: Foerderregel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(Foerderregel, fields=VERSION_FELDER))
        self.fields["gueltig_ab"].widget = DATUM
        self.fields["gueltig_ab"].help_text = gettext_lazy(
            "Ab diesem Tag gilt die neue Version; die bisherige endet am Vortag. Nie rückwirkend."
        )
        self.fields["gueltig_bis"].widget = DATUM
        for feld in services.REGEL_AENDERBAR:
            self.initial.setdefault(feld, getattr(regel, feld))
        self._helper()


class RegelNeueVersionView(ScopedMixin, FormView):
    """The Land changes a rule as a new version from a date (services.regel_neue_version)."""

    model = Foerderregel
    permission_required = "foerderung.change_foerderregel"
    form_class = RegelVersionForm
    template_name = "foerderung/foerderregel_form.html"

    def get_object(self, queryset=None) -> Foerderregel:
        if not hasattr(self, "_regel"):
            self._regel = get_object_or_404(
                Foerderregel.objects.visible_to(self.request.user).select_related("baustein"),
                pk=self.kwargs["pk"],
            )
        return self._regel

    def get_permission_object(self):
        return self.get_object()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["regel"] = self.get_object()
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["regel"] = self.get_object()
        return ctx

    def form_valid(self, form):
        daten = dict(form.cleaned_data)
        regel = self.get_object()
        try:
            neu = services.regel_neue_version(
                regel=regel, gueltig_ab=daten.pop("gueltig_ab"), by=self.request.user, **daten
            )
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Neue Version „%(r)s“ angelegt; die bisherige gilt bis %(bis)s.")
            % {"r": neu, "bis": (neu.gueltig_ab - datetime.timedelta(days=1)).strftime("%d.%m.%Y")},
        )
        return redirect("foerderung:regel-list", parent_pk=regel.baustein_id)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
