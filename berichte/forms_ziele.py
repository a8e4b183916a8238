"""Forms and the list filter of the targets (Zielsetzungen): they validate shape; the rules are the services'."""

from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berichte.forms import DatumInput
from berichte.models import Indikator, IndikatorQuelle, Zielsetzung, ZielsetzungStatus
from berichte.services import KOMMENTAR_MAX
from buendnis import registry as buendnis_registry
from buendnis.generic import ScopedFilterSetMixin, ScopedModelForm
from buendnis.models import Buendnis


class ZielsetzungForm(ScopedModelForm):
    """Title, description and period of a draft target."""

    class Meta:
        model = Zielsetzung
        fields = ["titel", "beschreibung", "zeitraum_von", "zeitraum_bis"]
        widgets = {
            "zeitraum_von": DatumInput(),
            "zeitraum_bis": DatumInput(),
            "beschreibung": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        daten = super().clean()
        von, bis = daten.get("zeitraum_von"), daten.get("zeitraum_bis")
        if von and bis and von > bis:
            self.add_error("zeitraum_bis", _("Das Ende des Zeitraums liegt vor seinem Beginn."))
        return daten


def quellen_auswahl() -> list[tuple[str, str]]:
    """ "manuell" and every registered source, by its German label (with its unit)."""
    auswahl = [(IndikatorQuelle.MANUELL, str(_("von Hand erfasst, mit Nachweis („manuell“)")))]
    for quelle in buendnis_registry.indikatorquellen():
        label = f"{quelle.label} ({quelle.einheit})" if quelle.einheit else str(quelle.label)
        auswahl.append((quelle.key, label))
    return auswahl


def parameter_auswahl() -> list:
    """The narrowing values of every source that offers some, grouped by source (without scripts the form
    cannot narrow the list to the chosen source; the service checks that the value fits it)."""
    auswahl: list = [("", str(_("keine Einschränkung (alle)")))]
    for quelle in buendnis_registry.indikatorquellen():
        if quelle.parameter_auswahl is not None:
            werte = [(wert, str(label)) for wert, label in quelle.parameter_auswahl() if wert]
            if werte:
                auswahl.append((str(quelle.label), werte))
    return auswahl


class IndikatorForm(ScopedModelForm):
    """An indicator of a draft target: what is measured, from which source, baseline and target value."""

    quelle = forms.ChoiceField(label=_("Quelle"))
    parameter = forms.ChoiceField(label=_("Einschränkung"), required=False)

    class Meta:
        model = Indikator
        fields = [
            "titel",
            "quelle",
            "parameter",
            "einheit",
            "ausgangswert",
            "zielwert",
            "personenzahl",
            "position",
        ]
        help_texts = {
            "ausgangswert": _("Der Wert zu Beginn des Zeitraums."),
            "zielwert": _(
                "Der Wert, der am Ende des Zeitraums erreicht sein soll (auch niedriger als der Ausgangswert)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quelle"].choices = quellen_auswahl()
        self.fields["quelle"].help_text = Indikator._meta.get_field("quelle").help_text
        self.fields["parameter"].choices = parameter_auswahl()
        self.fields["parameter"].help_text = Indikator._meta.get_field("parameter").help_text
        self.fields["einheit"].help_text = _("Leer lassen: die Einheit der Quelle.")
        self.fields["position"].required = False

    def clean(self):
        daten = super().clean()
        quelle = buendnis_registry.indikatorquelle(daten.get("quelle") or "")
        if quelle is not None and not daten.get("einheit"):
            daten["einheit"] = str(quelle.einheit)[: Indikator._meta.get_field("einheit").max_length]
        return daten

    def _post_clean(self):
        # The whole row is validated by the service (with the source's rules); the form validates the fields only.
        pass


class IndikatorwertForm(forms.Form):
    """A value measured by hand, on a reference date, with its evidence."""

    stichtag = forms.DateField(label=_("Stichtag"), widget=DatumInput())
    wert = forms.DecimalField(label=_("Wert"), max_digits=14, decimal_places=2)
    nachweis = forms.CharField(
        label=_("Nachweis"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Woher der Wert stammt (Dokument, Quelle, Datum)."),
        error_messages={"required": _("Bitte geben Sie an, woher der Wert stammt (Nachweis).")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stichtag"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.add_input(Submit("erfassen", _("Wert erfassen")))


class RueckgabeForm(forms.Form):
    """The Land's reason when it sends a submitted target back."""

    kommentar = forms.CharField(
        label=_("Kommentar"),
        max_length=KOMMENTAR_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": KOMMENTAR_MAX}),
        help_text=_("Was die Koordination überarbeiten soll."),
        error_messages={"required": _("Bitte begründen Sie die Rückgabe in einem Kommentar.")},
    )


class ZielsetzungFilter(ScopedFilterSetMixin, django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ZielsetzungStatus.choices)
    buendnis = django_filters.ModelChoiceFilter(label=_("Bündnis"), queryset=Buendnis.objects.all())

    class Meta:
        model = Zielsetzung
        fields = ["status", "buendnis"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None and request.user.buendnis_id:
            # A person of a Bündnis sees only its own targets: nothing to choose.
            del self.filters["buendnis"]
            self.form.fields.pop("buendnis", None)
