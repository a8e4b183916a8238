from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from buendnis import resources
from buendnis.admin_base import SafeExportAdminMixin, ScopedAdmin
from buendnis.models import (
    Akteur,
    Ansprechperson,
    Aufgabe,
    Bereich,
    Beschluss,
    Buendnis,
    Gremium,
    Kommune,
    Mitgliedschaft,
    Prioritaet,
    Sitzung,
    Tagesordnungspunkt,
    User,
    Vereinbarungsdokument,
    Verfahrensvereinbarung,
)


@admin.register(User)
class BenutzerAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (
        (_("Rolle im Bündnis"), {"fields": ("rolle", "buendnis", "kommune", "akteur")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        (_("Rolle im Bündnis"), {"fields": ("rolle", "buendnis", "kommune", "akteur")}),
    )
    list_display = ["username", "get_full_name", "rolle", "buendnis", "kommune", "is_active", "is_staff"]
    list_filter = ["rolle", "buendnis", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["buendnis", "kommune"]
    autocomplete_fields = ["buendnis", "kommune", "akteur"]


@admin.register(Buendnis)
class BuendnisAdmin(ScopedAdmin):
    list_display = ["name", "kreisschluessel", "art", "regierungsbezirk", "federfuehrung"]
    list_filter = ["art", "regierungsbezirk"]
    search_fields = ["name", "kreisschluessel"]


@admin.register(Kommune)
class KommuneAdmin(SafeExportAdminMixin, ScopedAdmin):
    resource_classes = [resources.KommuneResource]
    list_display = ["name", "buendnis", "gemeindeschluessel"]
    list_filter = ["buendnis"]
    list_select_related = ["buendnis"]
    search_fields = ["name", "gemeindeschluessel"]
    autocomplete_fields = ["buendnis"]


@admin.register(Bereich)
class BereichAdmin(admin.ModelAdmin):
    list_display = ["name", "schluessel", "reihenfolge"]
    search_fields = ["name"]


class AnsprechpersonInline(admin.TabularInline):
    model = Ansprechperson
    extra = 0


@admin.register(Akteur)
class AkteurAdmin(SafeExportAdminMixin, ScopedAdmin):
    resource_classes = [resources.AkteurResource]
    list_display = ["name", "typ", "bereich", "kommune", "buendnis"]
    list_filter = ["typ", "bereich", "buendnis"]
    list_select_related = ["bereich", "kommune", "buendnis"]
    search_fields = ["name"]
    autocomplete_fields = ["kommune"]
    inlines = [AnsprechpersonInline]


@admin.register(Ansprechperson)
class AnsprechpersonAdmin(ScopedAdmin):
    list_display = ["name", "funktion", "akteur", "oeffentlich"]
    list_select_related = ["akteur"]
    search_fields = ["name", "akteur__name"]
    autocomplete_fields = ["akteur"]


class MitgliedschaftInline(admin.TabularInline):
    model = Mitgliedschaft
    extra = 0
    autocomplete_fields = ["akteur", "person"]


@admin.register(Gremium)
class GremiumAdmin(SafeExportAdminMixin, ScopedAdmin):
    resource_classes = [resources.GremiumResource]
    list_display = ["name", "art", "format", "status", "leitung", "buendnis"]
    list_filter = ["art", "status", "format", "buendnis"]
    list_select_related = ["leitung", "buendnis"]
    search_fields = ["name", "thema"]
    autocomplete_fields = ["leitung", "leitung_person"]
    inlines = [MitgliedschaftInline]


@admin.register(Mitgliedschaft)
class MitgliedschaftAdmin(ScopedAdmin):
    list_display = ["akteur", "gremium", "funktion"]
    list_filter = ["funktion"]
    list_select_related = ["akteur", "gremium"]
    autocomplete_fields = ["akteur", "gremium", "person"]


class TopInline(admin.TabularInline):
    model = Tagesordnungspunkt
    extra = 0


@admin.register(Sitzung)
class SitzungAdmin(SafeExportAdminMixin, ScopedAdmin):
    resource_classes = [resources.SitzungResource]
    list_display = ["titel", "gremium", "beginn", "status", "buendnis"]
    list_filter = ["status", "buendnis"]
    list_select_related = ["gremium", "buendnis"]
    search_fields = ["titel", "ort"]
    date_hierarchy = "beginn"
    autocomplete_fields = ["gremium"]
    inlines = [TopInline]


@admin.register(Tagesordnungspunkt)
class TagesordnungspunktAdmin(ScopedAdmin):
    list_display = ["sitzung", "position", "titel"]
    list_select_related = ["sitzung"]
    search_fields = ["titel"]
    autocomplete_fields = ["sitzung"]


@admin.register(Beschluss)
class BeschlussAdmin(SafeExportAdminMixin, ScopedAdmin):
    resource_classes = [resources.BeschlussResource]
    list_display = ["__str__", "gremium", "datum", "kernaufgabe"]
    list_filter = ["kernaufgabe", "buendnis"]
    list_select_related = ["gremium"]
    search_fields = ["text"]
    autocomplete_fields = ["gremium", "sitzung", "tagesordnungspunkt"]


@admin.register(Aufgabe)
class AufgabeAdmin(SafeExportAdminMixin, ScopedAdmin):
    resource_classes = [resources.AufgabeResource]
    list_display = ["titel", "status", "faellig_am", "akteur", "zustaendig", "gremium"]
    list_filter = ["status", "buendnis"]
    list_select_related = ["akteur", "zustaendig", "gremium"]
    search_fields = ["titel", "beschreibung"]
    autocomplete_fields = [
        "gremium",
        "sitzung",
        "beschluss",
        "akteur",
        "zustaendig",
        "prioritaet",
        "verfahrensvereinbarung",
    ]


@admin.register(Prioritaet)
class PrioritaetAdmin(SafeExportAdminMixin, ScopedAdmin):
    resource_classes = [resources.PrioritaetResource]
    list_display = ["rang", "titel", "buendnis"]
    list_filter = ["buendnis"]
    list_select_related = ["buendnis"]
    search_fields = ["titel"]
    autocomplete_fields = ["beschluss"]


class DokumentInline(admin.TabularInline):
    model = Vereinbarungsdokument
    extra = 0
    readonly_fields = ["version", "datei", "hochgeladen_von", "hochgeladen_am"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Verfahrensvereinbarung)
class VerfahrensvereinbarungAdmin(SafeExportAdminMixin, ScopedAdmin):
    resource_classes = [resources.VerfahrensvereinbarungResource]
    list_display = ["titel", "status", "gueltig_ab", "buendnis"]
    list_filter = ["status", "buendnis"]
    list_select_related = ["buendnis"]
    search_fields = ["titel", "gegenstand"]
    filter_horizontal = ["parteien"]
    autocomplete_fields = ["beschluss"]
    inlines = [DokumentInline]
