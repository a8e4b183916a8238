from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BedarfConfig(AppConfig):
    name = "bedarf"
    verbose_name = _("Bedarfsanalyse")
