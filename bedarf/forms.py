from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from bedarf import raster as grid
from bedarf.models import Datenluecke, DatenlueckeStatus, Erhebung
from buendnis.generic import ScopedModelForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ErhebungForm(ScopedModelForm):
    class Meta:
        model = Erhebung
        fields = ["titel", "stichtag", "eingabe_von", "eingabe_bis", "hinweise"]
        widgets = {"stichtag": DATE, "eingabe_von": DATE, "eingabe_bis": DATE}


class MeldungForm(forms.Form):
    """The whole grid of a Bedarfsmeldung on one page: one number field per cell, blank means 0."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    gesamt = forms.IntegerField(
        label=_("Zielgruppe insgesamt"),
        min_value=0,
        max_value=grid.HOECHSTANZAHL,
        required=False,
        help_text=_("Alle 18- bis 27-jährigen Geflüchteten der Kommune am Stichtag."),
        error_messages={
            "min_value": _("Bitte eine ganze Zahl ab 0 eingeben."),
            "max_value": _("Bitte eine Zahl bis höchstens 999.999 eingeben."),
            "invalid": _("Bitte eine ganze Zahl eingeben."),
        },
    )
    notizen = forms.CharField(
        label=_("Anmerkungen"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args, raster: grid.Raster, werte: dict | None = None, readonly: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.raster = raster
        werte = werte or {}
        for key, label in raster.zellen.items():
            name = grid.feldname(key)
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=grid.HOECHSTANZAHL,
                required=False,
                initial=werte.get(key) or None,
                error_messages={
                    "min_value": _("Bitte eine ganze Zahl ab 0 eingeben."),
                    "max_value": _("Bitte eine Zahl bis höchstens 999.999 eingeben."),
                    "invalid": _("Bitte eine ganze Zahl eingeben."),
                },
                widget=forms.NumberInput(
                    attrs={
                        "min": 0,
                        "step": 1,
                        "inputmode": "numeric",
                        "class": "form-control form-control-sm zahl",
                        "placeholder": "0",
                    }
                ),
            )
        for f in self.fields.values():
            if readonly:
                f.disabled = True
        self.fields["gesamt"].widget.attrs.update({"class": "form-control zahl", "min": 0})
        self.helper = FormHelper()
        self.helper.form_tag = False

    def werte(self) -> dict:
        return {key: self.cleaned_data.get(grid.feldname(key)) or 0 for key in self.raster.zellen}

    def bf(self, key):
        return self[grid.feldname(key)]


class DatenlueckeForm(forms.ModelForm):
    class Meta:
        model = Datenluecke
        fields = ["titel", "beschreibung"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class DatenlueckeStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Neuer Status"),
        choices=DatenlueckeStatus.choices,
        error_messages={
            "required": _("Bitte wählen Sie einen gültigen Status."),
            "invalid_choice": _("Bitte wählen Sie einen gültigen Status."),
        },
    )
    entscheidung = forms.CharField(
        label=_("Begründung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    erhebung = forms.ModelChoiceField(
        label=_("für Erhebung"),
        queryset=Erhebung.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Diese Erhebung gibt es in Ihrem Bündnis nicht.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["erhebung"].queryset = Erhebung.objects.visible_to(user)
