from __future__ import annotations

from django import template

from buendnis import registry
from buendnis.inhalt import euro
from buendnis.rules import acts_for_kommune
from foerderung import selectors
from foerderung.berichte import dashboard_uebersicht

register = template.Library()


@register.filter
def eur(betrag) -> str:
    """Money in the one German form of `buendnis.inhalt.euro`: 1.234,56 €; a dash for None or ""."""
    if betrag == "":
        return "–"
    return euro(betrag)


@register.inclusion_tag("foerderung/_dashboard_panel.html", takes_context=True)
def foerderung_dashboard(context):
    """Funds per Förderbaustein of the user's Bündnis; for a Kommune its applications and what is due."""
    user = context["request"].user
    daten = {"user": user, "sichtbar": user.has_perm("foerderung.view_budgetuebersicht")}
    if not daten["sichtbar"]:
        return daten

    def summen() -> dict:
        uebersicht = dashboard_uebersicht(user, buendnis_id=user.buendnis_id)
        zeilen = [
            z for z in uebersicht.nach_baustein if any((z.zugewiesen, z.beantragt, z.bewilligt, z.abgerufen))
        ]
        return {"zeilen": zeilen, "summe": uebersicht.summe}

    # Sums over the Bündnis (the Land: all of them), from the cache of the dashboard's figures.
    daten.update(registry.dashboard_gecacht("foerderung", user, summen))
    daten["fuer_kommune"] = acts_for_kommune(user)
    if daten["fuer_kommune"]:
        daten.update(selectors.faelliges_fuer_kommune(user))
        daten["antraege"] = daten["antraege"][:10]
    return daten
