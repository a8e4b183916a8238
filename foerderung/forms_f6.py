"""Forms of Baustein F6 participation: shape only; the rules live in `foerderung.teilnahme`."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DATUM


class _MitHelfer(forms.Form):
    submit_label = _("Speichern")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("speichern", self.submit_label))


class TeilnahmeForm(_MitHelfer):
    """Expression of interest and joining of "Gemeinsam klappt's". Without `darf_beitritt` (a Kommune user) the
    joining date and the declaration are shown but not editable."""

    interesse_bekundet_am = forms.DateField(label=_("Interessenbekundung am"), required=False, widget=DATUM)
    beigetreten_am = forms.DateField(label=_("beigetreten am"), required=False, widget=DATUM)
    dokument = forms.FileField(
        label=_("Beitrittserklärung (PDF, höchstens 10 MB)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("Leer lassen, um die gespeicherte Erklärung zu behalten."),
    )
    bemerkung = forms.CharField(label=_("Bemerkung"), max_length=300, required=False)

    def __init__(self, *args, darf_beitritt: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_enctype = "multipart/form-data"
        if not darf_beitritt:
            # A disabled field keeps its initial value whatever is posted.
            self.fields["beigetreten_am"].disabled = True
            self.fields["beigetreten_am"].help_text = _("Trägt die Geschäftsführende Stelle ein.")
            del self.fields["dokument"]


class HaushaltssicherungForm(_MitHelfer):
    submit_label = _("Haushaltssicherung speichern")
    gueltig_ab = forms.DateField(label=_("gültig ab"), widget=DATUM)
    gueltig_bis = forms.DateField(
        label=_("gültig bis"), required=False, widget=DATUM, help_text=_("Leer = bis auf Weiteres.")
    )
    grundlage = forms.CharField(
        label=_("Grundlage"),
        max_length=300,
        required=False,
        help_text=_("z. B. genehmigtes Haushaltssicherungskonzept"),
    )
