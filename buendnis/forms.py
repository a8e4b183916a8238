from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from buendnis.choices import Kernaufgabe
from buendnis.generic import ScopedModelForm, scope_form_querysets
from buendnis.models import (
    Akteur,
    Ansprechperson,
    Aufgabe,
    AufgabeStatus,
    Buendnis,
    Gremium,
    Kommune,
    Mitgliedschaft,
    Prioritaet,
    Sitzung,
    SitzungStatus,
    Tagesordnungspunkt,
    TeilnahmeStatus,
    User,
    Verfahrensvereinbarung,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BuendnisForm(ScopedModelForm):
    class Meta:
        model = Buendnis
        fields = ["name", "federfuehrung", "geschaeftsfuehrende_stelle", "kontakt_email"]


class KommuneForm(ScopedModelForm):
    class Meta:
        model = Kommune
        fields = ["name", "gemeindeschluessel", "ansprechpartner", "breite", "laenge"]
        help_texts = {
            "breite": _("Mittelpunkt der Kommune in Grad (WGS 84), z. B. 51.19826."),
            "laenge": _(
                "z. B. 6.69211. Mit beiden Angaben zeigt der öffentliche Katalog Angebote in der Nähe nach "
                "Entfernung."
            ),
        }


class AkteurForm(ScopedModelForm):
    class Meta:
        model = Akteur
        fields = ["name", "typ", "bereich", "kommune", "adresse", "website", "email", "telefon", "notiz"]


class AnsprechpersonForm(ScopedModelForm):
    class Meta:
        model = Ansprechperson
        fields = ["name", "funktion", "email", "telefon", "oeffentlich"]


class GremiumForm(ScopedModelForm):
    class Meta:
        model = Gremium
        fields = [
            "art",
            "name",
            "thema",
            "format",
            "status",
            "leitung",
            "leitung_person",
            "eingerichtet_am",
            "kernaufgabe",
        ]
        widgets = {"eingerichtet_am": DATE}


class MitgliedschaftForm(ScopedModelForm):
    class Meta:
        model = Mitgliedschaft
        fields = ["akteur", "person", "funktion", "seit"]
        widgets = {"seit": DATE}


class SitzungForm(ScopedModelForm):
    """Title, time and place of a meeting. "Durchgeführt" only once it has begun (the model's rule, shown at the
    status field); cancelling an invited meeting goes through "Absagen", which tells the members."""

    class Meta:
        model = Sitzung
        fields = ["gremium", "titel", "beginn", "ende", "ort", "status", "protokoll"]
        widgets = {"beginn": DATETIME, "ende": DATETIME, "protokoll": forms.Textarea(attrs={"rows": 4})}


class TagesordnungspunktForm(ScopedModelForm):
    class Meta:
        model = Tagesordnungspunkt
        fields = ["titel", "beschreibung"]


class AufgabeForm(ScopedModelForm):
    """What a task is about. Its status changes only through `aufgabe_status_setzen` (the "Stand melden" form
    on the task's page), which follows the allowed transitions and records the completion date."""

    class Meta:
        model = Aufgabe
        fields = [
            "titel",
            "beschreibung",
            "gremium",
            "akteur",
            "zustaendig",
            "faellig_am",
            "notiz",
            "prioritaet",
            "verfahrensvereinbarung",
        ]
        widgets = {"faellig_am": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zustaendig"].queryset = User.objects.visible_to(self.user).filter(is_active=True)
        self.fields["zustaendig"].label_from_instance = User.anzeigename


class AufgabeStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=AufgabeStatus.choices)
    notiz = forms.CharField(
        label=_("Notiz zum Stand"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class PrioritaetForm(ScopedModelForm):
    class Meta:
        model = Prioritaet
        fields = ["rang", "titel", "beschreibung", "beschluss"]


class VerfahrensvereinbarungForm(ScopedModelForm):
    class Meta:
        model = Verfahrensvereinbarung
        fields = ["titel", "gegenstand", "parteien", "status", "gueltig_ab", "beschluss"]
        widgets = {"gueltig_ab": DATE, "parteien": forms.CheckboxSelectMultiple}


class DokumentForm(forms.Form):
    datei = forms.FileField(
        label=_("Datei (PDF, Word, OpenDocument, Text; höchstens 10 MB)"),
        error_messages={
            "required": _("Bitte wählen Sie eine Datei aus."),
            "empty": _("Die ausgewählte Datei ist leer."),
            "invalid": _("Bitte wählen Sie eine Datei aus."),
        },
    )
    kommentar = forms.CharField(label=_("Kommentar zur Version"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("hochladen", _("Neue Version hochladen")))


class BeschlussForm(forms.Form):
    text = forms.CharField(label=_("Beschlusstext"), widget=forms.Textarea(attrs={"rows": 4}))
    datum = forms.DateField(label=_("Datum"), widget=DATE)
    tagesordnungspunkt = forms.ModelChoiceField(
        label=_("Tagesordnungspunkt"), queryset=Tagesordnungspunkt.objects.none(), required=False
    )
    kernaufgabe = forms.ChoiceField(
        label=_("Kernaufgabe der Kerngruppe"), choices=[("", "–")] + list(Kernaufgabe.choices), required=False
    )

    def __init__(self, *args, sitzung: Sitzung | None, **kwargs):
        super().__init__(*args, **kwargs)
        if sitzung is not None:
            self.fields["tagesordnungspunkt"].queryset = sitzung.tagesordnungspunkte.all()
        else:
            del self.fields["tagesordnungspunkt"]
        self.helper = FormHelper()
        self.helper.form_tag = False


class AufgabeAusBeschlussForm(forms.Form):
    titel = forms.CharField(label=_("Aufgabe"), max_length=300, required=False)
    akteur = forms.ModelChoiceField(
        label=_("verantwortlicher Akteur"), queryset=Akteur.objects.none(), required=False
    )
    zustaendig = forms.ModelChoiceField(
        label=_("zuständige Person"), queryset=User.objects.none(), required=False
    )
    faellig_am = forms.DateField(label=_("fällig am"), widget=DATE, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["akteur"].queryset = Akteur.objects.all()
        self.fields["zustaendig"].queryset = User.objects.filter(is_active=True)
        scope_form_querysets(self, user)
        self.fields["zustaendig"].queryset = User.objects.visible_to(user).filter(is_active=True)
        self.fields["zustaendig"].label_from_instance = User.anzeigename

    def clean(self):
        data = super().clean()
        if not data.get("titel") and (data.get("akteur") or data.get("zustaendig") or data.get("faellig_am")):
            self.add_error("titel", _("Bitte benennen Sie die Aufgabe."))
        if data.get("titel") and not (data.get("akteur") or data.get("zustaendig")):
            self.add_error(
                "akteur", _("Jede Aufgabe braucht einen verantwortlichen Akteur oder eine Person.")
            )
        if data.get("titel") and not data.get("faellig_am"):
            self.add_error("faellig_am", _("Jede Aufgabe braucht eine Frist."))
        return data


# As many tasks as a decision needs: "weitere Aufgabe" adds a row (on the server, or at once with JavaScript).
MAX_AUFGABEN = 50
AufgabenFormSet = formset_factory(
    AufgabeAusBeschlussForm, extra=3, max_num=MAX_AUFGABEN, absolute_max=MAX_AUFGABEN, validate_max=True
)


def aufgaben_formset(data=None, *, user, mehr: bool = False, prefix: str = "aufgaben"):
    """The task rows of a decision. With `mehr` (the "weitere Aufgabe" button) the posted rows come back
    unvalidated, with one empty row more, so nothing typed is lost and no half-filled row is marked wrong."""
    if data is None or not mehr:
        return AufgabenFormSet(data, form_kwargs={"user": user}, prefix=prefix)
    gebunden = AufgabenFormSet(data, form_kwargs={"user": user}, prefix=prefix)
    try:
        anzahl = min(gebunden.total_form_count(), MAX_AUFGABEN)
    except forms.ValidationError:
        anzahl = 0
    felder = list(AufgabeAusBeschlussForm.base_fields)
    zeilen = [{f: data.get(f"{prefix}-{i}-{f}", "") for f in felder} for i in range(anzahl)]
    mit_weiterer = formset_factory(
        AufgabeAusBeschlussForm,
        extra=1 if anzahl < MAX_AUFGABEN else 0,
        max_num=MAX_AUFGABEN,
        absolute_max=MAX_AUFGABEN,
        validate_max=True,
    )
    return mit_weiterer(initial=zeilen, form_kwargs={"user": user}, prefix=prefix)


class TeilnahmeForm(forms.Form):
    """Attendance of every member of the Gremium at once: one choice per membership."""

    CHOICES = [
        ("", _("– nicht erfasst –")),
        (TeilnahmeStatus.ANWESEND, TeilnahmeStatus.ANWESEND.label),
        (TeilnahmeStatus.ENTSCHULDIGT, TeilnahmeStatus.ENTSCHULDIGT.label),
        (TeilnahmeStatus.ABWESEND, TeilnahmeStatus.ABWESEND.label),
    ]

    def __init__(self, *args, zeilen, **kwargs):
        """`zeilen`: (Mitgliedschaft, Teilnahme or None) pairs, as `selectors.anwesenheit` gives them."""
        super().__init__(*args, **kwargs)
        self.zeilen = []
        for mitglied, teilnahme in zeilen:
            name = f"mitglied_{mitglied.pk}"
            label = (
                f"{mitglied.person.name} ({mitglied.akteur})" if mitglied.person_id else str(mitglied.akteur)
            )
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=self.CHOICES,
                required=False,
                initial=teilnahme.status if teilnahme is not None else "",
            )
            self.zeilen.append((mitglied, self[name]))

    def eintraege(self) -> dict[int, str]:
        return {int(name.removeprefix("mitglied_")): wert for name, wert in self.cleaned_data.items()}


class GastForm(forms.Form):
    name = forms.CharField(
        label=_("Name des Gastes (und Organisation)"),
        max_length=200,
        error_messages={"required": _("Bitte geben Sie den Namen des Gastes an.")},
    )


class GastEntfernenForm(forms.Form):
    teilnahme_id = forms.IntegerField(widget=forms.HiddenInput)


class TopVerschiebenForm(forms.Form):
    richtung = forms.ChoiceField(choices=[("hoch", _("nach oben")), ("runter", _("nach unten"))])


class SitzungStatusForm(forms.Form):
    status = forms.ChoiceField(choices=SitzungStatus.choices)


class EinladungForm(forms.Form):
    nachricht = forms.CharField(
        label=_("Nachricht an die Eingeladenen (freiwillig)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )


class AbsageForm(EinladungForm):
    bestaetigt = forms.BooleanField(
        label=_("Ja, die Sitzung absagen"),
        error_messages={"required": _("Bitte bestätigen Sie die Absage.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nachricht"].label = _("Nachricht zur Absage (freiwillig)")
        self.helper = FormHelper()
        self.helper.add_input(Submit("absagen", _("Sitzung absagen"), css_class="btn-danger"))


class ProtokollForm(forms.Form):
    """The minutes of a meeting: a text per agenda item and a general part."""

    def __init__(self, *args, sitzung: Sitzung, tops, **kwargs):
        super().__init__(*args, **kwargs)
        self.tops = []
        for top in tops:
            name = f"top_{top.pk}"
            self.fields[name] = forms.CharField(
                label=f"TOP {top.position}: {top.titel}",
                widget=forms.Textarea(attrs={"rows": 5}),
                required=False,
                initial=top.protokoll,
            )
            self.tops.append((top, self[name]))
        self.fields["allgemein"] = forms.CharField(
            label=_("Allgemeines (gehört zu keinem Tagesordnungspunkt)"),
            widget=forms.Textarea(attrs={"rows": 4}),
            required=False,
            initial=sitzung.protokoll,
        )

    def texte(self) -> dict[int, str]:
        return {
            int(name.removeprefix("top_")): wert
            for name, wert in self.cleaned_data.items()
            if name.startswith("top_")
        }


class ProtokollGenehmigenForm(forms.Form):
    in_sitzung = forms.IntegerField(widget=forms.HiddenInput)


class ImportUploadForm(forms.Form):
    """The file of a staff import page (`buendnis.views_import.ImportFlowView`); the checks are in `uploads`."""

    datei = forms.FileField(
        label=_("Datei (CSV oder XLSX, höchstens 5 MB, höchstens 10.000 Zeilen)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
