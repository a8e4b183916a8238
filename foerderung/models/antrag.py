"""Applications (Förderanträge) from the draft to the proof of use, with drawdowns and monitoring."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buendnis.choices import Rolle
from buendnis.models import Akteur, Buendnis, BuendnisQuerySet, Kommune, SameBuendnisMixin, TimestampedModel
from buendnis.models.base import AbstractStatuswechsel

from .programm import Foerderbaustein, auf_cent, geld
from .regel import Foerderaufruf, Foerderregel

CENT = Decimal("0.01")


def monate_spaeter(tag: datetime.date, monate: int) -> datetime.date:
    """The same day `monate` months later, or the month's last day where it is shorter (31.08. + 6 → 28./29.02.)."""
    jahr, monat = divmod(tag.month - 1 + monate, 12)
    jahr, monat = tag.year + jahr, monat + 1
    return datetime.date(jahr, monat, min(tag.day, calendar.monthrange(jahr, monat)[1]))


class AntragStatus(models.TextChoices):
    ENTWURF = "entwurf", _("Entwurf")
    EINGEREICHT = "eingereicht", _("eingereicht")
    IN_PRUEFUNG = "in_pruefung", _("in Prüfung")
    BEWILLIGT = "bewilligt", _("bewilligt")
    ABGELEHNT = "abgelehnt", _("abgelehnt")
    ZURUECKGEZOGEN = "zurueckgezogen", _("zurückgezogen")
    VN_EINGEREICHT = "vn_eingereicht", _("Verwendungsnachweis eingereicht")
    VN_GEPRUEFT = "vn_geprueft", _("Verwendungsnachweis geprüft")
    ABGESCHLOSSEN = "abgeschlossen", _("abgeschlossen")


# States whose approved sum counts against the budget.
BEWILLIGTE_STATUS = (
    AntragStatus.BEWILLIGT,
    AntragStatus.VN_EINGEREICHT,
    AntragStatus.VN_GEPRUEFT,
    AntragStatus.ABGESCHLOSSEN,
)
# States whose requested sum counts as "beantragt" in the budget overview (submitted, not refused/withdrawn).
BEANTRAGTE_STATUS = (AntragStatus.EINGEREICHT, AntragStatus.IN_PRUEFUNG, *BEWILLIGTE_STATUS)


class FoerderantragQuerySet(BuendnisQuerySet):
    def editable_by(self, user):
        """The coordination edits every application of its Bündnis, a Kommune the ones of its own Kommune."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if user.rolle == Rolle.KOORDINATION and user.buendnis_id:
            return self.for_buendnis(user.buendnis_id)
        if user.rolle == Rolle.KOMMUNE and user.kommune_id:
            return self.filter(buendnis_id=user.buendnis_id, kommune_id=user.kommune_id)
        return self.none()

    def for_list(self):
        return self.select_related("baustein", "kommune", "antragsteller_akteur", "buendnis")

    def bewilligt(self):
        return self.filter(status__in=BEWILLIGTE_STATUS)

    def for_export(self):
        return (
            self.select_related("baustein", "kommune", "antragsteller_akteur", "buendnis")
            .prefetch_related("kostenpositionen")
            .annotate(summe_abgerufen=models.Sum("mittelabrufe__betrag"))
            .order_by("buendnis__name", "pk")
        )


class Foerderantrag(SameBuendnisMixin, TimestampedModel):
    """An application for funds from one Förderbaustein, charged to the Bündnis budget of one budget year."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="foerderantraege", verbose_name=_("Bündnis")
    )
    baustein = models.ForeignKey(
        Foerderbaustein, on_delete=models.PROTECT, related_name="antraege", verbose_name=_("Förderbaustein")
    )
    kommune = models.ForeignKey(
        Kommune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="foerderantraege",
        verbose_name=_("Kommune"),
        help_text=_("Die Kommune, die beantragt bzw. der der Antrag zugerechnet wird; leer = kreisweit."),
    )
    antragsteller_akteur = models.ForeignKey(
        Akteur,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="foerderantraege",
        verbose_name=_("Antragsteller (Akteur)"),
        help_text=_("Leer lassen, wenn die Kommune selbst beantragt."),
    )
    weitere_kommunen = models.ManyToManyField(
        Kommune, blank=True, related_name="foerderantraege_beteiligt", verbose_name=_("weitere Kommunen")
    )
    angebote = models.ManyToManyField(
        "angebote.Angebot", blank=True, related_name="foerderantraege", verbose_name=_("verknüpfte Angebote")
    )
    titel = models.CharField(_("Titel"), max_length=200)
    beschreibung = models.TextField(_("Beschreibung"), blank=True)
    beginn = models.DateField(_("Beginn"))
    ende = models.DateField(_("Ende"))
    haushaltsjahr = models.PositiveSmallIntegerField(_("Haushaltsjahr"))
    # Computed from the cost plan and the rules in force (foerderung.regeln), never typed.
    eigenanteil = geld(
        _("Eigenanteil (EUR)"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        editable=False,
    )
    drittmittel = geld(
        _("Drittmittel (EUR)"), default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    gesamtkosten = geld(_("Gesamtkosten (EUR)"), default=Decimal("0"), editable=False)
    beantragt = geld(_("beantragte Förderung (EUR)"), default=Decimal("0"), editable=False)
    teilnehmende_geplant = models.PositiveIntegerField(_("geplante Teilnehmende"), default=0)
    status = models.CharField(
        _("Status"), max_length=20, choices=AntragStatus.choices, default=AntragStatus.ENTWURF, editable=False
    )
    eingereicht_am = models.DateField(_("eingereicht am"), null=True, blank=True, editable=False)
    bewilligt_betrag = geld(_("bewilligt (EUR)"), null=True, blank=True, editable=False)
    bescheid_datum = models.DateField(_("Bescheiddatum"), null=True, blank=True, editable=False)
    bescheid_nummer = models.CharField(_("Bescheidnummer"), max_length=100, blank=True, editable=False)
    ablehnungsgrund = models.TextField(_("Ablehnungsgrund"), blank=True, editable=False)
    budget_ueberschreitung_begruendung = models.TextField(
        _("Begründung der Budgetüberschreitung"), blank=True, editable=False
    )
    aufruf = models.ForeignKey(
        Foerderaufruf,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="antraege",
        verbose_name=_("Förderaufruf"),
        help_text=_("Nur Innovationsfonds: der Aufruf des Landes, auf den sich der Antrag bezieht."),
    )
    version = models.PositiveIntegerField(_("Version"), default=1, editable=False)

    objects = FoerderantragQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[weitere_kommunen, angebote])

    class Meta:
        verbose_name = _("Förderantrag")
        verbose_name_plural = _("Förderanträge")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kommune__isnull=False) | Q(antragsteller_akteur__isnull=False),
                name="foerderantrag_has_applicant",
                violation_error_message=_(
                    "Bitte geben Sie eine Kommune oder einen Akteur als Antragsteller an."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ende__gte=models.F("beginn")),
                name="foerderantrag_period_ordered",
                violation_error_message=_("Das Ende liegt vor dem Beginn."),
            ),
            models.CheckConstraint(
                condition=Q(bewilligt_betrag__isnull=True) | Q(bewilligt_betrag__lte=models.F("beantragt")),
                name="foerderantrag_bewilligt_lte_beantragt",
                violation_error_message=_("Die Bewilligung darf die beantragte Summe nicht übersteigen."),
            ),
        ]

    def __str__(self):
        return self.titel

    def get_absolute_url(self):
        return reverse("foerderung:antrag-detail", args=[self.pk])

    def get_kommune_id(self):
        return self.kommune_id

    def clean(self):
        super().clean()
        errors = {}
        if self.baustein_id and self.beginn and self.ende:
            programm = self.baustein.programm
            if self.beginn < programm.laufzeit_beginn or self.ende > programm.laufzeit_ende:
                errors["ende"] = _(
                    "Der Förderzeitraum muss innerhalb der Programmlaufzeit liegen (%(von)s–%(bis)s)."
                ) % {
                    "von": programm.laufzeit_beginn.strftime("%d.%m.%Y"),
                    "bis": programm.laufzeit_ende.strftime("%d.%m.%Y"),
                }
            if self.haushaltsjahr and not (self.beginn.year <= self.haushaltsjahr <= self.ende.year):
                errors["haushaltsjahr"] = _("Das Haushaltsjahr muss im Förderzeitraum liegen.")
        if self.aufruf_id and self.baustein_id and self.aufruf.baustein_id != self.baustein_id:
            errors["aufruf"] = _("Der Förderaufruf gehört zu einem anderen Förderbaustein.")
        if self.beantragt is not None and self.beantragt < 0:
            errors["eigenanteil"] = _("Eigenanteil und Drittmittel übersteigen die Gesamtkosten.")
        if errors:
            raise ValidationError(errors)

    @property
    def antragsteller(self):
        return self.antragsteller_akteur or self.kommune

    @property
    def vn_frist(self):
        """The proof of use is due six months after the end of the funded period (ANBest-G Nr. 6.1)."""
        if self.ende is None:
            return None
        return monate_spaeter(self.ende, 6)

    @property
    def foerderung_kostenplan(self) -> Decimal:
        """The state's share of the cost plan by the rules (the sum of the lines' funding), before third-party
        funds are deducted."""
        return self.gesamtkosten - self.eigenanteil


class Kostenkategorie(models.TextChoices):
    PERSONAL = "personal", _("Personalkosten")
    SACH = "sach", _("Sachkosten")
    HONORAR = "honorar", _("Honorare")
    VERWALTUNG = "verwaltung", _("Verwaltungskosten")
    SONSTIGE = "sonstige", _("sonstige Kosten")


class KostenpositionQuerySet(BuendnisQuerySet):
    buendnis_lookup = "antrag__buendnis_id"


class Kostenposition(models.Model):
    """A line of the cost plan; with units and a flat rate (e.g. 40 teaching hours × 37.50 EUR) or an amount."""

    antrag = models.ForeignKey(
        Foerderantrag,
        on_delete=models.CASCADE,
        related_name="kostenpositionen",
        verbose_name=_("Förderantrag"),
    )
    kategorie = models.CharField(_("Kategorie"), max_length=20, choices=Kostenkategorie.choices)
    bezeichnung = models.CharField(_("Bezeichnung"), max_length=200)
    einheiten = models.DecimalField(
        _("Einheiten"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    einheitssatz = geld(_("Satz je Einheit (EUR)"), null=True, blank=True, validators=[MinValueValidator(0)])
    betrag = geld(_("Betrag (EUR)"), validators=[MinValueValidator(Decimal("0"))])
    # The rule version the line was computed with, and what it gives: the state's part and the own share.
    regel = models.ForeignKey(
        Foerderregel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kostenpositionen",
        verbose_name=_("Förderregel"),
    )
    foerderquote_prozent = models.DecimalField(
        _("Förderquote (%)"), max_digits=5, decimal_places=2, null=True, blank=True, editable=False
    )
    foerderung = geld(_("Förderung (EUR)"), default=Decimal("0"), editable=False)
    eigenanteil = geld(_("Eigenanteil (EUR)"), default=Decimal("0"), editable=False)
    abweichung_begruendung = models.TextField(
        _("Begründung der Abweichung vom Satz"),
        blank=True,
        help_text=_("Nur wenn die Förderregel eine Abweichung zulässt."),
    )

    objects = KostenpositionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kostenposition")
        verbose_name_plural = _("Kostenpositionen")
        ordering = ["kategorie", "pk"]

    def __str__(self):
        return f"{self.get_kategorie_display()}: {self.bezeichnung}"

    def clean(self):
        super().clean()
        if self.einheiten is not None and self.einheitssatz is not None:
            erwartet = auf_cent(self.einheiten * self.einheitssatz)
            if self.betrag is None:
                self.betrag = erwartet
            elif self.betrag != erwartet:
                raise ValidationError(
                    {"betrag": _("Der Betrag muss Einheiten × Satz ergeben (%(e)s EUR).") % {"e": erwartet}}
                )


class StatuswechselQuerySet(BuendnisQuerySet):
    buendnis_lookup = "antrag__buendnis_id"


class Statuswechsel(AbstractStatuswechsel):
    """One step of the application's workflow: who moved it from which state to which, when, and why."""

    status_choices = AntragStatus

    antrag = models.ForeignKey(
        Foerderantrag, on_delete=models.CASCADE, related_name="statuswechsel", verbose_name=_("Förderantrag")
    )
    # A decision keeps its amount and its basis (Zuwendungsbescheid, decision of the steering group).
    betrag = geld(_("Betrag (EUR)"), null=True, blank=True)
    grundlage = models.CharField(_("Grundlage"), max_length=300, blank=True)

    objects = StatuswechselQuerySet.as_manager()

    def __str__(self):
        return f"{self.antrag}: {self.get_von_display()} → {self.get_nach_display()}"


class MittelabrufQuerySet(BuendnisQuerySet):
    buendnis_lookup = "antrag__buendnis_id"

    def for_list(self):
        return self.select_related("antrag__baustein", "antrag__kommune", "erfasst_von")


class Mittelabruf(models.Model):
    """A drawdown of approved funds, usually resting on proven units (teaching hours, coaching contacts)."""

    antrag = models.ForeignKey(
        Foerderantrag, on_delete=models.PROTECT, related_name="mittelabrufe", verbose_name=_("Förderantrag")
    )
    datum = models.DateField(_("Abrufdatum"))
    betrag = geld(_("Betrag (EUR)"), validators=[MinValueValidator(CENT)])
    kostenposition = models.ForeignKey(
        "Kostenposition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mittelabrufe",
        verbose_name=_("Kostenposition"),
        help_text=_("Die Zeile des bewilligten Kostenplans, aus der abgerufen wird."),
    )
    einheiten = models.DecimalField(
        _("nachgewiesene Einheiten"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    bemerkung = models.CharField(_("Bemerkung"), max_length=300, blank=True)
    erfasst_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("erfasst von")
    )
    erfasst_am = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    objects = MittelabrufQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Mittelabruf")
        verbose_name_plural = _("Mittelabrufe")
        ordering = ["datum", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(betrag__gt=0), name="mittelabruf_betrag_positive"),
        ]

    def __str__(self):
        return f"{self.antrag} – {self.datum:%d.%m.%Y} – {self.betrag} EUR"

    def get_buendnis_id(self):
        return self.antrag.buendnis_id if self.antrag_id else None


class VerwendungsnachweisQuerySet(BuendnisQuerySet):
    buendnis_lookup = "antrag__buendnis_id"


class Verwendungsnachweis(TimestampedModel):
    """Proof of use: a narrative report (Sachbericht) and a financial statement, then the review."""

    antrag = models.OneToOneField(
        Foerderantrag,
        on_delete=models.CASCADE,
        related_name="verwendungsnachweis",
        verbose_name=_("Förderantrag"),
    )
    eingereicht_am = models.DateField(_("eingereicht am"))
    sachbericht = models.TextField(_("Sachbericht"))
    ausgaben_ist = geld(_("tatsächliche Ausgaben (EUR)"), validators=[MinValueValidator(Decimal("0"))])
    pruefvermerk = models.TextField(_("Prüfvermerk"), blank=True)
    geprueft_am = models.DateField(_("geprüft am"), null=True, blank=True)
    # The reconciliation (computed from the statement per cost line): what was drawn, what the spending proven
    # entitles to, and the repayment claim when less was spent than drawn.
    abgerufen = geld(_("abgerufen (EUR)"), default=Decimal("0"), editable=False)
    zustehend = geld(_("zustehende Förderung (EUR)"), default=Decimal("0"), editable=False)
    rueckforderung = geld(_("Rückforderung (EUR)"), default=Decimal("0"), editable=False)
    rueckforderung_faellig_am = models.DateField(
        _("Rückforderung fällig am"), null=True, blank=True, editable=False
    )

    objects = VerwendungsnachweisQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Verwendungsnachweis")
        verbose_name_plural = _("Verwendungsnachweise")

    def __str__(self):
        return str(_("Verwendungsnachweis: %(a)s") % {"a": self.antrag})


class VerwendungsnachweisPositionQuerySet(BuendnisQuerySet):
    buendnis_lookup = "nachweis__antrag__buendnis_id"


class VerwendungsnachweisPosition(models.Model):
    """The financial statement of one cost line: what was spent (and, for a flat rate, how many units)."""

    nachweis = models.ForeignKey(
        Verwendungsnachweis, on_delete=models.CASCADE, related_name="positionen", verbose_name=_("Nachweis")
    )
    kostenposition = models.ForeignKey(
        Kostenposition, on_delete=models.PROTECT, related_name="nachweise", verbose_name=_("Kostenposition")
    )
    einheiten_ist = models.DecimalField(
        _("erbrachte Einheiten"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    ausgaben_ist = geld(_("Ausgaben (EUR)"), validators=[MinValueValidator(Decimal("0"))])
    zustehend = geld(_("zustehende Förderung (EUR)"), default=Decimal("0"), editable=False)

    objects = VerwendungsnachweisPositionQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Position des Verwendungsnachweises")
        verbose_name_plural = _("Positionen des Verwendungsnachweises")
        ordering = ["kostenposition__kategorie", "kostenposition_id"]
        constraints = [
            models.UniqueConstraint(fields=["nachweis", "kostenposition"], name="vn_position_unique"),
        ]

    def __str__(self):
        return f"{self.nachweis}: {self.kostenposition}"


class MonitoringQuerySet(BuendnisQuerySet):
    buendnis_lookup = "antrag__buendnis_id"


QUARTAL = [MinValueValidator(1), MaxValueValidator(4)]


class MonitoringMeldung(TimestampedModel):
    """Quarterly monitoring of one application, aggregate counts only (no personal data)."""

    antrag = models.ForeignKey(
        Foerderantrag, on_delete=models.CASCADE, related_name="monitoring", verbose_name=_("Förderantrag")
    )
    jahr = models.PositiveSmallIntegerField(_("Jahr"))
    quartal = models.PositiveSmallIntegerField(_("Quartal"), validators=QUARTAL)
    eingetreten = models.PositiveIntegerField(_("eingetreten"), default=0)
    aktiv = models.PositiveIntegerField(_("aktiv"), default=0)
    vorzeitig_beendet = models.PositiveIntegerField(_("vorzeitig ausgeschieden"), default=0)
    abgeschlossen = models.PositiveIntegerField(_("erfolgreich beendet"), default=0)
    uebergang_schulabschluss = models.PositiveIntegerField(_("Übergang in Schulabschluss"), default=0)
    uebergang_ausbildung = models.PositiveIntegerField(_("Übergang in Ausbildung"), default=0)
    uebergang_arbeit = models.PositiveIntegerField(_("Übergang in Arbeit"), default=0)
    # Women's participation is to be promoted in every module; qualifications reached next to transitions.
    teilnehmende_frauen = models.PositiveIntegerField(_("davon Frauen (Teilnehmende)"), default=0)
    abschluss_hauptschule = models.PositiveIntegerField(_("Hauptschulabschluss erreicht"), default=0)
    abschluss_fachoberschulreife = models.PositiveIntegerField(_("Fachoberschulreife erreicht"), default=0)
    abschluss_beruf = models.PositiveIntegerField(_("Berufsabschluss erreicht"), default=0)

    objects = MonitoringQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Monitoring-Meldung")
        verbose_name_plural = _("Monitoring-Meldungen")
        ordering = ["jahr", "quartal"]
        constraints = [
            models.UniqueConstraint(fields=["antrag", "jahr", "quartal"], name="monitoring_unique_quarter"),
        ]

    def __str__(self):
        return f"{self.antrag} – {self.quartal}/{self.jahr}"

    def get_buendnis_id(self):
        return self.antrag.buendnis_id if self.antrag_id else None

    def clean(self):
        super().clean()
        uebergaenge = self.uebergang_schulabschluss + self.uebergang_ausbildung + self.uebergang_arbeit
        if uebergaenge > self.abgeschlossen + self.vorzeitig_beendet:
            raise ValidationError(
                _("Es können nicht mehr Übergänge gemeldet werden, als Teilnehmende ausgeschieden sind.")
            )
        teilnehmende = self.aktiv + self.vorzeitig_beendet + self.abgeschlossen
        if self.teilnehmende_frauen > teilnehmende:
            raise ValidationError(
                {
                    "teilnehmende_frauen": _(
                        "Es können nicht mehr Frauen gemeldet werden, als Teilnehmende im Quartal sind (%(t)d)."
                    )
                    % {"t": teilnehmende}
                }
            )
        abschluesse = self.abschluss_hauptschule + self.abschluss_fachoberschulreife + self.abschluss_beruf
        if abschluesse > self.abgeschlossen + self.vorzeitig_beendet + self.aktiv:
            raise ValidationError(
                _("Es können nicht mehr Abschlüsse gemeldet werden, als Teilnehmende im Quartal sind.")
            )


class MonitoringStatuszahl(models.Model):
    """Participants of one monitoring quarter with one Aufenthaltsstatus (aggregate count)."""

    meldung = models.ForeignKey(
        MonitoringMeldung, on_delete=models.CASCADE, related_name="nach_status", verbose_name=_("Meldung")
    )
    aufenthaltsstatus = models.ForeignKey(
        "angebote.Aufenthaltsstatus",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Aufenthaltsstatus"),
    )
    anzahl = models.PositiveIntegerField(_("Teilnehmende"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Teilnehmende nach Aufenthaltsstatus")
        verbose_name_plural = _("Teilnehmende nach Aufenthaltsstatus")
        ordering = ["aufenthaltsstatus__reihenfolge"]
        constraints = [
            models.UniqueConstraint(fields=["meldung", "aufenthaltsstatus"], name="monitoring_status_unique"),
        ]

    def __str__(self):
        return f"{self.meldung}: {self.aufenthaltsstatus} {self.anzahl}"
