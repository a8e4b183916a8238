"""Forms of the funding app: shape only; the rules live in services."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from buendnis.generic import ScopedModelForm
from buendnis.models import Kommune
from buendnis.rules import is_kommune

from .models import (
    AntragStatus,
    Foerderantrag,
    Foerderbaustein,
    Foerderprogramm,
    Kostenkategorie,
    Projektidee,
    TeilhabeStelle,
    Verteilung,
)

DATUM = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def geldfeld(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=Decimal("0"), **kwargs)


class StatusFelderMixin:
    """One count field per active Aufenthaltsstatus (`status_<code>`), for the breakdowns by status."""

    def _statusfelder(self, label_prefix: str) -> None:
        from angebote.models import Aufenthaltsstatus

        self.aufenthaltsstatus = list(Aufenthaltsstatus.objects.filter(aktiv=True))
        for status in self.aufenthaltsstatus:
            self.fields[f"status_{status.code}"] = forms.IntegerField(
                label=f"{label_prefix}: {status.kurz}", min_value=0, required=False
            )

    def nach_status(self) -> dict:
        return {
            s: self.cleaned_data[f"status_{s.code}"]
            for s in self.aufenthaltsstatus
            if self.cleaned_data.get(f"status_{s.code}") is not None
        }

    def ohne_status(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if not k.startswith("status_")}


class HelperMixin:
    submit_label = _("Speichern")
    form_tag = True

    def _helper(self):
        self.helper = FormHelper()
        self.helper.form_tag = self.form_tag
        if self.form_tag:
            self.helper.add_input(Submit("speichern", self.submit_label))


class FoerderprogrammForm(ScopedModelForm):
    class Meta:
        model = Foerderprogramm
        fields = ["name", "ministerien", "gesamtvolumen", "laufzeit_beginn", "laufzeit_ende", "beschreibung"]
        widgets = {"laufzeit_beginn": DATUM, "laufzeit_ende": DATUM}


class FoerderbausteinForm(ScopedModelForm):
    class Meta:
        model = Foerderbaustein
        exclude = ["programm", "nummer"]
        widgets = {"gueltig_ab": DATUM, "gueltig_bis": DATUM, "richtlinie_datum": DATUM}


class VerteilungForm(ScopedModelForm):
    class Meta:
        model = Verteilung
        fields = [
            "programm",
            "baustein",
            "name",
            "jahr",
            "gesamtbetrag",
            "sockelbetrag",
            "indikator",
            "stichtag",
            "quelle",
        ]
        widgets = {"stichtag": DATUM}


class FoerderantragForm(ScopedModelForm):
    """Application data; the cost plan is a formset beside it. `version` carries the optimistic lock."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Foerderantrag
        fields = [
            "baustein",
            "titel",
            "beschreibung",
            "kommune",
            "antragsteller_akteur",
            "weitere_kommunen",
            "angebote",
            "beginn",
            "ende",
            "haushaltsjahr",
            "eigenanteil",
            "drittmittel",
            "teilnehmende_geplant",
        ]
        widgets = {
            "beginn": DATUM,
            "ende": DATUM,
            "weitere_kommunen": forms.CheckboxSelectMultiple,
            "angebote": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.helper.form_tag = False
        self.helper.inputs = []
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        if is_kommune(user):
            # A Kommune applies for itself; the field is shown but fixed.
            self.fields["kommune"].disabled = True
            self.fields["kommune"].required = False
            if not self.instance.pk:
                self.instance.kommune_id = user.kommune_id
                self.initial["kommune"] = user.kommune_id


class KostenpositionForm(forms.Form):
    # The blank choice keeps an untouched extra row unchanged, so it is skipped.
    kategorie = forms.ChoiceField(label=_("Kategorie"), choices=[("", "–"), *Kostenkategorie.choices])
    bezeichnung = forms.CharField(label=_("Bezeichnung"), max_length=200)
    einheiten = forms.DecimalField(
        label=_("Einheiten"), max_digits=12, decimal_places=2, min_value=Decimal("0"), required=False
    )
    einheitssatz = geldfeld(_("Satz je Einheit (EUR)"), required=False)
    betrag = geldfeld(_("Betrag (EUR)"), required=False, help_text=_("Leer = Einheiten × Satz"))

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("betrag") is None
            and (cleaned.get("einheiten") is None or cleaned.get("einheitssatz") is None)
            and not self.errors
        ):
            raise forms.ValidationError(_("Bitte geben Sie einen Betrag oder Einheiten und Satz an."))
        return cleaned


KostenplanFormSet = forms.formset_factory(KostenpositionForm, extra=2, can_delete=True)


class StatusForm(forms.Form):
    nach = forms.ChoiceField(choices=AntragStatus.choices, widget=forms.HiddenInput)
    kommentar = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BewilligungForm(HelperMixin, forms.Form):
    submit_label = _("Bewilligen")

    betrag = geldfeld(_("bewilligter Betrag (EUR)"))
    bescheid_datum = forms.DateField(label=_("Bescheiddatum"), widget=DATUM)
    bescheid_nummer = forms.CharField(label=_("Bescheidnummer"), max_length=100)
    kommentar = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    ueberschreitung_begruendung = forms.CharField(
        label=_("Begründung einer Budgetüberschreitung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Nur ausfüllen, wenn die Bewilligung das Budget des Bündnisses bewusst überschreitet."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class AblehnungForm(HelperMixin, forms.Form):
    submit_label = _("Ablehnen")
    grund = forms.CharField(label=_("Ablehnungsgrund"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class MittelabrufForm(HelperMixin, forms.Form):
    submit_label = _("Mittelabruf erfassen")
    datum = forms.DateField(label=_("Abrufdatum"), widget=DATUM)
    betrag = geldfeld(_("Betrag (EUR)"))
    einheiten = forms.DecimalField(
        label=_("nachgewiesene Einheiten"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )
    bemerkung = forms.CharField(label=_("Bemerkung"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class VerwendungsnachweisForm(HelperMixin, forms.Form):
    submit_label = _("Verwendungsnachweis erfassen")
    eingereicht_am = forms.DateField(label=_("eingereicht am"), widget=DATUM)
    sachbericht = forms.CharField(label=_("Sachbericht"), widget=forms.Textarea(attrs={"rows": 4}))
    ausgaben_ist = geldfeld(_("tatsächliche Ausgaben (EUR)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class MonitoringForm(StatusFelderMixin, HelperMixin, forms.Form):
    submit_label = _("Monitoring speichern")
    jahr = forms.IntegerField(label=_("Jahr"), min_value=2019, max_value=2100)
    quartal = forms.TypedChoiceField(
        label=_("Quartal"), choices=[(i, f"Q{i}") for i in range(1, 5)], coerce=int
    )
    eingetreten = forms.IntegerField(label=_("eingetreten"), min_value=0, initial=0)
    aktiv = forms.IntegerField(label=_("aktiv"), min_value=0, initial=0)
    vorzeitig_beendet = forms.IntegerField(label=_("vorzeitig ausgeschieden"), min_value=0, initial=0)
    abgeschlossen = forms.IntegerField(label=_("erfolgreich beendet"), min_value=0, initial=0)
    uebergang_schulabschluss = forms.IntegerField(
        label=_("Übergang in Schulabschluss"), min_value=0, initial=0
    )
    uebergang_ausbildung = forms.IntegerField(label=_("Übergang in Ausbildung"), min_value=0, initial=0)
    uebergang_arbeit = forms.IntegerField(label=_("Übergang in Arbeit"), min_value=0, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._statusfelder(_("Teilnehmende"))
        self._helper()


class TeilhabeStelleForm(ScopedModelForm):
    class Meta:
        model = TeilhabeStelle
        fields = [
            "kommune",
            "bezeichnung",
            "vze",
            "arbeitgeber",
            "besetzt_seit",
            "antrag",
            "foerderquote_prozent",
        ]
        widgets = {"besetzt_seit": DATUM}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["antrag"].queryset = self.fields["antrag"].queryset.filter(baustein__nummer="f6")
        if is_kommune(user):
            self.fields["kommune"].queryset = Kommune.objects.filter(pk=user.kommune_id)


class FallzahlForm(StatusFelderMixin, HelperMixin, forms.Form):
    submit_label = _("Fallzahl speichern")
    jahr = forms.IntegerField(label=_("Jahr"), min_value=2019, max_value=2100)
    quartal = forms.TypedChoiceField(
        label=_("Quartal"), choices=[(i, f"Q{i}") for i in range(1, 5)], coerce=int
    )
    beratene_personen = forms.IntegerField(label=_("beratene Personen"), min_value=0)
    neue_faelle = forms.IntegerField(label=_("davon neu aufgenommen"), min_value=0, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._statusfelder(_("Beratene"))
        self._helper()


class ProjektideeForm(ScopedModelForm):
    class Meta:
        model = Projektidee
        fields = ["titel", "skizze", "einreicher", "akteur", "frist"]
        widgets = {"frist": DATUM}


class BudgetUebernahmeForm(HelperMixin, forms.Form):
    submit_label = _("Als Budgets übernehmen")
    jahr = forms.IntegerField(label=_("Haushaltsjahr"), min_value=2019, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()
