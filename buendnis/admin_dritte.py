"""German admin pages for the models of third-party apps (second factor, task queue, sign-in protection), for
superusers.

Their own admin classes label columns, fieldsets and help texts in English without a German catalogue. Their
fields cannot be relabelled on the models (the apps' migrations would differ), so these classes name every
column and field themselves. Registered by `buendnis.admin_site.VerwaltungAdminConfig` after autodiscovery."""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin, IsLockedOutFilter
from axes.conf import settings as axes_settings
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from buendnis.admin_base import SuperuserWritesMixin

AUFGABENSTATUS = {
    TaskResultStatus.READY: _("wartet"),
    TaskResultStatus.RUNNING: _("läuft"),
    TaskResultStatus.FAILED: _("fehlgeschlagen"),
    TaskResultStatus.SUCCESSFUL: _("erledigt"),
}


def _spalte(feld: str, titel, ordnung: str | None = None, boolean: bool = False):
    """A column or read-only field showing `feld` under a German title."""

    @admin.display(description=titel, ordering=ordnung or feld, boolean=boolean)
    def anzeigen(self, obj):
        return getattr(obj, feld)

    anzeigen.__name__ = f"spalte_{feld}"
    return anzeigen


class ZweiterFaktorAdmin(SuperuserWritesMixin, admin.ModelAdmin):
    """Authenticator apps (TOTP) of the accounts. The key stays hidden; a person sets the app up on their account
    page. Deleting a device here resets a lost phone: the person sets up a new one at the next sign-in."""

    konto = _spalte("user", _("Konto"), "user__username")
    bezeichnung = _spalte("name", _("Bezeichnung"))
    bestaetigt = _spalte("confirmed", _("bestätigt"), boolean=True)
    angelegt = _spalte("created_at", _("angelegt am"))
    zuletzt_benutzt = _spalte("last_used_at", _("zuletzt benutzt am"))
    fehlversuche = _spalte("throttling_failure_count", _("Fehlversuche in Folge"))

    list_display = ["konto", "bezeichnung", "bestaetigt", "angelegt", "zuletzt_benutzt"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "user__last_name"]
    search_help_text = _("Suche nach Benutzername, E-Mail-Adresse oder Nachname des Kontos")
    fields = ["konto", "bezeichnung", "bestaetigt", "angelegt", "zuletzt_benutzt", "fehlversuche"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AufgabenstatusFilter(admin.SimpleListFilter):
    title = _("Status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(AUFGABENSTATUS.items())

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class AufgabenwarteschlangeAdmin(SuperuserWritesMixin, admin.ModelAdmin):
    """What the task worker did (exports, e-mails, reports): read only, the traceback for operations."""

    eingereiht = _spalte("enqueued_at", _("eingereiht am"))
    begonnen = _spalte("started_at", _("begonnen am"))
    beendet = _spalte("finished_at", _("beendet am"))
    prioritaet = _spalte("priority", _("Priorität"))
    warteschlange = _spalte("queue_name", _("Warteschlange"))
    versuche_nach = _spalte("run_after", _("frühestens ab"))

    list_display = ["aufgabe", "zustand", "eingereiht", "begonnen", "beendet", "warteschlange"]
    list_filter = [AufgabenstatusFilter, "queue_name"]
    search_fields = ["task_path", "exception_class_path"]
    search_help_text = _("Suche nach Aufgabe oder Fehlerart")
    ordering = ["-enqueued_at"]
    date_hierarchy = "enqueued_at"
    fields = [
        "aufgabe",
        "zustand",
        "eingereiht",
        "versuche_nach",
        "begonnen",
        "beendet",
        "prioritaet",
        "warteschlange",
        "fehlerart",
        "fehlerverlauf",
    ]
    readonly_fields = fields

    @admin.display(description=_("Aufgabe"), ordering="task_path")
    def aufgabe(self, obj):
        return obj.task_path

    @admin.display(description=_("Status"), ordering="status")
    def zustand(self, obj):
        return AUFGABENSTATUS.get(obj.status, obj.status)

    @admin.display(description=_("Fehlerart"))
    def fehlerart(self, obj):
        return obj.exception_class_path or "–"

    @admin.display(description=_("Fehlerverlauf"))
    def fehlerverlauf(self, obj):
        return format_html("<pre>{}</pre>", obj.traceback) if obj.traceback else "–"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GesperrtFilter(IsLockedOutFilter):
    title = _("gesperrt")

    def lookups(self, request, model_admin):
        return (("yes", _("ja")), ("no", _("nein")))


class AnmeldeversucheAdmin(SuperuserWritesMixin, AccessAttemptAdmin):
    """Failed sign-ins per account and address (django-axes) with what is left before the lock; deleting a row
    lifts the lock. Axes' own class names its filter, status, expiry and action in English."""

    list_filter = [GesperrtFilter if f is IsLockedOutFilter else f for f in AccessAttemptAdmin.list_filter]
    actions = ["abgelaufene_entfernen"]

    @admin.action(description=_("Abgelaufene Anmeldeversuche entfernen"))
    def abgelaufene_entfernen(self, request, queryset):
        # Axes' own action fails here: the cool-off threshold reads the request's attempt time, which axes only
        # sets on a sign-in request.
        AxesProxyHandler.update_request(request)
        anzahl = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request,
            ngettext(
                "%(n)d abgelaufener Anmeldeversuch entfernt.",
                "%(n)d abgelaufene Anmeldeversuche entfernt.",
                anzahl,
            )
            % {"n": anzahl},
        )

    @admin.display(description=_("Ablauf"))
    def expiration(self, obj):
        return obj.expiration.expires_at if hasattr(obj, "expiration") else _("nicht gesetzt")

    @admin.display(description=_("Status"))
    def status(self, obj):
        rest = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if rest <= 0:
            return _("gesperrt")
        return ngettext("noch %(n)d Versuch", "noch %(n)d Versuche", rest) % {"n": rest}


class AnmeldeprotokollAdmin(SuperuserWritesMixin, AccessLogAdmin):
    """Successful sign-ins and sign-outs (django-axes)."""


class FehlgeschlageneAnmeldungenAdmin(SuperuserWritesMixin, AccessFailureLogAdmin):
    """Every failed sign-in, with whether it locked the account (django-axes)."""


def registrieren(site: admin.AdminSite) -> None:
    """Replaces the apps' own English admin classes with the German ones. Axes' admin only where it is on
    (AXES_ENABLE_ADMIN)."""
    for model, model_admin in ((TOTPDevice, ZweiterFaktorAdmin), (DBTaskResult, AufgabenwarteschlangeAdmin)):
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
    for model, model_admin in (
        (AccessAttempt, AnmeldeversucheAdmin),
        (AccessLog, AnmeldeprotokollAdmin),
        (AccessFailureLog, FehlgeschlageneAnmeldungenAdmin),
    ):
        if site.is_registered(model):
            site.unregister(model)
            site.register(model, model_admin)
