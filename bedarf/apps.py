from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BedarfConfig(AppConfig):
    name = "bedarf"
    verbose_name = _("Bedarfsanalyse")

    def ready(self):
        # Imported here, as Django imports an app's admin.py: the module reads the models, which exist only once
        # the app registry is ready.
        from bedarf import berichte

        berichte.registrieren()

        from bedarf import arbeit

        arbeit.registrieren()

        from bedarf import steuerung

        steuerung.registrieren()
