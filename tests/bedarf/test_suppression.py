"""The small-number rule (bedarf/suppression.py): primary and secondary suppression, property-based."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bedarf.suppression import (
    PRIMAER,
    SEKUNDAER,
    abgeleitet,
    schuetze_buendnisweit,
    schuetze_liste,
    schuetze_mit_aufschluesselung,
    schuetze_tabelle,
)

K = 3


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [list(r) for r in rows if any(r)]
    rank, col = 0, 0
    width = len(rows[0]) if rows else 0
    while rank < len(rows) and col < width:
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            col += 1
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                f = rows[r][col] / rows[rank][col]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
        col += 1
    return rank


def _relations(m: int, n: int, zeilen: bool, spalten: bool, gesamt: bool) -> list[dict]:
    """The linear relations a reader gets from the shown totals (entry key -> coefficient)."""
    rels = []
    if zeilen:
        for i in range(m):
            rels.append({**{("z", i, j): 1 for j in range(n)}, ("r", i): -1})
    if spalten:
        for j in range(n):
            rels.append({**{("z", i, j): 1 for i in range(m)}, ("c", j): -1})
    if gesamt:
        if zeilen:
            rels.append({**{("r", i): 1 for i in range(m)}, ("g",): -1})
        if spalten:
            rels.append({**{("c", j): 1 for j in range(n)}, ("g",): -1})
        if not zeilen and not spalten:
            rels.append({**{("z", i, j): 1 for i in range(m) for j in range(n)}, ("g",): -1})
    return rels


def _determined(hidden: list, rels: list[dict]) -> list:
    """Hidden entries a reader can compute exactly from the relations (unit vector in the row space)."""
    matrix = [[Fraction(rel.get(h, 0)) for h in hidden] for rel in rels]
    base = _rank(matrix)
    out = []
    for idx, h in enumerate(hidden):
        unit = [Fraction(1 if i == idx else 0) for i in range(len(hidden))]
        if _rank(matrix + [unit]) == base:
            out.append(h)
    return out


def _entries(t, m, n):
    out = {("z", i, j): t.zellen[i][j] for i in range(m) for j in range(n)}
    if t.zeilensummen is not None:
        out.update({("r", i): w for i, w in enumerate(t.zeilensummen)})
    if t.spaltensummen is not None:
        out.update({("c", j): w for j, w in enumerate(t.spaltensummen)})
    if t.gesamt is not None:
        out[("g",)] = t.gesamt
    return out


def _raw(werte, m, n):
    out = {("z", i, j): werte[i][j] for i in range(m) for j in range(n)}
    out.update({("r", i): sum(werte[i]) for i in range(m)})
    out.update({("c", j): sum(werte[i][j] for i in range(m)) for j in range(n)})
    out[("g",)] = sum(map(sum, werte))
    return out


tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda m: st.integers(min_value=1, max_value=5).flatmap(
        lambda n: st.lists(
            st.lists(st.integers(min_value=0, max_value=12), min_size=n, max_size=n), min_size=m, max_size=m
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(werte=tables, flags=st.sampled_from([(True, True), (False, True), (True, False)]))
def test_no_suppressed_value_can_be_recomputed_from_totals_shown(werte, flags):
    zeilen, spalten = flags
    m, n = len(werte), len(werte[0])
    t = schuetze_tabelle(werte, k=K, zeilensummen=zeilen, spaltensummen=spalten)
    shown = _entries(t, m, n)
    raw = _raw(werte, m, n)
    rels = _relations(m, n, zeilen, spalten, True)
    # Visible figures are true, and no count from 1 to k-1 is visible.
    for key, w in shown.items():
        if not w.gesperrt:
            assert w.zahl == raw[key]
            assert not (1 <= w.zahl < K)
        else:
            assert w.anzeige == ("< 3" if w.grund == PRIMAER else "x")
            assert (w.grund == PRIMAER) == (1 <= raw[key] < K)
    # Classic check: every relation whose total is shown has 0 or >= 2 hidden entries.
    for rel in rels:
        assert sum(1 for key in rel if shown[key].gesperrt) != 1
    # Stronger check: no hidden entry is determined by the relations at all.
    hidden = [key for key, w in shown.items() if w.gesperrt]
    assert _determined(hidden, rels) == []


@settings(max_examples=200, deadline=None)
@given(werte=tables, own=st.integers(min_value=0, max_value=4))
def test_own_kommune_raw_but_others_still_protected_against_it(werte, own):
    m, n = len(werte), len(werte[0])
    own = own % m
    bekannt = [[i == own] * n for i in range(m)]
    t = schuetze_tabelle(werte, k=K, bekannt=bekannt)
    shown = _entries(t, m, n)
    assert [w.zahl for w in t.zellen[own]] == werte[own]
    # The viewer knows its own row: those entries are constants, not unknowns.
    known = {("z", own, j) for j in range(n)} | {("r", own)}
    if m == 1:
        known |= {("c", j) for j in range(n)} | {("g",)}
    rels = _relations(m, n, True, True, True)
    hidden = [key for key, w in shown.items() if w.gesperrt and key not in known]
    for rel in rels:
        assert sum(1 for key in rel if key in hidden) != 1
    assert _determined(hidden, rels) == []


@settings(max_examples=150, deadline=None)
@given(
    data=st.integers(min_value=1, max_value=4).flatmap(
        lambda m: st.tuples(
            st.just(m),
            st.lists(
                st.lists(
                    st.lists(st.integers(min_value=0, max_value=8), min_size=3, max_size=3),
                    min_size=m,
                    max_size=m,
                ),
                min_size=1,
                max_size=3,
            ),
        )
    )
)
def test_status_breakdown_cannot_undo_main_table(data):
    m, subs = data
    n = len(subs)
    haupt = [[sum(subs[j][i]) for j in range(n)] for i in range(m)]
    main, geschuetzt = schuetze_mit_aufschluesselung(haupt, subs, k=K)
    for j, sub_t in enumerate(geschuetzt):
        s = 3
        shown = _entries(sub_t, m, s)
        # The same figure is hidden in both tables.
        for i in range(m):
            assert main.zellen[i][j].gesperrt == sub_t.zeilensummen[i].gesperrt
        assert main.spaltensummen[j].gesperrt == sub_t.gesamt.gesperrt
        rels = _relations(m, s, True, True, True)
        # Against a reader who knows nothing and against each Kommune knowing its own row.
        for own in [None, *range(m)]:
            known = _row_known(own, m, s) if own is not None else set()
            hidden = [key for key, w in shown.items() if w.gesperrt and key not in known]
            assert _determined(hidden, rels) == [], own
        for w in shown.values():
            assert w.gesperrt or not (1 <= w.zahl < K)


def _row_known(own, m, n, zeilen=True, spalten=True, gesamt=True):
    """The entries a Kommune owning row `own` knows: its cells, its row total, and (alone) everything."""
    known = {("z", own, j) for j in range(n)}
    if zeilen:
        known.add(("r", own))
    if m == 1:
        known |= {("c", j) for j in range(n)} | {("g",)}
    return known


@settings(max_examples=250, deadline=None)
@given(werte=tables, flags=st.sampled_from([(True, True), (False, True)]))
def test_no_kommune_can_recompute_another_kommunes_hidden_value_from_its_own_row(werte, flags):
    """Rows are Kommunen; each knows its own row. Subtracting it from a shown total must reveal nothing."""
    zeilen, spalten = flags
    m, n = len(werte), len(werte[0])
    t = schuetze_tabelle(werte, k=K, zeilensummen=zeilen, spaltensummen=spalten, meldende_zeilen=True)
    shown = _entries(t, m, n)
    raw = _raw(werte, m, n)
    rels = _relations(m, n, zeilen, spalten, True)
    for key, w in shown.items():
        assert w.zahl == raw[key] if not w.gesperrt else (w.grund == PRIMAER) == (1 <= raw[key] < K)
    for own in [None, *range(m)]:
        known = _row_known(own, m, n, zeilen, spalten) if own is not None else set()
        hidden = [key for key, w in shown.items() if w.gesperrt and key not in known]
        # Known entries are constants: they drop out of the relations.
        assert _determined(hidden, rels) == [], own


@settings(max_examples=150, deadline=None)
@given(werte=tables, own=st.integers(min_value=0, max_value=4))
def test_own_row_shown_raw_does_not_change_the_pattern_for_others(werte, own):
    m, n = len(werte), len(werte[0])
    own = own % m
    allgemein = schuetze_tabelle(werte, k=K, meldende_zeilen=True)
    eigen = schuetze_tabelle(werte, k=K, meldende_zeilen=True, bekannt=[[i == own] * n for i in range(m)])
    assert [w.zahl for w in eigen.zellen[own]] == werte[own]
    assert eigen.gesperrte == allgemein.gesperrte
    for i in range(m):
        if i != own:
            assert eigen.zellen[i] == allgemein.zellen[i]
    if m > 1:  # alone, the Kommune's own figures are the Bündnis totals
        assert eigen.spaltensummen == allgemein.spaltensummen and eigen.gesamt == allgemein.gesamt


def test_third_kommune_cannot_subtract_its_own_figure_from_the_total():
    # a2 has 2 (small). Hiding a3's 4 next to it protects against an outsider, but not against a3 itself:
    # 11 - 5 - 4 = 2. The total (or a1's 5) must go as well.
    t = schuetze_tabelle([[5], [2], [4]], k=K, zeilensummen=False, meldende_zeilen=True)
    assert t.zellen[1][0].anzeige == "< 3"
    assert t.spaltensummen[0].gesperrt or t.zellen[0][0].gesperrt


@settings(max_examples=200, deadline=None)
@given(
    teile=st.integers(min_value=1, max_value=4).flatmap(
        lambda m: st.integers(min_value=1, max_value=5).flatmap(
            lambda n: st.lists(
                st.lists(st.integers(min_value=0, max_value=9), min_size=n, max_size=n),
                min_size=m,
                max_size=m,
            )
        )
    ),
    mit_summe=st.booleans(),
)
def test_buendnis_wide_figures_reveal_no_small_rest_to_any_kommune(teile, mit_summe):
    n = len(teile[0])
    figures = [sum(row[c] for row in teile) for c in range(n)]
    werte, summe = schuetze_buendnisweit(teile, k=K, mit_summe=mit_summe)
    for c, w in enumerate(werte):
        assert w.gesperrt or w.zahl == figures[c]
        assert w.gesperrt or not (1 <= figures[c] < K)
    for own in [[0] * n, *teile]:
        rest = [f - o for f, o in zip(figures, own, strict=True)]
        for c, w in enumerate(werte):
            # What a Kommune learns about the rest of the Bündnis from a shown figure is never small.
            assert w.gesperrt or not (1 <= rest[c] < K)
        if mit_summe and not summe.gesperrt:
            assert not (1 <= sum(rest) < K)
            # The total gives back a hidden figure only when at least two are hidden.
            assert sum(1 for w in werte if w.gesperrt) != 1


def test_single_small_cell_pulls_next_smallest_non_zero_cell_in_row_and_column():
    t = schuetze_tabelle([[2, 5, 9], [4, 7, 8]], k=3)
    assert t.zellen[0][0].anzeige == "< 3"
    # Row 0 and column 0 would each reveal the hidden 2: the 5 (row) and the 4 (column) go as well.
    assert t.zellen[0][1].grund == SEKUNDAER and t.zellen[0][1].anzeige == "x"
    assert t.zellen[1][0].grund == SEKUNDAER
    assert t.zellen[1][1].grund == SEKUNDAER  # closes the 2x2 pattern so no row or column has one left
    assert t.zellen[0][2].zahl == 9 and t.gesamt.zahl == 35


def test_zeros_stay_visible_and_are_not_suppressed():
    t = schuetze_tabelle([[0, 0], [5, 6]], k=3)
    assert [w.anzeige for w in t.zellen[0]] == ["0", "0"]
    assert t.anzahl_gesperrt == 0


def test_threshold_comes_from_settings(settings):
    settings.BEDARF_MIN_COUNT = 5
    werte, summe = schuetze_liste([4, 10, 12])
    assert werte[0].anzeige == "< 5"
    assert werte[1].grund == SEKUNDAER  # the 10 is the next-smallest: 4 cannot be worked out from the total
    assert summe.zahl == 26


def test_small_total_is_hidden_too():
    werte, summe = schuetze_liste([1, 1, 0], k=3)
    assert summe.anzeige == "< 3"
    assert [w.anzeige for w in werte] == ["< 3", "< 3", "0"]


def test_derived_figures_only_from_visible_counts():
    t = schuetze_tabelle([[2, 5, 9], [4, 7, 8]], k=3)
    assert abgeleitet([t.zellen[0][0]], lambda bedarf: 10 - bedarf) is None
    assert abgeleitet([t.zellen[0][2]], lambda bedarf: 10 - bedarf) == 1


def test_rejects_negative_or_ragged_input():
    with pytest.raises(ValueError):
        schuetze_tabelle([[1, -1]])
    with pytest.raises(ValueError):
        schuetze_tabelle([[1, 2], [3]])


def test_total_shown_alone_only_without_small_parts():
    from bedarf.suppression import summe_ohne_kleine_teile

    assert summe_ohne_kleine_teile(2, [2], k=K).anzeige == "< 3"
    assert summe_ohne_kleine_teile(12, [10, 2], k=K).anzeige == "x"
    assert summe_ohne_kleine_teile(12, [12, 0, 5, 7], k=K).zahl == 12
    assert summe_ohne_kleine_teile(0, [], k=K).zahl == 0


@settings(max_examples=200, deadline=None)
@given(teile=st.lists(st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=4), min_size=1))
def test_total_shown_alone_reveals_no_small_rest_to_any_kommune(teile):
    """Rows are Kommunen; a shown total minus a Kommune's own figures is never a small count."""
    from bedarf.suppression import summe_ohne_kleine_teile

    gesamt = sum(map(sum, teile))
    w = summe_ohne_kleine_teile(gesamt, [v for row in teile for v in row], k=K)
    if not w.gesperrt:
        assert all(not (1 <= gesamt - sum(row) < K) for row in teile)
        assert not (1 <= gesamt < K)


def test_linked_tables_without_any_row_keep_their_columns():
    main, subs = schuetze_mit_aufschluesselung([], [[], []], k=K, teile=3)
    assert [w.zahl for w in main.spaltensummen] == [0, 0]
    assert all([w.zahl for w in sub.spaltensummen] == [0, 0, 0] for sub in subs)
