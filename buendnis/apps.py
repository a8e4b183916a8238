from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuendnisConfig(AppConfig):
    name = "buendnis"
    verbose_name = _("Bündnis")

    def ready(self):
        # Imported here, as Django imports an app's admin.py: the module reads the models, which exist only once
        # the app registry is ready.
        from buendnis import berichte

        berichte.registrieren()

        from buendnis import arbeit

        arbeit.registrieren()

        from buendnis import steuerung

        steuerung.registrieren()

        # The per-person cache's invalidation signals (OTP devices, groups, permissions) in every process, the
        # task worker and management commands included, not only where a request loaded the module.
        from buendnis import personencache  # noqa: F401
