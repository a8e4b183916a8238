import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportvorgangQuerySet(models.QuerySet):
    def offen(self, benutzer, ressource: str, kennung, *, sperren: bool = False):
        """The Vorgang numbered `kennung` (as posted by a confirm form) if it belongs to `benutzer`, is of this
        import and still waits for its confirmation; otherwise None. A foreign, used or made-up number (or a
        file name) finds nothing, so the confirm step can refuse it without touching anyone's file."""
        kennung = str(kennung or "")
        if not re.fullmatch(r"[0-9]{1,18}", kennung) or benutzer is None or not benutzer.is_authenticated:
            return None
        qs = self.filter(
            pk=int(kennung), benutzer=benutzer, ressource=ressource, status=Importvorgang.Status.GEPRUEFT
        )
        if sperren:
            qs = qs.select_for_update()
        return qs.first()


class Importvorgang(models.Model):
    """An uploaded import file between its dry run and the confirmation; kept afterwards as an audit entry.

    Staff import pages (`buendnis.views_import.ImportFlowView`) and admin imports (`buendnis.admin_import`) keep the pending
    file here, bound to the person who uploaded it; the confirm step only ever reads a Vorgang of request.user."""

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

    objects = ImportvorgangQuerySet.as_manager()

    class Meta:
        verbose_name = _("Importvorgang")
        verbose_name_plural = _("Importvorgänge")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.dateiname} ({self.get_status_display()})"
