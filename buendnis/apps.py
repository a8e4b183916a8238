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
