from django.db import models
from django.utils.translation import gettext_lazy as _

from buendnis.models.base import TimestampedModel


class MailStatus(models.TextChoices):
    SENDET = "sendet", _("wird gesendet")
    WIEDERHOLUNG = "wiederholung", _("neuer Versuch geplant")
    GESENDET = "gesendet", _("gesendet")
    FEHLGESCHLAGEN = "fehlgeschlagen", _("fehlgeschlagen")


class Mailversand(TimestampedModel):
    """One e-mail the application sends outside the request (buendnis.tasks.send_mail_task).

    Keeps the attempts and the last error, so that a message that could not be delivered is visible in the
    administration instead of only in a log. The text itself is not kept.
    """

    betreff = models.CharField(_("Betreff"), max_length=300)
    empfaenger = models.TextField(_("Empfänger"))
    status = models.CharField(
        _("Status"), max_length=20, choices=MailStatus.choices, default=MailStatus.SENDET
    )
    versuche = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    letzter_fehler = models.TextField(_("letzter Fehler"), blank=True)
    naechster_versuch = models.DateTimeField(_("nächster Versuch"), null=True, blank=True)
    gesendet_am = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    # Whose e-mail it is: the coordination of this Bündnis sees its failed messages.
    buendnis = models.ForeignKey(
        "buendnis.Buendnis",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Bündnis"),
    )

    class Meta:
        verbose_name = _("E-Mail-Versand")
        verbose_name_plural = _("E-Mail-Versand")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="mailversand_status_idx")]

    def __str__(self):
        return f"{self.betreff} ({self.get_status_display()})"
