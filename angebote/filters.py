from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from angebote.models import (
    SPRACHNIVEAU_RANG,
    Angebot,
    AngebotStatus,
    Aufenthaltsstatus,
    Kategorie,
    Sprachniveau,
)
from buendnis.choices import Baustein
from buendnis.generic import ScopedFilterSetMixin
from buendnis.models import Akteur, Buendnis, Kommune
from buendnis.widgets import FernAuswahl

# More matching Träger than this: the search joins them instead of listing their ids.
TRAEGER_MAX = 5000


def suche(qs, value: str, *, buendnis_id: int | None = None):
    """Every word must occur in the title, the description or the Träger's name.

    The Träger are looked up first and given as a list of ids: then every condition lies on the offer table and
    PostgreSQL combines its trigram indexes (migration 0005) instead of reading all offers; a join or a subquery
    in the OR would force a full scan. `buendnis_id`: `qs` holds offers of this Bündnis only, so only its Träger
    are looked up (an offer's Träger is of its Bündnis, `Angebot.clean`), not the 27,000 of the country."""
    akteure = Akteur.objects.all() if buendnis_id is None else Akteur.objects.filter(buendnis_id=buendnis_id)
    for wort in (value or "").split()[:8]:
        wort = wort[:100]
        # Unordered: sorting 21,000 matching names ("Gemeinde") only to take their ids cost more than finding them.
        traeger = list(
            akteure.filter(name__icontains=wort).order_by().values_list("pk", flat=True)[: TRAEGER_MAX + 1]
        )
        beim_traeger = (
            Q(traeger_id__in=traeger) if len(traeger) <= TRAEGER_MAX else Q(traeger__name__icontains=wort)
        )
        qs = qs.filter(Q(titel__icontains=wort) | Q(beschreibung__icontains=wort) | beim_traeger)
    if value and value.split():
        # Sorted by title without regard to case: the hits (found through the trigram indexes) are sorted, instead
        # of walking the title index through every offer until a page is full.
        qs = qs.order_by(Lower("titel"), "pk")
    return qs


class EindeutigeSortierung(django_filters.OrderingFilter):
    """The chosen order with the primary key last: offers with the same start date, number of places or title keep
    one order, so that paging neither repeats nor skips one."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value and "pk" not in qs.query.order_by and "-pk" not in qs.query.order_by:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


class KatalogFilterBase(django_filters.FilterSet):
    """Filters shared by the internal and the public catalogue."""

    q = django_filters.CharFilter(label=_("Suche (Titel, Beschreibung, Träger)"), method="filter_q")
    # One Bündnis's Kommunen are listed; the Land's 396 are searched (buendnis.widgets, issue 18).
    kommune = django_filters.ModelChoiceFilter(
        label=_("Kommune (mit kreisweiten Angeboten)"),
        queryset=Kommune.objects.all(),
        method="filter_kommune",
        widget=FernAuswahl(quelle=reverse_lazy("angebote:optionen", kwargs={"art": "kommunen"})),
    )
    kategorie = django_filters.ModelChoiceFilter(label=_("Kategorie"), queryset=Kategorie.objects.aktiv())
    zugang = django_filters.ModelChoiceFilter(
        label=_("zugänglich mit Aufenthaltsstatus"),
        queryset=Aufenthaltsstatus.objects.aktiv(),
        method="filter_zugang",
    )
    deutsch = django_filters.ChoiceFilter(
        label=_("passend für Deutschkenntnisse"), choices=Sprachniveau.choices, method="filter_deutsch"
    )
    foerderbaustein = django_filters.ChoiceFilter(label=_("Förderbaustein"), choices=Baustein.choices)
    kinderbetreuung = django_filters.BooleanFilter(
        label=_("nur mit Kinderbetreuung"),
        method="filter_kinderbetreuung",
        widget=forms.CheckboxInput,
    )
    freie_plaetze = django_filters.BooleanFilter(
        label=_("nur mit freien Plätzen"),
        method="filter_freie_plaetze",
        widget=forms.CheckboxInput,
    )
    sortierung = EindeutigeSortierung(
        label=_("Sortierung"),
        fields=(
            ("titel", "titel"),
            ("beginn", "beginn"),
            ("plaetze", "plaetze"),
            ("updated_at", "geaendert"),
        ),
        field_labels={
            "titel": _("Titel"),
            "beginn": _("Beginn"),
            "plaetze": _("Plätze"),
            "updated_at": _("zuletzt geändert"),
        },
    )

    class Meta:
        model = Angebot
        fields = ["q", "kommune", "kategorie", "zugang", "deutsch", "foerderbaustein"]

    def filter_q(self, qs, name, value):
        return suche(qs, value)

    def filter_kommune(self, qs, name, value):
        return qs.in_kommune(value.pk) if value else qs

    def filter_zugang(self, qs, name, value):
        return qs.zugaenglich_fuer(value.pk) if value else qs

    def filter_deutsch(self, qs, name, value):
        """Offers whose required German level is at most the given level (or that require none)."""
        if not value:
            return qs
        passend = [n for n, rang in SPRACHNIVEAU_RANG.items() if rang <= SPRACHNIVEAU_RANG[value]]
        return qs.filter(Q(deutsch_voraussetzung="") | Q(deutsch_voraussetzung__in=passend))

    def filter_kinderbetreuung(self, qs, name, value):
        return qs.filter(kinderbetreuung=True) if value else qs

    def filter_freie_plaetze(self, qs, name, value):
        return qs.filter(freie_plaetze__gt=0) if value else qs


class AngebotFilter(ScopedFilterSetMixin, KatalogFilterBase):
    """The catalogue for signed-in users (scoped choices, workflow status, currency, opening)."""

    # Only who sees every Bündnis gets this filter: always searched, no query for the 53 (or 400) options.
    buendnis = django_filters.ModelChoiceFilter(
        label=_("Bündnis"),
        queryset=Buendnis.objects.all(),
        field_name="buendnis",
        widget=FernAuswahl(quelle=reverse_lazy("angebote:optionen", kwargs={"art": "buendnisse"}), grenze=0),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AngebotStatus.choices, empty_label=_("alle außer archivierten")
    )
    laufend = django_filters.BooleanFilter(
        label=_("nur heute laufende"), method="filter_laufend", widget=forms.CheckboxInput
    )
    oeffnung = django_filters.ModelChoiceFilter(
        label=_("Öffnung möglich für"), queryset=Aufenthaltsstatus.objects.aktiv(), method="filter_oeffnung"
    )
    veraltet = django_filters.BooleanFilter(
        label=_("nur „Aktualität prüfen“"),
        method="filter_veraltet",
        widget=forms.CheckboxInput,
    )

    class Meta(KatalogFilterBase.Meta):
        fields = [*KatalogFilterBase.Meta.fields, "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not user.sieht_alle_buendnisse:
            # One Bündnis only: the choice would offer nothing.
            del self.filters["buendnis"]
            self.form.fields.pop("buendnis", None)

    def filter_q(self, qs, name, value):
        # Who does not see every Bündnis sees the offers of their own only (`Angebot.objects.visible_to`).
        user = getattr(self.request, "user", None)
        eigenes = None if getattr(user, "sieht_alle_buendnisse", True) else user.buendnis_id
        return suche(qs, value, buendnis_id=eigenes)

    def filter_oeffnung(self, qs, name, value):
        return qs.oeffnung_moeglich_fuer(value.pk) if value else qs

    @property
    def qs(self):
        # Archived offers only appear when asked for by status.
        qs = super().qs
        if self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("status"):
            return qs
        return qs.exclude(status=AngebotStatus.ARCHIVIERT)

    def filter_laufend(self, qs, name, value):
        return qs.laufend_am(timezone.localdate()) if value else qs

    def filter_veraltet(self, qs, name, value):
        return qs.veraltet() if value else qs
