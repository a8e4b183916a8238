from django import template

from angebote import selectors
from buendnis.choices import Rolle

register = template.Library()


@register.inclusion_tag("angebote/_dashboard_panel.html", takes_context=True)
def angebote_dashboard(context):
    """The catalogue panel on the dashboard: offers to review, to re-confirm, and the Kommune's own offers."""
    user = context["user"]
    daten = selectors.dashboard(user)
    daten["zeigt_pruefung"] = user.is_superuser or user.rolle in (Rolle.KOORDINATION, Rolle.LAND)
    daten["zeigt_eigene"] = user.rolle == Rolle.KOMMUNE
    return daten
