"""Which Kommunen take part in "Gemeinsam klappt's" (a condition of Baustein F6) and which are under budget
consolidation (Haushaltssicherung: 90 % instead of 80 % funding), each with its dates."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buendnis.models import Buendnis, BuendnisQuerySet, Kommune, SameBuendnisMixin, TimestampedModel

from .regel import GueltigkeitMixin


def teilnahme_pfad(instance, filename):
    return f"foerderung/teilnahme/{instance.buendnis_id}/{filename}"


class TeilnahmeQuerySet(BuendnisQuerySet):
    def for_list(self):
        return self.select_related("kommune", "buendnis")

    def beigetreten_am(self, tag: datetime.date):
        return self.filter(beigetreten_am__isnull=False, beigetreten_am__lte=tag)


class KommuneTeilnahme(SameBuendnisMixin, TimestampedModel):
    """A member Kommune's expression of interest in and joining of "Gemeinsam klappt's", with its document."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="kommune_teilnahmen", verbose_name=_("Bündnis")
    )
    kommune = models.OneToOneField(
        Kommune, on_delete=models.PROTECT, related_name="teilnahme", verbose_name=_("Kommune")
    )
    interesse_bekundet_am = models.DateField(_("Interessenbekundung am"), null=True, blank=True)
    beigetreten_am = models.DateField(_("beigetreten am"), null=True, blank=True)
    dokument = models.FileField(
        _("Beitrittserklärung"), upload_to=teilnahme_pfad, blank=True, help_text=_("PDF der Erklärung")
    )
    bemerkung = models.CharField(_("Bemerkung"), max_length=300, blank=True)

    objects = TeilnahmeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Teilnahme an „Gemeinsam klappt’s“")
        verbose_name_plural = _("Teilnahmen an „Gemeinsam klappt’s“")
        ordering = ["kommune__name"]

    def __str__(self):
        return f"{self.kommune}"

    def get_kommune_id(self):
        return self.kommune_id

    def clean(self):
        super().clean()
        if (
            self.interesse_bekundet_am
            and self.beigetreten_am
            and self.beigetreten_am < self.interesse_bekundet_am
        ):
            raise ValidationError(
                {"beigetreten_am": _("Der Beitritt kann nicht vor der Interessenbekundung liegen.")}
            )
        if self.kommune_id and self.buendnis_id and self.kommune.buendnis_id != self.buendnis_id:
            raise ValidationError({"kommune": _("Gehört zu einem anderen Bündnis.")})

    def beigetreten_zum(self, tag: datetime.date) -> bool:
        return self.beigetreten_am is not None and self.beigetreten_am <= tag


class HaushaltssicherungQuerySet(GueltigkeitMixin, BuendnisQuerySet):
    def for_list(self):
        return self.select_related("kommune", "buendnis")


class Haushaltssicherung(SameBuendnisMixin, TimestampedModel):
    """A period in which a Kommune is under budget consolidation (Haushaltssicherungskonzept)."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="haushaltssicherungen", verbose_name=_("Bündnis")
    )
    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="haushaltssicherungen", verbose_name=_("Kommune")
    )
    gueltig_ab = models.DateField(_("gültig ab"))
    gueltig_bis = models.DateField(
        _("gültig bis"), null=True, blank=True, help_text=_("Leer = bis auf Weiteres.")
    )
    grundlage = models.CharField(
        _("Grundlage"),
        max_length=300,
        blank=True,
        help_text=_("z. B. genehmigtes Haushaltssicherungskonzept"),
    )

    objects = HaushaltssicherungQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Haushaltssicherung")
        verbose_name_plural = _("Haushaltssicherungen")
        ordering = ["kommune__name", "gueltig_ab"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gueltig_bis__isnull=True) | Q(gueltig_bis__gte=models.F("gueltig_ab")),
                name="haushaltssicherung_gueltigkeit_geordnet",
                violation_error_message=_("Das Ende der Gültigkeit liegt vor dem Beginn."),
            ),
        ]

    def __str__(self):
        return f"{self.kommune} ({self.gueltig_ab:%d.%m.%Y})"

    def get_kommune_id(self):
        return self.kommune_id

    def clean(self):
        super().clean()
        if self.kommune_id and self.buendnis_id and self.kommune.buendnis_id != self.buendnis_id:
            raise ValidationError({"kommune": _("Gehört zu einem anderen Bündnis.")})
        if self.kommune_id and self.gueltig_ab:
            andere = Haushaltssicherung.objects.filter(kommune_id=self.kommune_id)
            if andere.ueberschneidend(self.gueltig_ab, self.gueltig_bis, ohne_pk=self.pk).exists():
                raise ValidationError(
                    {"gueltig_ab": _("Der Zeitraum überschneidet sich mit einer anderen Haushaltssicherung.")}
                )
