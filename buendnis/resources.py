"""Export column mappings of the alliance (django-import-export); German headers, formula-safe cells."""

from import_export import fields, resources, widgets

from buendnis.io import SafeExportMixin
from buendnis.models import (
    Akteur,
    Aufgabe,
    Beschluss,
    Gremium,
    Kommune,
    Prioritaet,
    Sitzung,
    Verfahrensvereinbarung,
)


def feld(attribute: str, titel: str, widget=None) -> fields.Field:
    return fields.Field(
        attribute=attribute, column_name=titel, widget=widget or widgets.Widget(), readonly=True
    )


class ExportResource(SafeExportMixin, resources.ModelResource):
    """Base of all alliance exports: ID and Bündnis first."""

    id = feld("id", "ID", widgets.IntegerWidget())
    buendnis = feld("buendnis__name", "Bündnis")


class KommuneResource(ExportResource):
    name = feld("name", "Name")
    gemeindeschluessel = feld("gemeindeschluessel", "Gemeindeschlüssel")

    class Meta:
        model = Kommune
        fields = ("id", "buendnis", "name", "gemeindeschluessel")

    def get_queryset(self):
        return super().get_queryset().select_related("buendnis")


class AkteurResource(ExportResource):
    name = feld("name", "Name")
    typ = fields.Field(column_name="Typ", readonly=True)
    bereich = feld("bereich__name", "Bereich")
    kommune = feld("kommune__name", "Kommune (leer = kreisweit)")
    email = feld("email", "E-Mail")
    telefon = feld("telefon", "Telefon")

    class Meta:
        model = Akteur
        fields = ("id", "buendnis", "name", "typ", "bereich", "kommune", "email", "telefon")

    def dehydrate_typ(self, obj):
        return obj.get_typ_display()


class GremiumResource(ExportResource):
    name = feld("name", "Name")
    art = fields.Field(column_name="Art", readonly=True)
    status = fields.Field(column_name="Status", readonly=True)
    leitung = feld("leitung__name", "Leitung")
    eingerichtet_am = feld("eingerichtet_am", "eingerichtet am", widgets.DateWidget())

    class Meta:
        model = Gremium
        fields = ("id", "buendnis", "name", "art", "status", "leitung", "eingerichtet_am")

    def dehydrate_art(self, obj):
        return obj.get_art_display()

    def dehydrate_status(self, obj):
        return obj.get_status_display()


class SitzungResource(ExportResource):
    gremium = feld("gremium__name", "Gremium")
    titel = feld("titel", "Titel")
    beginn = feld("beginn", "Beginn", widgets.DateTimeWidget())
    ort = feld("ort", "Ort")
    status = fields.Field(column_name="Status", readonly=True)

    class Meta:
        model = Sitzung
        fields = ("id", "buendnis", "gremium", "titel", "beginn", "ort", "status")

    def dehydrate_status(self, obj):
        return obj.get_status_display()


class BeschlussResource(ExportResource):
    gremium = feld("gremium__name", "Gremium")
    datum = feld("datum", "Datum", widgets.DateWidget())
    text = feld("text", "Beschluss")

    class Meta:
        model = Beschluss
        fields = ("id", "buendnis", "gremium", "datum", "text")


class AufgabeResource(ExportResource):
    titel = feld("titel", "Aufgabe")
    gremium = feld("gremium__name", "Gremium")
    akteur = feld("akteur__name", "verantwortlicher Akteur")
    faellig_am = feld("faellig_am", "fällig am", widgets.DateWidget())
    status = fields.Field(column_name="Status", readonly=True)

    class Meta:
        model = Aufgabe
        fields = ("id", "buendnis", "titel", "gremium", "akteur", "faellig_am", "status")

    def dehydrate_status(self, obj):
        return obj.get_status_display()


class PrioritaetResource(ExportResource):
    rang = feld("rang", "Rang", widgets.IntegerWidget())
    titel = feld("titel", "Titel")

    class Meta:
        model = Prioritaet
        fields = ("id", "buendnis", "rang", "titel")


class VerfahrensvereinbarungResource(ExportResource):
    titel = feld("titel", "Titel")
    status = fields.Field(column_name="Status", readonly=True)
    gueltig_ab = feld("gueltig_ab", "gültig ab", widgets.DateWidget())

    class Meta:
        model = Verfahrensvereinbarung
        fields = ("id", "buendnis", "titel", "status", "gueltig_ab")

    def dehydrate_status(self, obj):
        return obj.get_status_display()
