from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from buendnis import resources
from buendnis.admin_base import SafeExportAdminMixin, ScopedAdmin, ScopedInlineMixin, SuperuserWritesMixin
from buendnis.models import (
    Akteur,
    Ansprechperson,
    Aufgabe,
    Benachrichtigung,
    Benachrichtigungseinstellung,
    Bereich,
    Beschluss,
    Buendnis,
    Gremium,
    Importvorgang,
    Kalenderabo,
    Kommune,
    Mailversand,
    Mitgliedschaft,
    Prioritaet,
    Sitzung,
    Sitzungseinladung,
    Tagesordnungspunkt,
    Teilnahme,
    User,
    Vereinbarungsdokument,
    Verfahrensvereinbarung,
)


@admin.register(User)
class BenutzerAdmin(SuperuserWritesMixin, UserAdmin):
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
class BereichAdmin(SuperuserWritesMixin, admin.ModelAdmin):
    # The four fixed areas: nothing to filter.
    list_display = ["name", "schluessel", "reihenfolge"]
    search_fields = ["name"]


class AnsprechpersonInline(ScopedInlineMixin, admin.TabularInline):
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
    list_filter = ["oeffentlich", "akteur__typ"]
    list_select_related = ["akteur"]
    search_fields = ["name", "akteur__name"]
    autocomplete_fields = ["akteur"]


class MitgliedschaftInline(ScopedInlineMixin, admin.TabularInline):
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
    list_filter = ["funktion", "gremium__art"]
    list_select_related = ["akteur", "gremium"]
    search_fields = ["akteur__name", "gremium__name", "person__name"]
    autocomplete_fields = ["akteur", "gremium", "person"]


class TopInline(ScopedInlineMixin, admin.TabularInline):
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
    list_filter = ["sitzung__status"]
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
    # `zustaendig` is a plain select (scoped to the Bündnis): the user admin, which an autocomplete would
    # query, is for superusers only.
    list_display = ["titel", "status", "faellig_am", "akteur", "zustaendig", "gremium"]
    list_filter = ["status", "buendnis"]
    list_select_related = ["akteur", "zustaendig", "gremium"]
    search_fields = ["titel", "beschreibung"]
    autocomplete_fields = [
        "gremium",
        "sitzung",
        "beschluss",
        "akteur",
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


class DokumentInline(ScopedInlineMixin, admin.TabularInline):
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


@admin.register(Vereinbarungsdokument)
class VereinbarungsdokumentAdmin(ScopedAdmin):
    """Read only: a new version goes through the agreement's page, which checks type and size."""

    list_display = ["vereinbarung", "version", "hochgeladen_von", "hochgeladen_am"]
    list_filter = ["vereinbarung__status"]
    list_select_related = ["vereinbarung", "hochgeladen_von"]
    search_fields = ["vereinbarung__titel", "kommentar"]
    date_hierarchy = "hochgeladen_am"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Importvorgang)
class ImportvorgangAdmin(SuperuserWritesMixin, admin.ModelAdmin):
    """Audit trail of imports (superusers only); the file content itself is not shown."""

    list_display = ["dateiname", "ressource", "format", "zeilen", "status", "benutzer", "created_at"]
    list_filter = ["status", "format"]
    list_select_related = ["benutzer"]
    search_fields = ["dateiname", "ressource", "benutzer__username"]
    date_hierarchy = "created_at"
    exclude = ["inhalt"]
    readonly_fields = ["benutzer", "ressource", "dateiname", "format", "zeilen", "status", "importiert_am"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Mailversand)
class MailversandAdmin(SuperuserWritesMixin, admin.ModelAdmin):
    """E-mails sent by the worker, with attempts and the last error (superusers only; read-only)."""

    list_display = [
        "betreff",
        "empfaenger",
        "status",
        "versuche",
        "naechster_versuch",
        "gesendet_am",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["betreff", "empfaenger", "letzter_fehler"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "betreff",
        "empfaenger",
        "status",
        "versuche",
        "letzter_fehler",
        "naechster_versuch",
        "gesendet_am",
    ]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Meetings: attendance and invitations, read-only for superusers (the coordination records them on the meeting's
# page, where the minutes' lock applies).


class _NurLesenFuerSuperuser:
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Teilnahme)
class TeilnahmeAdmin(_NurLesenFuerSuperuser, admin.ModelAdmin):
    list_display = ["sitzung", "anzeigename", "status"]
    list_filter = ["status", "sitzung__buendnis"]
    list_select_related = ["sitzung", "akteur", "person"]
    search_fields = ["name", "akteur__name", "person__name", "sitzung__titel"]


@admin.register(Sitzungseinladung)
class SitzungseinladungAdmin(_NurLesenFuerSuperuser, admin.ModelAdmin):
    list_display = ["sitzung", "art", "sequenz", "anzahl", "versendet_von", "created_at"]
    list_filter = ["art", "sitzung__buendnis"]
    list_select_related = ["sitzung", "versendet_von"]
    search_fields = ["sitzung__titel", "empfaenger"]
    date_hierarchy = "created_at"


@admin.register(Benachrichtigung)
class BenachrichtigungAdmin(_NurLesenFuerSuperuser, admin.ModelAdmin):
    list_display = ["titel", "empfaenger", "art", "zustellung", "erstellt_am", "gelesen_am", "gemailt_am"]
    list_filter = ["art", "zustellung"]
    list_select_related = ["empfaenger"]
    search_fields = ["titel", "empfaenger__username", "empfaenger__email"]
    date_hierarchy = "erstellt_am"


@admin.register(Benachrichtigungseinstellung)
class BenachrichtigungseinstellungAdmin(_NurLesenFuerSuperuser, admin.ModelAdmin):
    list_display = ["benutzer", "art", "zustellung"]
    list_filter = ["art", "zustellung"]
    list_select_related = ["benutzer"]
    search_fields = ["benutzer__username", "benutzer__email"]


@admin.register(Kalenderabo)
class KalenderaboAdmin(_NurLesenFuerSuperuser, admin.ModelAdmin):
    """Only the hash of a feed's secret is kept; the address itself cannot be read here."""

    list_display = ["benutzer", "erstellt_am", "widerrufen_am", "zuletzt_abgerufen"]
    list_filter = [("widerrufen_am", admin.EmptyFieldListFilter)]
    list_select_related = ["benutzer"]
    search_fields = ["benutzer__username", "benutzer__email"]
    exclude = ["token_hash"]
