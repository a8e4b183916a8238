"""Reads over the catalogue that feed analyses: places per Kommune/Kategorie/status (for the gap analysis in
`bedarf`), the Zugangsmatrix, Bildungsketten and their dead ends, the dashboard panel.

Counting rule for places: only published offers running on the reference date (`stichtag`, default today) whose
access for a status is "offen" or "mit Einschränkung" count; an offer without a number of places counts with 0
places (but as an offer). Per Kommune, an offer counts fully for every Kommune it runs in, and a *kreisweit*
offer counts fully for every Kommune of its Bündnis: per-Kommune figures answer "what can someone living here
reach", so summing them over Kommunen counts shared offers more than once. Use the Bündnis-wide figures
(`plaetze_nach_kategorie_status`, `zugangsmatrix(kommune_id=None)`) for totals.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from angebote.models import (
    ZUGAENGLICH,
    Angebot,
    AngebotStatus,
    Aufenthaltsstatus,
    Kategorie,
    Zugang,
    ZugangArt,
)
from buendnis.models import Kommune, User
from buendnis.rules import is_kommune
from buendnis.selectors import erste_und_anzahl

Zelle = tuple[int, int, int]  # (kommune_id, kategorie_id, status_id)


def _laufende(buendnis_id: int, stichtag: datetime.date | None):
    return (
        Angebot.objects.for_buendnis(buendnis_id)
        .veroeffentlicht()
        .laufend_am(stichtag or timezone.localdate())
    )


@dataclass
class Plaetze:
    """Places in published offers running on the Stichtag, by the counting rule above: kreisweit offers count for
    every Kommune of the Bündnis. Keys are Kategorie ids, Kommune ids and Aufenthaltsstatus ids."""

    kommune_kategorie_status: dict[Zelle, int]  # open to that status
    kategorie_status: dict[tuple[int, int], int]  # Bündnis-wide, each offer once
    kommune_kategorie: dict[tuple[int, int], int]  # open to at least one status, each offer once
    kategorie: dict[int, int]  # Bündnis-wide, open to at least one status, each offer once


def plaetze_im_buendnis(
    buendnis_id: int, stichtag: datetime.date | None = None, alle_kommunen: list[int] | None = None
) -> Plaetze:
    """All place figures of a Bündnis in two queries (three without `alle_kommunen`). A per-status figure cannot
    be summed over statuses without counting an offer twice, so the "any status" figures are counted per offer."""
    angebote = _laufende(buendnis_id, stichtag)
    zeilen = list(
        Zugang.objects.filter(angebot__in=angebote, art__in=ZUGAENGLICH).values_list(
            "angebot_id", "angebot__kategorie_id", "status_id", "angebot__plaetze", "angebot__kreisweit"
        )
    )
    if alle_kommunen is None:
        alle_kommunen = list(Kommune.objects.filter(buendnis_id=buendnis_id).values_list("pk", flat=True))
    orte: dict[int, list[int]] = defaultdict(list)
    for angebot_id, kommune_id in Angebot.kommunen.through.objects.filter(angebot__in=angebote).values_list(
        "angebot_id", "kommune_id"
    ):
        orte[angebot_id].append(kommune_id)
    kks: dict[Zelle, int] = defaultdict(int)
    ks: dict[tuple[int, int], int] = defaultdict(int)
    kk: dict[tuple[int, int], int] = defaultdict(int)
    k: dict[int, int] = defaultdict(int)
    gezaehlt: set[int] = set()
    for angebot_id, kategorie_id, status_id, anzahl, kreisweit in zeilen:
        anzahl = anzahl or 0
        wo = alle_kommunen if kreisweit else orte.get(angebot_id, [])
        ks[(kategorie_id, status_id)] += anzahl
        for kommune_id in wo:
            kks[(kommune_id, kategorie_id, status_id)] += anzahl
        if angebot_id not in gezaehlt:
            gezaehlt.add(angebot_id)
            k[kategorie_id] += anzahl
            for kommune_id in wo:
                kk[(kommune_id, kategorie_id)] += anzahl
    return Plaetze(dict(kks), dict(ks), dict(kk), dict(k))


def plaetze_nach_kommune_kategorie_status(
    buendnis_id: int, stichtag: datetime.date | None = None
) -> dict[Zelle, int]:
    """Places in accessible published offers per (kommune_id, kategorie_id, status_id) of one Bündnis.

    Only cells with at least one accessible offer appear (read others as 0, e.g. `result.get(key, 0)`).
    Kreisweit offers count for every Kommune of the Bündnis (see the module docstring). The offers behind a
    cell: `Angebot.objects.fuer_zelle(kommune_id=..., kategorie_id=..., status_id=..., stichtag=...)`.
    """
    return plaetze_im_buendnis(buendnis_id, stichtag).kommune_kategorie_status


def plaetze_nach_kategorie_status(
    buendnis_id: int, stichtag: datetime.date | None = None
) -> dict[tuple[int, int], int]:
    """Bündnis-wide places per (kategorie_id, status_id), each offer counted once."""
    return plaetze_im_buendnis(buendnis_id, stichtag).kategorie_status


@dataclass
class MatrixZelle:
    kategorie: Kategorie
    status: Aufenthaltsstatus
    angebote: int = 0
    plaetze: int = 0
    eingeschraenkt: int = 0
    oeffnung_moeglich: int = 0


@dataclass
class Zugangsmatrix:
    """Kategorie × Aufenthaltsstatus: accessible offers and places, and where opening is possible."""

    kategorien: list[Kategorie]
    status: list[Aufenthaltsstatus]
    zeilen: list[tuple[Kategorie, list[MatrixZelle]]] = field(default_factory=list)
    summen: list[MatrixZelle] = field(default_factory=list)
    angebote_gesamt: int = 0


def zugangsmatrix(
    *, buendnis_id: int, kommune_id: int | None = None, stichtag: datetime.date | None = None
) -> Zugangsmatrix:
    """The access matrix of a Bündnis (or of one Kommune: its own and the kreisweit offers).

    A cell counts accessible offers (offen or mit Einschränkung, the latter also shown separately), their places,
    and offers not open to the status for which "Öffnung möglich" is recorded. The sums per status add up the
    cells of the active Kategorien. Four queries; the database counts per cell (one row per Kategorie × status
    instead of one per offer and status).
    """
    angebote = _laufende(buendnis_id, stichtag)
    if kommune_id:
        angebote = angebote.in_kommune(kommune_id)
    kategorien = list(Kategorie.objects.aktiv())
    status = list(Aufenthaltsstatus.objects.aktiv())
    zellen = {(k.pk, s.pk): MatrixZelle(kategorie=k, status=s) for k in kategorien for s in status}
    summen = {s.pk: MatrixZelle(kategorie=None, status=s) for s in status}
    zugaenglich = Q(art__in=ZUGAENGLICH)
    je_zelle = (
        Zugang.objects.filter(angebot__in=angebote)
        .order_by()
        .values_list("angebot__kategorie_id", "status_id")
        .annotate(
            angebote=Count("pk", filter=zugaenglich),
            plaetze=Coalesce(Sum("angebot__plaetze", filter=zugaenglich), 0),
            eingeschraenkt=Count("pk", filter=Q(art=ZugangArt.EINGESCHRAENKT)),
            oeffnung_moeglich=Count("pk", filter=Q(oeffnung_moeglich=True) & ~Q(art=ZugangArt.OFFEN)),
        )
    )
    for kategorie_id, status_id, anzahl, plaetze, eingeschraenkt, oeffnung in je_zelle:
        zelle = zellen.get((kategorie_id, status_id))
        if zelle is None:
            continue
        for z in (zelle, summen[status_id]):
            z.angebote += anzahl
            z.plaetze += plaetze
            z.eingeschraenkt += eingeschraenkt
            z.oeffnung_moeglich += oeffnung
    matrix = Zugangsmatrix(kategorien=kategorien, status=status)
    matrix.zeilen = [(k, [zellen[(k.pk, s.pk)] for s in status]) for k in kategorien]
    matrix.summen = [summen[s.pk] for s in status]
    matrix.angebote_gesamt = angebote.count()
    return matrix


# Bildungsketten --------------------------------------------------------------------------------------------------

MAX_KETTENTIEFE = 12
# What a link of the chain shows (`angebote/_kette.html`) and `Kettenglied.ist_sackgasse` reads.
KETTENFELDER = ("titel", "status", "kategorie__bezeichnung", "kategorie__ist_ziel")


@dataclass
class Kettenglied:
    angebot: Angebot
    tiefe: int
    anschluesse: list[Kettenglied] = field(default_factory=list)
    zyklus: bool = False  # the offer already appears higher up in this chain

    @property
    def ist_sackgasse(self) -> bool:
        return not self.anschluesse and not self.zyklus and not self.angebot.kategorie.ist_ziel


def bildungskette(angebot: Angebot, angebote) -> Kettenglied:
    """The chain of Anschlussangebote from an offer, as a tree, within `angebote` (the user's scope).

    One query per level (at most `MAX_KETTENTIEFE`): the offers the level leads to, with their Kategorie, which is
    all a chain shows (title, Kategorie, status; the offer's page has the rest). A loop back into the chain is
    marked, not followed.
    """
    kanten: dict[int, list[int]] = defaultdict(list)
    objekte: dict[int, Angebot] = {angebot.pk: angebot}
    front = {angebot.pk}
    geladen: set[int] = set()
    for _tiefe in range(MAX_KETTENTIEFE):
        if not front:
            break
        geladen |= front
        # From the side of `angebote`, so the scope filters the offers directly (no subquery of the scope); only
        # the columns a chain shows (building the SQL of all of an offer's columns cost more than running it).
        naechste = list(
            angebote.filter(vorangebote__in=front)
            .annotate(von=F("vorangebote"))
            .select_related("kategorie")
            .only(*KETTENFELDER)
        )
        for a in naechste:
            objekte.setdefault(a.pk, a)
            kanten[a.von].append(a.pk)
        front = {a.pk for a in naechste} - geladen

    def baue(pk: int, tiefe: int, pfad: frozenset[int]) -> Kettenglied:
        glied = Kettenglied(angebot=objekte[pk], tiefe=tiefe)
        if tiefe >= MAX_KETTENTIEFE:
            return glied
        for nach in sorted(kanten.get(pk, []), key=lambda i: (objekte[i].titel, i)):
            if nach in pfad:
                glied.anschluesse.append(Kettenglied(angebot=objekte[nach], tiefe=tiefe + 1, zyklus=True))
            else:
                glied.anschluesse.append(baue(nach, tiefe + 1, pfad | {nach}))
        return glied

    return baue(angebot.pk, 0, frozenset({angebot.pk}))


@dataclass
class Sackgassen:
    """Where pathways end: offers without a follow-up, and Kategorie × status without any entry offer."""

    ohne_anschluss: list[Angebot]
    fehlende_einstiege: list[tuple[Kategorie, list[Aufenthaltsstatus]]]


def sackgassen(*, buendnis_id: int, stichtag: datetime.date | None = None) -> Sackgassen:
    """Dead ends of the Bündnis (avoiding "Maßnahmen-Karrieren").

    `ohne_anschluss`: published offers of a Kategorie that is no pathway goal and without any published
    Anschlussangebot. `fehlende_einstiege`: per Kategorie the statuses for which no running published offer is
    accessible, so people with that status cannot enter the Kategorie at all.
    """
    veroeffentlicht = Angebot.objects.for_buendnis(buendnis_id).veroeffentlicht()
    mit_anschluss = Angebot.anschlussangebote.through.objects.filter(
        from_angebot__in=veroeffentlicht, to_angebot__status=AngebotStatus.VEROEFFENTLICHT
    ).values("from_angebot_id")
    ohne = list(
        veroeffentlicht.filter(kategorie__ist_ziel=False)
        .exclude(pk__in=mit_anschluss)
        .select_related("traeger", "kategorie")
        .prefetch_related("kommunen")
        .order_by("kategorie__reihenfolge", "titel")
    )
    vorhanden = set(
        Zugang.objects.filter(angebot__in=_laufende(buendnis_id, stichtag), art__in=ZUGAENGLICH)
        .values_list("angebot__kategorie_id", "status_id")
        .distinct()
    )
    status = list(Aufenthaltsstatus.objects.aktiv())
    fehlend = []
    for kategorie in Kategorie.objects.aktiv():
        ohne_einstieg = [s for s in status if (kategorie.pk, s.pk) not in vorhanden]
        if ohne_einstieg:
            fehlend.append((kategorie, ohne_einstieg))
    return Sackgassen(ohne_anschluss=ohne, fehlende_einstiege=fehlend)


# Dashboard -------------------------------------------------------------------------------------------------------


def dashboard(user: User, limit: int = 8) -> dict:
    """The catalogue panel of the dashboard; a fixed number of queries whatever the data size."""
    sichtbar = Angebot.objects.visible_to(user)
    daten: dict = {"zur_pruefung": [], "veraltet": [], "eigene": [], "anzahl_zur_pruefung": 0}
    if user.has_perm("angebote.view_pruefliste"):
        zur_pruefung = sichtbar.filter(status=AngebotStatus.ZUR_PRUEFUNG)
        daten["zur_pruefung"], daten["anzahl_zur_pruefung"] = erste_und_anzahl(
            zur_pruefung.select_related("traeger").order_by("updated_at"), limit
        )
    pflege = Angebot.objects.editable_by(user) if is_kommune(user) else sichtbar
    daten["veraltet"], daten["anzahl_veraltet"] = erste_und_anzahl(
        pflege.veraltet().select_related("traeger").order_by("bestaetigt_am", "titel"), limit
    )
    if is_kommune(user):
        eigene = Angebot.objects.editable_by(user).exclude(status=AngebotStatus.ARCHIVIERT)
        daten["eigene"], daten["anzahl_eigene"] = erste_und_anzahl(eigene.order_by("-updated_at"), limit)
    daten["anzahl_veroeffentlicht"] = sichtbar.veroeffentlicht().count()
    return daten
