"""Generated reports (Sachstandsbericht, Protokoll), background export jobs, and the targets (Zielsetzungen) a
Bündnis agrees with the Land with their indicators."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
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


# Steering: targets agreed with the Land and their indicators ------------------------------------------------------


class ZielsetzungStatus(models.TextChoices):
    """Where a target stands: drafted by the coordination, put before the Land, agreed, or replaced by a newer
    version (the old version stays readable, with its indicators and values)."""

    ENTWURF = "entwurf", _("Entwurf")
    VORGELEGT = "vorgelegt", _("dem Land vorgelegt")
    VEREINBART = "vereinbart", _("mit dem Land vereinbart")
    ABGELOEST = "abgeloest", _("durch neue Fassung abgelöst")


class ZielsetzungQuerySet(BuendnisQuerySet):
    def for_list(self):
        return self.select_related("buendnis", "vereinbart_von").prefetch_related("indikatoren")

    def gueltig(self):
        """The versions that count: agreed and not replaced."""
        return self.filter(status=ZielsetzungStatus.VEREINBART)


class Zielsetzung(TimestampedModel):
    """A target (Zielsetzung) a Bündnis agreed with the Land for a period, measured by its indicators.

    Versioned: an agreed target is never edited in place; a new version (`fassung` + 1, `vorgaenger` the agreed
    one) is drafted and, once agreed, replaces the old one, which stays readable with its values."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="zielsetzungen", verbose_name=_("Bündnis")
    )
    titel = models.CharField(_("Titel"), max_length=200)
    beschreibung = models.TextField(_("Beschreibung"), blank=True)
    zeitraum_von = models.DateField(_("Zeitraum von"))
    zeitraum_bis = models.DateField(_("Zeitraum bis"))
    status = models.CharField(
        _("Status"), max_length=20, choices=ZielsetzungStatus.choices, default=ZielsetzungStatus.ENTWURF
    )
    fassung = models.PositiveIntegerField(_("Fassung"), default=1, editable=False)
    vorgaenger = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="nachfolger",
        verbose_name=_("vorige Fassung"),
    )
    rueckmeldung = models.TextField(
        _("Rückmeldung des Landes"),
        blank=True,
        editable=False,
        help_text=_(
            "Was die Koordination überarbeiten soll, als das Land die Zielsetzung zurückgegeben hat."
        ),
    )
    vereinbart_am = models.DateField(_("vereinbart am"), null=True, blank=True, editable=False)
    vereinbart_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("vereinbart von"),
    )

    objects = ZielsetzungQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Zielsetzung")
        verbose_name_plural = _("Zielsetzungen")
        ordering = ["buendnis__name", "-zeitraum_von", "titel", "-fassung"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(zeitraum_von__lte=models.F("zeitraum_bis")),
                name="zielsetzung_zeitraum_geordnet",
            ),
            models.UniqueConstraint(
                fields=["vorgaenger"],
                condition=models.Q(vorgaenger__isnull=False),
                name="zielsetzung_eine_neue_fassung",
                violation_error_message=_("Von dieser Fassung gibt es schon eine neue Fassung."),
            ),
        ]

    def __str__(self):
        return self.titel

    def get_absolute_url(self):
        return reverse("berichte:zielsetzung-detail", args=[self.pk])

    @property
    def bearbeitbar(self) -> bool:
        """Only a draft changes; an agreed or submitted version is changed through a new version."""
        return self.status == ZielsetzungStatus.ENTWURF

    def erwarteter_anteil(self, stichtag: datetime.date) -> Decimal:
        """The share of the period that has passed on `stichtag` (0 before, 1 after): what "on track" expects."""
        gesamt = (self.zeitraum_bis - self.zeitraum_von).days
        if stichtag <= self.zeitraum_von:
            return Decimal(0)
        if stichtag >= self.zeitraum_bis or gesamt <= 0:
            return Decimal(1)
        return Decimal((stichtag - self.zeitraum_von).days) / Decimal(gesamt)


class IndikatorQuelle:
    """Value of `Indikator.quelle` for figures entered by hand with evidence; every other value is the key of a
    source an app registered (`buendnis.registry.Indikatorquelle`)."""

    MANUELL = "manuell"


class IndikatorQuerySet(BuendnisQuerySet):
    buendnis_lookup = "zielsetzung__buendnis_id"


class Indikator(models.Model):
    """One measurable indicator of a target: baseline, target value and where the value comes from: computed by
    the software from its own data (a registered source, with an optional parameter such as the Kategorie) or
    entered by hand with evidence (`IndikatorQuelle.MANUELL`)."""

    zielsetzung = models.ForeignKey(
        Zielsetzung, on_delete=models.CASCADE, related_name="indikatoren", verbose_name=_("Zielsetzung")
    )
    titel = models.CharField(_("Titel"), max_length=200)
    quelle = models.CharField(
        _("Quelle"),
        max_length=60,
        default=IndikatorQuelle.MANUELL,
        help_text=_("Woraus die Software den Wert berechnet, oder „manuell“: von Hand mit Nachweis erfasst."),
    )
    parameter = models.CharField(
        _("Einschränkung"),
        max_length=60,
        blank=True,
        help_text=_("Bei berechneten Werten z. B. die Kategorie oder der Förderbaustein; leer: alle."),
    )
    einheit = models.CharField(_("Einheit"), max_length=30, blank=True)
    ausgangswert = models.DecimalField(_("Ausgangswert"), max_digits=14, decimal_places=2)
    zielwert = models.DecimalField(_("Zielwert"), max_digits=14, decimal_places=2)
    personenzahl = models.BooleanField(
        _("Zahl von Personen"),
        default=False,
        help_text=_("Zählt der Wert Personen? Dann gilt der Schutz kleiner Fallzahlen."),
    )
    position = models.PositiveSmallIntegerField(_("Position"), default=0)

    objects = IndikatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Indikator")
        verbose_name_plural = _("Indikatoren")
        ordering = ["zielsetzung", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(ausgangswert=models.F("zielwert")),
                name="indikator_ziel_ungleich_ausgang",
                violation_error_message=_("Zielwert und Ausgangswert dürfen nicht gleich sein."),
            )
        ]

    def __str__(self):
        return self.titel

    def get_absolute_url(self):
        return reverse("berichte:zielsetzung-detail", args=[self.zielsetzung_id]) + f"#indikator-{self.pk}"

    def get_buendnis_id(self):
        return self.zielsetzung.buendnis_id

    @property
    def manuell(self) -> bool:
        return self.quelle == IndikatorQuelle.MANUELL

    def fortschritt(self, wert: Decimal | None) -> Decimal | None:
        """How far the value has come from the baseline to the target (0 = baseline, 1 = target reached); works
        for targets that fall as well as rise."""
        if wert is None:
            return None
        return (Decimal(wert) - self.ausgangswert) / (self.zielwert - self.ausgangswert)

    def im_plan(self, wert: Decimal | None, stichtag: datetime.date) -> bool | None:
        """On track: the progress is at least the share of the period passed, less a margin of 10 percentage
        points (`IM_PLAN_SPIELRAUM`); None when there is no value."""
        f = self.fortschritt(wert)
        if f is None:
            return None
        return f >= self.zielsetzung.erwarteter_anteil(stichtag) - IM_PLAN_SPIELRAUM


# The margin of "on track", stated on every page that shows it.
IM_PLAN_SPIELRAUM = Decimal("0.10")


class IndikatorwertArt(models.TextChoices):
    BERECHNET = "berechnet", _("aus den Daten berechnet")
    ERFASST = "erfasst", _("von Hand erfasst")


class IndikatorwertQuerySet(BuendnisQuerySet):
    buendnis_lookup = "indikator__zielsetzung__buendnis_id"


class Indikatorwert(models.Model):
    """The value of an indicator on a reference date: entered with evidence, or computed from the data and kept
    at the end of each quarter (so that the comparison over time shows what was known then)."""

    indikator = models.ForeignKey(
        Indikator, on_delete=models.CASCADE, related_name="werte", verbose_name=_("Indikator")
    )
    stichtag = models.DateField(_("Stichtag"))
    wert = models.DecimalField(_("Wert"), max_digits=14, decimal_places=2)
    art = models.CharField(
        _("Art"), max_length=20, choices=IndikatorwertArt.choices, default=IndikatorwertArt.ERFASST
    )
    nachweis = models.TextField(
        _("Nachweis"), blank=True, help_text=_("Woher der Wert stammt (Dokument, Quelle, Datum).")
    )
    erfasst_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("erfasst von"),
    )
    erfasst_am = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    objects = IndikatorwertQuerySet.as_manager()

    class Meta:
        verbose_name = _("Indikatorwert")
        verbose_name_plural = _("Indikatorwerte")
        ordering = ["indikator", "stichtag"]
        constraints = [
            models.UniqueConstraint(
                fields=["indikator", "stichtag"],
                name="indikatorwert_einer_je_stichtag",
                violation_error_message=_("Für diesen Stichtag ist schon ein Wert erfasst."),
            )
        ]

    def __str__(self):
        return f"{self.indikator}: {self.wert} ({self.stichtag:%d.%m.%Y})"

    def get_buendnis_id(self):
        return self.indikator.zielsetzung.buendnis_id

    def clean(self):
        super().clean()
        if self.art == IndikatorwertArt.ERFASST and not (self.nachweis or "").strip():
            raise ValidationError({"nachweis": _("Bitte geben Sie an, woher der Wert stammt (Nachweis).")})
