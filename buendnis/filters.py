import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from buendnis.choices import Kernaufgabe
from buendnis.generic import ScopedFilterSetMixin
from buendnis.models import (
    Akteur,
    AkteurTyp,
    Aufgabe,
    AufgabeStatus,
    Bereich,
    Gremium,
    GremiumArt,
    GremiumStatus,
    Kommune,
    Sitzung,
    SitzungStatus,
    VereinbarungStatus,
    Verfahrensvereinbarung,
)
from buendnis.widgets import FernAuswahl


class SucheFilter(django_filters.CharFilter):
    def __init__(self, *fields, **kwargs):
        self.suchfelder = fields
        kwargs.setdefault("label", _("Suche"))
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        q = Q()
        for f in self.suchfelder:
            q |= Q(**{f"{f}__icontains": value.strip()[:200]})
        return qs.filter(q)


class KommuneFilter(ScopedFilterSetMixin, django_filters.FilterSet):
    suche = SucheFilter("name")

    class Meta:
        model = Kommune
        fields = ["suche"]


class AkteurFilter(ScopedFilterSetMixin, django_filters.FilterSet):
    suche = SucheFilter("name", "notiz")
    typ = django_filters.ChoiceFilter(label=_("Typ"), choices=AkteurTyp.choices)
    bereich = django_filters.ModelChoiceFilter(label=_("Bereich"), queryset=Bereich.objects.all())
    # The Land's 396 Kommunen are searched, not rendered (issue 18; the endpoint serves every app's filters).
    kommune = django_filters.ModelChoiceFilter(
        label=_("Kommune"),
        queryset=Kommune.objects.all(),
        widget=FernAuswahl(quelle=reverse_lazy("angebote:optionen", kwargs={"art": "kommunen"})),
    )

    class Meta:
        model = Akteur
        fields = ["suche", "typ", "bereich", "kommune"]


class GremiumFilter(ScopedFilterSetMixin, django_filters.FilterSet):
    art = django_filters.ChoiceFilter(label=_("Art"), choices=GremiumArt.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=GremiumStatus.choices)
    kernaufgabe = django_filters.ChoiceFilter(label=_("Kernaufgabe"), choices=Kernaufgabe.choices)

    class Meta:
        model = Gremium
        fields = ["art", "status", "kernaufgabe"]


class SitzungFilter(ScopedFilterSetMixin, django_filters.FilterSet):
    gremium = django_filters.ModelChoiceFilter(label=_("Gremium"), queryset=Gremium.objects.all())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SitzungStatus.choices)

    class Meta:
        model = Sitzung
        fields = ["gremium", "status"]


class AufgabeFilter(ScopedFilterSetMixin, django_filters.FilterSet):
    suche = SucheFilter("titel", "beschreibung")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AufgabeStatus.choices)
    gremium = django_filters.ModelChoiceFilter(label=_("Gremium"), queryset=Gremium.objects.all())
    # The Land sees 1,500 Akteure: searched, not rendered (issue 18).
    akteur = django_filters.ModelChoiceFilter(
        label=_("Akteur"),
        queryset=Akteur.objects.all(),
        widget=FernAuswahl(quelle=reverse_lazy("angebote:optionen", kwargs={"art": "akteure"})),
    )
    # Checkboxes: a select of "Unbekannt/Ja/Nein" reads oddly for "only overdue" and "only mine".
    ueberfaellig = django_filters.BooleanFilter(
        label=_("nur überfällige"), method="filter_ueberfaellig", widget=forms.CheckboxInput
    )
    meine = django_filters.BooleanFilter(
        label=_("nur meine Aufgaben"), method="filter_meine", widget=forms.CheckboxInput
    )

    class Meta:
        model = Aufgabe
        fields = ["suche", "status", "gremium", "akteur"]

    def filter_ueberfaellig(self, qs, name, value):
        return qs.ueberfaellig() if value else qs

    def filter_meine(self, qs, name, value):
        return qs.von(self.request.user) if value and self.request else qs


class VereinbarungFilter(ScopedFilterSetMixin, django_filters.FilterSet):
    suche = SucheFilter("titel", "gegenstand")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=VereinbarungStatus.choices)

    class Meta:
        model = Verfahrensvereinbarung
        fields = ["suche", "status"]
