"""Admin of the needs analysis. Raw figures of Bedarfsmeldungen are deliberately not in the admin: they leave the
owning Kommune only through `bedarf.suppression`."""

from django.contrib import admin

from bedarf.models import Bedarfskategorie, Datenluecke, Erhebung
from buendnis.admin_base import ScopedAdmin


@admin.register(Bedarfskategorie)
class BedarfskategorieAdmin(ScopedAdmin):
    owner_field = None
    list_display = ["name", "code", "reihenfolge", "aktiv"]
    list_filter = ["aktiv"]
    search_fields = ["name", "code"]
    filter_horizontal = ["kategorien"]


@admin.register(Erhebung)
class ErhebungAdmin(ScopedAdmin):
    list_display = ["titel", "buendnis", "stichtag", "eingabe_bis", "status"]
    list_filter = ["status", "buendnis"]
    list_select_related = ["buendnis"]
    search_fields = ["titel"]
    readonly_fields = ["status", "abgeschlossen_am", "abgeschlossen_von", "letzte_erinnerung"]


@admin.register(Datenluecke)
class DatenlueckeAdmin(ScopedAdmin):
    list_display = ["titel", "buendnis", "status", "vorgeschlagen_von", "erhebung"]
    list_filter = ["status"]
    list_select_related = ["buendnis", "vorgeschlagen_von", "erhebung"]
    search_fields = ["titel", "beschreibung"]
    autocomplete_fields = ["akteur"]
    raw_id_fields = ["vorgeschlagen_von"]
