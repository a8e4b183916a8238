from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from angebote import services
from angebote.models import (
    ORT_FELDER,
    RAHMEN_FELDER,
    TEILNAHME_FELDER,
    ZEIT_FELDER,
    Angebot,
    Aufenthaltsstatus,
    Kategorie,
    Statuswechsel,
    Zugang,
)
from angebote.resources import AngebotResource
from buendnis.admin_base import ScopedAdmin, ScopedInlineMixin
from buendnis.admin_import import GebundenerImportMixin
from buendnis.io import DeutschesCSV
from buendnis.uploads import lade_dataset, lies_upload


class GeprueftesCSV(CSV):
    """CSV read like on the staff page: encoding and delimiter detected, headers trimmed, empty rows dropped."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream):
        return lade_dataset(in_stream if isinstance(in_stream, bytes) else in_stream.encode("utf-8"), "csv")


class GeprueftesXLSX(XLSX):
    def create_dataset(self, in_stream):
        return lade_dataset(in_stream, "xlsx")


class GepruefteImportForm(ImportForm):
    """The admin upload passes the same checks as the staff page (size, type, zip bomb, encoding, rows)."""

    def clean_import_file(self):
        datei = self.cleaned_data["import_file"]
        raw, fmt = lies_upload(datei)
        lade_dataset(raw, fmt)
        datei.seek(0)
        return datei


class ZugangInline(ScopedInlineMixin, admin.TabularInline):
    model = Zugang
    extra = 0
    fields = ["status", "art", "bedingung", "oeffnung_moeglich", "oeffnung_hinweis"]


class StatuswechselInline(ScopedInlineMixin, admin.TabularInline):
    model = Statuswechsel
    extra = 0
    can_delete = False
    fields = ["zeitpunkt", "aktion", "von", "nach", "durch", "kommentar"]
    readonly_fields = fields
    ordering = ["-zeitpunkt", "-pk"]

    def has_add_permission(self, request, obj=None):
        return False


class AngebotAdminForm(forms.ModelForm):
    """The admin's change form with the same version check as the staff page (optimistic locking)."""

    geladene_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["geladene_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # The admin saves inside one transaction: the row stays locked until this form is saved.
            current = Angebot.objects.select_for_update().get(pk=self.instance.pk)
            services.pruefe_version(current, cleaned.get("geladene_version"))
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # A published offer keeps a way to take part, as on the staff page (`status` is read-only here, so the
        # instance carries the stored status and the edited values).
        if self.instance.pk and not self.errors:
            try:
                services.pruefe_veroeffentlichtes(self.instance, self.instance.status)
            except ValidationError as exc:
                self.add_error(None, exc)


@admin.register(Angebot)
class AngebotAdmin(GebundenerImportMixin, ImportExportMixin, ScopedAdmin):
    """Offers in the admin; import/export with the same resource (and scope checks) as the staff pages. The file
    between dry run and confirmation is an `Importvorgang` of the uploader, never a name taken from the form."""

    form = AngebotAdminForm
    resource_classes = [AngebotResource]
    import_form_class = GepruefteImportForm
    import_formats = [GeprueftesXLSX, GeprueftesCSV]
    export_formats = [XLSX, DeutschesCSV]
    list_display = [
        "titel",
        "kennung",
        "traeger",
        "kategorie",
        "status",
        "kreisweit",
        "bestaetigt_am",
        "buendnis",
    ]
    list_filter = ["status", "kategorie", "kreisweit", "online", "foerderbaustein", "buendnis"]
    list_select_related = ["traeger", "kategorie", "buendnis"]
    search_fields = [
        "titel",
        "kennung",
        "beschreibung",
        "traeger__name",
        "kontakt_name",
        "kontakt_telefon",
        "kontakt_email",
        "anmeldung_url",
        "adresse",
        "plz",
        "ort",
        "zeiten",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "buendnis",
                    "kennung",
                    "titel",
                    "beschreibung",
                    "traeger",
                    "ansprechperson",
                    "kategorie",
                    "status",
                    "version",
                    "erstellt_von",
                ]
            },
        ),
        (_("So nimmt man teil"), {"fields": TEILNAHME_FELDER}),
        (_("Ort"), {"fields": ORT_FELDER}),
        (_("Zeiten"), {"fields": ZEIT_FELDER}),
        (_("Rahmen"), {"fields": (*RAHMEN_FELDER, "anschlussangebote")}),
        (
            _("Prüfung"),
            {
                "fields": [
                    "rueckmeldung",
                    "pruefung_am",
                    "pruefung_durch",
                    "pruefung_ergebnis",
                    "pruefung_notiz",
                    "bestaetigt_am",
                ]
            },
        ),
    ]
    autocomplete_fields = ["traeger", "ansprechperson", "kommunen", "anschlussangebote"]
    readonly_fields = ["version", "status", "pruefung_durch", "erstellt_von"]
    inlines = [ZugangInline, StatuswechselInline]

    def has_import_permission(self, request, *args, **kwargs):
        # ImportExportMixin comes before ScopedAdmin and would allow it; staff import on the offers' page.
        return request.user.is_superuser and super().has_import_permission(request, *args, **kwargs)

    def get_resource_kwargs(self, request, *args, **kwargs):
        kwargs = super().get_resource_kwargs(request, *args, **kwargs)
        kwargs["user"] = request.user
        return kwargs

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).for_export()

    def save_model(self, request, obj, form, change):
        # Every admin save is a new version too, so an open staff form cannot overwrite it silently.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(Kategorie)
class KategorieAdmin(ScopedAdmin):
    list_display = ["bezeichnung", "code", "ist_ziel", "reihenfolge", "aktiv"]
    list_filter = ["aktiv", "ist_ziel"]
    search_fields = ["bezeichnung", "code"]


@admin.register(Aufenthaltsstatus)
class AufenthaltsstatusAdmin(ScopedAdmin):
    list_display = ["bezeichnung", "code", "rechtsgrundlage", "sgb_zugang", "reihenfolge", "aktiv"]
    list_filter = ["aktiv", "sgb_zugang"]
    search_fields = ["bezeichnung", "code", "rechtsgrundlage"]
