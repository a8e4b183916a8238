from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdminMixin

from berichte.models import Bericht, Exportauftrag, Indikator, Indikatorwert, Zielsetzung
from buendnis.admin_base import ScopedAdmin, SuperuserWritesMixin


@admin.register(Bericht)
class BerichtAdmin(ScopedAdmin):
    list_display = [
        "titel",
        "art",
        "buendnis",
        "zeitraum_von",
        "zeitraum_bis",
        "status",
        "erstellt_von",
        "created_at",
    ]
    list_filter = ["art", "status", "buendnis"]
    list_select_related = ["buendnis", "erstellt_von"]
    search_fields = ["titel", "einleitung"]
    date_hierarchy = "created_at"
    # What the worker produced (content, files, status) is never edited by hand.
    readonly_fields = [
        "inhalt",
        "erstellt_von",
        "datei_html",
        "datei_pdf",
        "datei_docx",
        "sitzung",
        "status",
        "fehler",
        "fertig_am",
    ]
    autocomplete_fields = ["buendnis"]

    def has_add_permission(self, request):
        # Reports come out of the data (berichte:bericht-create), never typed in.
        return False


@admin.register(Exportauftrag)
class ExportauftragAdmin(SuperuserWritesMixin, admin.ModelAdmin):
    list_display = ["art", "format", "status", "fortschritt", "zeilen", "erstellt_von", "created_at"]
    list_filter = ["status", "format"]
    list_select_related = ["erstellt_von", "buendnis"]
    readonly_fields = [f.name for f in Exportauftrag._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False


# Targets agreed with the Land: the pages and their services run the workflow (submit, agree, new version) and
# check each step; the admin shows everything and changes only what a draft allows.


class IndikatorInline(admin.TabularInline):
    model = Indikator
    extra = 0
    can_delete = False
    fields = [
        "position",
        "titel",
        "quelle",
        "parameter",
        "einheit",
        "ausgangswert",
        "zielwert",
        "personenzahl",
    ]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Zielsetzung)
class ZielsetzungAdmin(ScopedAdmin):
    list_display = ["titel", "buendnis", "fassung", "status", "zeitraum_von", "zeitraum_bis", "vereinbart_am"]
    list_filter = ["status", "buendnis"]
    list_select_related = ["buendnis", "vereinbart_von"]
    search_fields = ["titel", "beschreibung", "buendnis__name"]
    date_hierarchy = "zeitraum_von"
    # The workflow decides these (berichte.services.ZIEL_TRANSITIONS).
    readonly_fields = ["buendnis", "status", "fassung", "vorgaenger", "vereinbart_am", "vereinbart_von"]
    inlines = [IndikatorInline]

    def has_add_permission(self, request):
        # A target starts as a draft of its Bündnis on its page (berichte:zielsetzung-create).
        return False

    def has_change_permission(self, request, obj=None):
        # Only a draft changes; an agreed target through a new version.
        if obj is not None and not obj.bearbeitbar:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Indikator)
class IndikatorAdmin(ScopedAdmin):
    owner_field = None
    list_display = ["titel", "zielsetzung", "quelle", "parameter", "ausgangswert", "zielwert", "personenzahl"]
    list_filter = ["quelle", "personenzahl", "zielsetzung__status"]
    list_select_related = ["zielsetzung", "zielsetzung__buendnis"]
    search_fields = ["titel", "zielsetzung__titel", "quelle"]
    readonly_fields = ["zielsetzung", "quelle", "parameter"]

    def has_add_permission(self, request):
        # Indicators are added to a draft on its page, where the source and its restriction are checked.
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.zielsetzung.bearbeitbar:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.zielsetzung.bearbeitbar:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Indikatorwert)
class IndikatorwertAdmin(SuperuserWritesMixin, ObjectPermissionsModelAdminMixin, admin.ModelAdmin):
    list_display = ["indikator", "stichtag", "wert", "art", "erfasst_von", "erfasst_am"]
    list_filter = ["art", "stichtag"]
    list_select_related = ["indikator", "indikator__zielsetzung", "erfasst_von"]
    search_fields = ["indikator__titel", "indikator__zielsetzung__titel", "nachweis"]
    date_hierarchy = "stichtag"
    # Kept values are evidence: entered with their Nachweis on the target's page, computed by the task worker.
    readonly_fields = ["indikator", "stichtag", "wert", "art", "nachweis", "erfasst_von", "erfasst_am"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False
