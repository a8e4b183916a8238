"""Who decides on funds, and how much of the Land's grant is left to pass on (Zuwendung and Weiterleitung).

The Land allocates a budget per Bündnis, Förderbaustein and year (`Budget`) and grants it to the Kreis by
Zuwendungsbescheide; the Kreis passes funds on to Träger and Kommunen by approving their applications, never beyond
what the Land granted. The Innovationsfonds (Baustein F5) is different: the Land decides every application itself,
within the volume of its state-wide call (Förderaufruf).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from buendnis.choices import Baustein

from .abrechnung import summe
from .models import (
    BEWILLIGTE_STATUS,
    Entscheider,
    Foerderantrag,
    Foerderaufruf,
    Foerderbaustein,
    Foerderregel,
    Zuwendungsbescheid,
)

NULL = Decimal("0.00")


def _ohne_regel(baustein: Foerderbaustein) -> str:
    # Without a rule the programme's default applies: the Innovationsfonds is the Land's, the rest the Kreis's.
    return Entscheider.LAND if baustein.nummer == Baustein.F5 else Entscheider.KREIS


def baustein_entscheider(baustein: Foerderbaustein, tag: datetime.date | None = None) -> str:
    """Who decides on applications of a Förderbaustein: the rule in force on `tag` (or any of its rules), else
    the programme's default (Baustein F5: the Land; all others: the Kreis)."""
    regeln = Foerderregel.objects.filter(baustein_id=baustein.pk)
    if tag is not None:
        gueltig = regeln.gueltig_am(tag).values_list("entscheidet", flat=True).first()
        if gueltig:
            return gueltig
    return regeln.order_by("-gueltig_ab").values_list("entscheidet", flat=True).first() or _ohne_regel(
        baustein
    )


def entscheider(antrag: Foerderantrag) -> str:
    """Who decides on this application (`Entscheider`): the rule its cost lines were computed with, else the rule
    of its Förderbaustein in force at its start, else the programme's default. The Land wins where both appear."""
    aus_kostenplan = set(
        Foerderregel.objects.filter(kostenpositionen__antrag_id=antrag.pk).values_list(
            "entscheidet", flat=True
        )
    )
    if aus_kostenplan:
        return Entscheider.LAND if Entscheider.LAND in aus_kostenplan else Entscheider.KREIS
    return baustein_entscheider(antrag.baustein, antrag.beginn)


def entscheidet_land(antrag: Foerderantrag) -> bool:
    return entscheider(antrag) == Entscheider.LAND


def bewilligt_vom_land(buendnis_id: int, baustein_id: int, jahr: int) -> Decimal:
    """The sum of the Land's Zuwendungsbescheide to the Bündnis for the module and year."""
    return summe(
        Zuwendungsbescheid.objects.filter(buendnis_id=buendnis_id, baustein_id=baustein_id, jahr=jahr),
        "betrag",
    )


def weitergeleitet(buendnis_id: int, baustein_id: int, jahr: int, ohne_antrag: int | None = None) -> Decimal:
    """What the Kreis has passed on: the approved sums of the Bündnis's applications for the module and year."""
    qs = Foerderantrag.objects.filter(
        buendnis_id=buendnis_id, baustein_id=baustein_id, haushaltsjahr=jahr, status__in=BEWILLIGTE_STATUS
    )
    if ohne_antrag:
        qs = qs.exclude(pk=ohne_antrag)
    return summe(qs, "bewilligt_betrag")


def zuwendung_stand(buendnis_id: int, baustein_id: int, jahr: int) -> tuple[Decimal, Decimal, Decimal]:
    """(granted by the Land, passed on by the Kreis, available) for one Bündnis, module and year.

    `verfuegbar` is the plain difference, so the three always reconcile; it is negative only where approvals of
    the time before the Land's notices (the old budget override) exceed what the Land granted."""
    land = bewilligt_vom_land(buendnis_id, baustein_id, jahr)
    weiter = weitergeleitet(buendnis_id, baustein_id, jahr)
    return land, weiter, land - weiter


def aufruf_bewilligt(aufruf: Foerderaufruf, ohne_antrag: int | None = None) -> Decimal:
    """The sum the Land has approved from a call of the Innovationsfonds (over every Bündnis)."""
    qs = Foerderantrag.objects.filter(aufruf_id=aufruf.pk, status__in=BEWILLIGTE_STATUS)
    if ohne_antrag:
        qs = qs.exclude(pk=ohne_antrag)
    return summe(qs, "bewilligt_betrag")
