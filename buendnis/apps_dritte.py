"""Third-party apps under German names (INSTALLED_APPS names these classes instead of the apps' own).

The admin shows an app's `verbose_name` and its models' verbose names as headings; these apps have no German
catalogue for them ("Otp_Totp", "TOTP devices", "Tasks Database Backend"). A model's verbose name is set on its
`_meta` only, not in `original_attrs`, which the migrations read: the apps' migrations stay as they are."""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig
from django_tasks_db.apps import TasksAppConfig


def _modellnamen(app_config, model_name: str, einzahl, mehrzahl) -> None:
    meta = app_config.get_model(model_name)._meta
    meta.verbose_name = einzahl
    meta.verbose_name_plural = mehrzahl


class AnmeldeschutzConfig(AxesAppConfig):
    """django-axes: failed sign-ins and lock-outs (its models have German names already)."""

    verbose_name = _("Anmeldeschutz")


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
