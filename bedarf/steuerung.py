"""What the needs analysis contributes to steering: the figures an indicator of a target can be computed from
(survey delivered by the Kommunen, open gaps), the measured state of the core-group tasks "Bedarfserhebung" and
"Datenlage", and the Land's columns "Erhebung abgegeben" and "offene Lücken".

Registered from `BedarfConfig.ready()`. Every function takes a list of Bündnis ids and runs a fixed number of
grouped queries, whatever their number.

"As it stood on the Stichtag": a round counts once its entry has begun (`eingabe_von`), as closed once it was
closed (`abgeschlossen_am`; a closed round without that date counts as closed all along); a report counts as
delivered from `abgegeben_am`. The Kommunen of a Bündnis are the current ones (they carry no date of joining the
alliance).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from angebote.models import ZUGAENGLICH, Angebot, Zugang
from bedarf import sperrmuster
from bedarf.models import (
    Bedarfskategorie,
    Datenluecke,
    Dimension,
    Erhebung,
    ErhebungStatus,
    Meldewert,
    MeldungStatus,
    Sperrmuster,
)
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
from buendnis.steuerung import anteil, anzahl_je_buendnis, kommunen_je_buendnis, prozent, tagesende, von_text

# The data situation counts as improved once a closed round was delivered by at least this share of the Kommunen.
DATENLAGE_ANTEIL = Decimal("0.75")


@dataclass
class Lieferstand:
    """A survey round and how many of the Bündnis's Kommunen had delivered it on the Stichtag."""

    erhebung: Erhebung
    abgegeben: int
    kommunen: int
    abgeschlossen: bool  # closed by the Stichtag

    @property
    def anteil(self) -> Decimal | None:
        return anteil(self.abgegeben, self.kommunen)

    @property
    def text(self) -> str:
        return _("%(von)s Kommunen haben die Erhebung „%(titel)s“ abgegeben.") % {
            "von": von_text(self.abgegeben, self.kommunen),
            "titel": self.erhebung.titel,
        }

    @property
    def url(self) -> str:
        return reverse("bedarf:erhebung-detail", args=[self.erhebung.pk])


@dataclass
class Runden:
    """The latest round begun by the Stichtag, and the latest one closed by then (None where there is none)."""

    letzte: Lieferstand | None = None
    abgeschlossen: Lieferstand | None = None


def runden(buendnis_ids: list[int], stichtag: datetime.date) -> dict[int, Runden]:
    """Per Bündnis the latest round (by its Stichtag) begun by the Stichtag and the latest one closed by then,
    each with its deliveries then. Two queries."""
    ende = tagesende(stichtag)
    abgegeben = Q(meldungen__status=MeldungStatus.ABGEGEBEN) & (
        Q(meldungen__abgegeben_am__isnull=True) | Q(meldungen__abgegeben_am__lt=ende)
    )
    kommunen = kommunen_je_buendnis(buendnis_ids)
    ergebnis = {bid: Runden() for bid in buendnis_ids}
    for e in (
        Erhebung.objects.filter(buendnis_id__in=buendnis_ids, eingabe_von__lte=stichtag)
        .annotate(abgegeben=Count("meldungen", filter=abgegeben))
        .only("pk", "buendnis_id", "titel", "stichtag", "status", "abgeschlossen_am")
        .order_by("buendnis_id", "-stichtag", "-pk")
    ):
        geschlossen = e.status == ErhebungStatus.ABGESCHLOSSEN and (
            e.abgeschlossen_am is None or e.abgeschlossen_am < ende
        )
        stand = Lieferstand(e, e.abgegeben, kommunen.get(e.buendnis_id, 0), geschlossen)
        r = ergebnis[e.buendnis_id]
        if r.letzte is None:
            r.letzte = stand
        if geschlossen and r.abgeschlossen is None:
            r.abgeschlossen = stand
    return ergebnis


# Open gaps, as the gap analysis counts them ------------------------------------------------------------------------


def _muster(erhebung_ids: list[int]) -> dict[int, sperrmuster.Gelesen]:
    """The stored small-number pattern of each round's current reports (two queries); a round whose pattern is
    not computed yet withholds everything meanwhile and is renewed (here with `BEDARF_MUSTER_SOFORT`), the missing
    rounds by one background task."""
    staende = sperrmuster.meldungsstaende(erhebung_ids)
    gelesen = {
        eid: sperrmuster.Gelesen(frozenset(tuple(key) for key in gesperrt), aktuell=True)
        for eid, stand, gesperrt in Sperrmuster.objects.filter(erhebung_id__in=erhebung_ids).values_list(
            "erhebung_id", "stand_meldungen", "gesperrt"
        )
        if stand == staende[eid]
    }
    fehlend = [eid for eid in erhebung_ids if eid not in gelesen]
    zu_erneuern = []
    for eid in fehlend:
        neu = sperrmuster.erneuern(eid) if getattr(settings, "BEDARF_MUSTER_SOFORT", False) else None
        if neu is None:
            zu_erneuern.append(eid)
            gelesen[eid] = sperrmuster.Gelesen(frozenset(), aktuell=False)
        else:
            gelesen[eid] = sperrmuster.Gelesen(frozenset(tuple(key) for key in neu.gesperrt), aktuell=True)
    sperrmuster.erneuern_lassen_alle(zu_erneuern)  # one task for all of them
    return gelesen


def _plaetze(runden_je_buendnis: dict[int, Erhebung]) -> dict[int, dict[tuple[int, int], int]]:
    """Places per (Kommune, Kategorie) of each Bündnis in published offers running on its round's Stichtag and
    open to at least one status, each offer once; a kreisweit offer under Kommune 0 (it counts for every Kommune).
    The counting rule of `angebote.selectors.plaetze_im_buendnis`. Two queries."""
    je_stichtag: dict[datetime.date, list[int]] = defaultdict(list)
    for bid, e in runden_je_buendnis.items():
        je_stichtag[e.stichtag].append(bid)
    angebote = Angebot.objects.none()
    for tag, bids in je_stichtag.items():
        angebote |= Angebot.objects.filter(buendnis_id__in=bids).veroeffentlicht().laufend_am(tag)
    angebote = angebote.filter(Exists(Zugang.objects.filter(angebot_id=OuterRef("pk"), art__in=ZUGAENGLICH)))
    zeilen = list(angebote.values_list("pk", "buendnis_id", "kategorie_id", "plaetze", "kreisweit"))
    orte: dict[int, list[int]] = defaultdict(list)
    for angebot_id, kommune_id in Angebot.kommunen.through.objects.filter(
        angebot_id__in=[z[0] for z in zeilen if not z[4]]
    ).values_list("angebot_id", "kommune_id"):
        orte[angebot_id].append(kommune_id)
    plaetze: dict[int, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    for pk, bid, kategorie_id, anzahl, kreisweit in zeilen:
        for kommune_id in [0] if kreisweit else orte.get(pk, []):
            plaetze[bid][(kommune_id, kategorie_id)] += anzahl or 0
    return plaetze


def offene_luecken(
    buendnis_ids: list[int], stichtag: datetime.date
) -> dict[int, tuple[Erhebung, int | None]]:
    """Open gaps of each Bündnis's latest round closed by the Stichtag, counted as its gap analysis shows them:
    the cells Kommune × Bedarfskategorie whose need is shown (not withheld by the round's small-number pattern)
    and exceeds the places in published offers of the matching categories running on the round's Stichtag (in
    the Kommune or kreisweit). None while the round's pattern is being computed. Bündnisse without a closed round
    are left out. Eight queries.

    The round's figures are final once it is closed; the places are those of the offers published today, as the
    gap analysis shows the round today."""
    geschlossen = {
        bid: r.abgeschlossen.erhebung for bid, r in runden(buendnis_ids, stichtag).items() if r.abgeschlossen
    }
    if not geschlossen:
        return {}
    runde_von = {e.pk: bid for bid, e in geschlossen.items()}
    muster = _muster(list(runde_von))
    bedarf = (
        Meldewert.objects.filter(
            meldung__erhebung_id__in=list(runde_von),
            meldung__status=MeldungStatus.ABGEGEBEN,
            dimension=Dimension.BEDARF,
        )
        .values("meldung__erhebung_id", "meldung__kommune_id", "merkmal")
        .annotate(n=Sum("anzahl"))
        .values_list("meldung__erhebung_id", "meldung__kommune_id", "merkmal", "n")
        .order_by()
    )
    passend: dict[str, list[int]] = defaultdict(list)
    for code, kategorie_id in Bedarfskategorie.objects.values_list("code", "kategorien__id"):
        passend[code] += [kategorie_id] if kategorie_id else []
    plaetze = _plaetze(geschlossen)
    luecken: dict[int, int] = defaultdict(int)
    for eid, kommune_id, code, n in bedarf:
        if not n or code not in passend or muster[eid].gesperrt(sperrmuster.bedarf(kommune_id, code)):
            continue
        p = plaetze.get(runde_von[eid], {})
        angebot = sum(p.get((kommune_id, k), 0) + p.get((0, k), 0) for k in passend[code])
        if n - angebot > 0:
            luecken[eid] += 1
    return {bid: (e, luecken[e.pk] if muster[e.pk].aktuell else None) for bid, e in geschlossen.items()}


# Indicator sources -------------------------------------------------------------------------------------------------


def erhebung_abgegeben(buendnis_ids: list[int], stichtag: datetime.date, parameter: str) -> dict:
    """The share (percent) of the Bündnis's Kommunen that had delivered the latest round begun by the Stichtag.
    Two queries."""
    return {
        bid: prozent(r.letzte.abgegeben, r.letzte.kommunen) if r.letzte else None
        for bid, r in runden(buendnis_ids, stichtag).items()
    }


def luecken_zahl(buendnis_ids: list[int], stichtag: datetime.date, parameter: str) -> dict:
    """Open gaps of the latest round closed by the Stichtag (`offene_luecken`)."""
    gezaehlt = offene_luecken(buendnis_ids, stichtag)
    werte: dict[int, Decimal | None] = dict.fromkeys(buendnis_ids)
    for bid, (_e, n) in gezaehlt.items():
        werte[bid] = None if n is None else Decimal(n)
    return werte


QUELLEN = [
    Indikatorquelle(
        key="bedarf.erhebung_abgegeben",
        label=gettext_lazy("Erhebung abgegeben (Anteil der Kommunen)"),
        einheit="%",
        werte=erhebung_abgegeben,
        reihenfolge=20,
        erklaerung=gettext_lazy(
            "Anteil der Kommunen des Bündnisses in Prozent, die die letzte Erhebung abgegeben hatten: die "
            "Erhebung mit dem spätesten Erhebungsstichtag, deren Eingabe bis zum Stichtag begonnen hat; "
            "abgegebene Meldungen zählen ab ihrem Abgabedatum. Ohne Erhebung kein Wert."
        ),
    ),
    Indikatorquelle(
        key="bedarf.offene_luecken",
        label=gettext_lazy("Offene Angebotslücken"),
        einheit=gettext_lazy("Lücken"),
        werte=luecken_zahl,
        reihenfolge=21,
        erklaerung=gettext_lazy(
            "Anzahl der Felder Kommune × Bedarfskategorie der letzten bis zum Stichtag abgeschlossenen "
            "Erhebung, in denen der Bedarf die Plätze übersteigt, wie die Lückenanalyse sie zeigt: Plätze in "
            "veröffentlichten Angeboten der passenden Kategorien, die am Erhebungsstichtag in der Kommune oder "
            "kreisweit laufen und mindestens einem Aufenthaltsstatus offenstehen. Felder, deren Bedarf zum "
            "Schutz kleiner Fallzahlen gesperrt ist, zählen nicht. Ohne abgeschlossene Erhebung kein Wert."
        ),
    ),
]


# The nine tasks ---------------------------------------------------------------------------------------------------


def _datenluecken(buendnis_ids: list[int], stichtag: datetime.date) -> dict[int, int]:
    """Data gaps proposed by the Stichtag, per Bündnis. One query."""
    return anzahl_je_buendnis(
        Datenluecke.objects.filter(buendnis_id__in=buendnis_ids, created_at__lt=tagesende(stichtag))
    )


def _bedarfserhebung(r: Runden) -> Kernaufgabenstand:
    if r.abgeschlossen:
        e = r.abgeschlossen.erhebung
        return Kernaufgabenstand(
            Stand.ERFUELLT,
            _("Erhebung „%(titel)s“ (Stichtag %(datum)s) abgeschlossen.")
            % {"titel": e.titel, "datum": inhalt.datum(e.stichtag)},
            r.abgeschlossen.url,
        )
    if r.letzte:
        return Kernaufgabenstand(
            Stand.BEGONNEN,
            _("Erhebung „%(titel)s“ läuft: %(von)s Kommunen haben abgegeben.")
            % {"titel": r.letzte.erhebung.titel, "von": von_text(r.letzte.abgegeben, r.letzte.kommunen)},
            r.letzte.url,
        )
    return Kernaufgabenstand(Stand.OFFEN, _("Noch keine Erhebung begonnen."), reverse("bedarf:erhebung-list"))


def _datenlage(r: Runden, datenluecken: int) -> Kernaufgabenstand:
    g = r.abgeschlossen
    if g and g.anteil is not None and g.anteil >= DATENLAGE_ANTEIL:
        return Kernaufgabenstand(Stand.ERFUELLT, g.text, g.url)
    teile, url = [], ""
    for stand in (r.letzte, g):
        if stand and stand.abgegeben and stand.text not in teile:
            teile.append(stand.text)
            url = url or stand.url
    if datenluecken:
        teile.append(
            ngettext(
                "%(n)s Datenlücke für künftige Erhebungen erfasst.",
                "%(n)s Datenlücken für künftige Erhebungen erfasst.",
                datenluecken,
            )
            % {"n": inhalt.zahl(datenluecken)}
        )
        url = url or reverse("bedarf:datenluecke-list")
    if teile:
        return Kernaufgabenstand(Stand.BEGONNEN, " ".join(teile), url)
    return Kernaufgabenstand(Stand.OFFEN, _("Noch keine Meldung abgegeben und keine Datenlücke erfasst."))


def kernaufgaben_messen(
    buendnis_ids: list[int], stichtag: datetime.date
) -> dict[int, dict[str, Kernaufgabenstand]]:
    """Per Bündnis on the Stichtag:

    - Koordinierung der Erhebung: a closed round fulfils it, a round whose entry has begun begins it.
    - Datenlage verbessern: a closed round delivered by at least 75 % of the Kommunen fulfils it; any delivered
      report or a proposed data gap begins it.

    Three queries."""
    alle = runden(buendnis_ids, stichtag)
    luecken = _datenluecken(buendnis_ids, stichtag)
    return {
        bid: {
            Kernaufgabe.BEDARFSERHEBUNG.value: _bedarfserhebung(alle[bid]),
            Kernaufgabe.DATENLAGE.value: _datenlage(alle[bid], luecken.get(bid, 0)),
        }
        for bid in buendnis_ids
    }


# The Land's columns -----------------------------------------------------------------------------------------------


def land_erhebung_abgegeben(buendnis_ids: list[int]) -> dict[int, Landwert]:
    """ "x von y" Kommunen that delivered the latest round begun by today. Two queries."""
    werte = {}
    for bid, r in runden(buendnis_ids, timezone.localdate()).items():
        if r.letzte is None:
            werte[bid] = Landwert(_("keine Erhebung"))
            continue
        a = r.letzte.anteil
        werte[bid] = Landwert(von_text(r.letzte.abgegeben, r.letzte.kommunen), a, a, r.letzte.url)
    return werte


def land_offene_luecken(buendnis_ids: list[int]) -> dict[int, Landwert]:
    """Open gaps of the latest closed round (`offene_luecken`)."""
    gezaehlt = offene_luecken(buendnis_ids, timezone.localdate())
    werte = {}
    for bid in buendnis_ids:
        if bid not in gezaehlt:
            werte[bid] = Landwert(_("keine abgeschlossene Erhebung"))
            continue
        e, n = gezaehlt[bid]
        url = reverse("bedarf:luecken", args=[e.pk])
        werte[bid] = (
            Landwert(_("wird berechnet"), url=url) if n is None else Landwert(inhalt.zahl(n), n, url=url)
        )
    return werte


LANDKENNZAHLEN = [
    Landkennzahl(
        key="erhebung_abgegeben",
        label=gettext_lazy("Erhebung abgegeben"),
        app_label="bedarf",
        werte=land_erhebung_abgegeben,
        reihenfolge=20,
        erklaerung=gettext_lazy(
            "Wie viele Kommunen des Bündnisses die letzte Erhebung (spätester Erhebungsstichtag unter den "
            "Erhebungen, deren Eingabe begonnen hat) abgegeben haben, von allen Kommunen des Bündnisses."
        ),
    ),
    Landkennzahl(
        key="offene_luecken",
        label=gettext_lazy("Offene Lücken"),
        app_label="bedarf",
        werte=land_offene_luecken,
        reihenfolge=21,
        erklaerung=gettext_lazy(
            "Anzahl der Angebotslücken der letzten abgeschlossenen Erhebung, wie die Lückenanalyse sie zeigt: "
            "Felder Kommune × Bedarfskategorie, in denen der Bedarf die Plätze in passenden veröffentlichten "
            "Angeboten übersteigt; zum Schutz kleiner Fallzahlen gesperrte Felder zählen nicht."
        ),
    ),
]


def registrieren() -> None:
    """Called from `BedarfConfig.ready()`."""
    register_indikatorquelle(*QUELLEN)
    register_kernaufgabenmessung("bedarf", kernaufgaben_messen)
    register_landkennzahl(*LANDKENNZAHLEN)
