"""Forms of the Land's decisions: grant notices to the Kreis and calls of the Innovationsfonds (shape only)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from buendnis.models import Buendnis

from .forms import DATUM, HelperMixin, geldfeld
from .models import AufrufStatus, Foerderbaustein


class ZuwendungsbescheidForm(HelperMixin, forms.Form):
    submit_label = _("Zuwendungsbescheid erlassen")

    buendnis = forms.ModelChoiceField(
        label=_("Bündnis (Zuwendungsempfänger)"), queryset=Buendnis.objects.none()
    )
    baustein = forms.ModelChoiceField(label=_("Förderbaustein"), queryset=Foerderbaustein.objects.none())
    jahr = forms.IntegerField(label=_("Haushaltsjahr"), min_value=2000, max_value=2100)
    betrag = geldfeld(_("bewilligt (EUR)"))
    bescheid_nummer = forms.CharField(label=_("Bescheidnummer"), max_length=100)
    bescheid_datum = forms.DateField(label=_("Bescheiddatum"), widget=DATUM)
    grundlage = forms.CharField(
        label=_("Grundlage"),
        max_length=300,
        help_text=_("z. B. Richtlinie vom 18.12.2019, Änderungsbescheid"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buendnis"].queryset = Buendnis.objects.order_by("name")
        self.fields["baustein"].queryset = Foerderbaustein.objects.select_related("programm").order_by(
            "programm__name", "nummer"
        )
        self._helper()


class FoerderaufrufForm(HelperMixin, forms.Form):
    submit_label = _("Förderaufruf eröffnen")

    baustein = forms.ModelChoiceField(label=_("Förderbaustein"), queryset=Foerderbaustein.objects.none())
    titel = forms.CharField(label=_("Titel"), max_length=200)
    beschreibung = forms.CharField(
        label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    einreichung_bis = forms.DateField(label=_("Konzepte bis"), widget=DATUM)
    entscheidung_bis = forms.DateField(label=_("Entscheidung der Steuerungsgruppe bis"), widget=DATUM)
    volumen = geldfeld(_("Mittel des Aufrufs (EUR)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["baustein"].queryset = Foerderbaustein.objects.select_related("programm").order_by(
            "programm__name", "nummer"
        )
        self._helper()


class AufrufStatusForm(forms.Form):
    status = forms.ChoiceField(choices=AufrufStatus.choices, widget=forms.HiddenInput)
