"""Small-number protection ("Geheimhaltung kleiner Fallzahlen"): how a protected figure is shown.

Which figures are withheld is decided by the audit (`bedarf.audit`): for a survey round once per state of its
figures (`bedarf.sperrmuster`, stored and read by every page, export, chart and report), for a small table of its
own (monitoring, case counts) by `schuetze_tabelle` below. This module only shows the result:

* Every withheld figure, small or withheld to protect another one, shows the same symbol (`ZEICHEN`), which says
  nothing about its size; `legende()` explains it on every page, export and report.
* Derived figures (coverage ratio, gap, change between rounds) are only shown when every count they derive from is
  visible; `abgeleitet()` does that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from bedarf import audit

# One symbol for every withheld figure, as official statistics use one ("." or "*"): it says nothing about the size.
ZEICHEN = "*"


def mindestanzahl() -> int:
    """k: counts below it (and above zero) never leave the owning Kommune unprotected."""
    return max(1, int(getattr(settings, "BEDARF_MIN_COUNT", 3)))


@dataclass(frozen=True)
class Wert:
    """A figure as it may be shown: the number if visible, otherwise only the symbol."""

    anzeige: str
    zahl: int | None

    @property
    def gesperrt(self) -> bool:
        return self.zahl is None

    def __str__(self) -> str:
        return self.anzeige

    def as_json(self) -> int | None:
        """Chart value: null for a withheld figure (a gap in the chart, never a number)."""
        return self.zahl


def offen(zahl: int) -> Wert:
    return Wert(anzeige=str(zahl), zahl=zahl)


GESPERRT = Wert(anzeige=ZEICHEN, zahl=None)


def zeige(zahl: int, gesperrt: bool) -> Wert:
    return GESPERRT if gesperrt else offen(zahl)


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
    spalten: int | None = None,
    meldende_zeilen: bool = False,
) -> GeschuetzteTabelle:
    """Protects a table of counts with the margins that will be shown next to it, by the audit.

    `meldende_zeilen`: every row belongs to one respondent (a Kommune, a Träger) who knows its own row; the pattern
    then also holds against each of them. The pattern never depends on the viewer; `bekannt[i][j]` only marks the
    cells this viewer may see raw (its own row)."""
    k = mindestanzahl() if k is None else k
    m, n = _check_rectangular(werte, spalten)
    if gesamtsumme is None:
        gesamtsumme = zeilensummen or spaltensummen
    bekannt = bekannt or [[False] * n for _ in range(m)]
    modell = audit.Modell(k)
    for i in range(m):
        for j in range(n):
            modell.atom(("z", i, j), werte[i][j], i if meldende_zeilen else None)
    schluessel: dict[Key, Key] = {}
    for i in range(m):
        for j in range(n):
            schluessel[("z", i, j)] = modell.zelle(("z", i, j), [("z", i, j)])
    if zeilensummen:
        for i in range(m):
            schluessel[("r", i)] = modell.zelle(("r", i), [("z", i, j) for j in range(n)])
            modell.linie(("r", i), [("z", i, j) for j in range(n)])
    if spaltensummen:
        for j in range(n):
            schluessel[("c", j)] = modell.zelle(("c", j), [("z", i, j) for i in range(m)])
            modell.linie(("c", j), [("z", i, j) for i in range(m)])
    if gesamtsumme and m and n:
        schluessel[("g",)] = modell.zelle(("g",), [("z", i, j) for i in range(m) for j in range(n)])
        if zeilensummen:
            modell.linie(("g",), [("r", i) for i in range(m)])
        if spaltensummen:
            modell.linie(("g",), [("c", j) for j in range(n)])
    muster = audit.sperrmuster(modell)
    gesperrte = {key for key, c in schluessel.items() if c in muster.gesperrt}

    def roh(key: Key) -> bool:
        if key[0] == "z":
            return bekannt[key[1]][key[2]]
        if key[0] == "r":
            return all(bekannt[key[1]])
        return False

    def show(key: Key, zahl: int) -> Wert:
        return offen(zahl) if roh(key) else zeige(zahl, key in gesperrte)

    return GeschuetzteTabelle(
        zellen=[[show(("z", i, j), werte[i][j]) for j in range(n)] for i in range(m)],
        zeilensummen=[show(("r", i), sum(werte[i])) for i in range(m)] if zeilensummen else None,
        spaltensummen=[show(("c", j), sum(werte[i][j] for i in range(m))) for j in range(n)]
        if spaltensummen
        else None,
        gesamt=show(("g",), sum(map(sum, werte))) if gesamtsumme else None,
        k=k,
        gesperrte=gesperrte,
    )


def abgeleitet(werte: Iterable[Wert], rechnung: Callable[..., object]) -> object | None:
    """A derived figure (ratio, gap, change) only when every count it uses is visible, else None."""
    werte = list(werte)
    if any(w.gesperrt for w in werte):
        return None
    return rechnung(*(w.zahl for w in werte))


def legende(k: int | None = None) -> str:
    k = mindestanzahl() if k is None else k
    return _(
        "„%(z)s“: Wert gesperrt zum Schutz kleiner Fallzahlen (weniger als %(k)d Personen) oder damit ein "
        "gesperrter Wert nicht aus anderen Zahlen errechnet werden kann. Das Zeichen sagt nichts über die Größe "
        "des Werts, auch nicht, ob er null ist."
    ) % {"z": ZEICHEN, "k": k}
