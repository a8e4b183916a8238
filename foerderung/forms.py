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

from . import abrechnung
from .models import (
    AntragStatus,
    Foerderantrag,
    Foerderbaustein,
    Foerderprogramm,
    Kostenkategorie,
    Kostenposition,
    Projektidee,
    TeilhabeStelle,
    Verteilung,
)
from .models.programm import eur
from .models.regel import AufrufStatus, Foerderaufruf, Kostenart
from .services import NachweisPositionDaten

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
            "drittmittel",
            "teilnehmende_geplant",
            "aufruf",
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
        # Innovationsfonds only: the Land's calls still open for concepts (the service checks the deadline).
        offen = Foerderaufruf.objects.filter(status=AufrufStatus.OFFEN)
        if self.instance.aufruf_id:
            offen = offen | Foerderaufruf.objects.filter(pk=self.instance.aufruf_id)
        self.fields["aufruf"].queryset = offen.select_related("baustein")
        if is_kommune(user):
            # A Kommune applies for itself; the field is shown but fixed.
            self.fields["kommune"].disabled = True
            self.fields["kommune"].required = False
            if not self.instance.pk:
                self.instance.kommune_id = user.kommune_id
                self.initial["kommune"] = user.kommune_id


class KostenpositionForm(forms.Form):
    """One cost line: its kind of cost picks the rule in force; a flat rate takes units (the amount, quota and
    own share are computed by the rule), actual costs take the amount. A deviating rate only where the rule
    allows it, with a reason."""

    # The blank choices keep an untouched extra row unchanged, so it is skipped.
    kostenart = forms.ChoiceField(label=_("Kostenart"), choices=[("", "–"), *Kostenart.choices])
    kategorie = forms.ChoiceField(
        label=_("Kategorie"), choices=[("", _("automatisch")), *Kostenkategorie.choices], required=False
    )
    bezeichnung = forms.CharField(label=_("Bezeichnung"), max_length=200)
    einheiten = forms.DecimalField(
        label=_("Einheiten"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        help_text=_("Nur bei Pauschalen"),
    )
    betrag = geldfeld(_("Betrag (EUR)"), required=False, help_text=_("Nur bei tatsächlichen Ausgaben"))
    einheitssatz = geldfeld(
        _("abweichender Satz (EUR)"),
        required=False,
        help_text=_("Leer = Satz der Förderregel; abweichend nur, wenn die Regel es zulässt"),
    )
    abweichung_begruendung = forms.CharField(label=_("Begründung der Abweichung"), required=False)

    def clean(self):
        cleaned = super().clean()
        kostenart = cleaned.get("kostenart")
        if not kostenart or self.errors:
            return cleaned
        if kostenart == Kostenart.TATSAECHLICH:
            if cleaned.get("betrag") is None:
                raise forms.ValidationError(_("Bitte geben Sie den Betrag der tatsächlichen Ausgaben an."))
            cleaned["einheiten"] = cleaned["einheitssatz"] = None
            cleaned["abweichung_begruendung"] = ""
        else:
            if cleaned.get("einheiten") is None:
                raise forms.ValidationError(_("Bitte geben Sie die Anzahl der Einheiten an."))
            cleaned["betrag"] = None  # a flat rate's amount is units × rate, never typed
        return cleaned


def kostenplan_initial(antrag) -> list[dict]:
    """The stored cost plan as the formset's rows (a rate only where it deviates from the rule)."""
    zeilen = []
    for pos in antrag.kostenpositionen.select_related("regel"):
        pauschale = pos.regel is not None and pos.regel.ist_pauschale
        abweichend = pauschale and pos.einheitssatz != pos.regel.satz
        zeilen.append(
            {
                "kostenart": pos.regel.kostenart if pos.regel else "",
                "kategorie": pos.kategorie,
                "bezeichnung": pos.bezeichnung,
                "einheiten": pos.einheiten,
                "betrag": None if pauschale else pos.betrag,
                "einheitssatz": pos.einheitssatz if abweichend else None,
                "abweichung_begruendung": pos.abweichung_begruendung if abweichend else "",
            }
        )
    return zeilen


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
    grundlage = forms.CharField(
        label=_("Grundlage der Entscheidung"),
        required=False,
        max_length=300,
        help_text=_(
            "Leer lassen: die Zuwendungsbescheide des Landes bzw. die Entscheidung der Steuerungsgruppe werden "
            "eingetragen."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class AblehnungForm(HelperMixin, forms.Form):
    submit_label = _("Ablehnen")
    form_tag = False  # the page's own <form> holds it, with the button the page marks as main action
    grund = forms.CharField(label=_("Ablehnungsgrund"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class KostenpositionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if abrechnung.ist_pauschale(obj):
            return _("%(k)s: %(e)s %(einheit)s à %(s)s, Förderung %(f)s") % {
                "k": obj.bezeichnung,
                "e": abrechnung.einheiten_text(abrechnung.geplante_einheiten(obj)),
                "einheit": abrechnung.einheit(obj),
                "s": eur(obj.einheitssatz),
                "f": eur(abrechnung.foerderung(obj)),
            }
        return _("%(k)s: tatsächliche Ausgaben, Förderung %(f)s") % {
            "k": obj.bezeichnung,
            "f": eur(abrechnung.foerderung(obj)),
        }


def _kostenplan_von(antrag):
    if antrag is None:
        return Kostenposition.objects.none()
    return antrag.kostenpositionen.select_related("regel").order_by("kategorie", "pk")


class MittelabrufForm(HelperMixin, forms.Form):
    """A drawdown from one line of the approved cost plan: proven units for a flat rate (the amount is computed),
    the amount for actual costs."""

    submit_label = _("Mittelabruf erfassen")
    form_tag = False  # the page's own <form> holds it, with the button the page marks as main action
    datum = forms.DateField(label=_("Abrufdatum"), widget=DATUM)
    kostenposition = KostenpositionChoiceField(
        label=_("Kostenposition"), queryset=None, required=False, empty_label="–"
    )
    einheiten = forms.DecimalField(
        label=_("nachgewiesene Einheiten"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("Bei einer Pauschale: die nachgewiesenen Einheiten; der Betrag wird daraus berechnet."),
    )
    betrag = geldfeld(
        _("Betrag (EUR)"),
        required=False,
        help_text=_("Nur bei tatsächlichen Ausgaben; bei einer Pauschale leer lassen."),
    )
    bemerkung = forms.CharField(label=_("Bemerkung"), max_length=300, required=False)

    def __init__(self, *args, antrag=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kostenposition"].queryset = _kostenplan_von(antrag)
        self._helper()


class VerwendungsnachweisForm(HelperMixin, forms.Form):
    """The proof of use: the narrative report and, per line of the approved cost plan, what was spent and, for
    a flat rate, the units delivered (fields `ausgaben_<line>` and `einheiten_<line>`)."""

    submit_label = _("Verwendungsnachweis erfassen")
    form_tag = False  # the page's own <form> holds it, with the button the page marks as main action
    eingereicht_am = forms.DateField(label=_("eingereicht am"), widget=DATUM)
    sachbericht = forms.CharField(label=_("Sachbericht"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, antrag=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kostenplan = list(_kostenplan_von(antrag))
        for kosten in self.kostenplan:
            if abrechnung.ist_pauschale(kosten):
                self.fields[f"einheiten_{kosten.pk}"] = forms.DecimalField(
                    label=_("%(k)s: erbrachte %(einheit)s (geplant %(e)s)")
                    % {
                        "k": kosten.bezeichnung,
                        "einheit": abrechnung.einheit(kosten),
                        "e": abrechnung.einheiten_text(abrechnung.geplante_einheiten(kosten)),
                    },
                    max_digits=12,
                    decimal_places=2,
                    min_value=Decimal("0"),
                )
            self.fields[f"ausgaben_{kosten.pk}"] = geldfeld(
                _("%(k)s: Ausgaben (EUR, geplant %(b)s)") % {"k": kosten.bezeichnung, "b": eur(kosten.betrag)}
            )
        self._helper()

    def positionen(self) -> list[NachweisPositionDaten]:
        return [
            NachweisPositionDaten(
                kostenposition=kosten,
                ausgaben_ist=self.cleaned_data[f"ausgaben_{kosten.pk}"],
                einheiten_ist=self.cleaned_data.get(f"einheiten_{kosten.pk}"),
            )
            for kosten in self.kostenplan
        ]


class MonitoringForm(StatusFelderMixin, HelperMixin, forms.Form):
    submit_label = _("Monitoring speichern")
    form_tag = False  # the page's own <form> holds it, with the button the page marks as main action
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
    # Optional, so a report from before issue 13 (without them) still goes through: missing means 0.
    teilnehmende_frauen = forms.IntegerField(
        label=_("davon Frauen (Teilnehmende)"),
        min_value=0,
        initial=0,
        required=False,
        help_text=_(
            "Frauen unter den aktiven, vorzeitig ausgeschiedenen und erfolgreich beendeten Teilnehmenden."
        ),
    )
    abschluss_hauptschule = forms.IntegerField(
        label=_("Hauptschulabschluss erreicht"), min_value=0, initial=0, required=False
    )
    abschluss_fachoberschulreife = forms.IntegerField(
        label=_("Fachoberschulreife erreicht"), min_value=0, initial=0, required=False
    )
    abschluss_beruf = forms.IntegerField(
        label=_("Berufsabschluss erreicht"), min_value=0, initial=0, required=False
    )

    NEUE_FELDER = (
        "teilnehmende_frauen",
        "abschluss_hauptschule",
        "abschluss_fachoberschulreife",
        "abschluss_beruf",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._statusfelder(_("Teilnehmende"))
        self._helper()

    def clean(self):
        cleaned = super().clean()
        for feld in self.NEUE_FELDER:
            if cleaned.get(feld) is None and feld not in self.errors:
                cleaned[feld] = 0
        return cleaned


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
        ]
        widgets = {"besetzt_seit": DATUM}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["antrag"].queryset = self.fields["antrag"].queryset.filter(baustein__nummer="f6")
        # Empty Kommune = a position at the Kreis's Geschäftsführende Stelle, which only the coordination records.
        self.fields["kommune"].empty_label = _("– Geschäftsführende Stelle (Kreis) –")
        self.fields["kommune"].help_text = _(
            "Nur Kommunen, die „Gemeinsam klappt’s“ beigetreten sind. Leer: Stelle beim Kreis."
        )
        if is_kommune(user):
            self.fields["kommune"].queryset = Kommune.objects.filter(pk=user.kommune_id)
            self.fields["kommune"].required = True
            self.fields["kommune"].empty_label = None


class FallzahlForm(StatusFelderMixin, HelperMixin, forms.Form):
    submit_label = _("Fallzahl speichern")
    form_tag = False  # the page's own <form> holds it, with the button the page marks as main action
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
    """The first step of taking a distribution over as budgets: the year. It only asks (GET) for the overview of
    what would change; nothing is written before that overview is confirmed."""

    submit_label = _("Als Budgets übernehmen …")
    jahr = forms.IntegerField(label=_("Haushaltsjahr"), min_value=2019, max_value=2100)

    def __init__(self, *args, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = action
        self.helper.form_class = "card card-body mb-3"
        pruefen = Submit("pruefen", self.submit_label)
        pruefen.field_classes = "btn btn-outline-primary"  # the detail page's primary action is "Berechnen"
        self.helper.add_input(pruefen)


class BudgetUebernahmeBestaetigenForm(forms.Form):
    """The confirmed takeover: the year and the state of budgets and shares the person saw (`stand`), so that a
    change in between is noticed instead of silently overwritten."""

    jahr = forms.IntegerField(min_value=2019, max_value=2100, widget=forms.HiddenInput)
    stand = forms.CharField(max_length=64, widget=forms.HiddenInput)
