from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from angebote import selectors
from angebote.models import Angebot
from buendnis import registry
from buendnis.models import Kommune
from buendnis.rules import is_kommune
from buendnis.templatetags.buendnis_tags import aenderungsverlauf

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


@register.inclusion_tag("includes/history.html")
def angebot_verlauf(angebot, limit: int = 20):
    """The shared change history, with Kommunen and Anschlussangebote shown by name instead of row ids."""
    daten = aenderungsverlauf(angebot, limit)
    m2m = {
        str(Angebot._meta.get_field("kommunen").verbose_name): ("kommune", Kommune),
        str(Angebot._meta.get_field("anschlussangebote").verbose_name): ("to_angebot", Angebot),
    }
    ids: dict[type, set[int]] = {Kommune: set(), Angebot: set()}
    for eintrag in daten["eintraege"]:
        for change in eintrag["changes"]:
            if change["feld"] in m2m:
                key, model = m2m[change["feld"]]
                for wert in (change["alt"], change["neu"]):
                    ids[model].update(row.get(key) for row in wert or [] if isinstance(row, dict))
    namen = {
        Kommune: dict(Kommune.objects.filter(pk__in=ids[Kommune]).values_list("pk", "name")),
        Angebot: dict(Angebot.objects.filter(pk__in=ids[Angebot]).values_list("pk", "titel")),
    }
    for eintrag in daten["eintraege"]:
        for change in eintrag["changes"]:
            if change["feld"] in m2m:
                key, model = m2m[change["feld"]]
                for seite in ("alt", "neu"):
                    werte = change[seite] or []
                    change[seite] = ", ".join(
                        str(namen[model].get(row.get(key), row.get(key)))
                        for row in werte
                        if isinstance(row, dict)
                    )
    return daten
