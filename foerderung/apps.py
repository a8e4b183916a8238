from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoerderungConfig(AppConfig):
    name = "foerderung"
    verbose_name = _("Förderung")

    def ready(self):
        # Imported here, as Django imports an app's admin.py: the module reads the models, which exist only once
        # the app registry is ready.
        from foerderung import berichte

        berichte.registrieren()

        from buendnis.registry import register_taegliche_pruefung
        from foerderung.services import foerderfristen_pruefen

        # Drawdown and proof of use of approved applications, announced by the daily run.
        register_taegliche_pruefung("foerderung.fristen", foerderfristen_pruefen)

        from foerderung import arbeit

        arbeit.registrieren()

        from foerderung import steuerung

        steuerung.registrieren()
