"""Generated reports (Sachstandsbericht, Protokoll) and background export jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buendnis.models import Buendnis, BuendnisQuerySet, Sitzung, TimestampedModel


class BerichtArt(models.TextChoices):
    SACHSTANDSBERICHT = "sachstandsbericht", _("Sachstandsbericht")
    PROTOKOLL = "protokoll", _("Protokoll einer Sitzung")


class ExportStatus(models.TextChoices):
    """Where a job of the task worker stands: a background export or the files of a report."""

    WARTEND = "wartend", _("wartet")
    LAEUFT = "laeuft", _("läuft")
    FERTIG = "fertig", _("fertig")
    FEHLER = "fehler", _("fehlgeschlagen")


class BerichtQuerySet(BuendnisQuerySet):
    def for_list(self):
        return self.select_related("buendnis", "erstellt_von", "sitzung")


def bericht_pfad(instance, filename):
    return f"berichte/{instance.buendnis_id}/{filename}"


class Bericht(TimestampedModel):
    """A report generated from the data of one Bündnis and kept as it was (who, when, which period).

    The content is stored twice: as the neutral section structure (`inhalt`, shown again on the web page) and as
    the three files handed to the administration (HTML for printing, PDF, editable DOCX).
    """

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="berichte", verbose_name=_("Bündnis")
    )
    art = models.CharField(
        _("Art"), max_length=30, choices=BerichtArt.choices, default=BerichtArt.SACHSTANDSBERICHT
    )
    titel = models.CharField(_("Titel"), max_length=300)
    zeitraum_von = models.DateField(_("Berichtszeitraum von"))
    zeitraum_bis = models.DateField(_("Berichtszeitraum bis"))
    abschnitte = models.JSONField(_("Abschnitte"), default=list, blank=True)
    einleitung = models.TextField(_("Einleitung"), blank=True)
    sitzung = models.ForeignKey(
        Sitzung,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Sitzung"),
    )
    inhalt = models.JSONField(_("Inhalt"), default=dict, blank=True)
    erstellt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("erstellt von"),
    )
    datei_html = models.FileField(_("HTML-Datei"), upload_to=bericht_pfad, blank=True)
    datei_pdf = models.FileField(_("PDF-Datei"), upload_to=bericht_pfad, blank=True)
    datei_docx = models.FileField(_("DOCX-Datei"), upload_to=bericht_pfad, blank=True)
    # A Sachstandsbericht is put together by the task worker (berichte.tasks.bericht_ausfuehren): the request
    # only records what was asked for; content and files follow, or a failure the person can see and retry.
    status = models.CharField(
        _("Status"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.WARTEND
    )
    fehler = models.TextField(_("Fehlermeldung"), blank=True)
    fertig_am = models.DateTimeField(_("fertig am"), null=True, blank=True)

    objects = BerichtQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["inhalt"])

    class Meta:
        verbose_name = _("Bericht")
        verbose_name_plural = _("Berichte")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(zeitraum_von__lte=models.F("zeitraum_bis")),
                name="bericht_zeitraum_geordnet",
            )
        ]

    def __str__(self):
        return self.titel

    def get_absolute_url(self):
        return reverse("berichte:bericht-detail", args=[self.pk])

    @property
    def fertig(self) -> bool:
        return self.status == ExportStatus.FERTIG

    @property
    def in_arbeit(self) -> bool:
        return self.status in (ExportStatus.WARTEND, ExportStatus.LAEUFT)

    def datei(self, fmt: str):
        return {"html": self.datei_html, "pdf": self.datei_pdf, "docx": self.datei_docx}.get(fmt)


class ExportauftragQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job and its file belong to the person who started it."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(erstellt_von=user)

    def for_list(self):
        return self.select_related("buendnis", "erstellt_von")


def export_pfad(instance, filename):
    return f"exporte/{instance.erstellt_von_id}/{filename}"


class Exportauftrag(TimestampedModel):
    """A large export (data package or model export) produced in the background, with its progress."""

    erstellt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("erstellt von"),
    )
    buendnis = models.ForeignKey(
        Buendnis,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Bündnis"),
        help_text=_("Leer: alle Bündnisse, die die Person sehen darf."),
    )
    art = models.CharField(_("Art"), max_length=100, help_text=_("„datenpaket“ oder app.modell"))
    format = models.CharField(_("Format"), max_length=10)
    status = models.CharField(
        _("Status"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.WARTEND
    )
    fortschritt = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    zeilen = models.PositiveIntegerField(_("Zeilen"), default=0)
    datei = models.FileField(_("Datei"), upload_to=export_pfad, blank=True)
    fehler = models.TextField(_("Fehlermeldung"), blank=True)
    fertig_am = models.DateTimeField(_("fertig am"), null=True, blank=True)

    objects = ExportauftragQuerySet.as_manager()

    class Meta:
        verbose_name = _("Exportauftrag")
        verbose_name_plural = _("Exportaufträge")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.art} ({self.format}, {self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("berichte:exportauftrag-detail", args=[self.pk])

    def get_buendnis_id(self):
        return self.buendnis_id
