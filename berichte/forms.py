from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from berichte import selectors
from buendnis.models import Buendnis


class DatumInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SachstandsberichtForm(forms.Form):
    """What to report: the period, the sections switched on and an introduction written beforehand."""

    buendnis = forms.ModelChoiceField(label=_("Bündnis"), queryset=Buendnis.objects.none())
    zeitraum_von = forms.DateField(label=_("Berichtszeitraum von"), widget=DatumInput())
    zeitraum_bis = forms.DateField(label=_("Berichtszeitraum bis"), widget=DatumInput())
    titel = forms.CharField(
        label=_("Titel (optional)"),
        max_length=300,
        required=False,
        help_text=_("Leer lassen für „Sachstandsbericht“ mit dem Namen des Bündnisses."),
    )
    abschnitte = forms.MultipleChoiceField(
        label=_("Abschnitte"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Abgewählte Abschnitte erscheinen nicht im Bericht."),
    )
    einleitung = forms.CharField(
        label=_("Einleitung"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Erscheint vor dem ersten Abschnitt, z. B. der Anlass des Berichts an den Ausschuss."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        heute = timezone.localdate()
        self.fields["zeitraum_von"].initial = datetime.date(heute.year, 1, 1)
        self.fields["zeitraum_bis"].initial = heute
        arten = selectors.verfuegbare_abschnitte()
        self.fields["abschnitte"].choices = [(a.key, a.label) for a in arten]
        self.fields["abschnitte"].initial = [a.key for a in arten]
        if user.is_superuser:
            self.fields["buendnis"].queryset = Buendnis.objects.all()
        else:
            # Generating is tied to the user's own Bündnis; the field is not shown.
            del self.fields["buendnis"]
            if user.buendnis is not None:
                # Help texts are rendered as HTML: the Bündnis' name goes in escaped.
                self.fields["titel"].help_text = format_html(
                    _("Leer lassen für „{titel}“."), titel=selectors.sachstandsbericht_titel(user.buendnis)
                )
        self.helper = FormHelper()
        self.helper.add_input(Submit("erzeugen", _("Bericht erzeugen")))

    def clean(self):
        data = super().clean()
        von, bis = data.get("zeitraum_von"), data.get("zeitraum_bis")
        if von and bis and von > bis:
            self.add_error("zeitraum_bis", _("Das Ende des Berichtszeitraums liegt vor seinem Beginn."))
        return data


class DatenpaketForm(forms.Form):
    buendnis = forms.ModelChoiceField(label=_("Bündnis"), queryset=Buendnis.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Buendnis.objects.visible_to(user)
        feld = self.fields["buendnis"]
        feld.queryset = qs
        if user.buendnis_id:
            feld.initial = user.buendnis_id
        sichtbar = list(qs.values_list("pk", flat=True)[:2])
        if len(sichtbar) == 1:
            # Only one Bündnis to choose: chosen already, without the empty "---------".
            feld.initial = sichtbar[0]
            feld.empty_label = None
        self.helper = FormHelper()
        # The template writes the <form> (its action and token); crispy must not nest a second one.
        self.helper.form_tag = False
        self.helper.add_input(Submit("datenpaket", _("Datenpaket erzeugen")))
