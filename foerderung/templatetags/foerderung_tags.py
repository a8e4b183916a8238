from __future__ import annotations

from decimal import Decimal

from django import template

from buendnis.rules import acts_for_kommune
from foerderung import selectors
from foerderung.services import eur as _eur

register = template.Library()


@register.filter
def eur(betrag) -> str:
    """German money format: 1.234,56 EUR; empty for None."""
    if betrag is None or betrag == "":
        return "–"
    return _eur(Decimal(betrag))


@register.inclusion_tag("foerderung/_dashboard_panel.html", takes_context=True)
def foerderung_dashboard(context):
    """Funds per Förderbaustein of the user's Bündnis; for a Kommune its applications and what is due."""
    user = context["request"].user
    daten = {"user": user, "sichtbar": user.has_perm("foerderung.view_budgetuebersicht")}
    if not daten["sichtbar"]:
        return daten
    uebersicht = selectors.budgetuebersicht(user, buendnis_id=user.buendnis_id)
    daten["zeilen"] = [
        z for z in uebersicht.nach_baustein if any((z.zugewiesen, z.beantragt, z.bewilligt, z.abgerufen))
    ]
    daten["summe"] = uebersicht.summe
    daten["fuer_kommune"] = acts_for_kommune(user)
    if daten["fuer_kommune"]:
        daten.update(selectors.faelliges_fuer_kommune(user))
        daten["antraege"] = daten["antraege"][:10]
    return daten
