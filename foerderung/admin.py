"""Admin of the funding app: the Land and the coordination read and export here (their Bündnis's rows); programme,
modules, distributions, approvals and drawdowns are changed on the staff pages (services). Superusers repair."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from buendnis.admin_base import SafeExportAdminMixin, ScopedAdmin, ScopedInlineMixin
from foerderung.selectors import MONITORING_FELDER

from .models import (
    Budget,
    BudgetKommune,
    Foerderantrag,
    Foerderaufruf,
    Foerderbaustein,
    Foerderprogramm,
    Foerderregel,
    Haushaltssicherung,
    KommuneTeilnahme,
    Kostenposition,
    Mittelabruf,
    MonitoringMeldung,
    Projektidee,
    Statuswechsel,
    TeilhabeFallzahl,
    TeilhabeStelle,
    Verteilung,
    Verteilungsanteil,
    Zuwendungsbescheid,
)
from .resources import FoerderantragResource, MittelabrufResource


class GlobalAdmin(ScopedAdmin):
    owner_field = None


class FoerderbausteinInline(ScopedInlineMixin, admin.StackedInline):
    model = Foerderbaustein
    extra = 0
    show_change_link = True
    fields = [
        "nummer",
        "titel",
        "foerderart",
        "richtlinie_status",
        "richtlinie_datum",
        "gueltig_ab",
        "gueltig_bis",
    ]


@admin.register(Foerderprogramm)
class FoerderprogrammAdmin(GlobalAdmin):
    list_display = ["name", "gesamtvolumen", "laufzeit_beginn", "laufzeit_ende"]
    search_fields = ["name"]
    inlines = [FoerderbausteinInline]


@admin.register(Foerderbaustein)
class FoerderbausteinAdmin(GlobalAdmin):
    list_display = ["nummer", "titel", "programm", "foerderart", "richtlinie_status", "gueltig_bis"]
    list_filter = ["programm", "richtlinie_status", "foerderart"]
    list_select_related = ["programm"]
    search_fields = ["titel", "zweck"]
    filter_horizontal = ["zugelassene_status"]


class VerteilungsanteilInline(ScopedInlineMixin, admin.TabularInline):
    model = Verteilungsanteil
    extra = 0
    fields = ["buendnis", "indikatorwert", "sockel", "betrag"]
    readonly_fields = ["betrag"]
    autocomplete_fields = ["buendnis"]


@admin.register(Verteilung)
class VerteilungAdmin(GlobalAdmin):
    list_display = ["name", "programm", "baustein", "jahr", "gesamtbetrag", "berechnet_am"]
    list_filter = ["programm", "baustein", "jahr"]
    list_select_related = ["programm", "baustein"]
    search_fields = ["name", "indikator"]
    readonly_fields = ["berechnet_am"]
    inlines = [VerteilungsanteilInline]


class BudgetKommuneInline(ScopedInlineMixin, admin.TabularInline):
    model = BudgetKommune
    extra = 0
    autocomplete_fields = ["kommune"]


@admin.register(Budget)
class BudgetAdmin(ScopedAdmin):
    list_display = ["buendnis", "baustein", "jahr", "betrag", "verteilung"]
    list_filter = ["jahr", "baustein", "buendnis"]
    list_select_related = ["buendnis", "baustein", "verteilung"]
    search_fields = ["buendnis__name"]
    autocomplete_fields = ["buendnis"]
    inlines = [BudgetKommuneInline]
    owner_field = None


@admin.register(BudgetKommune)
class BudgetKommuneAdmin(ScopedAdmin):
    """The coordination earmarks parts of its Bündnis budget for member Kommunen (sum checked in clean())."""

    list_display = ["budget", "kommune", "betrag"]
    list_select_related = ["budget__buendnis", "budget__baustein", "kommune"]
    list_filter = ["budget__jahr", "budget__baustein"]
    search_fields = ["kommune__name"]
    autocomplete_fields = ["budget", "kommune"]
    owner_field = None


class KostenpositionInline(ScopedInlineMixin, admin.TabularInline):
    model = Kostenposition
    extra = 0
    fields = ["kategorie", "bezeichnung", "einheiten", "einheitssatz", "betrag"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class StatuswechselInline(ScopedInlineMixin, admin.TabularInline):
    model = Statuswechsel
    extra = 0
    can_delete = False
    fields = ["zeitpunkt", "von", "nach", "durch", "kommentar"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Foerderantrag)
class FoerderantragAdmin(SafeExportAdminMixin, ScopedAdmin):
    """Read and export in the admin; the workflow runs on the staff pages."""

    resource_classes = [FoerderantragResource]
    list_display = [
        "titel",
        "baustein",
        "kommune",
        "haushaltsjahr",
        "status",
        "beantragt",
        "bewilligt_betrag",
        "buendnis",
    ]
    list_filter = ["status", "baustein", "haushaltsjahr", "buendnis"]
    list_select_related = ["baustein", "kommune", "buendnis"]
    search_fields = ["titel", "bescheid_nummer"]
    autocomplete_fields = ["kommune", "antragsteller_akteur", "weitere_kommunen"]
    readonly_fields = [
        "status",
        "gesamtkosten",
        "beantragt",
        "bewilligt_betrag",
        "bescheid_datum",
        "bescheid_nummer",
        "ablehnungsgrund",
        "budget_ueberschreitung_begruendung",
        "version",
    ]
    inlines = [KostenpositionInline, StatuswechselInline]

    def get_resource_kwargs(self, request, *args, **kwargs):
        kwargs = super().get_resource_kwargs(request, *args, **kwargs)
        kwargs["user"] = request.user
        return kwargs

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).for_export()

    def has_change_permission(self, request, obj=None):
        # Edits go through the service (optimistic locking, sums); the admin only reads.
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Mittelabruf)
class MittelabrufAdmin(SafeExportAdminMixin, ScopedAdmin):
    resource_classes = [MittelabrufResource]
    list_display = ["antrag", "datum", "betrag", "einheiten", "erfasst_von"]
    list_select_related = ["antrag", "erfasst_von"]
    search_fields = ["antrag__titel"]
    list_filter = ["datum"]

    def get_resource_kwargs(self, request, *args, **kwargs):
        kwargs = super().get_resource_kwargs(request, *args, **kwargs)
        kwargs["user"] = request.user
        return kwargs

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


# Counts of people leave their Kommune or Träger only protected (foerderung.selectors.sieht_zahlen_roh); nobody who
# may see them raw uses the admin. So outside superusers (operations) it lists the quarters reported, not the counts.
ZAEHLFELDER = list(MONITORING_FELDER)


@admin.register(MonitoringMeldung)
class MonitoringMeldungAdmin(ScopedAdmin):
    list_display = ["antrag", "jahr", "quartal", "eingetreten", "aktiv", "vorzeitig_beendet", "abgeschlossen"]
    list_select_related = ["antrag"]
    list_filter = ["jahr", "quartal"]
    search_fields = ["antrag__titel"]

    def get_list_display(self, request):
        if request.user.is_superuser:
            return super().get_list_display(request)
        return ["antrag", "jahr", "quartal"]

    def get_exclude(self, request, obj=None):
        exclude = super().get_exclude(request, obj)
        return exclude if request.user.is_superuser else [*exclude, *ZAEHLFELDER]

    def history_view(self, request, object_id, extra_context=None):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class FallzahlInline(ScopedInlineMixin, admin.TabularInline):
    """Case counts of a position: for superusers only (see ZAEHLFELDER)."""

    model = TeilhabeFallzahl
    extra = 0

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(TeilhabeStelle)
class TeilhabeStelleAdmin(ScopedAdmin):
    list_display = ["bezeichnung", "kommune", "vze", "arbeitgeber", "besetzt_seit", "buendnis"]
    list_select_related = ["kommune", "buendnis"]
    list_filter = ["buendnis"]
    search_fields = ["bezeichnung", "arbeitgeber"]
    autocomplete_fields = ["kommune"]
    inlines = [FallzahlInline]


@admin.register(Projektidee)
class ProjektideeAdmin(ScopedAdmin):
    list_display = ["titel", "einreicher", "status", "frist", "buendnis"]
    list_select_related = ["buendnis"]
    list_filter = ["status", "buendnis"]
    search_fields = ["titel", "skizze", "einreicher"]


@admin.register(Foerderregel)
class FoerderregelAdmin(GlobalAdmin):
    """Rules are read here; the Land changes one as a new version on the Baustein's page (never in place)."""

    list_display = [
        "baustein",
        "bezeichnung",
        "kostenart",
        "satz",
        "foerderquote_prozent",
        "foerderquote_haushaltssicherung_prozent",
        "gueltig_ab",
        "gueltig_bis",
    ]
    list_filter = ["baustein", "kostenart"]
    list_select_related = ["baustein"]
    search_fields = ["bezeichnung", "grundlage"]
    filter_horizontal = ["zugelassene_status"]


@admin.register(Zuwendungsbescheid)
class ZuwendungsbescheidAdmin(ScopedAdmin):
    list_display = [
        "bescheid_nummer",
        "buendnis",
        "baustein",
        "jahr",
        "betrag",
        "bescheid_datum",
        "erlassen_von",
    ]
    list_filter = ["jahr", "baustein", "buendnis"]
    list_select_related = ["buendnis", "baustein", "erlassen_von"]
    search_fields = ["bescheid_nummer", "buendnis__name", "grundlage"]
    autocomplete_fields = ["buendnis", "erlassen_von"]
    owner_field = None


@admin.register(Foerderaufruf)
class FoerderaufrufAdmin(ScopedAdmin):
    list_display = ["titel", "baustein", "einreichung_bis", "entscheidung_bis", "status", "volumen"]
    list_filter = ["status", "baustein"]
    list_select_related = ["baustein"]
    search_fields = ["titel", "beschreibung"]
    owner_field = None


@admin.register(KommuneTeilnahme)
class KommuneTeilnahmeAdmin(ScopedAdmin):
    """Joining "Gemeinsam klappt's" is recorded on the staff pages (teilnahme_speichern checks document and
    dates); here superusers correct, everyone else reads."""

    list_display = ["kommune", "buendnis", "interesse_bekundet_am", "beigetreten_am"]
    list_filter = ["buendnis"]
    list_select_related = ["kommune", "buendnis"]
    search_fields = ["kommune__name", "bemerkung"]
    autocomplete_fields = ["buendnis", "kommune"]


@admin.register(Haushaltssicherung)
class HaushaltssicherungAdmin(ScopedAdmin):
    list_display = ["kommune", "buendnis", "gueltig_ab", "gueltig_bis", "grundlage"]
    list_filter = ["buendnis"]
    list_select_related = ["kommune", "buendnis"]
    search_fields = ["kommune__name", "grundlage"]
    autocomplete_fields = ["buendnis", "kommune"]
