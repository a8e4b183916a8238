"""Third-party apps under German names (INSTALLED_APPS names these classes instead of the apps' own).

The admin shows an app's `verbose_name` and its models' verbose names as headings; these apps have no German
catalogue for them ("Otp_Totp", "TOTP devices", "Tasks Database Backend"). A model's verbose name is set on its
`_meta` only, not in `original_attrs`, which the migrations read: the apps' migrations stay as they are."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig
from django_tasks_db.apps import TasksAppConfig


def _modellnamen(app_config, model_name: str, einzahl, mehrzahl) -> None:
    meta = app_config.get_model(model_name)._meta
    meta.verbose_name = einzahl
    meta.verbose_name_plural = mehrzahl


def _anmeldung_als_text(text):
    """A `__str__` for axes' rows in German ("Anmeldung von x am 04.12.2026 14:56:02"): the admin shows it as
    the title of a row's page and in the changelist; axes' own is English with a UTC timestamp."""

    def als_text(obj) -> str:
        zeit = timezone.localtime(obj.attempt_time).strftime("%d.%m.%Y %H:%M:%S") if obj.attempt_time else "–"
        return str(text) % {"konto": obj.username or "–", "zeit": zeit, "ip": obj.ip_address or "–"}

    return als_text


class AnmeldeschutzConfig(AxesAppConfig):
    """django-axes: sign-ins, failed sign-ins and lock-outs. Its own German catalogue calls them "Zugriffslog" and
    "Zugriffsversuche"; the application speaks of signing in (Anmeldung)."""

    verbose_name = _("Anmeldeschutz")

    def ready(self):
        super().ready()
        _modellnamen(self, "AccessLog", _("Eintrag im Anmeldeprotokoll"), _("Anmeldeprotokoll"))
        _modellnamen(self, "AccessAttempt", _("Anmeldeversuch"), _("Anmeldeversuche"))
        _modellnamen(
            self, "AccessFailureLog", _("Fehlgeschlagene Anmeldung"), _("Fehlgeschlagene Anmeldungen")
        )
        _modellnamen(
            self,
            "AccessAttemptExpiration",
            _("Ablauf eines Anmeldeversuchs"),
            _("Abläufe der Anmeldeversuche"),
        )
        for model_name, text in (
            ("AccessLog", _("Anmeldung von %(konto)s am %(zeit)s")),
            ("AccessAttempt", _("Anmeldeversuche von %(konto)s, zuletzt am %(zeit)s")),
            (
                "AccessFailureLog",
                _("Fehlgeschlagene Anmeldung von %(konto)s am %(zeit)s (IP-Adresse %(ip)s)"),
            ),
        ):
            self.get_model(model_name).__str__ = _anmeldung_als_text(text)


class ZweiterFaktorConfig(TotpAppConfig):
    """django-otp's TOTP plugin: the authenticator apps of the accounts."""

    verbose_name = _("Zweiter Faktor")

    def ready(self):
        super().ready()
        _modellnamen(self, "TOTPDevice", _("Authenticator-App"), _("Authenticator-Apps"))


class AufgabenwarteschlangeConfig(TasksAppConfig):
    """django-tasks' database queue: what the worker ran (exports, e-mails, reports)."""

    verbose_name = _("Hintergrunddienst")

    def ready(self):
        super().ready()
        _modellnamen(self, "DBTaskResult", _("Hintergrundaufgabe"), _("Hintergrundaufgaben"))
