from __future__ import annotations

from django import template

from bedarf import selectors
from buendnis.choices import Rolle

register = template.Library()


@register.inclusion_tag("bedarf/_panel.html", takes_context=True)
def bedarf_panel(context):
    """Dashboard panel: delivery status of the open round (koordination) or own entry status (kommune)."""
    user = context["request"].user
    daten = selectors.dashboard(user)
    daten["ist_koordination"] = user.rolle == Rolle.KOORDINATION
    daten["ist_kommune"] = user.rolle == Rolle.KOMMUNE
    return daten


@register.filter
def eintrag(mapping: dict, key):
    """`mapping[key]` in a template (e.g. the drill-down link of a category, reversed once per page)."""
    return mapping.get(key, "")
