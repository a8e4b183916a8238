from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Importvorgang(models.Model):
    """An uploaded import file between its dry run and the confirmation; kept afterwards as an audit entry."""

    class Status(models.TextChoices):
        GEPRUEFT = "geprueft", _("geprüft (Probelauf ohne Fehler)")
        IMPORTIERT = "importiert", _("importiert")
        FEHLGESCHLAGEN = "fehlgeschlagen", _("fehlgeschlagen")

    benutzer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("Benutzer")
    )
    ressource = models.CharField(_("Importart"), max_length=200)
    dateiname = models.CharField(_("Dateiname"), max_length=200)
    format = models.CharField(_("Dateiformat"), max_length=10)
    inhalt = models.BinaryField(_("Inhalt"), blank=True)
    zeilen = models.PositiveIntegerField(_("Zeilen"), default=0)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.GEPRUEFT)
    created_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)
    importiert_am = models.DateTimeField(_("importiert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Importvorgang")
        verbose_name_plural = _("Importvorgänge")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.dateiname} ({self.get_status_display()})"
