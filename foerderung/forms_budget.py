"""Forms of the budget pages: shape only; the sums are checked in `foerderung.services` (budget_aufteilen,
budget_aendern)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from buendnis.models import Kommune

from .forms import geldfeld
from .models.programm import eur


class BudgetAufteilungForm(forms.Form):
    """One amount per member Kommune of the budget's Bündnis (`kommune_<pk>`); empty means no share. `stand`
    carries the split as the page showed it."""

    stand = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kommunen: list[Kommune], bewilligt: dict[int, object], **kwargs):
        super().__init__(*args, **kwargs)
        self.kommunen = kommunen
        for kommune in kommunen:
            hilfe = (
                _("bisher bewilligt: %(b)s") % {"b": eur(bewilligt[kommune.pk])}
                if kommune.pk in bewilligt
                else ""
            )
            self.fields[f"kommune_{kommune.pk}"] = geldfeld(kommune.name, required=False, help_text=hilfe)
        self.helper = FormHelper()
        self.helper.add_input(Submit("speichern", _("Aufteilung speichern")))

    def anteile(self) -> dict[Kommune, object]:
        """The amounts entered, per Kommune (None where left empty)."""
        return {k: self.cleaned_data.get(f"kommune_{k.pk}") for k in self.kommunen}


class BudgetForm(forms.Form):
    """The Land's correction of one allocation."""

    betrag = geldfeld(_("zugewiesen (EUR)"))
    bemerkung = forms.CharField(
        label=_("Bemerkung"),
        max_length=300,
        required=False,
        help_text=_("z. B. Grund und Datum der Kürzung oder Aufstockung"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("speichern", _("Budget speichern")))
