"""Audited cell suppression: which published figures must be withheld so that an attacker with an integer solver
learns nothing about a small number of people.

Pure Python over plain data, no Django models. The needs analysis (`bedarf.sperrmuster`), the monitoring and case
counts of the funding app and any small table (`bedarf.suppression.schuetze_tabelle`) describe what they publish
as a `Modell`; `sperrmuster()` returns the withheld cells.

The model
---------
* **Atoms** are the counts as entered (e.g. Kommune i, status s, age band a, gender g), each owned by the respondent
  that entered it (a Kommune) or by nobody. Atoms are never published themselves.
* **Cells** are the published figures, each the sum of some atoms. A figure that appears in several tables (a
  row total here, a cell there) is one cell: two cells over the same atoms are the same cell.
* **Relations** are what every reader knows besides the figures: the validation rules the data had to pass
  (each breakdown adds up to the Kommune's target group, a need is at most the people with that status ...).
* **Lines** (total = parts) only guide the choice of further cells to withhold; the audit does not rely on them.

The attacker
------------
Knows the rule and this model, sees every published figure, and either knows nothing else ("public") or is one
respondent knowing all of its own atoms raw. It also knows what a visible figure says by the rule itself: it is not
from 1 to k-1, and for every respondent the rest of a visible figure beyond that respondent's own part is not from
1 to k-1 either (otherwise it would have been withheld). All of that goes into an integer program (HiGHS).

The guarantee
-------------
For every attacker and every withheld cell, the part of the cell the attacker does not own can be 0 and can be at
least k in solutions consistent with everything it knows: it can tell neither the value, nor that the value is
small, nor that it is not zero. Cells are withheld when they are small (primary: 1..k-1 in total, or in the rest
beyond any one respondent's part), then further cells are added, fewest persons first and deterministically,
until the audit holds. Withholding a cell only removes knowledge, so a cell once proven safe stays safe while
more cells are withheld; the audit only re-checks what is new.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import highspy
import numpy

# Upper bound of one atom: the entry forms refuse more than this (bedarf.raster.HOECHSTANZAHL).
OBERGRENZE = 999_999
# Solver time per check; a check that does not finish counts as "not proven safe" (more is withheld).
ZEITLIMIT_SEKUNDEN = 20.0

PUBLIC = None

logger = logging.getLogger(__name__)  # the attacker who owns nothing


@dataclass(frozen=True)
class Zelle:
    key: Hashable
    atome: frozenset
    wert: int
    eigentuemer: frozenset  # respondents owning at least one atom of the cell


@dataclass
class Muster:
    """A suppression pattern: the withheld cells (canonical keys), which of them are primary, and its cost."""

    gesperrt: frozenset
    primaer: frozenset
    zellen: int
    pruefungen: int = 0
    sekunden: float = 0.0
    vollstaendig: bool = True  # False: the audit could not be satisfied and everything is withheld


class Modell:
    """What a reader gets for one unit of publication (one survey round, one monitoring table ...)."""

    def __init__(self, k: int, *, obergrenze: int = OBERGRENZE) -> None:
        if k < 1:
            raise ValueError("k must be at least 1.")
        self.k = k
        self.obergrenze = obergrenze
        self.atome: dict[Hashable, tuple[int, Hashable]] = {}
        self.zellen: dict[Hashable, Zelle] = {}
        self._nach_atomen: dict[frozenset, Hashable] = {}
        self._alias: dict[Hashable, Hashable] = {}
        self.gleich: list[tuple[tuple, tuple]] = []
        self.hoechstens: list[tuple[tuple, tuple]] = []
        self.linien: list[tuple[Hashable, tuple]] = []

    # Building ---------------------------------------------------------------------------------------------------

    def atom(self, key: Hashable, wert: int, eigentuemer: Hashable = None) -> Hashable:
        if not isinstance(wert, int) or isinstance(wert, bool) or wert < 0 or wert > self.obergrenze:
            raise ValueError(f"Atom {key!r}: counts are integers from 0 to {self.obergrenze}.")
        if key in self.atome:
            raise ValueError(f"Atom {key!r} defined twice.")
        self.atome[key] = (wert, eigentuemer)
        return key

    def zelle(self, key: Hashable, atome: Iterable[Hashable]) -> Hashable:
        """A published figure, the sum of `atome`. Returns the canonical key (an earlier cell over the same atoms)."""
        menge = frozenset(atome)
        unbekannt = [a for a in menge if a not in self.atome]
        if unbekannt:
            raise ValueError(f"Cell {key!r} uses undefined atoms {unbekannt[:3]!r}.")
        if key in self._alias:
            if self._alias[key] != self._nach_atomen.get(menge):
                raise ValueError(f"Cell {key!r} defined twice with different atoms.")
            return self._alias[key]
        canonical = self._nach_atomen.get(menge)
        if canonical is None:
            canonical = key
            self._nach_atomen[menge] = key
            wert = sum(self.atome[a][0] for a in menge)
            owners = frozenset(self.atome[a][1] for a in menge if self.atome[a][1] is not None)
            self.zellen[key] = Zelle(key=key, atome=menge, wert=wert, eigentuemer=owners)
        self._alias[key] = canonical
        return canonical

    def kanonisch(self, key: Hashable) -> Hashable:
        return self._alias[key]

    def relation_gleich(self, links: Iterable[Hashable], rechts: Iterable[Hashable]) -> None:
        """A rule every reader knows: the atoms on the left add up to those on the right."""
        self.gleich.append((tuple(links), tuple(rechts)))

    def relation_hoechstens(self, links: Iterable[Hashable], rechts: Iterable[Hashable]) -> None:
        """A rule every reader knows: the atoms on the left add up to at most those on the right."""
        self.hoechstens.append((tuple(links), tuple(rechts)))

    def linie(self, summe: Hashable, teile: Iterable[Hashable]) -> None:
        """A table line (total = parts), cell keys; guides the choice of further cells to withhold."""
        self.linien.append((self._alias[summe], tuple(self._alias[t] for t in teile)))

    # Questions ----------------------------------------------------------------------------------------------------

    def eigentuemer(self) -> list[Hashable]:
        return sorted({o for _w, o in self.atome.values() if o is not None}, key=repr)

    def teil(self, zelle: Zelle, owner: Hashable) -> int:
        return sum(self.atome[a][0] for a in zelle.atome if self.atome[a][1] == owner)

    def primaer(self) -> set[Hashable]:
        """Cells that are small in total, or small in the rest beyond any one respondent's part."""
        k = self.k
        out: set[Hashable] = set()
        for key, z in self.zellen.items():
            if 1 <= z.wert < k:
                out.add(key)
                continue
            if len(z.eigentuemer) >= 2 and any(1 <= z.wert - self.teil(z, o) < k for o in z.eigentuemer):
                out.add(key)
        return out


# The audit --------------------------------------------------------------------------------------------------------

_INF = highspy.kHighsInf


class _Pruefung:
    """The integer model of one attacker against one pattern (HiGHS MIP): one column per atom the attacker does not
    know, one row per visible figure and per known rule; the rule read backwards as one binary per respondent.

    `elastisch`: the LP used to choose further cells to withhold: every visible figure may be missed by a slack
    (penalised), and the figures whose slack a question needs are the ones standing in its way."""

    def __init__(
        self, modell: Modell, gesperrt: set, angreifer: Hashable, *, elastisch: bool = False
    ) -> None:
        self.modell = modell
        self.angreifer = angreifer
        self.spalte: dict[Hashable, int] = {}
        self.bekannt: dict[Hashable, int] = {}
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.ganz: list[int] = []
        self.kosten: dict[int, float] = {}
        self.schlupf: dict[int, Hashable] = {}  # slack column -> visible cell (elastic only)
        self.zeilen: list[tuple[float, float, dict[int, float]]] = []
        for key, (wert, owner) in modell.atome.items():
            if angreifer is not None and owner == angreifer:
                self.bekannt[key] = wert
            else:
                self.spalte[key] = self._neue_spalte(0, modell.obergrenze, not elastisch)
        k = modell.k
        for key, z in modell.zellen.items():
            if key in gesperrt:
                continue
            koeff, konst = self.ausdruck(z.atome)
            if not koeff:
                continue
            if elastisch:
                plus = self._neue_spalte(0, _INF, False)
                minus = self._neue_spalte(0, _INF, False)
                # Fewest persons first: missing a large figure costs more than missing a small one or a zero.
                self.kosten[plus] = self.kosten[minus] = 1.0 + z.wert
                self.schlupf[plus] = self.schlupf[minus] = key
                koeff = {**koeff, plus: 1.0, minus: -1.0}
                self.zeilen.append((z.wert - konst, z.wert - konst, koeff))
                continue
            self.zeilen.append((z.wert - konst, z.wert - konst, koeff))
            # The rule, read backwards: the rest beyond each respondent's part is 0 or at least k, so that part is
            # in [0, c-k] or exactly c (binary b: c*b <= part <= c-k + k*b).
            if len(z.eigentuemer) >= 2 and z.wert >= k:
                for o in sorted(z.eigentuemer, key=repr):
                    if o == angreifer:
                        continue
                    teil, _ = self.ausdruck(a for a in z.atome if modell.atome[a][1] == o)
                    b = self._neue_spalte(0, 1, True)
                    self.zeilen.append((0, _INF, {**teil, b: -z.wert}))
                    self.zeilen.append((-_INF, z.wert - k, {**teil, b: -k}))
        regeln = [(lk, r, False) for lk, r in modell.gleich] + [(lk, r, True) for lk, r in modell.hoechstens]
        for links, rechts, oben in regeln:
            kl, cl = self.ausdruck(links)
            kr, cr = self.ausdruck(rechts)
            koeff = dict(kl)
            for c, v in kr.items():
                koeff[c] = koeff.get(c, 0) - v
            koeff = {c: v for c, v in koeff.items() if v}
            rhs = cr - cl
            if koeff:
                self.zeilen.append((-_INF if oben else rhs, rhs, koeff))
        self._h = None
        self.ganz_spalten = [c for c, g in enumerate(self.ganz) if g]

    def _neue_spalte(self, lb: float, ub: float, ganz: bool) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        self.ganz.append(1 if ganz else 0)
        return len(self.lb) - 1

    def ausdruck(self, atome: Iterable[Hashable]) -> tuple[dict[int, float], int]:
        koeff: dict[int, float] = {}
        konst = 0
        for a in atome:
            if a in self.bekannt:
                konst += self.bekannt[a]
            else:
                c = self.spalte[a]
                koeff[c] = koeff.get(c, 0) + 1
        return koeff, konst

    def unbekannt(self, zelle: Zelle) -> dict[int, float]:
        return self.ausdruck(zelle.atome)[0]

    def _highs(self):
        """The base model, passed to HiGHS once; each question adds its rows and columns and removes them again."""
        if self._h is not None:
            return self._h
        spalten: list[list[tuple[int, float]]] = [[] for _ in self.lb]
        for r, (_lo, _hi, koeff) in enumerate(self.zeilen):
            for c, v in koeff.items():
                spalten[c].append((r, v))
        start, index, wert = [0], [], []
        for eintraege in spalten:
            for r, v in eintraege:
                index.append(r)
                wert.append(v)
            start.append(len(index))
        lp = highspy.HighsLp()
        lp.num_col_ = len(self.lb)
        lp.num_row_ = len(self.zeilen)
        lp.col_cost_ = numpy.zeros(len(self.lb), dtype=numpy.double)
        lp.col_lower_ = numpy.array(self.lb, dtype=numpy.double)
        lp.col_upper_ = numpy.array(self.ub, dtype=numpy.double)
        lp.row_lower_ = numpy.array([z[0] for z in self.zeilen], dtype=numpy.double)
        lp.row_upper_ = numpy.array([z[1] for z in self.zeilen], dtype=numpy.double)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = numpy.array(start, dtype=numpy.int32)
        lp.a_matrix_.index_ = numpy.array(index, dtype=numpy.int32)
        lp.a_matrix_.value_ = numpy.array(wert, dtype=numpy.double)
        if any(self.ganz):
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if g else highspy.HighsVarType.kContinuous for g in self.ganz
            ]
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("random_seed", 0)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.passModel(lp)
        self._h = h
        return h

    def loese(
        self,
        ziel: dict[int, float],
        maximieren: bool,
        extra_spalten: list[tuple[float, float]] = (),
        extra_zeilen: list[tuple[float, float, dict[int, float]]] = (),
        sekunden: float | None = None,
    ) -> list[float] | None:
        """Solves the base model with the objective `ziel` (column -> cost), extra continuous columns and extra rows;
        the column values, or None if no optimum was proven."""
        h = self._highs()
        n0, r0 = h.getNumCol(), h.getNumRow()
        if extra_spalten:
            anzahl = len(extra_spalten)
            h.addCols(
                anzahl,
                numpy.zeros(anzahl),
                numpy.array([s[0] for s in extra_spalten], dtype=numpy.double),
                numpy.array([s[1] for s in extra_spalten], dtype=numpy.double),
                0,
                numpy.zeros(anzahl, dtype=numpy.int32),
                numpy.zeros(0, dtype=numpy.int32),
                numpy.zeros(0, dtype=numpy.double),
            )
        for lo, hi, koeff in extra_zeilen:
            idx = numpy.array(list(koeff), dtype=numpy.int32)
            h.addRow(lo, hi, len(idx), idx, numpy.array(list(koeff.values()), dtype=numpy.double))
        kosten = {**self.kosten, **ziel}
        idx = numpy.array(list(kosten), dtype=numpy.int32)
        h.changeColsCost(len(idx), idx, numpy.array(list(kosten.values()), dtype=numpy.double))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximieren else highspy.ObjSense.kMinimize)
        h.setOptionValue("time_limit", sekunden or ZEITLIMIT_SEKUNDEN)
        werte = None
        if self.ganz_spalten:
            # The sums behind published tables are close to a network: the LP relaxation usually ends in an integer
            # vertex, which answers the question; infeasible there means infeasible for integers too.
            h.setOptionValue("solve_relaxation", True)
            h.setOptionValue("presolve", "off")  # a few ms per LP instead of the presolve's tens
            h.run()
            status = h.getModelStatus()
            h.setOptionValue("solve_relaxation", False)
            h.setOptionValue("presolve", "choose")
            if status == highspy.HighsModelStatus.kOptimal:
                lp_werte = h.getSolution().col_value
                if all(abs(lp_werte[c] - round(lp_werte[c])) < 1e-6 for c in self.ganz_spalten):
                    werte = list(lp_werte)
            elif status == highspy.HighsModelStatus.kInfeasible:
                werte = []
        if werte is None:
            # Presolve pays off for the integer program, not for a pure LP of this size (measured: half the time).
            h.setOptionValue("presolve", "choose" if self.ganz_spalten else "off")
            h.run()
            ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            werte = list(h.getSolution().col_value) if ok else None
        elif not werte:
            werte = None
        # Back to the base model.
        if h.getNumRow() > r0:
            extra = numpy.arange(r0, h.getNumRow(), dtype=numpy.int32)
            h.deleteRows(len(extra), extra)
        if h.getNumCol() > n0:
            extra = numpy.arange(n0, h.getNumCol(), dtype=numpy.int32)
            h.deleteCols(len(extra), extra)
        basis = numpy.array([c for c in ziel if c < n0], dtype=numpy.int32)
        if len(basis):
            h.changeColsCost(
                len(basis),
                basis,
                numpy.array([self.kosten.get(int(c), 0.0) for c in basis], dtype=numpy.double),
            )
        return werte


def _wert(werte: list[float], koeff: dict[int, float]) -> int:
    return round(sum(werte[c] * v for c, v in koeff.items()))


def _pruefe_angreifer(
    modell: Modell, gesperrt: set, angreifer: Hashable, ziele: set, zaehler: list[int]
) -> dict[Hashable, set[str]]:
    """The withheld cells among `ziele` whose unknown part cannot be 0 ("0") or cannot reach k ("k") for this
    attacker."""
    k = modell.k
    p = _Pruefung(modell, gesperrt, angreifer)
    teile: dict[Hashable, dict[int, float]] = {}
    offen0: set = set()
    offenk: set = set()
    for key in ziele:
        z = modell.zellen[key]
        koeff = p.unbekannt(z)
        if not koeff:
            continue  # entirely the attacker's own figure
        teile[key] = koeff
        # The true data is one solution the attacker cannot exclude.
        rest = z.wert - (modell.teil(z, angreifer) if angreifer is not None else 0)
        if rest >= k:
            continue  # not a small figure for this reader: withheld to protect others, nothing to hide about it
        if rest != 0:
            offen0.add(key)
        offenk.add(key)

    # Zero: one solve pushes all open cells down together; what reaches 0 is answered. Then one by one.
    while offen0:
        ziel: dict[int, float] = defaultdict(float)
        for key in offen0:
            for c, v in teile[key].items():
                ziel[c] += v
        werte = p.loese(ziel, maximieren=False)
        zaehler[0] += 1
        geloest = {key for key in offen0 if werte is not None and _wert(werte, teile[key]) == 0}
        if not geloest:
            break
        offen0 -= geloest
    for key in sorted(offen0, key=repr):
        werte = p.loese(teile[key], maximieren=False)
        zaehler[0] += 1
        if werte is not None and _wert(werte, teile[key]) == 0:
            offen0.discard(key)
    # At least k: maximise the sum of min(part, k) over the open cells (w <= part, 0 <= w <= k). Then one by one.
    while offenk:
        n = len(p.lb)
        reihen = sorted(offenk, key=repr)
        extra_zeilen = [
            (-_INF, 0.0, {**{c: -v for c, v in teile[key].items()}, n + x: 1.0})
            for x, key in enumerate(reihen)
        ]
        werte = p.loese(
            {n + x: 1.0 for x in range(len(reihen))},
            maximieren=True,
            extra_spalten=[(0.0, float(k))] * len(reihen),
            extra_zeilen=extra_zeilen,
        )
        zaehler[0] += 1
        geloest = {key for key in offenk if werte is not None and _wert(werte, teile[key]) >= k}
        if not geloest:
            break
        offenk -= geloest
    for key in sorted(offenk, key=repr):
        n = len(p.lb)
        werte = p.loese(
            {n: 1.0},
            maximieren=True,
            extra_spalten=[(0.0, float(k))],
            extra_zeilen=[(-_INF, 0.0, {**{c: -v for c, v in teile[key].items()}, n: 1.0})],
        )
        zaehler[0] += 1
        if werte is not None and _wert(werte, teile[key]) >= k:
            offenk.discard(key)
    verletzt: dict[Hashable, set[str]] = defaultdict(set)
    for key in offen0:
        verletzt[key].add("0")
    for key in offenk:
        verletzt[key].add("k")
    return dict(verletzt)


def pruefe(modell: Modell, gesperrt: Iterable[Hashable], angreifer: Iterable[Hashable] | None = None) -> dict:
    """The audit: per attacker (None = public, or a respondent) the withheld cells it could narrow down."""
    gesperrt = {modell.kanonisch(g) for g in gesperrt}
    alle = [PUBLIC, *modell.eigentuemer()] if angreifer is None else list(angreifer)
    zaehler = [0]
    return {a: set(_pruefe_angreifer(modell, gesperrt, a, set(gesperrt), zaehler)) for a in alle}


def spannweite(
    modell: Modell, gesperrt: Iterable[Hashable], zelle: Hashable, angreifer: Hashable = None
) -> tuple[int, int]:
    """The attacker's tool: the exact range of the part of `zelle` it does not own (integer optimum both ways)."""
    gesperrt = {modell.kanonisch(g) for g in gesperrt}
    z = modell.zellen[modell.kanonisch(zelle)]
    p = _Pruefung(modell, gesperrt, angreifer)
    teil = p.unbekannt(z)
    if not teil:
        return 0, 0
    werte = []
    for maximieren in (False, True):
        loesung = p.loese(teil, maximieren=maximieren, sekunden=120.0)
        if loesung is None:
            raise RuntimeError("The range could not be proven.")
        werte.append(_wert(loesung, teil))
    return werte[0], werte[1]


def _kandidaten(modell: Modell, zelle: Hashable, gesperrt: set, linien_von: dict) -> list[Hashable]:
    """Visible cells to withhold next for `zelle`: those in its lines, else in lines reached through withheld
    cells; fewest persons first (zeros last, they add no room), then by key."""
    gesehen = {zelle}
    rand = [zelle]
    while rand:
        nah: set = set()
        weiter: list = []
        for c in rand:
            for linie in linien_von.get(c, ()):
                for n in linie:
                    if n in gesehen:
                        continue
                    gesehen.add(n)
                    if n in gesperrt:
                        weiter.append(n)
                    else:
                        nah.add(n)
        if nah:
            return sorted(nah, key=lambda n: (modell.zellen[n].wert == 0, modell.zellen[n].wert, repr(n)))
        rand = weiter
    return []


def _im_weg(
    modell: Modell, gesperrt: set, angreifer: Hashable, offen: dict[Hashable, set[str]], zaehler: list[int]
) -> set[Hashable]:
    """The visible cells standing in the way of the open questions of one attacker: for each question the LP that
    answers it while missing the fewest persons of visible figures; the figures it misses are withheld next. A
    figure chosen for one question is free for the following ones."""
    k = modell.k
    el = _Pruefung(modell, gesperrt, angreifer, elastisch=True)
    neu: set = set()
    for key in sorted(offen, key=lambda c: (modell.zellen[c].wert, repr(c))):
        teil = el.unbekannt(modell.zellen[key])
        for art in sorted(offen[key]):
            zeile = (0.0, 0.0, teil) if art == "0" else (float(k), _INF, teil)
            werte = el.loese({}, maximieren=False, extra_zeilen=[zeile], sekunden=ZEITLIMIT_SEKUNDEN)
            zaehler[0] += 1
            if werte is None:
                continue
            for spalte, zelle in el.schlupf.items():
                if werte[spalte] > 1e-6 and zelle not in neu:
                    neu.add(zelle)
                    for s, z in el.schlupf.items():
                        if z == zelle:
                            el.kosten[s] = 0.0
    return neu


def sperrmuster(modell: Modell, *, vorab: Iterable[Hashable] = ()) -> Muster:
    """Primary suppression, then secondary suppression until the audit holds for every attacker."""
    start = time.perf_counter()
    primaer = modell.primaer()
    gesperrt = set(primaer) | {modell.kanonisch(v) for v in vorab}
    linien_von: dict = defaultdict(list)
    for summe, teile in modell.linien:
        linie = (summe, *teile)
        for c in linie:
            linien_von[c].append(linie)
    angreifer = [PUBLIC, *modell.eigentuemer()]
    sicher: dict = {a: set() for a in angreifer}
    zaehler = [0]
    vollstaendig = True
    while True:
        neu: set = set()
        offen_gesamt = 0
        for a in angreifer:
            ziele = gesperrt - sicher[a]
            if not ziele:
                continue
            offen = _pruefe_angreifer(modell, gesperrt, a, ziele, zaehler)
            sicher[a] |= ziele - set(offen)
            if not offen:
                continue
            offen_gesamt += len(offen)
            gewaehlt = _im_weg(modell, gesperrt | neu, a, offen, zaehler)
            if not gewaehlt:
                # Only the rule read backwards or a known relation stands in the way: widen along the lines.
                for c in sorted(offen, key=repr):
                    kandidaten = _kandidaten(modell, c, gesperrt | neu | gewaehlt, linien_von)
                    if kandidaten:
                        gewaehlt.add(kandidaten[0])
            neu |= gewaehlt
            if neu:
                # Withholding more changes what the next readers can work out: audit them against the new pattern.
                break
        logger.debug("audit round: %d withheld, %d open, %d added", len(gesperrt), offen_gesamt, len(neu))
        if not offen_gesamt:
            break
        if not neu:
            # Nothing left to withhold near the open cells: withhold every cell (never publish what is unsafe).
            rest = set(modell.zellen) - gesperrt
            if not rest:
                vollstaendig = False
                break
            neu = rest
        gesperrt |= neu
    return Muster(
        gesperrt=frozenset(gesperrt),
        primaer=frozenset(primaer),
        zellen=len(modell.zellen),
        pruefungen=zaehler[0],
        sekunden=time.perf_counter() - start,
        vollstaendig=vollstaendig,
    )
