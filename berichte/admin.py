from django.contrib import admin

from berichte.models import Bericht, Exportauftrag
from buendnis.admin_base import ScopedAdmin


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
class ExportauftragAdmin(admin.ModelAdmin):
    list_display = ["art", "format", "status", "fortschritt", "zeilen", "erstellt_von", "created_at"]
    list_filter = ["status", "format"]
    list_select_related = ["erstellt_von", "buendnis"]
    readonly_fields = [f.name for f in Exportauftrag._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False
