from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from angebote.models import (
    ORT_FELDER,
    RAHMEN_FELDER,
    TEILNAHME_FELDER,
    UEBERSETZBARE_FELDER,
    ZEIT_FELDER,
    Angebot,
    AngebotStatus,
    Aufenthaltsstatus,
    Pruefergebnis,
    ZugangArt,
)
from angebote.services import ZugangDaten
from buendnis.generic import scope_form_querysets
from buendnis.models import AkteurStatus, Kommune
from buendnis.rules import is_kommune, is_koordination, is_mitglied
from buendnis.widgets import FernMehrfachAuswahl

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The sections of the offer form (key for the anchor, legend, fields): the field groups of `angebote.models`,
# shared with the admin, plus the offer's identity first and its pathway last.
ABSCHNITTE = (
    ("angebot", _("Angebot"), ("titel", "beschreibung", "kategorie", "traeger", "ansprechperson", "kennung")),
    ("teilnahme", _("So nimmt man teil"), TEILNAHME_FELDER),
    ("ort", _("Ort"), ORT_FELDER),
    ("zeiten", _("Zeiten"), ZEIT_FELDER),
    ("rahmen", _("Rahmen"), RAHMEN_FELDER),
    ("bildungskette", _("Bildungskette"), ("anschlussangebote",)),
)


class AngebotForm(forms.ModelForm):
    """Shape of an offer; the service decides scope, workflow and the version check."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Angebot
        fields = [
            "titel",
            "beschreibung",
            "kategorie",
            "traeger",
            "ansprechperson",
            "kontakt_name",
            "kontakt_telefon",
            "kontakt_email",
            "anmeldung_url",
            "anmeldung_hinweis",
            "kreisweit",
            "kommunen",
            "online",
            "adresse",
            "plz",
            "ort",
            "zeiten",
            "foerderbaustein",
            "finanzierung",
            "alter_von",
            "alter_bis",
            "deutsch_voraussetzung",
            "deutsch_ziel",
            "plaetze",
            "freie_plaetze",
            "beginn",
            "ende",
            "laufend",
            "stunden_pro_woche",
            "kosten",
            "kinderbetreuung",
            "anschlussangebote",
            "kennung",
        ]
        widgets = {
            "beginn": DATE,
            "ende": DATE,
            "kommunen": forms.CheckboxSelectMultiple,
            # A Bündnis has 700+ offers at NRW scale: with more than 60, searched (buendnis.widgets, issue 18).
            "anschlussangebote": FernMehrfachAuswahl(
                quelle=reverse_lazy("angebote:optionen", kwargs={"art": "anschlussangebote"})
            ),
            "beschreibung": forms.Textarea(attrs={"rows": 4}),
            "kontakt_telefon": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "kontakt_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "anmeldung_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "plz": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 5}),
        }

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        scope_form_querysets(self, user)
        buendnis_id = self.instance.buendnis_id or user.buendnis_id
        self.fields["kategorie"].queryset = self.fields["kategorie"].queryset.aktiv()
        self.fields["kennung"].required = False
        self.fields["kennung"].help_text = _("Leer lassen: wird automatisch vergeben.")
        if buendnis_id:
            self.fields["traeger"].queryset = self.fields["traeger"].queryset.filter(buendnis_id=buendnis_id)
            self.fields["kommunen"].queryset = Kommune.objects.filter(buendnis_id=buendnis_id)
            self.fields["ansprechperson"].queryset = (
                self.fields["ansprechperson"]
                .queryset.filter(akteur__buendnis_id=buendnis_id)
                .select_related("akteur")
            )
            anschluss = (
                Angebot.objects.visible_to(user)
                .filter(buendnis_id=buendnis_id)
                .exclude(status=AngebotStatus.ARCHIVIERT)
            )
            if self.instance.pk:
                anschluss = anschluss.exclude(pk=self.instance.pk)
            self.fields["anschlussangebote"].queryset = anschluss.order_by("titel")
            quelle = reverse("angebote:optionen", kwargs={"art": "anschlussangebote"})
            params = {"buendnis": buendnis_id, **({"ohne": self.instance.pk} if self.instance.pk else {})}
            self.fields["anschlussangebote"].widget.quelle = f"{quelle}?{urlencode(params)}"
        self._traeger_eingrenzen(user)
        if is_kommune(user) and not user.is_superuser:
            self.fields["kommunen"].queryset = Kommune.objects.filter(pk=user.kommune_id)
        if self.instance.pk:
            # The version the user saw: a save based on an older one is refused (optimistic locking).
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *(
                Fieldset(
                    legende, *self._abschnitt_anfang(schluessel), *felder, css_id=f"abschnitt-{schluessel}"
                )
                for schluessel, legende, felder in ABSCHNITTE
            ),
            "version",
        )
        # The jump links of the form: its sections, then the access table the template adds after them.
        self.abschnitte = [(f"abschnitt-{schluessel}", legende) for schluessel, legende, _f in ABSCHNITTE]
        self.abschnitte.append(("abschnitt-zugang", _("Zugang nach Aufenthaltsstatus")))

    @staticmethod
    def _abschnitt_anfang(schluessel: str) -> list:
        if schluessel != "teilnahme":
            return []
        return [
            HTML(
                '<p class="form-text">{}</p>'.format(
                    escape(
                        _(
                            "Damit junge Menschen das Angebot erreichen: eine Telefonnummer, eine "
                            "E-Mail-Adresse oder ein Link zur Anmeldung (oder eine öffentliche "
                            "Ansprechperson mit Telefon oder E-Mail). Ohne einen Weg zur Teilnahme kann "
                            "das Angebot nicht veröffentlicht werden."
                        )
                    )
                )
            )
        ]

    def _traeger_eingrenzen(self, user) -> None:
        """Träger staff enter offers of their own Akteur only; a Kommune chooses among the confirmed Akteure and
        those its own Kommune proposed; the coordination among all. The offer's current Träger stays choosable."""
        if user.is_superuser or is_koordination(user):
            return
        feld = self.fields["traeger"]
        bisher = Q(pk=self.instance.traeger_id) if self.instance.traeger_id else Q(pk__in=[])
        if is_mitglied(user):
            feld.queryset = feld.queryset.filter(Q(pk=user.akteur_id) | bisher)
            feld.initial = user.akteur_id
            feld.help_text = _("Sie tragen Angebote Ihrer eigenen Organisation ein.")
            person = self.fields["ansprechperson"]
            bisherige_person = self.instance.ansprechperson_id
            person.queryset = person.queryset.filter(
                Q(akteur_id=user.akteur_id) | (Q(pk=bisherige_person) if bisherige_person else Q(pk__in=[]))
            )
            return
        eigene_vorschlaege = Q(kommune_id=user.kommune_id) if user.kommune_id else Q(pk__in=[])
        feld.queryset = feld.queryset.filter(Q(status=AkteurStatus.BESTAETIGT) | eigene_vorschlaege | bisher)


class ZugangForm(forms.Form):
    """Access for one residence status (one row of the access table in the offer form)."""

    art = forms.ChoiceField(
        label=_("Zugang"), choices=[("", _("nicht erfasst")), *ZugangArt.choices], required=False
    )
    bedingung = forms.CharField(label=_("Bedingung"), max_length=500, required=False)
    oeffnung_moeglich = forms.BooleanField(label=_("Öffnung möglich"), required=False)
    oeffnung_hinweis = forms.CharField(
        label=_("Wie die Öffnung möglich wäre"), max_length=500, required=False
    )

    def __init__(self, *args, status: Aufenthaltsstatus, **kwargs):
        self.status = status
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("art") == ZugangArt.EINGESCHRAENKT and not (data.get("bedingung") or "").strip():
            self.add_error("bedingung", _("Bitte nennen Sie die Bedingung für den eingeschränkten Zugang."))
        return data

    def daten(self) -> ZugangDaten:
        d = self.cleaned_data
        return ZugangDaten(
            status=self.status,
            art=d.get("art") or "",
            bedingung=d.get("bedingung") or "",
            oeffnung_moeglich=bool(d.get("oeffnung_moeglich")),
            oeffnung_hinweis=d.get("oeffnung_hinweis") or "",
        )


def zugang_forms(data, angebot: Angebot | None) -> list[ZugangForm]:
    """One ZugangForm per active residence status, filled from the offer's stored access."""
    bestehend = {z.status_id: z for z in angebot.zugaenge.all()} if angebot and angebot.pk else {}
    forms_ = []
    for status in Aufenthaltsstatus.objects.aktiv():
        zugang = bestehend.get(status.pk)
        initial = (
            {
                "art": zugang.art,
                "bedingung": zugang.bedingung,
                "oeffnung_moeglich": zugang.oeffnung_moeglich,
                "oeffnung_hinweis": zugang.oeffnung_hinweis,
            }
            if zugang
            else {}
        )
        forms_.append(ZugangForm(data, status=status, prefix=f"zugang-{status.code}", initial=initial))
    return forms_


class KommentarForm(forms.Form):
    kommentar = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class PruefungForm(forms.Form):
    datum = forms.DateField(label=_("Datum der Prüfung"), widget=DATE, initial=timezone.localdate)
    ergebnis = forms.ChoiceField(label=_("Ergebnis"), choices=Pruefergebnis.choices)
    notiz = forms.CharField(
        label=_("Notiz"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


def schreibrichtung(sprache: str) -> str:
    """`rtl` for the languages written right to left (Arabic, Farsi/Dari), else `ltr`."""
    return "rtl" if sprache in settings.LANGUAGES_BIDI else "ltr"


class UebersetzungForm(forms.Form):
    """The texts of an offer in one language; each input carries the language and its writing direction.

    Shape only: the service (`uebersetzung_speichern`) checks the right and writes; all fields empty removes the
    translation."""

    titel = forms.CharField(label=_("Titel"), required=False)
    beschreibung = forms.CharField(
        label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    zeiten = forms.CharField(label=_("Öffnungs- oder Kurszeiten"), required=False)
    anmeldung_hinweis = forms.CharField(label=_("So melden Sie sich an"), required=False)

    def __init__(self, *args, angebot: Angebot, sprache: str, **kwargs):
        self.angebot, self.sprache = angebot, sprache
        super().__init__(*args, **kwargs)
        uebersetzt = Angebot._parler_meta.root_model._meta
        for name in UEBERSETZBARE_FELDER:
            feld = self.fields[name]
            max_length = uebersetzt.get_field(f"{name}_uebersetzt").max_length
            if max_length:
                feld.max_length = max_length
                feld.validators.append(MaxLengthValidator(max_length))
                feld.widget.attrs["maxlength"] = str(max_length)
            feld.widget.attrs.update({"lang": sprache, "dir": schreibrichtung(sprache)})

    def felder_mit_original(self) -> list[tuple]:
        """(bound field, German text) per field, for the page that shows the German text beside each input."""
        return [(self[name], getattr(self.angebot, name)) for name in UEBERSETZBARE_FELDER]
