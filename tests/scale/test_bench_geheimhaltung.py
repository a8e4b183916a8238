"""The plain helpers of the suppression benchmark (`demo/bench/geheimhaltung.py`, issue #11): which rounds a sample
takes and how the figures of the computed rounds are summed up."""

from __future__ import annotations

from demo.bench import geheimhaltung


def test_stichprobe_alle_ohne_grenze():
    ids = [3, 1, 2]
    assert geheimhaltung.stichprobe(ids, {1: 5, 2: 1, 3: 9}, None, set()) == [3, 1, 2]
    assert geheimhaltung.stichprobe(ids, {1: 5, 2: 1, 3: 9}, 10, set()) == [3, 1, 2]


def test_stichprobe_verteilt_ueber_die_groessen_und_behaelt_die_pflichtrunde():
    groessen = {i: i for i in range(1, 21)}  # round i has i Kommunen
    auswahl = geheimhaltung.stichprobe(sorted(groessen), groessen, 4, {20})
    assert len(auswahl) == 4
    assert 20 in auswahl
    # Spread: small and middle rounds, not the four smallest.
    assert min(auswahl) <= 5 and any(8 <= e <= 14 for e in auswahl)
    assert geheimhaltung.stichprobe(sorted(groessen), groessen, 4, {20}) == auswahl  # deterministic


def _runde(e, sekunden, zellen, gesperrt, primaer, pruefungen, kommunen=3, gesamt_gesperrt=False):
    return {
        "erhebung": e,
        "buendnis": f"B{e}",
        "titel": "Runde",
        "kommunen": kommunen,
        "sekunden": sekunden,
        "audit_sekunden": sekunden - 0.5,
        "zellen": zellen,
        "gesperrt": gesperrt,
        "primaer": primaer,
        "pruefungen": pruefungen,
        "gesamt_gesperrt": gesamt_gesperrt,
    }


def test_zusammenfassen():
    runden = [
        _runde(1, 2.0, 100, 10, 5, 7),
        _runde(2, 10.0, 300, 90, 30, 40, gesamt_gesperrt=True),
        _runde(3, 4.0, 100, 100, 60, 3),
    ]
    z = geheimhaltung.zusammenfassen(runden)
    assert z["runden_berechnet"] == 3
    assert z["sekunden_je_runde"] == {"min": 2.0, "median": 4.0, "max": 10.0}
    assert z["summe_sekunden"] == 16.0
    assert (z["zellen"], z["gesperrt"], z["primaer"]) == (500, 200, 95)
    assert z["anteil_gesperrt"] == 0.4
    assert z["anteil_primaer"] == 0.19
    assert z["anteil_gesperrt_je_runde"] == {"min": 0.1, "median": 0.3, "max": 1.0}
    assert z["alles_gesperrt"] == 1
    assert z["buendnis_gesamt_gesperrt"] == 1
    assert z["pruefungen"] == 50
    assert z["laengste_runde"]["erhebung"] == 2
    assert geheimhaltung.zusammenfassen([]) == {"runden_berechnet": 0}


def test_ziele_und_tabelle():
    teil = {
        "berechnung": {
            **geheimhaltung.zusammenfassen([_runde(1, 2.0, 100, 10, 5, 7)]),
            "prozesse": 2,
            "gesamt_sekunden_wand": 2.1,
            "fehler": [{"erhebung": 9, "fehler": "RuntimeError: x"}],
        },
        "seiten": [
            {
                "seite": "Lückenanalyse",
                "rolle": "land",
                "seite_messung": {"median_ms": 90.0, "p95_ms": 160.0, "queries": 12},
            },
            {
                "seite": "Erhebung (Detail)",
                "rolle": "land",
                "seite_messung": {"median_ms": 50.0, "p95_ms": 60.0, "queries": 10},
            },
        ],
    }
    verfehlt = geheimhaltung.ziele(teil, 150)
    assert len(verfehlt) == 2
    assert "Lückenanalyse" in verfehlt[0] and "nicht berechnet" in verfehlt[0]
    assert "Runde 9" in verfehlt[1]
    text = "\n".join(geheimhaltung.tabelle(teil))
    assert "10 von 100 Feldern (10.0 %)" in text
    assert "Lückenanalyse" in text and "160.0ms" in text
