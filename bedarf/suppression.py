"""Small-number protection ("Geheimhaltung kleiner Fallzahlen"): the ONE place of the rule.

Every figure of the needs analysis that leaves the Kommune which entered it (other Kommunen, `auswertung`, `land`,
exports, reports) passes through this module. Pure functions over plain data (lists of ints), no Django models.

The rule, as in German official labour-market statistics:

* Primary suppression: a count from 1 to k-1 (k = ``settings.BEDARF_MIN_COUNT``, default 3) is shown as "< k".
  Margins (row, column and grand totals) are figures too and follow the same rule.
* Secondary suppression: a hidden figure must not be recomputable from the figures shown. Every total shown
  gives a linear relation "cells = total". We keep hiding further figures until
  (1) no relation contains exactly one hidden figure (the classic rule: a row or column with exactly one hidden
      cell gets the next-smallest non-zero cell hidden as well), and
  (2) no hidden figure is determined by the relations at all (the stronger, linear rule: in the graph whose nodes
      are the relations and whose edges are the hidden figures, no hidden figure is a bridge; a bridge can be
      worked out by adding up all relations on one side of it).
* Zeros stay visible: a zero discloses nobody, and hiding zeros would blank out most small tables. A zero is only
  hidden as a last resort when no non-zero figure can protect a hidden one.
* Secondarily hidden figures show as "x" (they are not small, so "< k" would be wrong); the legend explains both.
* Every Kommune knows its own figures. Where rows are Kommunen, the pattern holds against a reader who knows
  nothing AND against each Kommune knowing its own row (subtracting its own figures from a shown total must not
  reveal another Kommune's hidden figure). The pattern is the same for every viewer; a `kommune` user merely
  sees its own row raw, so pages, exports and reports of different viewers cannot be combined against it.

Derived figures (coverage ratio, gap, change between rounds) are only shown when every count they derive from is
visible; `abgeleitet()` does that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings

PRIMAER = "primaer"
SEKUNDAER = "sekundaer"
ZEICHEN_SEKUNDAER = "x"


def mindestanzahl() -> int:
    """k: counts below it (and above zero) never leave the owning Kommune unprotected."""
    return max(1, int(getattr(settings, "BEDARF_MIN_COUNT", 3)))


@dataclass(frozen=True)
class Wert:
    """A figure as it may be shown: the number if visible, otherwise only the protected display."""

    anzeige: str
    zahl: int | None
    grund: str = ""  # "", PRIMAER or SEKUNDAER

    @property
    def gesperrt(self) -> bool:
        return self.zahl is None

    def __str__(self) -> str:
        return self.anzeige

    def as_json(self) -> int | None:
        """Chart value: null for a hidden figure (a gap in the chart, never a number)."""
        return self.zahl


def offen(zahl: int) -> Wert:
    return Wert(anzeige=str(zahl), zahl=zahl)


def _gesperrt(grund: str, k: int) -> Wert:
    return Wert(anzeige=f"< {k}" if grund == PRIMAER else ZEICHEN_SEKUNDAER, zahl=None, grund=grund)


@dataclass
class GeschuetzteTabelle:
    """A protected table: `zellen[i][j]`, the margins that are shown, and k."""

    zellen: list[list[Wert]]
    zeilensummen: list[Wert] | None
    spaltensummen: list[Wert] | None
    gesamt: Wert | None
    k: int
    gesperrte: set = field(default_factory=set)

    @property
    def anzahl_gesperrt(self) -> int:
        return len(self.gesperrte)


# Entry keys of a table: ("z", i, j) cell, ("r", i) row total, ("c", j) column total, ("g",) grand total.
Key = tuple


def _check_rectangular(werte: list[list[int]], spalten: int | None = None) -> tuple[int, int]:
    m = len(werte)
    n = len(werte[0]) if m else (spalten or 0)
    for row in werte:
        if len(row) != n:
            raise ValueError("All rows need the same number of cells.")
        for v in row:
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise ValueError("Counts are non-negative integers.")
    return m, n


def schuetze_tabelle(
    werte: list[list[int]],
    *,
    k: int | None = None,
    zeilensummen: bool = True,
    spaltensummen: bool = True,
    gesamtsumme: bool | None = None,
    bekannt: list[list[bool]] | None = None,
    vorab_gesperrt: Iterable[Key] = (),
    spalten: int | None = None,
    meldende_zeilen: bool = False,
) -> GeschuetzteTabelle:
    """Protects a table of counts with the margins that will be shown next to it.

    `meldende_zeilen`: every row belongs to one respondent (a Kommune) who knows its own row. The pattern then
    holds against a reader who knows nothing and against each row's owner knowing its row (a hidden figure of
    another Kommune cannot be worked out by subtracting one's own figures from a total); the pattern does not
    depend on the viewer, so pages, exports and reports of different viewers cannot be combined against it.
    `bekannt[i][j]` marks cells this viewer sees raw (its own Kommune's row); with `meldende_zeilen` it only
    changes the display, without it the cells count as known to the reader of this table.
    `vorab_gesperrt` forces entries hidden (used to keep linked tables consistent).
    """
    k = mindestanzahl() if k is None else k
    m, n = _check_rectangular(werte, spalten)
    if gesamtsumme is None:
        gesamtsumme = zeilensummen or spaltensummen
    bekannt = bekannt or [[False] * n for _ in range(m)]

    value: dict[Key, int] = {}
    edges: dict[Key, tuple] = {}  # entry -> (relation a, relation b); "ground" for a missing relation
    for i in range(m):
        for j in range(n):
            value[("z", i, j)] = werte[i][j]
    if zeilensummen:
        for i in range(m):
            value[("r", i)] = sum(werte[i])
    if spaltensummen:
        for j in range(n):
            value[("c", j)] = sum(werte[i][j] for i in range(m))
    if gesamtsumme:
        value[("g",)] = sum(map(sum, werte))

    def known_for(rows: list[list[bool]]) -> frozenset[Key]:
        known: set[Key] = {("z", i, j) for i in range(m) for j in range(n) if rows[i][j]}
        if zeilensummen:
            known |= {("r", i) for i in range(m) if all(rows[i])}
        if spaltensummen:
            known |= {("c", j) for j in range(n) if all(rows[i][j] for i in range(m))}
        if gesamtsumme and all(all(row) for row in rows):
            known.add(("g",))
        return frozenset(known)

    # Relations: each shown total ties its parts to it.
    ground = ("ground",)
    total_rel = ("T",)  # only when no margin is shown but the grand total is
    for i in range(m):
        for j in range(n):
            a = ("row", i) if zeilensummen else (total_rel if gesamtsumme and not spaltensummen else ground)
            b = ("col", j) if spaltensummen else ground
            if not zeilensummen and not spaltensummen and not gesamtsumme:
                a = b = ground
            edges[("z", i, j)] = (a, b)
    if zeilensummen:
        for i in range(m):
            edges[("r", i)] = (("row", i), ("TC",) if gesamtsumme else ground)
    if spaltensummen:
        for j in range(n):
            edges[("c", j)] = (("col", j), ("TR",) if gesamtsumme else ground)
    if gesamtsumme:
        if zeilensummen and spaltensummen:
            edges[("g",)] = (("TR",), ("TC",))
        elif zeilensummen:
            edges[("g",)] = (("TC",), ground)
        elif spaltensummen:
            edges[("g",)] = (("TR",), ground)
        else:
            edges[("g",)] = (total_rel, ground)

    relations: dict[tuple, list[Key]] = {}
    for key, (a, b) in edges.items():
        for rel in {a, b}:
            if rel != ground:
                relations.setdefault(rel, []).append(key)

    # Readers: the one who knows nothing, then (meldende_zeilen) each respondent knowing its own row.
    szenarien: list[int | None] = [None, *range(m)] if meldende_zeilen else [None]
    known_cache: dict[int | None, frozenset[Key]] = {}

    def known_of(own: int | None) -> frozenset[Key]:
        if own not in known_cache:
            rows = bekannt if own is None and not meldende_zeilen else [[i == own] * n for i in range(m)]
            known_cache[own] = known_for(rows)
        return known_cache[own]

    def own_entries(own: int) -> list[Key]:
        return [("z", own, j) for j in range(n)] + ([("r", own)] if zeilensummen else [])

    hidden: set[Key] = set()
    forced = {key for key in vorab_gesperrt if key in value}
    checked: dict[int | None, int] = {}  # reader -> size of the hidden set it was last found safe with
    stable = False
    while not stable:
        stable = True
        for own in szenarien:
            # Knowing one's own visible figures tells nothing new: only a row with hidden entries is a reader
            # of its own; and a reader already found safe stays safe while the hidden set does not change.
            if own is not None and m > 1 and not any(key in hidden for key in own_entries(own)):
                continue
            if checked.get(own) == len(hidden):
                continue
            known = known_of(own)
            start = {key for key in hidden | forced if key not in known}
            neu = _sperren(value, known, edges, relations, start, k) - hidden
            if neu:
                hidden |= neu
                stable = False
            checked[own] = len(hidden)

    anzeige_roh = known_for(bekannt)

    def show(key: Key) -> Wert:
        if key in hidden and not (meldende_zeilen and key in anzeige_roh):
            return _gesperrt(PRIMAER if 1 <= value[key] < k else SEKUNDAER, k)
        return offen(value[key])

    return GeschuetzteTabelle(
        zellen=[[show(("z", i, j)) for j in range(n)] for i in range(m)],
        zeilensummen=[show(("r", i)) for i in range(m)] if zeilensummen else None,
        spaltensummen=[show(("c", j)) for j in range(n)] if spaltensummen else None,
        gesamt=show(("g",)) if gesamtsumme else None,
        k=k,
        gesperrte=hidden,
    )


def _sperren(
    value: dict[Key, int],
    known: frozenset[Key],
    edges: dict[Key, tuple],
    relations: dict[tuple, list[Key]],
    start: set[Key],
    k: int,
) -> set[Key]:
    """The entries to hide for one reader (`known`: entries it knows), starting from `start` (none known)."""
    hidden: set[Key] = set(start)
    for key, v in value.items():
        if key not in known and 1 <= v < k:
            hidden.add(key)

    def pick(candidates: list[Key]) -> Key | None:
        # Interior cells before margins, smallest non-zero first, zeros only as the last resort.
        free = [c for c in candidates if c not in known and c not in hidden]
        if not free:
            return None
        return min(free, key=lambda c: (value[c] == 0, c[0] != "z", value[c], c))

    changed = True
    while changed:
        changed = False
        # (1) The classic rule: no relation with exactly one unknown hidden entry.
        stable = False
        while not stable:
            stable = True
            for entries in relations.values():
                if sum(1 for e in entries if e in hidden) == 1:
                    choice = pick(entries)
                    if choice is not None:
                        hidden.add(choice)
                        stable = False
                        changed = True
        # (2) The linear rule: no hidden entry is a bridge of the relation graph.
        graph = {e: edges[e] for e in hidden}
        bridge = _first_bridge(graph)
        if bridge is not None:
            side_a = _component_without(bridge, graph, edges[bridge][0])
            side_b = _component_without(bridge, graph, edges[bridge][1])
            # An entry joining both sides puts the bridge on a cycle; else widen the search.
            crossing = [e for e, (a, b) in edges.items() if {a in side_a, b in side_a} == {True, False}]
            choice = pick([e for e in crossing if edges[e][0] in side_b or edges[e][1] in side_b])
            if choice is None:
                choice = pick(crossing + [e for e, (a, b) in edges.items() if (a in side_b) != (b in side_b)])
            if choice is not None:
                hidden.add(choice)
                changed = True
    return hidden


def _first_bridge(graph: dict[Key, tuple]) -> Key | None:
    """The first edge whose removal disconnects its endpoints (multigraph, iterative Tarjan)."""
    adjacency: dict[tuple, list[tuple[tuple, Key]]] = {}
    for key, (a, b) in graph.items():
        if a == b:
            continue  # a self-loop is never a bridge
        adjacency.setdefault(a, []).append((b, key))
        adjacency.setdefault(b, []).append((a, key))
    order: dict[tuple, int] = {}
    low: dict[tuple, int] = {}
    counter = 0
    for root in sorted(adjacency, key=repr):
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        stack = [(root, None, iter(adjacency[root]))]
        while stack:
            node, via, it = stack[-1]
            advanced = False
            for nxt, key in it:
                if key == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, key, iter(adjacency[nxt])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        return via
    return None


def _component_without(bridge: Key, graph: dict[Key, tuple], start: tuple) -> set:
    """Nodes reachable from `start` (an endpoint of the bridge) once the bridge is removed."""
    adjacency: dict[tuple, list[tuple]] = {}
    for key, (a, b) in graph.items():
        if key == bridge:
            continue
        adjacency.setdefault(a, []).append(b)
        adjacency.setdefault(b, []).append(a)
    seen = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        for nxt in adjacency.get(node, []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def schuetze_liste(
    werte: list[int], *, k: int | None = None, summe: bool = True, summe_gesperrt: bool = False
) -> tuple[list[Wert], Wert | None]:
    """A single breakdown with its total (e.g. school qualifications of the whole Bündnis).

    `summe_gesperrt` hides the total (when another table hides the same total)."""
    tabelle = schuetze_tabelle(
        [[v] for v in werte],
        k=k,
        zeilensummen=False,
        spaltensummen=summe,
        gesamtsumme=False,
        vorab_gesperrt=[("c", 0)] if summe_gesperrt else [],
    )
    return [row[0] for row in tabelle.zellen], (tabelle.spaltensummen[0] if summe else None)


def schuetze_mit_aufschluesselung(
    haupt: list[list[int]],
    aufschluesselungen: list[list[list[int]]],
    *,
    k: int | None = None,
    bekannt_zeilen: Iterable[int] = (),
    teile: int | None = None,
) -> tuple[GeschuetzteTabelle, list[GeschuetzteTabelle]]:
    """Linked tables: `haupt` (rows x columns, with column totals) and for every column j a breakdown
    (rows x parts, with row and column totals) whose row totals are column j of `haupt`.

    Used for need per Kommune x Bedarfskategorie and, per category, Kommune x Aufenthaltsstatus. Rows are
    Kommunen (`meldende_zeilen`): the pattern holds against each Kommune knowing its own figures. A figure hidden
    in one table is hidden in the other, iterated until both agree, so the breakdown cannot undo the main table.
    `bekannt_zeilen` are rows the viewer sees raw (its own Kommune); they do not change the pattern.
    """
    k = mindestanzahl() if k is None else k
    m, n = _check_rectangular(haupt, len(aufschluesselungen))
    if len(aufschluesselungen) != n:
        raise ValueError("One breakdown per column of the main table.")
    for j, sub in enumerate(aufschluesselungen):
        if len(sub) != m or any(sum(sub[i]) != haupt[i][j] for i in range(m)):
            raise ValueError("Breakdown rows must add up to the main table.")
    own = set(bekannt_zeilen)
    bekannt_h = [[i in own] * n for i in range(m)]
    forced_h: set = set()
    forced_sub: list[set] = [set() for _ in range(n)]
    while True:
        main = schuetze_tabelle(
            haupt,
            k=k,
            zeilensummen=False,
            spaltensummen=True,
            bekannt=bekannt_h,
            vorab_gesperrt=forced_h,
            spalten=n,
            meldende_zeilen=True,
        )
        subs = []
        for j, sub in enumerate(aufschluesselungen):
            s = len(sub[0]) if sub else (teile or 0)
            forced = set(forced_sub[j])
            forced |= {("r", i) for i in range(m) if ("z", i, j) in main.gesperrte}
            if ("c", j) in main.gesperrte:
                forced.add(("g",))
            subs.append(
                schuetze_tabelle(
                    sub,
                    k=k,
                    bekannt=[[i in own] * s for i in range(m)],
                    vorab_gesperrt=forced,
                    spalten=s,
                    meldende_zeilen=True,
                )
            )
            forced_sub[j] = forced
        new_h = set(forced_h)
        for j, sub_t in enumerate(subs):
            new_h |= {("z", i, j) for i in range(m) if ("r", i) in sub_t.gesperrte}
            if ("g",) in sub_t.gesperrte:
                new_h.add(("c", j))
        if new_h <= main.gesperrte:
            return main, subs
        forced_h = new_h | main.gesperrte


def schuetze_buendnisweit(
    teile: list[list[int]],
    *,
    k: int | None = None,
    merkmale: int | None = None,
    mit_summe: bool = True,
    summe_gesperrt: bool = False,
) -> tuple[list[Wert], Wert | None]:
    """Bündnis-wide figures of one breakdown (e.g. school qualifications), only the Bündnis row is shown.

    `teile[i][c]` is Kommune i's part of characteristic c. Each Kommune knows its own parts, so a Bündnis figure
    is also hidden when the rest of the Bündnis behind it is small for any Kommune (subtracting its own part
    would reveal it), and the total (`mit_summe`) must not give a hidden figure back to any of them. Each reader
    is a two-row table [own parts (known), rest of the Bündnis]; iterated until all readers agree.
    `summe_gesperrt` hides the total (when another table hides the same total).
    """
    k = mindestanzahl() if k is None else k
    m, n = _check_rectangular(teile, merkmale)
    figures = [sum(teile[i][c] for i in range(m)) for c in range(n)]
    hidden: set[Key] = {("g",)} if mit_summe and summe_gesperrt else set()
    readers = [[0] * n] + [list(row) for row in teile]
    stable = False
    while not stable:
        stable = True
        for own in readers:
            t = schuetze_tabelle(
                [own, [f - o for f, o in zip(figures, own, strict=True)]],
                k=k,
                zeilensummen=mit_summe,
                spaltensummen=True,
                gesamtsumme=mit_summe,
                bekannt=[[True] * n, [False] * n],
                vorab_gesperrt=hidden,
            )
            neu = {key for key in t.gesperrte if key[0] in ("c", "g")} - hidden
            if neu:
                hidden |= neu
                stable = False

    def show(key: Key, v: int) -> Wert:
        if key in hidden:
            return _gesperrt(PRIMAER if 1 <= v < k else SEKUNDAER, k)
        return offen(v)

    werte = [show(("c", c), v) for c, v in enumerate(figures)]
    return werte, (show(("g",), sum(figures)) if mit_summe else None)


def summe_ohne_kleine_teile(gesamt: int, teile: Iterable[int], *, k: int | None = None) -> Wert:
    """A total shown alone (e.g. a Bündnis' target group in the state's overview), without running the full
    protection of the tables behind it: shown only when no part behind it (each Kommune x status cell, each
    Bündnis-wide breakdown figure) is small, so nothing is hidden anywhere and the total discloses nothing;
    a small total is "< k", any other total with small parts "x". Conservative and cheap."""
    k = mindestanzahl() if k is None else k
    if 1 <= gesamt < k:
        return _gesperrt(PRIMAER, k)
    if any(1 <= t < k for t in teile):
        return _gesperrt(SEKUNDAER, k)
    return offen(gesamt)


def abgeleitet(werte: Iterable[Wert], rechnung: Callable[..., object]) -> object | None:
    """A derived figure (ratio, gap, change) only when every count it uses is visible, else None."""
    werte = list(werte)
    if any(w.gesperrt for w in werte):
        return None
    return rechnung(*(w.zahl for w in werte))


def legende(k: int | None = None) -> str:
    k = mindestanzahl() if k is None else k
    return (
        f"„< {k}“: Fallzahl von 1 bis {k - 1}, zum Schutz kleiner Zahlen nicht ausgewiesen. "
        f"„{ZEICHEN_SEKUNDAER}“: gesperrt, damit verdeckte Werte nicht aus Summen errechnet werden können."
    )
