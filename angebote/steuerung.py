"""What the offer catalogue contributes to steering: the figures an indicator of a target can be computed from
(offers open to Geduldete, published offers; each per Kategorie), the measured state of the core-group tasks
"Transparenz" and "Angebotsplanung", and the Land's column "veröffentlichte Angebote".

Registered from `AngeboteConfig.ready()`. Every function takes a list of Bündnis ids and runs a fixed number of
grouped queries, whatever their number.

The status of an offer on a past Stichtag is read from its workflow log (`Statuswechsel`): the state it was
moved to last on or before the Stichtag, else the state the first later step started from, else its current
state; an offer recorded after the Stichtag (saved, or its first workflow step, whichever is earlier) did not
exist then. From today on the current state counts.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from angebote.models import ZUGAENGLICH, Angebot, AngebotStatus, Kategorie, Statuswechsel, Zugang
from buendnis import inhalt
from buendnis.choices import Kernaufgabe
from buendnis.registry import (
    Indikatorquelle,
    Kernaufgabenstand,
    Landkennzahl,
    Landwert,
    Stand,
    register_indikatorquelle,
    register_kernaufgabenmessung,
    register_landkennzahl,
)
from buendnis.steuerung import anzahl_je_buendnis, monate_vorher, tagesende

# "Geduldete": the residence status Duldung (§ 60a AufenthG) of the access matrix.
DULDUNG = "duldung"
# Offers recorded within this many months before the Stichtag count as planning of local offers.
PLANUNG_MONATE = 12


def status_am(stichtag: datetime.date):
    """An expression for the state of an offer on the Stichtag (see the module docstring)."""
    if stichtag >= timezone.localdate():
        return F("status")
    ende = tagesende(stichtag)
    wechsel = Statuswechsel.objects.filter(angebot_id=OuterRef("pk"))
    zuletzt = wechsel.filter(zeitpunkt__lt=ende).order_by("-zeitpunkt", "-pk").values("nach")[:1]
    danach = wechsel.filter(zeitpunkt__gte=ende).order_by("zeitpunkt", "pk").values("von")[:1]
    return Coalesce(Subquery(zuletzt), Subquery(danach), F("status"), output_field=CharField())


def erfasst_vor(zeitpunkt: datetime.datetime) -> Q:
    """Offers recorded before `zeitpunkt`: saved before it, or with a workflow step before it (offers written in
    bulk with their history carry an older log than their row)."""
    frueher = Statuswechsel.objects.filter(angebot_id=OuterRef("pk"), zeitpunkt__lt=zeitpunkt)
    return Q(created_at__lt=zeitpunkt) | Exists(frueher)


def angebote_am(buendnis_ids: list[int], stichtag: datetime.date):
    """The offers of the Bündnisse recorded by the Stichtag (`erfasst_vor`), annotated with their state then
    (`status_am`)."""
    qs = Angebot.objects.filter(buendnis_id__in=buendnis_ids)
    if stichtag < timezone.localdate():
        qs = qs.filter(erfasst_vor(tagesende(stichtag)))
    return qs.annotate(status_am=status_am(stichtag))


def veroeffentlicht_am(buendnis_ids: list[int], stichtag: datetime.date, parameter: str):
    """The offers published on the Stichtag, of one Kategorie (`parameter`, its code) or all ("")."""
    qs = angebote_am(buendnis_ids, stichtag).filter(status_am=AngebotStatus.VEROEFFENTLICHT)
    return qs.filter(kategorie__code=parameter) if parameter else qs


def _je_buendnis(buendnis_ids: list[int], queryset) -> dict[int, Decimal | None]:
    gezaehlt = anzahl_je_buendnis(queryset)
    return {bid: Decimal(gezaehlt.get(bid, 0)) for bid in buendnis_ids}


# Indicator sources -------------------------------------------------------------------------------------------------


def offen_fuer_geduldete(buendnis_ids: list[int], stichtag: datetime.date, parameter: str) -> dict:
    """Published offers running on the Stichtag that are open (or open with a condition) to people with a
    Duldung, of one Kategorie (`parameter`, its code) or all. One query."""
    duldung = Zugang.objects.filter(angebot_id=OuterRef("pk"), status__code=DULDUNG, art__in=ZUGAENGLICH)
    angebote = (
        veroeffentlicht_am(buendnis_ids, stichtag, parameter).laufend_am(stichtag).filter(Exists(duldung))
    )
    return _je_buendnis(buendnis_ids, angebote)


def veroeffentlichte(buendnis_ids: list[int], stichtag: datetime.date, parameter: str) -> dict:
    """Offers published in the catalogue on the Stichtag, of one Kategorie (`parameter`, its code) or all. One
    query."""
    return _je_buendnis(buendnis_ids, veroeffentlicht_am(buendnis_ids, stichtag, parameter))


def kategorien() -> list[tuple[str, str]]:
    """The values that narrow a figure to one Kategorie of offers (its code); "" (no narrowing) counts all."""
    return list(Kategorie.objects.aktiv().values_list("code", "bezeichnung"))


QUELLEN = [
    Indikatorquelle(
        key="angebote.geduldete",
        label=gettext_lazy("Angebote, die Geduldeten offenstehen"),
        einheit=gettext_lazy("Angebote"),
        werte=offen_fuer_geduldete,
        parameter_auswahl=kategorien,
        reihenfolge=30,
        erklaerung=gettext_lazy(
            "Anzahl der Angebote des Bündnisses, die am Stichtag veröffentlicht waren, an ihm liefen (Beginn und "
            "Ende, laufender Einstieg) und für den Aufenthaltsstatus „Duldung“ (§ 60a AufenthG) als „offen“ "
            "oder „mit Einschränkung“ erfasst sind; mit Einschränkung auf eine Kategorie nur Angebote dieser "
            "Kategorie. Wie in der Zugangsmatrix. Der Stand am Stichtag folgt aus dem Verlauf der "
            "Statuswechsel."
        ),
    ),
    Indikatorquelle(
        key="angebote.veroeffentlicht",
        label=gettext_lazy("Veröffentlichte Angebote im Katalog"),
        einheit=gettext_lazy("Angebote"),
        werte=veroeffentlichte,
        parameter_auswahl=kategorien,
        reihenfolge=31,
        erklaerung=gettext_lazy(
            "Anzahl der Angebote des Bündnisses, die am Stichtag im Angebotskatalog veröffentlicht waren "
            "(unabhängig von Beginn und Ende); mit Einschränkung auf eine Kategorie nur Angebote dieser "
            "Kategorie. Der Stand am Stichtag folgt aus dem Verlauf der Statuswechsel."
        ),
    ),
]


# The nine tasks ---------------------------------------------------------------------------------------------------


def _liste(buendnis_id: int, **filter_) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"buendnis": buendnis_id, **filter_}.items())
    return f"{reverse('angebote:angebot-list')}?{query}"


def kernaufgaben_messen(
    buendnis_ids: list[int], stichtag: datetime.date
) -> dict[int, dict[str, Kernaufgabenstand]]:
    """Per Bündnis on the Stichtag:

    - Transparenz über Angebote: published offers fulfil it, offers awaiting review begin it.
    - Planung von lokalen Angeboten: offers recorded in the twelve months before the Stichtag begin it (the
      funding app measures approved applications).

    One query."""
    seit = tagesende(monate_vorher(stichtag, PLANUNG_MONATE))
    zaehler: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for bid, status, n, neu in (
        angebote_am(buendnis_ids, stichtag)
        .values("buendnis_id", "status_am")
        .annotate(n=Count("pk"), neu=Count("pk", filter=~erfasst_vor(seit)))
        .values_list("buendnis_id", "status_am", "n", "neu")
        .order_by()
    ):
        zaehler[bid][status] += n
        zaehler[bid]["neu"] += neu
    ergebnis = {}
    for bid in buendnis_ids:
        z = zaehler.get(bid, {})
        veroeffentlicht = z.get(AngebotStatus.VEROEFFENTLICHT, 0)
        in_pruefung = z.get(AngebotStatus.ZUR_PRUEFUNG, 0)
        neu = z.get("neu", 0)
        if veroeffentlicht:
            transparenz = Kernaufgabenstand(
                Stand.ERFUELLT,
                ngettext("%(n)s Angebot veröffentlicht.", "%(n)s Angebote veröffentlicht.", veroeffentlicht)
                % {"n": inhalt.zahl(veroeffentlicht)},
                _liste(bid, status=AngebotStatus.VEROEFFENTLICHT),
            )
        elif in_pruefung:
            transparenz = Kernaufgabenstand(
                Stand.BEGONNEN,
                ngettext(
                    "%(n)s Angebot zur Prüfung eingereicht, noch keines veröffentlicht.",
                    "%(n)s Angebote zur Prüfung eingereicht, noch keines veröffentlicht.",
                    in_pruefung,
                )
                % {"n": inhalt.zahl(in_pruefung)},
                _liste(bid, status=AngebotStatus.ZUR_PRUEFUNG),
            )
        else:
            transparenz = Kernaufgabenstand(
                Stand.OFFEN, _("Noch kein Angebot veröffentlicht oder eingereicht.")
            )
        if neu:
            planung = Kernaufgabenstand(
                Stand.BEGONNEN,
                ngettext(
                    "%(n)s Angebot in den %(m)s Monaten vor dem Stichtag angelegt.",
                    "%(n)s Angebote in den %(m)s Monaten vor dem Stichtag angelegt.",
                    neu,
                )
                % {"n": inhalt.zahl(neu), "m": PLANUNG_MONATE},
                _liste(bid, sortierung="-geaendert"),
            )
        else:
            planung = Kernaufgabenstand(
                Stand.OFFEN,
                _("In den %(m)s Monaten vor dem Stichtag wurde kein Angebot angelegt.")
                % {"m": PLANUNG_MONATE},
            )
        ergebnis[bid] = {
            Kernaufgabe.TRANSPARENZ.value: transparenz,
            Kernaufgabe.ANGEBOTSPLANUNG.value: planung,
        }
    return ergebnis


# The Land's column ------------------------------------------------------------------------------------------------


def land_veroeffentlicht(buendnis_ids: list[int]) -> dict[int, Landwert]:
    """Offers published in the catalogue today. One query."""
    werte = veroeffentlichte(buendnis_ids, timezone.localdate(), "")
    return {
        bid: Landwert(inhalt.zahl(n), int(n), url=_liste(bid, status=AngebotStatus.VEROEFFENTLICHT))
        for bid, n in werte.items()
    }


LANDKENNZAHLEN = [
    Landkennzahl(
        key="angebote_veroeffentlicht",
        label=gettext_lazy("Veröffentlichte Angebote"),
        app_label="angebote",
        werte=land_veroeffentlicht,
        reihenfolge=30,
        erklaerung=gettext_lazy(
            "Anzahl der Angebote des Bündnisses, die heute im Angebotskatalog veröffentlicht sind."
        ),
    ),
]


def registrieren() -> None:
    """Called from `AngeboteConfig.ready()`."""
    register_indikatorquelle(*QUELLEN)
    register_kernaufgabenmessung("angebote", kernaufgaben_messen)
    register_landkennzahl(*LANDKENNZAHLEN)
