from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuendnisConfig(AppConfig):
    name = "buendnis"
    verbose_name = _("Bündnis")
