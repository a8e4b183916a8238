"""The attacker of the small-number tests: an integer solver over what a reader is shown.

Written apart from `bedarf.audit` on purpose (HiGHS' modelling API, one model per question, built from the shown
table alone), so that the tests do not grade the audit with its own code. The reader knows the rule (k, and that a
shown figure is never from 1 to k-1 and leaves no rest from 1 to k-1 beyond any single row's part), sees every shown
figure and, as a Kommune, its own row raw.
"""

from __future__ import annotations

import highspy

from bedarf.suppression import GeschuetzteTabelle

OBERGRENZE = 999_999


def _modell(tabelle: GeschuetzteTabelle, k: int, eigene: int | None, roh: list[list[int]] | None):
    m = len(tabelle.zellen)
    n = len(tabelle.zellen[0]) if m else 0
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    x = [
        [h.addVariable(0, OBERGRENZE, type=highspy.HighsVarType.kInteger) for _j in range(n)]
        for _i in range(m)
    ]
    for i in range(m):
        for j in range(n):
            if eigene == i:
                h.addConstr(x[i][j] == roh[i][j])
            elif not tabelle.zellen[i][j].gesperrt:
                h.addConstr(x[i][j] == tabelle.zellen[i][j].zahl)

    def zeigt(wert, teile):
        summe = sum(teile[1:], teile[0])
        h.addConstr(summe == wert.zahl)

    if tabelle.zeilensummen:
        for i in range(m):
            if not tabelle.zeilensummen[i].gesperrt:
                zeigt(tabelle.zeilensummen[i], x[i])
    if tabelle.spaltensummen:
        for j in range(n):
            w = tabelle.spaltensummen[j]
            if w.gesperrt:
                continue
            zeigt(w, [x[i][j] for i in range(m)])
            # The rule read backwards: beyond any one row's part, the rest is 0 or at least k.
            if m >= 2 and w.zahl >= k:
                for i in range(m):
                    if i == eigene:
                        continue
                    b = h.addVariable(0, 1, type=highspy.HighsVarType.kInteger)
                    h.addConstr(x[i][j] - w.zahl * b >= 0)
                    h.addConstr(x[i][j] - k * b <= w.zahl - k)
    if tabelle.gesamt is not None and not tabelle.gesamt.gesperrt:
        zeigt(tabelle.gesamt, [x[i][j] for i in range(m) for j in range(n)])
    return h, x


def spannweite(tabelle: GeschuetzteTabelle, key: tuple, *, k: int, eigene=None, roh=None) -> tuple[int, int]:
    """The range the reader can prove for the part of `key` ("z", i, j) / ("r", i) / ("c", j) / ("g",) that is not
    its own."""
    m = len(tabelle.zellen)
    teile = _teile(m, len(tabelle.zellen[0]) if m else 0, key, eigene)
    if not teile:
        return 0, 0
    grenzen = []
    for richtung in ("min", "max"):
        h, x = _modell(tabelle, k, eigene, roh)
        ziel = sum((x[i][j] for i, j in teile[1:]), x[teile[0][0]][teile[0][1]])
        h.minimize(ziel) if richtung == "min" else h.maximize(ziel)
        assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal, "the shown figures must be consistent"
        grenzen.append(round(h.getObjectiveValue()))
    return grenzen[0], grenzen[1]


def gesperrte(tabelle: GeschuetzteTabelle) -> list[tuple]:
    m = len(tabelle.zellen)
    n = len(tabelle.zellen[0]) if m else 0
    out = [("z", i, j) for i in range(m) for j in range(n) if tabelle.zellen[i][j].gesperrt]
    out += [("r", i) for i, w in enumerate(tabelle.zeilensummen or []) if w.gesperrt]
    out += [("c", j) for j, w in enumerate(tabelle.spaltensummen or []) if w.gesperrt]
    if tabelle.gesamt is not None and tabelle.gesamt.gesperrt:
        out.append(("g",))
    return out


def _teile(m: int, n: int, key: tuple, eigene=None) -> list[tuple[int, int]]:
    """The cells a shown figure adds up, without the reader's own row."""
    if key[0] == "z":
        teile = [(key[1], key[2])]
    elif key[0] == "r":
        teile = [(key[1], j) for j in range(n)]
    elif key[0] == "c":
        teile = [(i, key[1]) for i in range(m)]
    else:
        teile = [(i, j) for i in range(m) for j in range(n)]
    return [(i, j) for i, j in teile if i != eigene]


def wahrer_rest(werte: list[list[int]], key: tuple, eigene=None) -> int:
    return sum(werte[i][j] for i, j in _teile(len(werte), len(werte[0]), key, eigene))


def verletzungen(tabelle: GeschuetzteTabelle, werte: list[list[int]], *, k: int, eigene=None) -> list:
    """Withheld figures whose hidden part is small (0..k-1) for this reader and whose proven range does not reach
    from 0 to at least k: what the attacker learns."""
    out = []
    for key in gesperrte(tabelle):
        if key[0] in ("z", "r") and key[1] == eigene:
            continue  # the reader's own figure
        rest = wahrer_rest(werte, key, eigene)
        if rest >= k:
            continue
        lo, hi = spannweite(tabelle, key, k=k, eigene=eigene, roh=werte if eigene is not None else None)
        if lo > 0 or hi < k:
            out.append((key, rest, lo, hi))
    return out
