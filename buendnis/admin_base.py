"""Admin classes every app's admin builds on: rows scoped to the user's Bündnis, object permissions by rules.

The admin writes for superusers (operations: data repairs) only. Everyone else who may open it (the coordination
and the Land are staff) reads and exports there; every change they make goes through the application's pages and
their services, which check the workflow, the sums and the permission and write the history."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX
from import_export.forms import ImportForm
from rules.contrib.admin import ObjectPermissionsModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from buendnis.admin_import import GebundenerImportMixin
from buendnis.io import DeutschesCSV
from buendnis.models.base import sees_all_buendnisse
from buendnis.uploads import lade_dataset, lies_upload


def _scope_choices(field, request):
    """Foreign-key and many-to-many choices of Bündnis-owned rows: only what the user may see."""
    if field is not None and hasattr(field.queryset, "visible_to"):
        field.queryset = field.queryset.visible_to(request.user)
    return field


class ScopedInlineMixin:
    """Inline rows choose related rows only from the user's Bündnis, like the page they sit on."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _scope_choices(super().formfield_for_foreignkey(db_field, request, **kwargs), request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _scope_choices(super().formfield_for_manytomany(db_field, request, **kwargs), request)


class SuperuserWritesMixin:
    """Add, change, delete, import, revert and actions in the admin for superusers only; others read.

    Put it first among the bases, so that the class's own narrower rules (read-only models, drafts only) still
    apply to superusers through `super()`."""

    def has_add_permission(self, request, *args, **kwargs):
        return request.user.is_superuser and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def has_import_permission(self, request, *args, **kwargs):
        parent = getattr(super(), "has_import_permission", None)
        return request.user.is_superuser and (parent is None or parent(request, *args, **kwargs))

    def get_actions(self, request):
        # Without a right to change nothing is left to act on; the export stays on its button.
        return super().get_actions(request) if request.user.is_superuser else {}


class ScopedAdmin(SuperuserWritesMixin, ObjectPermissionsModelAdminMixin, SimpleHistoryAdmin):
    """Non-superusers see and choose only rows of their own Bündnis; the Bündnis of a new row is theirs."""

    list_per_page = 50
    owner_field = "buendnis"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.visible_to(request.user) if hasattr(qs, "visible_to") else qs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _scope_choices(super().formfield_for_foreignkey(db_field, request, **kwargs), request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _scope_choices(super().formfield_for_manytomany(db_field, request, **kwargs), request)

    def get_list_filter(self, request):
        # A filter by Bündnis would list every Bündnis's name to a user who sees only one.
        filters = super().get_list_filter(request)
        if sees_all_buendnisse(request.user):
            return filters
        return [f for f in filters if f != self.owner_field]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a posted old version for anyone who may merely *view* the history (it only hides
        # the revert button). Reverting is a change: superusers only, and the row must be changeable.
        if request.method == "POST" and not request.user.is_superuser:
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser and self.owner_field and self._has_owner_field():
            exclude.append(self.owner_field)
        return exclude

    def _has_owner_field(self) -> bool:
        return any(f.name == self.owner_field for f in self.model._meta.concrete_fields)

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser and self.owner_field and self._has_owner_field():
            setattr(obj, f"{self.owner_field}_id", request.user.buendnis_id)
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not request.user.is_superuser and self._has_owner_field() and self.owner_field == "buendnis":
            # Model validation (same-Bündnis checks) needs the owner before clean() runs.
            base_init = form.__init__

            def __init__(form_self, *args, **kw):
                base_init(form_self, *args, **kw)
                if form_self.instance.buendnis_id is None:
                    form_self.instance.buendnis_id = request.user.buendnis_id

            form.__init__ = __init__
        return form


class SicheresImportFormular(ImportForm):
    """The admin's import form runs the same file checks as the staff import pages before anything parses."""

    def clean_import_file(self):
        datei = self.cleaned_data["import_file"]
        raw, fmt = lies_upload(datei)
        lade_dataset(raw, fmt)
        datei.seek(0)
        return datei


class SafeExportAdminMixin(ExportMixin):
    """Export from the admin changelist: the admin's (scoped) queryset, formula-safe resources, no float."""

    export_formats = [DeutschesCSV, XLSX, JSON]

    def get_export_formats(self):
        return self.export_formats


class SafeImportExportAdminMixin(GebundenerImportMixin, ImportExportMixin):
    """Import/export in the admin: CSV and XLSX only, checked uploads, exports limited to the admin's queryset,
    the pending file bound to its uploader (`buendnis.admin_import`)."""

    import_form_class = SicheresImportFormular
    import_formats = [CSV, XLSX]
    export_formats = [DeutschesCSV, XLSX, JSON]

    def has_import_permission(self, request, *args, **kwargs):
        # Importing is writing: superusers only (ImportExportMixin would allow everyone who opens the admin).
        return request.user.is_superuser and super().has_import_permission(request, *args, **kwargs)

    def get_import_formats(self):
        return self.import_formats

    def get_export_formats(self):
        return self.export_formats
