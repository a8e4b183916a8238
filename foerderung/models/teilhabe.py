"""Baustein F6 Teilhabemanagement (positions and caseloads) and Baustein F5 Innovationsfonds (project ideas)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buendnis.choices import Baustein, Rolle
from buendnis.models import Akteur, Buendnis, BuendnisQuerySet, Kommune, SameBuendnisMixin, TimestampedModel
from buendnis.workflow import Transition, TransitionTable

from .antrag import QUARTAL, Foerderantrag
from .programm import PROZENT


class TeilhabeStelleQuerySet(BuendnisQuerySet):
    def editable_by(self, user):
        if getattr(user, "is_authenticated", False) and user.rolle == Rolle.KOMMUNE and user.kommune_id:
            return self.filter(kommune_id=user.kommune_id)
        return super().editable_by(user)

    def for_list(self):
        return self.select_related("kommune", "antrag")


class TeilhabeStelle(SameBuendnisMixin, TimestampedModel):
    """A Teilhabemanagement position in a member Kommune (Baustein F6), in full-time equivalents (VZÄ)."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="teilhabestellen", verbose_name=_("Bündnis")
    )
    kommune = models.ForeignKey(
        Kommune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teilhabestellen",
        verbose_name=_("Kommune"),
        help_text=_("Leer: Stelle beim Kreis (Geschäftsführende Stelle des Bündnisses)."),
    )
    bezeichnung = models.CharField(_("Bezeichnung"), max_length=200)
    vze = models.DecimalField(
        _("Vollzeitäquivalente (VZÄ)"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))],
    )
    arbeitgeber = models.CharField(_("Anstellungsträger"), max_length=200)
    besetzt_seit = models.DateField(
        _("besetzt seit"), null=True, blank=True, help_text=_("Leer = unbesetzt.")
    )
    antrag = models.ForeignKey(
        Foerderantrag,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teilhabestellen",
        verbose_name=_("Förderantrag"),
    )
    # Computed from the F6 rule in force and the Kommune's budget consolidation (foerderung.stellenschluessel).
    foerderquote_prozent = models.DecimalField(
        _("Förderquote (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=PROZENT,
        editable=False,
        help_text=_("80 %; 90 % für Kommunen mit gültiger Haushaltssicherung."),
    )

    objects = TeilhabeStelleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Teilhabemanagement-Stelle")
        verbose_name_plural = _("Teilhabemanagement-Stellen")
        ordering = ["kommune__name", "bezeichnung"]

    def __str__(self):
        return f"{self.bezeichnung} ({self.traeger_name})"

    @property
    def traeger_name(self) -> str:
        """The Kommune of the position, or the Kreis's Geschäftsführende Stelle."""
        return str(self.kommune) if self.kommune_id else str(_("Geschäftsführende Stelle (Kreis)"))

    def get_absolute_url(self):
        return reverse("foerderung:teilhabe-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.antrag_id and self.antrag.baustein.nummer != Baustein.F6:
            raise ValidationError({"antrag": _("Teilhabemanagement wird aus Förderbaustein F6 gefördert.")})
        # A Kommune's application funds its own positions; a kreisweit one (no Kommune) those of any member.
        if (
            self.antrag_id
            and self.kommune_id
            and self.antrag.kommune_id not in (None, self.kommune_id)
            and not self.antrag.weitere_kommunen.filter(pk=self.kommune_id).exists()
        ):
            raise ValidationError(
                {"antrag": _("Der Förderantrag gilt nicht für die Kommune %(k)s.") % {"k": self.kommune}}
            )

    @property
    def ist_besetzt(self) -> bool:
        return self.besetzt_seit is not None


class TeilhabeFallzahlQuerySet(BuendnisQuerySet):
    buendnis_lookup = "stelle__buendnis_id"


class TeilhabeFallzahl(TimestampedModel):
    """Quarterly caseload of a Teilhabemanagement position: people advised (aggregate counts)."""

    stelle = models.ForeignKey(
        TeilhabeStelle, on_delete=models.CASCADE, related_name="fallzahlen", verbose_name=_("Stelle")
    )
    jahr = models.PositiveSmallIntegerField(_("Jahr"))
    quartal = models.PositiveSmallIntegerField(_("Quartal"), validators=QUARTAL)
    beratene_personen = models.PositiveIntegerField(_("beratene Personen"), default=0)
    neue_faelle = models.PositiveIntegerField(_("davon neu aufgenommen"), default=0)

    objects = TeilhabeFallzahlQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Fallzahl Teilhabemanagement")
        verbose_name_plural = _("Fallzahlen Teilhabemanagement")
        ordering = ["jahr", "quartal"]
        constraints = [
            models.UniqueConstraint(fields=["stelle", "jahr", "quartal"], name="fallzahl_unique_quarter"),
        ]

    def __str__(self):
        return f"{self.stelle} – {self.quartal}/{self.jahr}"

    def clean(self):
        super().clean()
        if self.neue_faelle > self.beratene_personen:
            raise ValidationError({"neue_faelle": _("Es können nicht mehr neue Fälle als Beratene sein.")})


class IdeeStatus(models.TextChoices):
    IDEE = "idee", _("Idee")
    ANTRAG = "antrag", _("Antrag")
    GEFOERDERT = "gefoerdert", _("gefördert")
    ABGELEHNT = "abgelehnt", _("abgelehnt")


# Workflow of a project idea: the coordination moves it on until it is funded or rejected.
IDEE_UEBERGAENGE = TransitionTable(
    [
        Transition((IdeeStatus.IDEE,), IdeeStatus.ANTRAG, "foerderung.set_status_projektidee"),
        Transition((IdeeStatus.ANTRAG,), IdeeStatus.GEFOERDERT, "foerderung.set_status_projektidee"),
        Transition(
            (IdeeStatus.IDEE, IdeeStatus.ANTRAG), IdeeStatus.ABGELEHNT, "foerderung.set_status_projektidee"
        ),
    ]
)


class ProjektideeQuerySet(BuendnisQuerySet):
    def for_list(self):
        return self.select_related("akteur", "antrag")


class Projektidee(SameBuendnisMixin, TimestampedModel):
    """An innovative or model project idea for the Innovationsfonds (Baustein F5)."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="projektideen", verbose_name=_("Bündnis")
    )
    titel = models.CharField(_("Titel"), max_length=200)
    skizze = models.TextField(_("Projektskizze"))
    einreicher = models.CharField(_("Ideengeber"), max_length=200)
    akteur = models.ForeignKey(
        Akteur,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projektideen",
        verbose_name=_("Akteur"),
    )
    status = models.CharField(_("Status"), max_length=20, choices=IdeeStatus.choices, default=IdeeStatus.IDEE)
    antrag = models.ForeignKey(
        Foerderantrag,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projektideen",
        verbose_name=_("Förderantrag"),
    )
    frist = models.DateField(_("Einreichungsfrist"), null=True, blank=True)
    aufruf = models.ForeignKey(
        "Foerderaufruf",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projektideen",
        verbose_name=_("Förderaufruf"),
    )

    objects = ProjektideeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Projektidee (Innovationsfonds)")
        verbose_name_plural = _("Projektideen (Innovationsfonds)")
        ordering = ["-created_at"]

    def __str__(self):
        return self.titel

    def get_absolute_url(self):
        return reverse("foerderung:idee-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.antrag_id and self.antrag.baustein.nummer != Baustein.F5:
            raise ValidationError(
                {"antrag": _("Projektideen werden aus Förderbaustein F5 (Innovationsfonds) gefördert.")}
            )


class TeilhabeFallzahlStatus(models.Model):
    """People advised in one quarter with one Aufenthaltsstatus (aggregate count)."""

    fallzahl = models.ForeignKey(
        TeilhabeFallzahl, on_delete=models.CASCADE, related_name="nach_status", verbose_name=_("Fallzahl")
    )
    aufenthaltsstatus = models.ForeignKey(
        "angebote.Aufenthaltsstatus",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Aufenthaltsstatus"),
    )
    anzahl = models.PositiveIntegerField(_("beratene Personen"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Beratene nach Aufenthaltsstatus")
        verbose_name_plural = _("Beratene nach Aufenthaltsstatus")
        ordering = ["aufenthaltsstatus__reihenfolge"]
        constraints = [
            models.UniqueConstraint(fields=["fallzahl", "aufenthaltsstatus"], name="fallzahl_status_unique"),
        ]

    def __str__(self):
        return f"{self.fallzahl}: {self.aufenthaltsstatus} {self.anzahl}"
