import django_filters
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from buendnis.generic import ScopedFilterSetMixin
from buendnis.models import Buendnis, Kommune
from buendnis.widgets import FernAuswahl

from .models import AntragStatus, Foerderantrag, Foerderbaustein, TeilhabeStelle


class FoerderantragFilter(ScopedFilterSetMixin, django_filters.FilterSet):
    # The Land's Bündnisse and Kommunen are searched, not rendered (issue 18).
    buendnis = django_filters.ModelChoiceFilter(
        label=_("Bündnis"),
        queryset=Buendnis.objects.all(),
        widget=FernAuswahl(quelle=reverse_lazy("angebote:optionen", kwargs={"art": "buendnisse"}), grenze=0),
    )
    titel = django_filters.CharFilter(label=_("Titel enthält"), lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AntragStatus.choices)
    baustein = django_filters.ModelChoiceFilter(
        label=_("Förderbaustein"), queryset=Foerderbaustein.objects.all()
    )
    kommune = django_filters.ModelChoiceFilter(
        label=_("Kommune"),
        queryset=Kommune.objects.all(),
        widget=FernAuswahl(quelle=reverse_lazy("angebote:optionen", kwargs={"art": "kommunen"})),
    )
    haushaltsjahr = django_filters.NumberFilter(label=_("Haushaltsjahr"))
    kreisweit = django_filters.BooleanFilter(
        label=_("nur kreisweite Anträge"), field_name="kommune", lookup_expr="isnull"
    )

    class Meta:
        model = Foerderantrag
        fields = ["buendnis", "titel", "status", "baustein", "kommune", "haushaltsjahr", "kreisweit"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Only who sees several Bündnisse (the state) needs to pick one, e.g. in a drill-down from the overview.
        if request is None or not request.user.sieht_alle_buendnisse:
            del self.filters["buendnis"]
            del self.form.fields["buendnis"]


class TeilhabeStelleFilter(ScopedFilterSetMixin, django_filters.FilterSet):
    kommune = django_filters.ModelChoiceFilter(
        label=_("Kommune"),
        queryset=Kommune.objects.all(),
        widget=FernAuswahl(quelle=reverse_lazy("angebote:optionen", kwargs={"art": "kommunen"})),
    )
    unbesetzt = django_filters.BooleanFilter(
        label=_("nur unbesetzte Stellen"), field_name="besetzt_seit", lookup_expr="isnull"
    )

    class Meta:
        model = TeilhabeStelle
        fields = ["kommune", "unbesetzt"]
