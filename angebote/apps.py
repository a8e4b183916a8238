from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AngeboteConfig(AppConfig):
    name = "angebote"
    verbose_name = _("Angebote")

    def ready(self):
        # Imported here, as Django imports an app's admin.py: the module reads the models, which exist only once
        # the app registry is ready.
        from angebote import berichte

        berichte.registrieren()

        from angebote import arbeit

        arbeit.registrieren()

        from angebote import steuerung

        steuerung.registrieren()
