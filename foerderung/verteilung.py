"""The distribution key (Verteilungsschlüssel): splits a budget to the cent by the largest-remainder method.

Pure functions, no database. Arithmetic is exact: amounts are integer cents, proportional shares are
`fractions.Fraction`, so the parts always add up to the total and nothing is ever a float. The last part compares
the budgets a takeover would write with the existing ones, for the page that asks to confirm it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")


def _cents(betrag: Decimal) -> int:
    if not isinstance(betrag, Decimal | int):
        raise TypeError("Geldbeträge müssen Decimal sein.")
    betrag = Decimal(betrag)
    if betrag != betrag.quantize(CENT):
        raise ValidationError(_("Beträge dürfen höchstens zwei Nachkommastellen haben."))
    return int(betrag * 100)


def _from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def exakter_anteil(
    gesamtbetrag: Decimal, indikatoren: Mapping[Hashable, Decimal | int], sockel: Decimal = Decimal("0")
) -> dict[Hashable, Fraction]:
    """The unrounded share of each recipient (base amount plus proportional part), in euros as Fractions."""
    summe = sum((Fraction(Decimal(w)) for w in indikatoren.values()), Fraction(0))
    rest = Fraction(Decimal(gesamtbetrag)) - Fraction(Decimal(sockel)) * len(indikatoren)
    return {
        key: Fraction(Decimal(sockel)) + (rest * Fraction(Decimal(w)) / summe if summe else Fraction(0))
        for key, w in indikatoren.items()
    }


def verteile(
    gesamtbetrag: Decimal,
    indikatoren: Mapping[Hashable, Decimal | int],
    sockel: Decimal | Mapping[Hashable, Decimal] = Decimal("0"),
) -> dict[Hashable, Decimal]:
    """Distributes `gesamtbetrag` to the keys of `indikatoren`.

    Each recipient first gets its base amount (`sockel`, the same for all or one per key); the rest is shared in
    proportion to the indicator values (e.g. geduldete 18–27-year-olds at a Stichtag, or the FlüAG key). Whole
    cents are handed out by the largest-remainder method (Hare–Niemeyer): everyone gets the rounded-down share,
    the leftover cents go to the largest fractional remainders (ties: the order of `indikatoren`). The result
    sums exactly to `gesamtbetrag` and each part lies within one cent of its exact share.
    """
    total = _cents(gesamtbetrag)
    if total < 0:
        raise ValidationError(_("Der zu verteilende Betrag darf nicht negativ sein."))
    if not indikatoren:
        raise ValidationError(_("Es gibt keine Empfänger für die Verteilung."))
    if isinstance(sockel, Mapping):
        sockel_cents = {key: _cents(sockel.get(key, Decimal("0"))) for key in indikatoren}
    else:
        einheitlich = _cents(sockel)
        sockel_cents = dict.fromkeys(indikatoren, einheitlich)
    if any(s < 0 for s in sockel_cents.values()):
        raise ValidationError(_("Der Sockelbetrag darf nicht negativ sein."))
    gewichte = {}
    for key, wert in indikatoren.items():
        if not isinstance(wert, Decimal | int):
            raise TypeError("Indikatorwerte müssen Decimal oder int sein.")
        if wert < 0:
            raise ValidationError(_("Indikatorwerte dürfen nicht negativ sein (%(k)s).") % {"k": key})
        gewichte[key] = Fraction(Decimal(wert))
    rest = total - sum(sockel_cents.values())
    if rest < 0:
        raise ValidationError(_("Die Sockelbeträge zusammen übersteigen den zu verteilenden Betrag."))
    summe = sum(gewichte.values(), Fraction(0))
    if summe == 0:
        if rest:
            raise ValidationError(
                _("Die Indikatorwerte ergeben zusammen 0; der Restbetrag kann nicht verteilt werden.")
            )
        return {key: _from_cents(sockel_cents[key]) for key in indikatoren}

    exakt = {key: rest * g / summe for key, g in gewichte.items()}
    boden = {key: e.numerator // e.denominator for key, e in exakt.items()}
    uebrig = rest - sum(boden.values())
    position = {key: i for i, key in enumerate(indikatoren)}
    nach_rest = sorted(indikatoren, key=lambda k: (-(exakt[k] - boden[k]), position[k]))
    for key in nach_rest[:uebrig]:
        boden[key] += 1
    return {key: _from_cents(sockel_cents[key] + boden[key]) for key in indikatoren}


@dataclass(frozen=True)
class BudgetAenderung:
    """What taking a distribution over does to one recipient's budget: created, changed or left as it is."""

    empfaenger: Hashable
    alt: Decimal | None
    neu: Decimal

    @property
    def ist_neu(self) -> bool:
        return self.alt is None

    @property
    def ueberschrieben(self) -> bool:
        return self.alt is not None and self.alt != self.neu


def budget_aenderungen(
    neu: Mapping[Hashable, Decimal], alt: Mapping[Hashable, Decimal]
) -> list[BudgetAenderung]:
    """The budgets a takeover writes (`neu`, in its order) next to the existing ones of the same year (`alt`)."""
    return [BudgetAenderung(empfaenger=key, alt=alt.get(key), neu=betrag) for key, betrag in neu.items()]


def stand(aenderungen: list[BudgetAenderung], key=str) -> str:
    """A fingerprint of what the confirmation page showed: if a budget or a share changes before the person
    confirms, the fingerprint differs and the takeover is shown again instead of written."""
    teile = sorted(f"{key(a.empfaenger)}={a.alt}>{a.neu}" for a in aenderungen)
    return hashlib.sha256("|".join(teile).encode()).hexdigest()
