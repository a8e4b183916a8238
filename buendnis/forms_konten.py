"""Forms of the account pages (invite, change, filter) and of a Träger proposed by a Kommune."""

from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buendnis.generic import ScopedFilterSetMixin, ScopedModelForm
from buendnis.konten import EINLADBARE_ROLLEN
from buendnis.models import Akteur, AkteurStatus, Buendnis, Kommune, User

ROLLEN_AUSWAHL = [(rolle.value, rolle.label) for rolle in EINLADBARE_ROLLEN]
KOMMUNE_HILFE = _("Nur für die Rolle Kommune.")
AKTEUR_HILFE = _(
    "Für Bündnismitglieder: die Organisation, für die die Person arbeitet. Mit einem Akteur trägt ein "
    "Bündnismitglied die Angebote dieses Trägers selbst ein."
)


def _akteure(buendnis_id: int | None, user, *, auch: int | None = None):
    """Confirmed Akteure of the Bündnis the user sees (and the one an account already has)."""
    qs = Akteur.objects.visible_to(user)
    if buendnis_id:
        qs = qs.filter(buendnis_id=buendnis_id)
    bedingung = Q(status=AkteurStatus.BESTAETIGT)
    if auch:
        bedingung |= Q(pk=auch)
    return qs.filter(bedingung).order_by("name")


class KontoEinladenForm(forms.Form):
    """A new account: the person's name and e-mail address, their role and, where it applies, Kommune or Akteur."""

    vorname = forms.CharField(label=_("Vorname"), max_length=150)
    nachname = forms.CharField(label=_("Nachname"), max_length=150)
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=150,
        help_text=_("Hierhin geht die Einladung; sie ist später auch der Benutzername."),
    )
    rolle = forms.ChoiceField(label=_("Rolle"), choices=ROLLEN_AUSWAHL)
    kommune = forms.ModelChoiceField(
        label=_("Kommune"), queryset=Kommune.objects.none(), required=False, help_text=KOMMUNE_HILFE
    )
    akteur = forms.ModelChoiceField(
        label=_("Akteur"), queryset=Akteur.objects.none(), required=False, help_text=AKTEUR_HILFE
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["kommune"].queryset = Kommune.objects.visible_to(user).order_by("name")
        self.fields["akteur"].queryset = _akteure(user.buendnis_id, user)
        if user.is_superuser:
            # Superusers belong to no Bündnis: they name the one of the new account.
            self.fields["buendnis"] = forms.ModelChoiceField(
                label=_("Bündnis"), queryset=Buendnis.objects.visible_to(user).order_by("name")
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("einladen", _("Einladung senden")))


class KontoForm(ScopedModelForm):
    """Role, Kommune and Akteur of an existing account (and the name)."""

    submit_label = _("Speichern")
    rolle = forms.ChoiceField(label=_("Rolle"), choices=ROLLEN_AUSWAHL)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "rolle", "kommune", "akteur"]
        help_texts = {"kommune": KOMMUNE_HILFE, "akteur": AKTEUR_HILFE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        konto = self.instance
        self.fields["kommune"].queryset = Kommune.objects.filter(buendnis_id=konto.buendnis_id).order_by(
            "name"
        )
        self.fields["akteur"].queryset = _akteure(konto.buendnis_id, user, auch=konto.akteur_id)
        if konto.pk == user.pk:
            self.fields["rolle"].disabled = True
            self.fields["rolle"].help_text = _("Ihre eigene Rolle kann nur eine andere Person ändern.")


class KontoFilter(ScopedFilterSetMixin, django_filters.FilterSet):
    suche = django_filters.CharFilter(label=_("Suche"), method="filter_suche")
    rolle = django_filters.ChoiceFilter(label=_("Rolle"), choices=ROLLEN_AUSWAHL)
    is_active = django_filters.BooleanFilter(
        label=_("Aktiv"),
        widget=forms.Select(choices=[("", _("alle")), ("true", _("aktiv")), ("false", _("deaktiviert"))]),
    )

    class Meta:
        model = User
        fields = ["suche", "rolle", "is_active"]

    def filter_suche(self, queryset, name, value):
        wert = (value or "").strip()[:200]
        if not wert:
            return queryset
        return queryset.filter(
            Q(first_name__icontains=wert)
            | Q(last_name__icontains=wert)
            | Q(email__icontains=wert)
            | Q(username__icontains=wert)
        )


class AkteurVorschlagForm(forms.ModelForm):
    """A Träger the Kommune misses in the list; the coordination confirms it."""

    class Meta:
        model = Akteur
        fields = ["name", "typ", "bereich", "adresse", "website", "email", "telefon"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's form also carries where to return to
        self.helper.disable_csrf = True
