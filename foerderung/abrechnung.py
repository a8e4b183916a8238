"""The arithmetic of drawdowns (Mittelabruf) and of the proof of use (Verwendungsnachweis), per cost line.

A flat-rate line (units × rate, e.g. 40 Unterrichtsstunden × 37.50 EUR) pays the state's part of each proven unit;
an actual-cost line pays the state's part of what was spent, at most the line's plan. Computed money is rounded at
one point only (`auf_cent`, half up), and the sums reconcile to the cent: the drawdown that reaches the planned
units takes exactly what remains of the line's funding, and a line proven in full is entitled to exactly its
funding. Lines from before the funding rules (no quota stored) are funded in full, as they were approved.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from .models import Kostenposition
from .models.programm import CENT, auf_cent

HUNDERT = Decimal("100")
NULL = Decimal("0.00")


def summe(queryset, feld: str) -> Decimal:
    """The sum of a money or unit column (two decimal places) over `queryset`, 0.00 over no rows. Exact: SQLite
    returns the sum of a decimal column with float noise, which is cut back to the column's cents."""
    wert = queryset.aggregate(s=Sum(feld))["s"]
    return NULL if wert is None else Decimal(wert).quantize(CENT)


def ist_pauschale(position: Kostenposition) -> bool:
    """A flat-rate line: paid per proven unit at the rate of the rule it was computed with."""
    return position.einheitssatz is not None


def quote(position: Kostenposition) -> Decimal:
    """The state's share of the line in percent."""
    return position.foerderquote_prozent if position.foerderquote_prozent is not None else HUNDERT


def foerderung(position: Kostenposition) -> Decimal:
    """The funding the approved line carries (the state's part of its costs)."""
    return position.foerderung if position.foerderquote_prozent is not None else position.betrag


def geplante_einheiten(position: Kostenposition) -> Decimal:
    return position.einheiten if position.einheiten is not None else NULL


def anteil_fuer_einheiten(position: Kostenposition, einheiten: Decimal) -> Decimal:
    """The state's part of `einheiten` proven units of a flat-rate line: units × rate × quota, to the cent."""
    return auf_cent(einheiten * position.einheitssatz * quote(position) / HUNDERT)


def abrufbetrag_fuer_einheiten(
    position: Kostenposition, einheiten: Decimal, bisher_einheiten: Decimal, bisher_betrag: Decimal
) -> Decimal:
    """What a drawdown of `einheiten` more proven units of a flat-rate line pays. The one that reaches the planned
    units takes what remains of the line's funding, so the drawdowns of a line add up to it to the cent; before
    that, rounding can never take more than remains."""
    rest = foerderung(position) - bisher_betrag
    if bisher_einheiten + einheiten >= geplante_einheiten(position):
        return rest
    return min(anteil_fuer_einheiten(position, einheiten), rest)


def zustehend(position: Kostenposition, ausgaben_ist: Decimal, einheiten_ist: Decimal | None) -> Decimal:
    """The funding one line of the proof of use entitles to: for a flat rate the units delivered (at most the
    planned ones) × rate × quota, for actual costs the spending (at most the line's plan) × quota; never more than
    the line's funding. A line proven in full is entitled to exactly its funding."""
    voll = foerderung(position)
    if ist_pauschale(position):
        geplant = geplante_einheiten(position)
        einheiten = min(einheiten_ist or NULL, geplant)
        betrag = voll if einheiten == geplant else anteil_fuer_einheiten(position, einheiten)
    else:
        ausgaben = min(ausgaben_ist, position.betrag)
        betrag = voll if ausgaben == position.betrag else auf_cent(ausgaben * quote(position) / HUNDERT)
    return min(betrag, voll)


def einheiten_text(wert: Decimal) -> str:
    """A number of units as people write it: 40, 12,5 (no trailing zeros)."""
    return f"{wert.normalize():f}".replace(".", ",")


def einheit(position: Kostenposition) -> str:
    """The unit the line's rule pays for (Unterrichtsstunden, Coachingkontakte, ...)."""
    if position.regel_id is not None and position.regel.einheit:
        return position.regel.einheit
    return str(_("Einheiten"))


# A confirmed repayment claim is due this many days after the review of the proof of use.
RUECKFORDERUNG_FRIST_TAGE = 30


def rueckforderung_faellig(geprueft_am: datetime.date, rueckforderung: Decimal) -> datetime.date | None:
    """The due date of a repayment claim confirmed on `geprueft_am`; none without a claim."""
    if rueckforderung <= 0:
        return None
    return geprueft_am + datetime.timedelta(days=RUECKFORDERUNG_FRIST_TAGE)
