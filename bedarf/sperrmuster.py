"""The audited suppression pattern of a survey round: computed once per state of the data, stored, read everywhere.

`Rundendaten` holds the delivered figures of one round as atoms (per Kommune, as entered); `modell()` describes
everything any page, export, chart or report publishes about the round (`bedarf.audit.Modell`):

* Zielgruppe: Kommune x Aufenthaltsstatus with row totals (the Kommune's target group), column totals and the
  Bündnis total; the Bündnis figures by age band x gender, by school qualification, German level and activity
  (each adding up to the Bündnis total) and the special groups.
* Bedarf: Kommune x Bedarfskategorie with the category totals; per category Kommune x Aufenthaltsstatus with row,
  column and grand totals (the same figures as the first table's cells and totals).
* The validation rules every Meldung passed (breakdowns add up to the target group, a need is at most the people
  with that status, special groups at most the target group or its women).
Derived figures (coverage, gaps, change against the previous round) are shown only when every count behind them is
visible, and every round has its own atoms, so they add nothing the attacker could use.

The pattern is the same for every viewer: it holds against a reader who knows nothing and against every Kommune
knowing its own figures, so what different people see cannot be combined against it. A `kommune` user sees its own
row raw on pages (display only).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction

from bedarf import audit
from bedarf.models import (
    AUFSCHLUESSELUNGEN,
    Altersband,
    Bedarfskategorie,
    BesondereGruppe,
    Dimension,
    Erhebung,
    Geschlecht,
    Sperrmuster,
)
from bedarf.suppression import mindestanzahl

logger = logging.getLogger(__name__)

# Bump when the model of what is published changes: every stored pattern is then renewed.
VERSION = 1


def _stempel(inhalt: list) -> str:
    """A fingerprint of a state of the data (always with the version of the model of what is published)."""
    return hashlib.sha256(
        json.dumps([VERSION, *inhalt], separators=(",", ":"), default=str).encode()
    ).hexdigest()


@dataclass
class Rundendaten:
    """The delivered figures of one round: `werte[(kommune_id, dimension, status, merkmal, alter, geschlecht)]`."""

    erhebung_id: int
    kommunen: list[int]  # delivered Kommunen, in display order
    status: list[str]  # Aufenthaltsstatus codes shown
    kategorien: list[str]  # Bedarfskategorie codes shown
    werte: dict[tuple, int]
    k: int
    status_objekte: list = field(default_factory=list, compare=False)
    kategorie_objekte: list = field(default_factory=list, compare=False)

    def fingerabdruck(self) -> str:
        """The state of the data the pattern belongs to (figures, what is shown, k, version of the model)."""
        return _stempel([self.k, self.kommunen, self.status, self.kategorien, sorted(self.werte.items())])

    def wert(self, i: int, d: str, s: str = "", m: str = "", a: str = "", g: str = "") -> int:
        return self.werte.get((i, d, s, m, a, g), 0)


# Cell keys (also the keys pages and exports ask the pattern about) -----------------------------------------------


def zg(kommune_id: int, status: str) -> tuple:
    return ("zg", kommune_id, status)


def zg_kommune(kommune_id: int) -> tuple:
    return ("zg_k", kommune_id)


def zg_status(status: str) -> tuple:
    return ("zg_s", status)


GESAMT = ("g",)


def merkmal(dimension: str, code: str) -> tuple:
    return ("m", dimension, code)


def bedarf(kommune_id: int, kategorie: str) -> tuple:
    return ("b", kommune_id, kategorie)


def bedarf_kategorie(kategorie: str) -> tuple:
    return ("b_k", kategorie)


def bedarf_status(kommune_id: int, kategorie: str, status: str) -> tuple:
    return ("bs", kommune_id, kategorie, status)


def bedarf_kategorie_status(kategorie: str, status: str) -> tuple:
    return ("bs_s", kategorie, status)


def altersgruppen() -> list[str]:
    return [f"{a.value}|{g.value}" for a in Altersband for g in Geschlecht]


def modell(daten: Rundendaten) -> audit.Modell:
    """Everything published about the round, with the rules the figures obey."""
    m = audit.Modell(daten.k)
    # Kommunen by their position: the same figures give the same model (and pattern) whatever the ids.
    kid = daten.kommunen
    ks, ss, kats = range(len(kid)), daten.status, daten.kategorien
    Z, M, B = "Z", "M", "B"
    for i in ks:
        for s in ss:
            for a in Altersband:
                for g in Geschlecht:
                    m.atom(
                        (Z, i, s, a.value, g.value),
                        daten.wert(kid[i], Dimension.ZIELGRUPPE, s, "", a.value, g.value),
                        i,
                    )
        for d, choices in AUFSCHLUESSELUNGEN.items():
            for c in choices:
                m.atom((M, i, d.value, c.value), daten.wert(kid[i], d.value, "", c.value), i)
        for b in BesondereGruppe:
            m.atom(
                (M, i, Dimension.BESONDERE.value, b.value),
                daten.wert(kid[i], Dimension.BESONDERE, "", b.value),
                i,
            )
        for kat in kats:
            for s in ss:
                m.atom((B, i, kat, s), daten.wert(kid[i], Dimension.BEDARF, s, kat), i)

    def z_atome(i=None, s=None, a=None, g=None):
        return [
            (Z, ii, st, al.value, ge.value)
            for ii in ks
            if i is None or ii == i
            for st in ss
            if s is None or st == s
            for al in Altersband
            if a is None or al.value == a
            for ge in Geschlecht
            if g is None or ge.value == g
        ]

    # Zielgruppe: Kommune x status with all margins.
    for i in ks:
        for s in ss:
            m.zelle(zg(i, s), z_atome(i, s))
        m.zelle(zg_kommune(i), z_atome(i))
        m.linie(zg_kommune(i), [zg(i, s) for s in ss])
    for s in ss:
        m.zelle(zg_status(s), z_atome(s=s))
        m.linie(zg_status(s), [zg(i, s) for i in ks])
    m.zelle(GESAMT, z_atome())
    m.linie(GESAMT, [zg_kommune(i) for i in ks])
    m.linie(GESAMT, [zg_status(s) for s in ss])
    # Bündnis figures by age band x gender, and the breakdowns; each adds up to the Bündnis total.
    teile = []
    for ag in altersgruppen():
        a, g = ag.split("|")
        teile.append(m.zelle(merkmal(Dimension.ZIELGRUPPE.value, ag), z_atome(a=a, g=g)))
    m.linie(GESAMT, teile)
    for d, choices in AUFSCHLUESSELUNGEN.items():
        teile = [m.zelle(merkmal(d.value, c.value), [(M, i, d.value, c.value) for i in ks]) for c in choices]
        m.linie(GESAMT, teile)
        for i in ks:
            m.relation_gleich([(M, i, d.value, c.value) for c in choices], z_atome(i))
    for b in BesondereGruppe:
        m.zelle(
            merkmal(Dimension.BESONDERE.value, b.value),
            [(M, i, Dimension.BESONDERE.value, b.value) for i in ks],
        )
    for i in ks:
        m.relation_hoechstens([(M, i, Dimension.BESONDERE.value, BesondereGruppe.UMA.value)], z_atome(i))
        m.relation_hoechstens(
            [(M, i, Dimension.BESONDERE.value, BesondereGruppe.FRAUEN_KINDER.value)],
            z_atome(i, g=Geschlecht.WEIBLICH.value),
        )
    # Bedarf: Kommune x category, and per category Kommune x status.
    for kat in kats:
        for i in ks:
            m.zelle(bedarf(i, kat), [(B, i, kat, s) for s in ss])
            for s in ss:
                m.zelle(bedarf_status(i, kat, s), [(B, i, kat, s)])
                m.relation_hoechstens([(B, i, kat, s)], z_atome(i, s))
            m.linie(bedarf(i, kat), [bedarf_status(i, kat, s) for s in ss])
            m.relation_hoechstens([(B, i, kat, s) for s in ss], z_atome(i))
        for s in ss:
            m.zelle(bedarf_kategorie_status(kat, s), [(B, i, kat, s) for i in ks])
            m.linie(bedarf_kategorie_status(kat, s), [bedarf_status(i, kat, s) for i in ks])
        m.zelle(bedarf_kategorie(kat), [(B, i, kat, s) for i in ks for s in ss])
        m.linie(bedarf_kategorie(kat), [bedarf(i, kat) for i in ks])
        m.linie(bedarf_kategorie(kat), [bedarf_kategorie_status(kat, s) for s in ss])
    return m


@dataclass(frozen=True)
class Gelesen:
    """A stored pattern as pages read it: `gesperrt(key)` answers for any cell key of the round."""

    gesperrte: frozenset
    aktuell: bool  # False: the figures changed and the renewed pattern is not ready; everything is withheld

    def gesperrt(self, key: tuple) -> bool:
        return not self.aktuell or key in self.gesperrte


def _als_tupel(wert):
    return tuple(_als_tupel(x) for x in wert) if isinstance(wert, list) else wert


# Patterns already computed in this process, by the figures alone (Kommunen by position): a round whose figures
# come back unchanged (a reverted edit, the demo data built again) costs nothing.
_BERECHNET: dict[str, tuple[frozenset, audit.Muster]] = {}
_MIT_KOMMUNE = {"zg", "zg_k", "b", "bs"}


def _inhalt(daten: Rundendaten) -> str:
    nach_position = {k: i for i, k in enumerate(daten.kommunen)}
    werte = sorted(
        (nach_position[key[0]], *key[1:], n) for key, n in daten.werte.items() if key[0] in nach_position
    )
    return _stempel([daten.k, len(daten.kommunen), daten.status, daten.kategorien, werte])


def berechnen(daten: Rundendaten) -> tuple[frozenset, audit.Muster]:
    """The withheld cells of the round (keys with Kommune ids, every alias of a withheld cell) and the audit's
    account of it."""
    schluessel = _inhalt(daten)
    if schluessel not in _BERECHNET:
        m = modell(daten)
        muster = audit.sperrmuster(m)
        gesperrt = frozenset(key for key, canonical in m._alias.items() if canonical in muster.gesperrt)
        if len(_BERECHNET) > 256:
            _BERECHNET.clear()
        _BERECHNET[schluessel] = (gesperrt, muster)
    gesperrt, muster = _BERECHNET[schluessel]
    kid = daten.kommunen
    return frozenset(
        (key[0], kid[key[1]], *key[2:]) if key[0] in _MIT_KOMMUNE else key for key in gesperrt
    ), muster


def speichern(erhebung_id: int, daten: Rundendaten) -> Sperrmuster:
    """Computes the pattern of the round's current figures and stores it (once per state of the data)."""
    fingerabdruck = daten.fingerabdruck()
    vorhanden = Sperrmuster.objects.filter(erhebung_id=erhebung_id, fingerabdruck=fingerabdruck).first()
    if vorhanden is not None:
        return vorhanden
    gesperrt, muster = berechnen(daten)
    gesamt = sum(
        n for key, n in daten.werte.items() if key[1] == Dimension.ZIELGRUPPE and key[0] in daten.kommunen
    )
    try:
        with transaction.atomic():
            Sperrmuster.objects.filter(erhebung_id=erhebung_id).exclude(fingerabdruck=fingerabdruck).delete()
            return Sperrmuster.objects.create(
                erhebung_id=erhebung_id,
                fingerabdruck=fingerabdruck,
                k=daten.k,
                gesperrt=sorted(([*key] for key in gesperrt), key=repr),
                zellen=muster.zellen,
                anzahl_gesperrt=len(muster.gesperrt),
                anzahl_primaer=len(muster.primaer),
                pruefungen=muster.pruefungen,
                sekunden=round(muster.sekunden, 3),
                gesamt=gesamt,
                gesamt_gesperrt=GESAMT in gesperrt,
                stand_meldungen=meldungsstaende([erhebung_id])[erhebung_id],
            )
    except IntegrityError:  # computed at the same time by another process
        return Sperrmuster.objects.get(erhebung_id=erhebung_id, fingerabdruck=fingerabdruck)


def meldungsstaende(erhebung_ids: list[int]) -> dict[int, str]:
    """A cheap fingerprint per round of its delivered Meldungen (ids, versions, change times), for overviews that do
    not load every figure (one query); pages that show figures compare the full fingerprint."""
    from bedarf.models import Bedarfsmeldung, MeldungStatus

    zeilen: dict[int, list] = {e: [] for e in erhebung_ids}
    for erhebung_id, pk, version, geaendert in (
        Bedarfsmeldung.objects.filter(erhebung_id__in=erhebung_ids, status=MeldungStatus.ABGEGEBEN)
        .order_by("erhebung_id", "pk")
        .values_list("erhebung_id", "pk", "version", "updated_at")
    ):
        zeilen[erhebung_id].append((pk, version, geaendert.isoformat()))
    return {e: _stempel([mindestanzahl(), z]) for e, z in zeilen.items()}


def buendnis_gesamt(erhebung_ids: list[int]) -> dict[int, int | None]:
    """The Bündnis total of the target group of each round as its stored pattern publishes it (None: withheld, or
    the pattern of the current figures is not computed yet; then it is renewed in the background, one task for all
    missing rounds). Two queries and at most one enqueue, whatever the number of rounds."""
    staende = meldungsstaende(erhebung_ids)
    out: dict[int, int | None] = dict.fromkeys(erhebung_ids)
    gefunden = set()
    for erhebung_id, stand, gesamt, gesperrt in Sperrmuster.objects.filter(
        erhebung_id__in=erhebung_ids
    ).values_list("erhebung_id", "stand_meldungen", "gesamt", "gesamt_gesperrt"):
        if stand == staende[erhebung_id]:
            gefunden.add(erhebung_id)
            out[erhebung_id] = None if gesperrt else gesamt
    fehlend = [e for e in erhebung_ids if e not in gefunden]
    if not getattr(settings, "BEDARF_MUSTER_SOFORT", False):
        erneuern_lassen_alle(fehlend)
        return out
    for erhebung_id in fehlend:
        muster = erneuern(erhebung_id)
        out[erhebung_id] = None if muster is None or muster.gesamt_gesperrt else muster.gesamt
    return out


def lesen(daten: Rundendaten, *, berechnen_wenn_fehlt: bool | None = None) -> Gelesen:
    """The stored pattern of the round's current figures. When the figures changed and the renewed pattern is not
    there yet, it is renewed in the background (or here, `BEDARF_MUSTER_SOFORT`), and meanwhile every figure is
    withheld: nothing is ever published under a pattern that was not audited for exactly these figures."""
    fingerabdruck = daten.fingerabdruck()
    muster = (
        Sperrmuster.objects.filter(erhebung_id=daten.erhebung_id, fingerabdruck=fingerabdruck)
        .only("gesperrt")
        .first()
    )
    if muster is None:
        sofort = (
            getattr(settings, "BEDARF_MUSTER_SOFORT", False)
            if berechnen_wenn_fehlt is None
            else berechnen_wenn_fehlt
        )
        if sofort:
            muster = speichern(daten.erhebung_id, daten)
        else:
            erneuern_lassen(daten.erhebung_id)
            return Gelesen(gesperrte=frozenset(), aktuell=False)
    return Gelesen(gesperrte=frozenset(_als_tupel(g) for g in muster.gesperrt), aktuell=True)


def rundendaten(erhebung: Erhebung) -> Rundendaten:
    """Loads the delivered figures of a round with the lookups shown (five queries)."""
    from angebote.models import Aufenthaltsstatus
    from bedarf.models import Bedarfsmeldung, Meldewert, MeldungStatus

    meldungen = Bedarfsmeldung.objects.filter(erhebung=erhebung, status=MeldungStatus.ABGEGEBEN)
    werte: dict[tuple, int] = defaultdict(int)
    for kommune_id, d, s, m, a, g, n in Meldewert.objects.filter(meldung__in=meldungen).values_list(
        "meldung__kommune_id",
        "dimension",
        "aufenthaltsstatus",
        "merkmal",
        "altersband",
        "geschlecht",
        "anzahl",
    ):
        if n:
            werte[(kommune_id, d, s, m, a, g)] += n
    kommunen = list(meldungen.order_by("kommune__name").values_list("kommune_id", flat=True))
    codes_s = {key[2] for key in werte if key[2]}
    codes_k = {key[3] for key in werte if key[1] == Dimension.BEDARF}
    status_objekte = [
        s
        for s in Aufenthaltsstatus.objects.order_by("reihenfolge", "bezeichnung")
        if s.aktiv or s.code in codes_s
    ]
    kategorie_objekte = [
        k for k in Bedarfskategorie.objects.prefetch_related("kategorien") if k.aktiv or k.code in codes_k
    ]
    return Rundendaten(
        erhebung_id=erhebung.pk,
        kommunen=kommunen,
        status=[s.code for s in status_objekte],
        kategorien=[k.code for k in kategorie_objekte],
        werte=dict(werte),
        k=mindestanzahl(),
        status_objekte=status_objekte,
        kategorie_objekte=kategorie_objekte,
    )


def erneuern(erhebung_id: int) -> Sperrmuster | None:
    """Renews the stored pattern of one round (the background task's body)."""
    erhebung = Erhebung.objects.filter(pk=erhebung_id).first()
    if erhebung is None:
        return None
    return speichern(erhebung_id, rundendaten(erhebung))


def erneuern_lassen(erhebung_id: int) -> None:
    """Asks for the pattern of a round to be renewed after the current transaction (figures changed). With
    `BEDARF_MUSTER_SOFORT` the next read computes it instead (tests), so no request waits for an inline task."""
    if getattr(settings, "BEDARF_MUSTER_SOFORT", False):
        return
    from bedarf.tasks import sperrmuster_erneuern

    transaction.on_commit(lambda: sperrmuster_erneuern.enqueue(erhebung_id))


def erneuern_lassen_alle(erhebung_ids) -> None:
    """As `erneuern_lassen` for several rounds, with ONE background task for all of them: a page that finds many
    rounds without a current pattern (all of them after a change of the minimum size) queues one task, not one
    per round, whatever the number of rounds."""
    ids = sorted(set(erhebung_ids))
    if not ids or getattr(settings, "BEDARF_MUSTER_SOFORT", False):
        return
    from bedarf.tasks import sperrmuster_erneuern_alle

    transaction.on_commit(lambda: sperrmuster_erneuern_alle.enqueue(ids))
