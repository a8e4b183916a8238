"""The funding rules of a Förderbaustein (Förderregel), versioned by validity dates.

A rule says how a kind of cost is funded: a flat rate per proven unit (teaching hour, participant-hour, coaching
contact, position-month) or the actual costs; which share the state pays (the rest is the own share); who may
apply and who decides; which residence statuses and ages take part. A change of rule is a new version from its
date: cost plans already computed keep the rate they were computed with (never backwards).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buendnis.models import TimestampedModel

from .programm import PROZENT, Foerderbaustein, GlobalQuerySet, geld

HUNDERT = Decimal("100")


class Kostenart(models.TextChoices):
    UNTERRICHTSSTUNDE = "unterrichtsstunde", _("Pauschale je Unterrichtsstunde")
    TEILNEHMENDENSTUNDE = "teilnehmendenstunde", _("Pauschale je Teilnehmendenstunde")
    COACHINGKONTAKT = "coachingkontakt", _("Pauschale je Coachingkontakt")
    STELLENMONAT = "stellenmonat", _("Pauschale je Stellenmonat (VZÄ)")
    TATSAECHLICH = "tatsaechlich", _("tatsächliche Ausgaben")


# The unit a flat rate is paid for, as shown next to a number of units.
EINHEIT = {
    Kostenart.UNTERRICHTSSTUNDE: _("Unterrichtsstunden"),
    Kostenart.TEILNEHMENDENSTUNDE: _("Teilnehmendenstunden"),
    Kostenart.COACHINGKONTAKT: _("Coachingkontakte"),
    Kostenart.STELLENMONAT: _("Stellenmonate (VZÄ)"),
}


class Entscheider(models.TextChoices):
    KREIS = "kreis", _("Kreis / kreisfreie Stadt (Weiterleitung im Rahmen der Zuwendung des Landes)")
    LAND = "land", _("Land (Steuerungsgruppe beim Ministerium)")


class Antragsberechtigt(models.TextChoices):
    KREIS_KOMMUNE = "kreis_kommune", _("Kreis oder Kommune des Bündnisses (Träger über Weiterleitung)")
    BEIGETRETENE_KOMMUNE = "beigetretene_kommune", _("Kommunen, die „Gemeinsam klappt’s“ beigetreten sind")
    ALLE = "alle", _("Kommunen, Träger, Kammern, Unternehmen, Verbände, Stiftungen")


class GueltigkeitMixin:
    """Rows valid from `gueltig_ab` to `gueltig_bis` (empty: open-ended): rule versions, budget consolidation."""

    def gueltig_am(self, tag: datetime.date):
        return self.filter(Q(gueltig_ab__lte=tag) & (Q(gueltig_bis__isnull=True) | Q(gueltig_bis__gte=tag)))

    def ueberschneidend(self, ab: datetime.date, bis: datetime.date | None, ohne_pk=None):
        """Rows whose validity overlaps the period `ab`..`bis` (other than `ohne_pk`)."""
        qs = self.exclude(pk=ohne_pk).filter(Q(gueltig_bis__isnull=True) | Q(gueltig_bis__gte=ab))
        return qs.filter(gueltig_ab__lte=bis) if bis else qs


class FoerderregelQuerySet(GueltigkeitMixin, GlobalQuerySet):
    def for_list(self):
        return self.select_related("baustein").prefetch_related("zugelassene_status")


class Foerderregel(TimestampedModel):
    """One version of how one kind of cost of a Förderbaustein is funded, valid from `gueltig_ab`."""

    baustein = models.ForeignKey(
        Foerderbaustein, on_delete=models.PROTECT, related_name="regeln", verbose_name=_("Förderbaustein")
    )
    bezeichnung = models.CharField(_("Bezeichnung"), max_length=200)
    kostenart = models.CharField(_("Kostenart"), max_length=30, choices=Kostenart.choices)
    satz = geld(
        _("Satz je Einheit (EUR)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Nur bei Pauschalen; bei tatsächlichen Ausgaben leer."),
    )
    foerderquote_prozent = models.DecimalField(
        _("Förderquote (%)"),
        max_digits=5,
        decimal_places=2,
        default=HUNDERT,
        validators=PROZENT,
        help_text=_("Anteil, den das Land trägt; der Rest ist Eigenanteil."),
    )
    foerderquote_haushaltssicherung_prozent = models.DecimalField(
        _("Förderquote in der Haushaltssicherung (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PROZENT,
        help_text=_("Für Kommunen mit gültigem Haushaltssicherungskonzept; leer = wie oben."),
    )
    abweichung_erlaubt = models.BooleanField(
        _("abweichender Satz zulässig"),
        default=False,
        help_text=_("Nur dann darf ein Kostenplan mit Begründung vom Satz abweichen."),
    )
    antragsberechtigt = models.CharField(
        _("Antragsberechtigt"),
        max_length=30,
        choices=Antragsberechtigt.choices,
        default=Antragsberechtigt.KREIS_KOMMUNE,
    )
    entscheidet = models.CharField(
        _("Entscheidung durch"), max_length=10, choices=Entscheider.choices, default=Entscheider.KREIS
    )
    alter_von = models.PositiveSmallIntegerField(_("Alter von"), default=18)
    alter_bis = models.PositiveSmallIntegerField(_("Alter bis"), default=27)
    zugelassene_status = models.ManyToManyField(
        "angebote.Aufenthaltsstatus",
        blank=True,
        related_name="+",
        verbose_name=_("zugelassene Aufenthaltsstatus"),
    )
    gueltig_ab = models.DateField(_("gültig ab"))
    gueltig_bis = models.DateField(_("gültig bis"), null=True, blank=True, help_text=_("Leer = unbefristet."))
    grundlage = models.CharField(
        _("Grundlage"), max_length=300, blank=True, help_text=_("z. B. Richtlinie, Erlass oder Änderung")
    )

    objects = FoerderregelQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[zugelassene_status])

    class Meta:
        verbose_name = _("Förderregel")
        verbose_name_plural = _("Förderregeln")
        ordering = ["baustein__nummer", "kostenart", "gueltig_ab"]
        constraints = [
            models.UniqueConstraint(
                fields=["baustein", "kostenart", "gueltig_ab"],
                name="foerderregel_version_unique",
                violation_error_message=_("Für diese Kostenart gibt es ab diesem Tag schon eine Regel."),
            ),
            models.CheckConstraint(
                condition=Q(gueltig_bis__isnull=True) | Q(gueltig_bis__gte=models.F("gueltig_ab")),
                name="foerderregel_gueltigkeit_geordnet",
                violation_error_message=_("Das Ende der Gültigkeit liegt vor dem Beginn."),
            ),
        ]

    def __str__(self):
        bis = f"{self.gueltig_bis:%d.%m.%Y}" if self.gueltig_bis else "…"
        return f"{self.baustein.kurz} {self.bezeichnung} ({self.gueltig_ab:%d.%m.%Y}–{bis})"

    @property
    def ist_pauschale(self) -> bool:
        return self.kostenart != Kostenart.TATSAECHLICH

    @property
    def einheit(self) -> str:
        return str(EINHEIT.get(self.kostenart, ""))

    @property
    def eigenanteil_prozent(self) -> Decimal:
        return HUNDERT - self.foerderquote_prozent

    def quote(self, haushaltssicherung: bool = False) -> Decimal:
        """The state's share in percent, the higher one for a Kommune under budget consolidation."""
        if haushaltssicherung and self.foerderquote_haushaltssicherung_prozent is not None:
            return self.foerderquote_haushaltssicherung_prozent
        return self.foerderquote_prozent

    def gilt_am(self, tag: datetime.date) -> bool:
        return self.gueltig_ab <= tag and (self.gueltig_bis is None or tag <= self.gueltig_bis)

    def deckt(self, beginn: datetime.date, ende: datetime.date) -> bool:
        """Whether a period lies wholly inside this version."""
        return self.gilt_am(beginn) and self.gilt_am(ende)

    def clean(self):
        super().clean()
        errors = {}
        if self.ist_pauschale and self.satz is None:
            errors["satz"] = _("Eine Pauschale braucht ihren Satz je Einheit.")
        if not self.ist_pauschale and self.satz is not None:
            errors["satz"] = _("Bei tatsächlichen Ausgaben gibt es keinen Satz je Einheit.")
        if self.alter_von and self.alter_bis and self.alter_von > self.alter_bis:
            errors["alter_bis"] = _("Das Höchstalter liegt unter dem Mindestalter.")
        if self.gueltig_ab and self.gueltig_bis and self.gueltig_bis < self.gueltig_ab:
            errors["gueltig_bis"] = _("Das Ende der Gültigkeit liegt vor dem Beginn.")
        if self.baustein_id and self.gueltig_ab and not errors:
            andere = (
                Foerderregel.objects.filter(baustein_id=self.baustein_id, kostenart=self.kostenart)
                .ueberschneidend(self.gueltig_ab, self.gueltig_bis, ohne_pk=self.pk)
                .first()
            )
            if andere is not None:
                errors["gueltig_ab"] = _(
                    "Die Gültigkeit überschneidet sich mit der Version „%(r)s“. Eine neue Version beginnt nach "
                    "dem Ende der bisherigen."
                ) % {"r": andere}
        if errors:
            raise ValidationError(errors)


class AufrufStatus(models.TextChoices):
    OFFEN = "offen", _("offen für Konzepte")
    GESCHLOSSEN = "geschlossen", _("Einreichung beendet")
    ENTSCHIEDEN = "entschieden", _("entschieden")


class Foerderaufruf(TimestampedModel):
    """A state-wide call of the Innovationsfonds (Baustein F5): concepts until a deadline, the steering group at the
    ministry decides, the Land grants. Opened and decided by the Land only."""

    baustein = models.ForeignKey(
        Foerderbaustein, on_delete=models.PROTECT, related_name="aufrufe", verbose_name=_("Förderbaustein")
    )
    titel = models.CharField(_("Titel"), max_length=200)
    beschreibung = models.TextField(_("Beschreibung"), blank=True)
    einreichung_bis = models.DateField(_("Konzepte bis"))
    entscheidung_bis = models.DateField(_("Entscheidung der Steuerungsgruppe bis"))
    volumen = geld(_("Mittel des Aufrufs (EUR)"), validators=[MinValueValidator(Decimal("0"))])
    status = models.CharField(
        _("Status"), max_length=20, choices=AufrufStatus.choices, default=AufrufStatus.OFFEN
    )

    objects = GlobalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Förderaufruf (Innovationsfonds)")
        verbose_name_plural = _("Förderaufrufe (Innovationsfonds)")
        ordering = ["-einreichung_bis"]
        constraints = [
            models.CheckConstraint(
                condition=Q(entscheidung_bis__gte=models.F("einreichung_bis")),
                name="foerderaufruf_fristen_geordnet",
                violation_error_message=_("Die Entscheidung kann nicht vor dem Ende der Einreichung liegen."),
            ),
        ]

    def __str__(self):
        return self.titel
