from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from bedarf import raster as grid
from bedarf.models import Datenluecke, DatenlueckeStatus, Erhebung
from buendnis import cells
from buendnis.generic import ScopedModelForm
from buendnis.models import Kommune

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ErhebungForm(ScopedModelForm):
    class Meta:
        model = Erhebung
        fields = ["titel", "stichtag", "eingabe_von", "eingabe_bis", "hinweise"]
        widgets = {"stichtag": DATE, "eingabe_von": DATE, "eingabe_bis": DATE}


ANZAHL_FEHLER = {
    "min_value": _("Bitte eine ganze Zahl ab 0 eingeben."),
    "max_value": _("Bitte eine Zahl bis höchstens 999.999 eingeben."),
    "invalid": _("Bitte eine ganze Zahl eingeben."),
}


class AnzahlField(forms.IntegerField):
    """A count of people in the grid, read like a spreadsheet cell (`buendnis.cells.parse_int`: "12", "1.250").

    The input is a text field (`inputmode="numeric"`), not `type="number"`: a browser sends nothing for text it
    cannot read as a number, which the server would take for an empty cell (0). As text it reaches the server
    and is refused with a message, and the page shows it again as typed."""

    def to_python(self, value):
        try:
            return cells.parse_int(value, maximum=None)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


def anzahl_widget(klasse: str) -> forms.TextInput:
    # w-auto with size: the cell is as wide as six digits, so the table cannot squeeze a number out of sight.
    return forms.TextInput(
        attrs={
            "inputmode": "numeric",
            "autocomplete": "off",
            "size": 6,
            "maxlength": 9,
            "class": klasse,
        }
    )


class MeldungForm(forms.Form):
    """The whole grid of a Bedarfsmeldung on one page: one number field per cell, blank means 0."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    gesamt = AnzahlField(
        label=_("Zielgruppe insgesamt"),
        min_value=0,
        max_value=grid.HOECHSTANZAHL,
        required=False,
        help_text=_("Alle 18- bis 27-jährigen Geflüchteten der Kommune am Stichtag."),
        error_messages=ANZAHL_FEHLER,
        widget=anzahl_widget("form-control zahl w-auto"),
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
            widget = anzahl_widget("form-control form-control-sm zahl w-auto")
            widget.attrs["placeholder"] = "0"
            self.fields[name] = AnzahlField(
                label=label,
                min_value=0,
                max_value=grid.HOECHSTANZAHL,
                required=False,
                initial=werte.get(key) or None,
                error_messages=ANZAHL_FEHLER,
                widget=widget,
            )
        for f in self.fields.values():
            if readonly:
                f.disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False

    def full_clean(self):
        """Marks every refused cell for sight and for screen readers, pointing to its message
        (`<id>-fehler`, rendered next to the cell by the template)."""
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["class"] = attrs.get("class", "") + " is-invalid"
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{self[name].auto_id}-fehler"

    def fehler_je_feld(self) -> list[dict]:
        """The error summary: each refused cell's label, messages and anchor, in the order of the page."""
        return [
            {"id": self[name].auto_id, "label": self.fields[name].label, "meldungen": self.errors[name]}
            for name in self.fields
            if name in self.errors
        ]

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


class ErinnerungForm(forms.Form):
    """The Kommunen ticked on a round's page for a reminder. Only Kommunen of the round's Bündnis that the user
    may see are choices; any other id refuses the whole form. No Kommune ticked means every Kommune that has not
    delivered, unless the ticking form was sent (`auswahl`): then at least one is needed."""

    kommune = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        error_messages={
            "invalid_choice": _(
                "Mindestens eine der ausgewählten Kommunen gehört nicht zum Bündnis dieser Erhebung. "
                "Es wurde keine Erinnerung verschickt."
            ),
            "invalid_pk_value": _(
                "Die Auswahl der Kommunen ist ungültig. Es wurde keine Erinnerung verschickt."
            ),
            "invalid_list": _("Die Auswahl der Kommunen ist ungültig. Es wurde keine Erinnerung verschickt."),
        },
    )
    auswahl = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, erhebung: Erhebung, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommune"].queryset = (
            Kommune.objects.visible_to(user).filter(buendnis_id=erhebung.buendnis_id).order_by("name")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("auswahl") and "kommune" in cleaned and not cleaned["kommune"]:
            raise forms.ValidationError(_("Bitte wählen Sie mindestens eine Kommune aus."))
        return cleaned

    def kommunen(self) -> list | None:
        """The chosen Kommunen, or None for "every Kommune that has not delivered"."""
        gewaehlt = list(self.cleaned_data["kommune"])
        return gewaehlt or None
