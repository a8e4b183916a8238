"""Allocated budgets: per Bündnis × Förderbaustein × year, and within a Bündnis optionally per Kommune."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buendnis.models import Buendnis, BuendnisQuerySet, Kommune, SameBuendnisMixin, TimestampedModel
from buendnis.models.base import sees_all_buendnisse

from .antrag import BEWILLIGTE_STATUS, Foerderantrag
from .programm import Foerderbaustein, Verteilung, eur, geld


class BudgetQuerySet(BuendnisQuerySet):
    def editable_by(self, user):
        # Allocations come from the state; the Bündnis only reads them.
        if sees_all_buendnisse(user):
            return self
        return self.none()

    def for_list(self):
        return self.select_related("buendnis", "baustein")


class Budget(SameBuendnisMixin, TimestampedModel):
    """The funds allocated to one Bündnis for one Förderbaustein in one budget year."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="foerderbudgets", verbose_name=_("Bündnis")
    )
    baustein = models.ForeignKey(
        Foerderbaustein, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("Förderbaustein")
    )
    jahr = models.PositiveSmallIntegerField(_("Haushaltsjahr"))
    betrag = geld(_("zugewiesen (EUR)"), validators=[MinValueValidator(Decimal("0"))])
    verteilung = models.ForeignKey(
        Verteilung,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budgets",
        verbose_name=_("aus Verteilung"),
    )
    bemerkung = models.CharField(_("Bemerkung"), max_length=300, blank=True)

    objects = BudgetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Budget")
        verbose_name_plural = _("Budgets")
        ordering = ["buendnis__name", "baustein__nummer", "jahr"]
        constraints = [
            models.UniqueConstraint(fields=["buendnis", "baustein", "jahr"], name="budget_unique_per_year"),
        ]

    def __str__(self):
        return f"{self.buendnis} – {self.baustein} – {self.jahr}"

    def clean(self):
        """An allocation never drops below what the coordination has earmarked for its Kommunen, nor is it cut
        below the Land's grant notices issued from it or what is already approved from it."""
        super().clean()
        if self.betrag is None or not self.pk:
            return
        zugeteilt = self.kommunen.aggregate(s=Sum("betrag"))["s"] or Decimal("0")
        if zugeteilt > self.betrag:
            raise ValidationError(
                {
                    "betrag": _(
                        "%(budget)s: Den Kommunen sind bereits %(z)s zugeteilt; das Budget kann nicht "
                        "kleiner werden."
                    )
                    % {"budget": self, "z": eur(zugeteilt)}
                }
            )
        bisher = Budget.objects.filter(pk=self.pk).values_list("betrag", flat=True).first()
        if bisher is None or self.betrag >= bisher:
            return  # not a cut: what is granted or approved does not matter
        erlassen = Zuwendungsbescheid.objects.filter(
            buendnis_id=self.buendnis_id, baustein_id=self.baustein_id, jahr=self.jahr
        ).aggregate(s=Sum("betrag"))["s"] or Decimal("0")
        if self.betrag < erlassen:
            raise ValidationError(
                {
                    "betrag": _(
                        "%(budget)s: Das Land hat daraus bereits Zuwendungsbescheide über %(z)s erlassen; das "
                        "Budget kann nicht darunter gekürzt werden."
                    )
                    % {"budget": self, "z": eur(erlassen)}
                }
            )
        bewilligt = Foerderantrag.objects.filter(
            buendnis_id=self.buendnis_id,
            baustein_id=self.baustein_id,
            haushaltsjahr=self.jahr,
            status__in=BEWILLIGTE_STATUS,
        ).aggregate(s=Sum("bewilligt_betrag"))["s"] or Decimal("0")
        if self.betrag < bewilligt:
            raise ValidationError(
                {
                    "betrag": _(
                        "%(budget)s: Daraus sind bereits %(b)s bewilligt; das Budget kann nicht darunter "
                        "gekürzt werden."
                    )
                    % {"budget": self, "b": eur(bewilligt)}
                }
            )


class BudgetKommuneQuerySet(BuendnisQuerySet):
    buendnis_lookup = "budget__buendnis_id"

    def for_list(self):
        return self.select_related("budget__baustein", "kommune")


class BudgetKommune(SameBuendnisMixin, TimestampedModel):
    """The part of a Bündnis budget the coordination earmarks for one member Kommune."""

    budget = models.ForeignKey(
        Budget, on_delete=models.CASCADE, related_name="kommunen", verbose_name=_("Budget")
    )
    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="foerderbudgets", verbose_name=_("Kommune")
    )
    betrag = geld(_("zugewiesen (EUR)"), validators=[MinValueValidator(Decimal("0"))])

    objects = BudgetKommuneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Budget einer Kommune")
        verbose_name_plural = _("Budgets der Kommunen")
        ordering = ["kommune__name"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "kommune"], name="budgetkommune_unique"),
        ]

    def __str__(self):
        return f"{self.budget} – {self.kommune}"

    def get_buendnis_id(self):
        return self.budget.buendnis_id if self.budget_id else None

    def clean(self):
        super().clean()
        if not self.budget_id or self.betrag is None:
            return
        if transaction.get_connection().in_atomic_block:
            # Earmarks of one budget queue on its row (the admin saves in a transaction), so two at once cannot
            # together exceed it.
            list(Budget.objects.select_for_update().filter(pk=self.budget_id).values_list("pk"))
        andere = BudgetKommune.objects.filter(budget_id=self.budget_id).exclude(pk=self.pk).aggregate(
            s=Sum("betrag")
        )["s"] or Decimal("0")
        if andere + self.betrag > self.budget.betrag:
            raise ValidationError(
                {"betrag": _("Die Anteile der Kommunen übersteigen zusammen das Budget des Bündnisses.")}
            )


class ZuwendungsbescheidQuerySet(BuendnisQuerySet):
    def editable_by(self, user):
        # The grant notice is the Land's; the Kreis reads it.
        if sees_all_buendnisse(user):
            return self
        return self.none()

    def for_list(self):
        return self.select_related("buendnis", "baustein", "erlassen_von")


class Zuwendungsbescheid(SameBuendnisMixin, TimestampedModel):
    """The Land's grant notice to the Kreis (the grant recipient) for one Förderbaustein and budget year.

    What the Kreis passes on to Träger and Kommunen (approving their applications, Weiterleitung) stays within the
    sum of its grant notices; the notices together stay within the Land's allocation (`Budget`).
    """

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="zuwendungsbescheide", verbose_name=_("Bündnis")
    )
    baustein = models.ForeignKey(
        Foerderbaustein,
        on_delete=models.PROTECT,
        related_name="zuwendungsbescheide",
        verbose_name=_("Förderbaustein"),
    )
    jahr = models.PositiveSmallIntegerField(_("Haushaltsjahr"))
    betrag = geld(_("bewilligt (EUR)"), validators=[MinValueValidator(Decimal("0.01"))])
    bescheid_nummer = models.CharField(_("Bescheidnummer"), max_length=100)
    bescheid_datum = models.DateField(_("Bescheiddatum"))
    grundlage = models.CharField(
        _("Grundlage"), max_length=300, help_text=_("z. B. Richtlinie vom 18.12.2019, Änderungsbescheid")
    )
    erlassen_von = models.ForeignKey(
        "buendnis.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("erlassen von")
    )

    objects = ZuwendungsbescheidQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Zuwendungsbescheid")
        verbose_name_plural = _("Zuwendungsbescheide")
        ordering = ["buendnis__name", "baustein__nummer", "jahr", "bescheid_datum"]
        constraints = [
            models.UniqueConstraint(
                fields=["buendnis", "bescheid_nummer"],
                name="zuwendungsbescheid_nummer_unique",
                violation_error_message=_("Einen Bescheid mit dieser Nummer gibt es für das Bündnis schon."),
            ),
        ]

    def __str__(self):
        return f"{self.bescheid_nummer} – {self.buendnis} – {self.baustein} – {self.jahr}"
