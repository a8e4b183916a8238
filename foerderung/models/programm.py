"""The state programme, its six Förderbausteine and the distribution of budgets to the Bündnisse (global rows)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buendnis.cells import baustein_kurz
from buendnis.choices import Baustein
from buendnis.inhalt import euro
from buendnis.models import Buendnis, TimestampedModel

PROZENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def geld(verbose_name, **kwargs) -> models.DecimalField:
    """Money: always 14 digits with two decimal places, never float."""
    feld = models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)
    # Lists and the change history show it as money (buendnis_tags.ist_geld).
    feld.geld = True
    return feld


CENT = Decimal("0.01")


def auf_cent(betrag: Decimal) -> Decimal:
    """The one rounding of computed money (units × rate): to the cent, half up as in commercial rounding
    (0.005 → 0.01), not Python's default half-to-even."""
    return betrag.quantize(CENT, rounding=ROUND_HALF_UP)


def eur(betrag: Decimal | None) -> str:
    """Money in messages, in the one German form of `buendnis.inhalt.euro`: 10.000,00 €."""
    return euro(betrag)


class GlobalQuerySet(models.QuerySet):
    """Programme data set by the state: every signed-in user reads it, only `land` writes it."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self

    def for_list(self):
        return self


class Foerderprogramm(TimestampedModel):
    """A funding programme of the state, e.g. "Durchstarten in Ausbildung und Arbeit" (50 million euros)."""

    name = models.CharField(_("Name"), max_length=200, unique=True)
    ministerien = models.CharField(_("Ministerien"), max_length=300, blank=True)
    gesamtvolumen = geld(_("Gesamtvolumen (EUR)"), validators=[MinValueValidator(Decimal("0"))])
    laufzeit_beginn = models.DateField(_("Laufzeit von"))
    laufzeit_ende = models.DateField(_("Laufzeit bis"))
    beschreibung = models.TextField(
        _("Beschreibung"), blank=True, help_text=_("Auch Verlängerungen der Laufzeit hier vermerken.")
    )

    objects = GlobalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")
        ordering = ["-laufzeit_beginn", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(laufzeit_ende__gte=models.F("laufzeit_beginn")),
                name="foerderprogramm_laufzeit_ordered",
                violation_error_message=_("Das Laufzeitende liegt vor dem Beginn."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("foerderung:programm-detail", args=[self.pk])


class Foerderart(models.TextChoices):
    PAUSCHALE_STELLE = "pauschale_stelle", _("Festbetrag je Stelle")
    PAUSCHALE_TEILNEHMENDE = "pauschale_teilnehmende", _("Festbetrag je Teilnehmende(n)")
    PAUSCHALE_EINHEIT = "pauschale_einheit", _("Pauschale je nachgewiesener Einheit")
    ANTEIL_KOSTEN = "anteil_kosten", _("Anteil der zuwendungsfähigen Ausgaben")
    BUDGET = "budget", _("selbstbewirtschaftetes Budget")


class RichtlinieStatus(models.TextChoices):
    IN_VORBEREITUNG = "in_vorbereitung", _("in Vorbereitung")
    ERLASSEN = "erlassen", _("erlassen")


class Foerderbaustein(TimestampedModel):
    """One of the six funding modules (Förderbausteine F1–F6) with its rules and its Förderrichtlinie."""

    programm = models.ForeignKey(
        Foerderprogramm, on_delete=models.PROTECT, related_name="bausteine", verbose_name=_("Förderprogramm")
    )
    nummer = models.CharField(_("Förderbaustein"), max_length=2, choices=Baustein.choices)
    titel = models.CharField(_("Titel"), max_length=200)
    zweck = models.TextField(_("Zweck"), blank=True)
    antragsberechtigt = models.CharField(_("Antragsberechtigt"), max_length=300, blank=True)
    durchfuehrung = models.CharField(_("Durchführung durch"), max_length=300, blank=True)
    alter_von = models.PositiveSmallIntegerField(_("Alter von"), null=True, blank=True)
    alter_bis = models.PositiveSmallIntegerField(_("Alter bis"), null=True, blank=True)
    zugelassene_status = models.ManyToManyField(
        "angebote.Aufenthaltsstatus",
        blank=True,
        related_name="+",
        verbose_name=_("zugelassene Aufenthaltsstatus"),
    )
    aufenthaltsstatus_hinweis = models.TextField(
        _("Teilnahmevoraussetzungen (Aufenthaltsstatus)"), blank=True
    )
    foerderart = models.CharField(_("Förderart"), max_length=30, choices=Foerderart.choices)
    pauschalbetrag = geld(_("Festbetrag / Pauschale (EUR)"), null=True, blank=True)
    einheit = models.CharField(
        _("Einheit der Pauschale"), max_length=100, blank=True, help_text=_("z. B. Unterrichtsstunde, Stelle")
    )
    foerderquote_prozent = models.DecimalField(
        _("Förderquote (%)"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PROZENT
    )
    eigenanteil_prozent = models.DecimalField(
        _("Eigenanteil der Kommune (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PROZENT,
    )
    hoechstbetrag = geld(_("Höchstbetrag je Antrag (EUR)"), null=True, blank=True)
    volumen = geld(_("Mittelvolumen des Bausteins (EUR)"), null=True, blank=True)
    gueltig_ab = models.DateField(_("gültig ab"), null=True, blank=True)
    gueltig_bis = models.DateField(_("gültig bis"), null=True, blank=True)
    richtlinie_name = models.CharField(_("Förderrichtlinie"), max_length=300, blank=True)
    richtlinie_datum = models.DateField(_("Datum der Richtlinie"), null=True, blank=True)
    richtlinie_status = models.CharField(
        _("Stand der Richtlinie"),
        max_length=20,
        choices=RichtlinieStatus.choices,
        default=RichtlinieStatus.IN_VORBEREITUNG,
    )

    objects = GlobalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Förderbaustein")
        verbose_name_plural = _("Förderbausteine")
        ordering = ["programm", "nummer"]
        constraints = [
            models.UniqueConstraint(fields=["programm", "nummer"], name="foerderbaustein_nummer_unique"),
        ]

    def __str__(self):
        return self.get_nummer_display()

    def get_absolute_url(self):
        return reverse("foerderung:baustein-detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.alter_von and self.alter_bis and self.alter_von > self.alter_bis:
            errors["alter_bis"] = _("Das Höchstalter liegt unter dem Mindestalter.")
        if self.gueltig_ab and self.gueltig_bis and self.gueltig_ab > self.gueltig_bis:
            errors["gueltig_bis"] = _("Das Ende der Gültigkeit liegt vor dem Beginn.")
        if (
            self.foerderart
            in (Foerderart.PAUSCHALE_STELLE, Foerderart.PAUSCHALE_TEILNEHMENDE, Foerderart.PAUSCHALE_EINHEIT)
            and self.pauschalbetrag is None
        ):
            errors["pauschalbetrag"] = _("Bei einer Festbetrags- oder Pauschalförderung fehlt der Betrag.")
        if self.foerderart == Foerderart.ANTEIL_KOSTEN and self.foerderquote_prozent is None:
            errors["foerderquote_prozent"] = _("Bei einer Anteilsfinanzierung fehlt die Förderquote.")
        if errors:
            raise ValidationError(errors)

    @property
    def kurz(self) -> str:
        """The module as the programme writes it: "F1" … "F6"."""
        return baustein_kurz(self.nummer)


class Verteilung(TimestampedModel):
    """The distribution of a budget (the programme's or one module's) to the Bündnisse by a key.

    Saved with its inputs (indicator value and base amount per Bündnis) so it can be recomputed and compared.
    """

    programm = models.ForeignKey(
        Foerderprogramm,
        on_delete=models.PROTECT,
        related_name="verteilungen",
        verbose_name=_("Förderprogramm"),
    )
    baustein = models.ForeignKey(
        Foerderbaustein,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verteilungen",
        verbose_name=_("Förderbaustein"),
        help_text=_("Leer lassen, wenn das Budget des ganzen Programms verteilt wird."),
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    jahr = models.PositiveSmallIntegerField(_("Haushaltsjahr"), null=True, blank=True)
    gesamtbetrag = geld(_("zu verteilender Betrag (EUR)"), validators=[MinValueValidator(Decimal("0"))])
    sockelbetrag = geld(
        _("Sockelbetrag je Bündnis (EUR)"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Vorab gleich für jedes Bündnis; der Rest wird nach dem Schlüssel verteilt."),
    )
    indikator = models.CharField(
        _("Indikator"), max_length=300, help_text=_("z. B. geduldete und gestattete 18- bis 27-Jährige")
    )
    stichtag = models.DateField(_("Stichtag"), null=True, blank=True)
    quelle = models.CharField(_("Datenquelle"), max_length=300, blank=True)
    berechnet_am = models.DateTimeField(_("berechnet am"), null=True, blank=True)

    objects = GlobalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Verteilung")
        verbose_name_plural = _("Verteilungen")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("foerderung:verteilung-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.baustein_id and self.programm_id and self.baustein.programm_id != self.programm_id:
            raise ValidationError({"baustein": _("Der Förderbaustein gehört zu einem anderen Programm.")})


class Verteilungsanteil(models.Model):
    """One Bündnis in a distribution: its indicator value (input) and its computed share (result)."""

    verteilung = models.ForeignKey(
        Verteilung, on_delete=models.CASCADE, related_name="anteile", verbose_name=_("Verteilung")
    )
    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="verteilungsanteile", verbose_name=_("Bündnis")
    )
    indikatorwert = models.DecimalField(
        _("Indikatorwert"), max_digits=18, decimal_places=6, validators=[MinValueValidator(Decimal("0"))]
    )
    sockel = geld(_("Sockelbetrag (EUR)"), default=Decimal("0"))
    betrag = geld(_("Anteil (EUR)"), null=True, blank=True)

    objects = GlobalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Verteilungsanteil")
        verbose_name_plural = _("Verteilungsanteile")
        ordering = ["buendnis__name"]
        constraints = [
            models.UniqueConstraint(fields=["verteilung", "buendnis"], name="verteilungsanteil_unique"),
        ]

    def __str__(self):
        return f"{self.verteilung}: {self.buendnis}"
