from __future__ import annotations

from django import template

from bedarf import selectors
from bedarf.models import Bedarfsmeldung

register = template.Library()


@register.inclusion_tag("bedarf/_panel.html", takes_context=True)
def bedarf_panel(context):
    """Dashboard panel: delivery status of the open round (koordination) or own entry status (kommune)."""
    user = context["request"].user
    daten = selectors.dashboard(user)
    erhebung = daten["erhebung"]
    if erhebung is not None:
        daten["zeigt_lieferstand"] = user.has_perm("bedarf.erinnern_erhebung", erhebung)
        daten["zeigt_meldung"] = user.has_perm(
            "bedarf.change_bedarfsmeldung", Bedarfsmeldung(erhebung=erhebung, kommune_id=user.kommune_id)
        )
    return daten


@register.filter
def eintrag(mapping: dict, key):
    """`mapping[key]` in a template (e.g. the drill-down link of a category, reversed once per page)."""
    return mapping.get(key, "")
