from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from angebote import selectors
from buendnis import registry
from buendnis.rules import is_kommune

register = template.Library()


@register.simple_tag(takes_context=True)
def angebote_dashboard(context):
    """The catalogue panel on the dashboard: offers to review, to re-confirm, and the Kommune's own offers.

    Rendered once per person, day and data stamp of the scope (a write renews it at once): the panel's three
    queries and its layout cost more than the rest of the dashboard's live parts (issue 18)."""
    user = context["user"]

    def berechnen():
        daten = selectors.dashboard(user)
        daten["zeigt_pruefung"] = user.has_perm("angebote.view_pruefliste")
        daten["zeigt_eigene"] = is_kommune(user)
        return render_to_string("angebote/_dashboard_panel.html", daten)

    # Per person: what the panel lists follows the person's permissions and assignment, not only the role.
    return registry.dashboard_gecacht(
        "angebote_panel", user, berechnen, timezone.localdate().isoformat(), f"p{user.pk}"
    )
