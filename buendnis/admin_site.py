"""The admin of a German product: its site and the admin app's configuration (INSTALLED_APPS names
`buendnis.admin_site.VerwaltungAdminConfig` instead of `django.contrib.admin`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog


class VerwaltungSite(admin.AdminSite):
    site_header = _("Bündnis-Koordination – Verwaltung")
    site_title = _("Bündnis-Koordination")
    index_title = _("Verwaltung")

    def i18n_javascript(self, request, extra_context=None):
        # Django's German catalogue of the admin scripts lacks the strings new in Django 5 ("Choose all %s",
        # "Remove all %s", ...): `locale/de/LC_MESSAGES/djangojs.po` supplies them.
        return AdminSkriptKatalog.as_view(packages=["django.contrib.admin"])(request)


class AdminSkriptKatalog(JavaScriptCatalog):
    """The admin scripts' catalogue with the project's own `djangojs` catalogues (LOCALE_PATHS) on top.

    In the project's `locale/`, not in an app's: makemessages sends an app's strings to the app's own `locale/`
    folder once it has one, and the English catalogue of the application must stay the one in `locale/en`."""

    def get_paths(self, packages):
        return [*super().get_paths(packages), *(str(pfad) for pfad in settings.LOCALE_PATHS)]


def _feldname(model, pfad: str) -> str:
    """The verbose name of a search path (`traeger__name` → "Träger"), as the reader knows the field."""
    pfad = pfad.lstrip("^=@")
    teile = pfad.split("__")
    for teil in teile[:-1]:
        model = model._meta.get_field(teil).related_model
    feld = model._meta.get_field(teile[-1])
    if len(teile) > 1 and teile[-1] in ("name", "titel", "username"):
        # "Träger" reads better than "Name" of the Träger.
        return str(capfirst(model._meta.verbose_name))
    return str(capfirst(getattr(feld, "verbose_name", teile[-1])))


class Suchhilfe:
    """ "Suche in: Titel, Kennung, …", computed when the page is rendered (in the reader's language)."""

    def __init__(self, model, search_fields):
        self.model = model
        self.search_fields = search_fields

    def __str__(self) -> str:
        namen = list(dict.fromkeys(_feldname(self.model, f) for f in self.search_fields))
        return str(_("Suche in: %(felder)s")) % {"felder": ", ".join(namen)}

    def __bool__(self) -> bool:
        return bool(self.search_fields)


def deutsche_suchhilfen(site: admin.AdminSite) -> None:
    """Every admin with a search field says in German what it searches, unless it says so itself."""
    for model, model_admin in site._registry.items():
        if model_admin.search_fields and not model_admin.search_help_text:
            model_admin.search_help_text = Suchhilfe(model, model_admin.search_fields)


def _ja_nein_symbol(value):
    """Django's yes/no icon with a German text alternative: Django's own says "True"/"False" in English (its
    `admin_list._boolean_icon`, which the changelist, read-only fields and `display_for_field` import at call
    time, so replacing it reaches all of them)."""
    bild, text = {True: ("yes", _("ja")), False: ("no", _("nein")), None: ("unknown", _("unbekannt"))}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{bild}.svg"), text)


class VerwaltungAdminConfig(AdminConfig):
    default_site = "buendnis.admin_site.VerwaltungSite"

    def ready(self):
        super().ready()  # autodiscovers every app's admin module
        from buendnis import admin_dritte

        admin_list._boolean_icon = _ja_nein_symbol
        admin_dritte.registrieren(admin.site)
        deutsche_suchhilfen(admin.site)
