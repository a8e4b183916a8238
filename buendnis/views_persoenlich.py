"""Pages of one person: "Meine Aufgaben" and the personal calendar feed.

"Meine Aufgaben" gathers what every app registered as waiting for a person (`registry.arbeitsposten()`): one card
per kind with its number and the first entries.

The calendar feed is an iCalendar address that Outlook or Thunderbird fetch without signing in: a random token
in the URL is the only key, so only its hash is stored (`Kalenderabo.token_hash`), the full address is shown
once when it is made, a new address revokes the earlier ones and the person can revoke it any time. The feed
holds the person's meetings and the deadlines of the person's open tasks, nothing of anyone else.
"""

from __future__ import annotations

import datetime
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from buendnis import context_processors, ics
from buendnis.benachrichtigungen import absolute_url
from buendnis.models import (
    Aufgabe,
    Kalenderabo,
    Mitgliedschaft,
    Sitzung,
    SitzungStatus,
    User,
    token_hash,
)
from buendnis.registry import arbeitsposten
from buendnis.rules import is_koordination

EINTRAEGE_JE_KARTE = 10
# The feed reaches back this far (meetings a calendar still shows) and holds at most this many events of a kind.
FEED_RUECKBLICK = datetime.timedelta(days=90)
FEED_HOECHSTENS = 500


# "Meine Aufgaben" -------------------------------------------------------------------------------------------------


@login_required
@require_GET
def meine_aufgaben(request):
    user = request.user
    karten = []
    for posten in arbeitsposten():
        anzahl = posten.zaehlen(user)
        if anzahl:
            karten.append(
                {
                    "key": posten.key,
                    "titel": posten.titel,
                    "anzahl": anzahl,
                    "eintraege": posten.eintraege(user, EINTRAEGE_JE_KARTE),
                    "alle_url": str(posten.alle_url) if posten.alle_url else "",
                }
            )
    # The header shows the number just counted, and so do the next pages (from the cache).
    wartend = sum(k["anzahl"] for k in karten)
    context_processors.merken(user, context_processors.zahlen_berechnen(user, wartend=wartend))
    return render(request, "buendnis/meine_aufgaben.html", {"karten": karten, "anzahl_wartend": wartend})


@never_cache
@login_required
@require_GET
def navigation_zahlen(request):
    """The header's figures for `static/js/navigation.js`, when the page had none from the cache."""
    return JsonResponse(context_processors.zahlen(request.user))


# The calendar feed: services --------------------------------------------------------------------------------------


@transaction.atomic
def kalenderabo_erzeugen(*, by: User) -> str:
    """A new secret feed address for `by`; every earlier one stops working. Returns the token (shown once)."""
    kalenderabo_widerrufen(by=by)
    token = secrets.token_urlsafe(32)
    abo = Kalenderabo(benutzer=by, token_hash=token_hash(token))
    abo.full_clean()
    abo.save()
    return token


@transaction.atomic
def kalenderabo_widerrufen(*, by: User) -> int:
    """Ends every feed address of `by`; returns how many were active."""
    return Kalenderabo.objects.filter(benutzer=by, widerrufen_am__isnull=True).update(
        widerrufen_am=timezone.now()
    )


# The calendar feed: what it holds ---------------------------------------------------------------------------------


def feed_sitzungen(user: User):
    """The person's meetings, planned and held, from 90 days ago on: the coordination every meeting of its
    Bündnis, anyone else those of the Gremien its Akteur belongs to or leads."""
    qs = (
        Sitzung.objects.visible_to(user)
        .exclude(status=SitzungStatus.ABGESAGT)
        .filter(beginn__gte=timezone.now() - FEED_RUECKBLICK)
    )
    if not (is_koordination(user) and user.buendnis_id):
        if not user.akteur_id:
            return Sitzung.objects.none()
        mitglied = Mitgliedschaft.objects.filter(gremium_id=OuterRef("gremium_id"), akteur_id=user.akteur_id)
        qs = qs.filter(Q(Exists(mitglied)) | Q(gremium__leitung_id=user.akteur_id))
    return qs.select_related("gremium").order_by("beginn", "pk")


def feed_aufgaben(user: User):
    """The person's open tasks with a deadline (assigned to the person or to the person's Akteur)."""
    return (
        Aufgabe.objects.visible_to(user)
        .offen()
        .von(user)
        .filter(faellig_am__isnull=False)
        .order_by("faellig_am", "pk")
    )


def kalender_ics(user: User) -> bytes:
    events = [
        ics.sitzung_event(sitzung, url=absolute_url(sitzung.get_absolute_url()))
        for sitzung in feed_sitzungen(user)[:FEED_HOECHSTENS]
    ]
    events += [
        ics.frist_event(
            uid=f"aufgabe-{aufgabe.pk}@buendnis-koordination",
            titel=_("Frist: %(titel)s") % {"titel": aufgabe.titel},
            datum=aufgabe.faellig_am,
            beschreibung=aufgabe.beschreibung,
            url=absolute_url(aufgabe.get_absolute_url()),
        )
        for aufgabe in feed_aufgaben(user)[:FEED_HOECHSTENS]
    ]
    name = _("Bündnis-Koordination – %(name)s") % {"name": user.anzeigename()}
    return ics.kalender(events, name=name)


# The calendar feed: pages -----------------------------------------------------------------------------------------


def _kalender_seite(request, neue_adresse: str = ""):
    abo = (
        Kalenderabo.objects.filter(benutzer=request.user, widerrufen_am__isnull=True)
        .order_by("-erstellt_am")
        .first()
    )
    return render(request, "buendnis/kalender.html", {"abo": abo, "neue_adresse": neue_adresse})


@never_cache
@login_required
@require_GET
def kalender(request):
    return _kalender_seite(request)


@never_cache
@login_required
@require_POST
def kalender_erzeugen(request):
    token = kalenderabo_erzeugen(by=request.user)
    # Shown on this page only: the address cannot be read again, only replaced.
    return _kalender_seite(
        request, neue_adresse=absolute_url(reverse("buendnis:kalender-feed", args=[token]))
    )


@login_required
@require_POST
def kalender_widerrufen(request):
    if kalenderabo_widerrufen(by=request.user):
        messages.success(
            request, _("Die Kalenderadresse ist widerrufen. Kalenderprogramme erhalten nichts mehr.")
        )
    else:
        messages.info(request, _("Es gab keine aktive Kalenderadresse."))
    return redirect("buendnis:kalender")


def kalender_feed(request, token: str):
    """The feed for calendar programs: no sign-in, the token is the key; unknown or revoked → 404 (whatever the
    method, so a probe learns nothing), then only GET and HEAD."""
    abo = (
        Kalenderabo.objects.filter(token_hash=token_hash(token), widerrufen_am__isnull=True)
        .select_related("benutzer")
        .first()
    )
    if abo is None or not abo.benutzer.is_active:
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    inhalt = kalender_ics(abo.benutzer)
    Kalenderabo.objects.filter(pk=abo.pk).update(zuletzt_abgerufen=timezone.now())
    response = HttpResponse(inhalt, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="buendnis-kalender.ics"'
    return response
