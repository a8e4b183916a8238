"""Dashboard panels of the targets (Zielsetzungen): a Bündnis's agreed targets with the count on track, and the
Land's own work (targets waiting for its agreement) with the way to its view of all Bündnisse."""

from __future__ import annotations

from django import template
from django.utils import timezone

from berichte import dashboard, steuerung
from berichte.models import Zielsetzung, ZielsetzungStatus

register = template.Library()

# How many targets a panel lists before it links to the list.
ANZAHL = 8


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.inclusion_tag("berichte/_ziele_dashboard.html", takes_context=True)
def ziele_panel(context):
    """The agreed targets of the user's Bündnis, each with "x von y Indikatoren im Plan"; for the coordination
    also its drafts. A fixed number of queries."""
    user = _user(context)
    if user is None or not user.is_authenticated or not user.buendnis_id:
        return {"sichtbar": False}
    if not user.has_perm("berichte.view_zielsetzung", user.buendnis):
        return {"sichtbar": False}
    heute = timezone.localdate()
    darf_anlegen = user.has_perm("berichte.add_zielsetzung", user.buendnis)

    def berechnen() -> dict:
        sichtbar = Zielsetzung.objects.visible_to(user)
        vereinbart = list(
            sichtbar.gueltig().for_list().order_by("-zeitraum_von", "titel", "pk")[: ANZAHL + 1]
        )
        daten = {"karten": steuerung.zielkarten(vereinbart[:ANZAHL], heute), "mehr": len(vereinbart) > ANZAHL}
        if darf_anlegen:
            daten["in_arbeit"] = sichtbar.filter(
                status__in=[ZielsetzungStatus.ENTWURF, ZielsetzungStatus.VORGELEGT]
            ).count()
        return daten

    # The values on track aggregate the Bündnis's data of every app: cached like the panel's figures, renewed by
    # a write to this Bündnis (or to data of no Bündnis).
    return {
        "sichtbar": True,
        "regel": steuerung.im_plan_regel(),
        "darf_anlegen": darf_anlegen,
        **dashboard.im_bereich_gecacht("ziele", user, berechnen, heute.isoformat(), str(darf_anlegen)),
    }


@register.inclusion_tag("berichte/_ziele_land.html", takes_context=True)
def ziele_land_panel(context):
    """The Land's own work on its dashboard: the targets the Bündnisse put before it, and its view of all
    Bündnisse. A fixed number of queries."""
    user = _user(context)
    if user is None or not user.is_authenticated:
        return {"sichtbar": False}
    wartend = steuerung.zur_vereinbarung(user)
    return {
        "sichtbar": True,
        "zur_vereinbarung": list(wartend.select_related("buendnis").order_by("updated_at", "pk")[:ANZAHL]),
        "anzahl_zur_vereinbarung": wartend.count(),
        "landsicht": user.has_perm("berichte.view_landsicht"),
        "anzahl_vereinbart": Zielsetzung.objects.visible_to(user).gueltig().count(),
    }
