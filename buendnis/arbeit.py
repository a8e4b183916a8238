"""What waits for a person in the alliance itself, for "Meine Aufgaben" and the count in the navigation.

- "Meine Aufgaben": the open tasks assigned to the person or to the person's Akteur, overdue ones first;
- for the coordination: the overdue tasks of the whole Bündnis and the Träger a Kommune proposed.

The state reads every Bündnis but works in none: nothing of a single Bündnis waits for it here.
"""

from __future__ import annotations

import datetime

from django.db.models import F
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buendnis.models import Akteur, AkteurStatus, Aufgabe, AufgabeStatus
from buendnis.registry import Arbeitsposten, register_arbeitsposten
from buendnis.rules import is_koordination


def im_buendnis(user) -> bool:
    """The person works in one Bündnis (the state and superusers without a Bündnis do not)."""
    return bool(user.is_authenticated and user.is_active and user.buendnis_id)


def frist_text(faellig_am: datetime.date | None, heute: datetime.date) -> str:
    if faellig_am is None:
        return _("ohne Frist")
    if faellig_am < heute:
        return _("überfällig seit %(d)s") % {"d": faellig_am.strftime("%d.%m.%Y")}
    return _("fällig am %(d)s") % {"d": faellig_am.strftime("%d.%m.%Y")}


# My open tasks ----------------------------------------------------------------------------------------------------


def meine_aufgaben(user):
    if not im_buendnis(user):
        return Aufgabe.objects.none()
    return Aufgabe.objects.visible_to(user).offen().von(user)


def meine_aufgaben_eintraege(user, n: int) -> list[tuple[str, str, str]]:
    heute = timezone.localdate()
    # The earliest deadline first puts the overdue tasks at the top; tasks without a deadline come last.
    aufgaben = (
        meine_aufgaben(user).select_related("gremium").order_by(F("faellig_am").asc(nulls_last=True), "pk")
    )
    eintraege = []
    for a in aufgaben[:n]:
        teile = [frist_text(a.faellig_am, heute)]
        if a.status == AufgabeStatus.IN_ARBEIT:
            teile.append(str(a.get_status_display()))
        if a.gremium_id:
            teile.append(a.gremium.name)
        eintraege.append((a.titel, a.get_absolute_url(), " · ".join(teile)))
    return eintraege


# The coordination: overdue tasks of the Bündnis, proposed Träger ----------------------------------------------------


def ueberfaellige_aufgaben(user):
    if not (im_buendnis(user) and is_koordination(user)):
        return Aufgabe.objects.none()
    return Aufgabe.objects.visible_to(user).ueberfaellig()


def ueberfaellige_eintraege(user, n: int) -> list[tuple[str, str, str]]:
    heute = timezone.localdate()
    aufgaben = (
        ueberfaellige_aufgaben(user).select_related("zustaendig", "akteur").order_by("faellig_am", "pk")
    )
    eintraege = []
    for a in aufgaben[:n]:
        teile = [frist_text(a.faellig_am, heute)]
        if a.zustaendig_id:
            teile.append(a.zustaendig.anzeigename())
        elif a.akteur_id:
            teile.append(a.akteur.name)
        else:
            teile.append(_("niemand zuständig"))
        eintraege.append((a.titel, a.get_absolute_url(), " · ".join(teile)))
    return eintraege


def vorgeschlagene_traeger(user):
    if not (im_buendnis(user) and is_koordination(user)):
        return Akteur.objects.none()
    return Akteur.objects.visible_to(user).filter(status=AkteurStatus.VORGESCHLAGEN)


def vorgeschlagene_eintraege(user, n: int) -> list[tuple[str, str, str]]:
    akteure = vorgeschlagene_traeger(user).select_related("kommune").order_by("created_at", "pk")
    eintraege = []
    for akteur in akteure[:n]:
        detail = (
            _("vorgeschlagen von %(k)s") % {"k": akteur.kommune.name}
            if akteur.kommune_id
            else _("vorgeschlagen")
        )
        eintraege.append((akteur.name, reverse("buendnis:akteur-detail", args=[akteur.pk]), detail))
    return eintraege


def registrieren() -> None:
    register_arbeitsposten(
        Arbeitsposten(
            key="buendnis.meine_aufgaben",
            titel=gettext_lazy("Meine offenen Aufgaben"),
            zaehlen=lambda user: meine_aufgaben(user).count(),
            eintraege=meine_aufgaben_eintraege,
            alle_url=format_lazy("{}?meine=true", reverse_lazy("buendnis:aufgabe-list")),
            reihenfolge=10,
        ),
        Arbeitsposten(
            key="buendnis.ueberfaellige_aufgaben",
            titel=gettext_lazy("Überfällige Aufgaben im Bündnis"),
            zaehlen=lambda user: ueberfaellige_aufgaben(user).count(),
            eintraege=ueberfaellige_eintraege,
            alle_url=format_lazy("{}?ueberfaellig=true", reverse_lazy("buendnis:aufgabe-list")),
            reihenfolge=20,
        ),
        Arbeitsposten(
            key="buendnis.vorgeschlagene_traeger",
            titel=gettext_lazy("Vorgeschlagene Träger bestätigen"),
            zaehlen=lambda user: vorgeschlagene_traeger(user).count(),
            eintraege=vorgeschlagene_eintraege,
            alle_url=reverse_lazy("buendnis:akteur-list"),
            reihenfolge=30,
        ),
    )
