"""The benchmark's measuring and judging (issue 18): time spent in SQL beside the total of a page
(`demo/bench/messen.py`), and which targets of the pages and of the load test (`bench/last.py`) count as missed.
The load test itself runs in `make bench`, not here."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.urls import reverse

from bench import last, run
from demo.bench import messen


@pytest.mark.django_db
def test_sql_uhr_zaehlt_die_anfragen_nicht_die_python_zeit():
    uhr = messen.SqlUhr()
    with connection.execute_wrapper(uhr), connection.cursor() as cursor:
        time.sleep(0.05)  # Python time: not SQL
        start = time.perf_counter()
        cursor.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) SELECT count(*) FROM n"
        )
        dauer = time.perf_counter() - start
    assert 0 < uhr.sekunden <= dauer
    assert uhr.sekunden < 0.05


def test_faktor_ohne_sql_ist_leer():
    assert messen.faktor(30.0, 10.0) == 3.0
    assert messen.faktor(30.0, 0.0) is None


def test_messe_meldet_sql_zeit_neben_der_gesamtzeit(scenario):
    client = scenario.client("koordination")
    m = messen.messe(client, reverse("angebote:angebot-list"), n=3, warmup=1)
    assert m["status"] == 200
    assert m["queries"] > 0
    assert 0 < m["sql_median_ms"] <= m["median_ms"]
    assert m["sql_p95_ms"] >= m["sql_median_ms"]
    assert m["faktor_sql"] >= 1


def _ergebnis(seite_messung: dict, last_daten: dict | None = None) -> dict:
    return {
        "seiten": [{"seite": "Katalog", "rolle": "land", "seite_messung": seite_messung}],
        "exporte": [],
        "import": [],
        "last": last_daten or {},
    }


def test_seite_mit_mehr_als_doppelter_sql_zeit_verfehlt_das_ziel():
    verfehlt = run.ziele_pruefen(
        _ergebnis({"median_ms": 90.0, "p95_ms": 100.0, "sql_median_ms": 30.0, "faktor_sql": 3.0})
    )
    assert verfehlt == ["Katalog (land): gesamt 90.0 ms = 3.0× die SQL-Zeit (30.0 ms) > 2×"]
    assert (
        run.ziele_pruefen(
            _ergebnis({"median_ms": 60.0, "p95_ms": 100.0, "sql_median_ms": 30.0, "faktor_sql": 2.0})
        )
        == []
    )


def _mix(req_s: float, p95_ms: int, fehler: int = 0, **extra) -> dict:
    gesamt = {"anfragen": 100, "fehler": fehler, "req_s": req_s, "p50_ms": 50, "p95_ms": p95_ms}
    return {"gesamt": gesamt, "seiten": [{"seite": "Dashboard", **gesamt}], "fehlerarten": [], **extra}


def test_lasttest_ziele_der_mixe():
    erreicht = {
        "mixe": {
            "healthz": _mix(190.0, 120),
            "admin": _mix(11.0, 2000),
            "koordination": _mix(60.0, 300),
            "land": _mix(30.0, 500),
        }
    }
    assert last.ziele(erreicht) == []
    verfehlt = {"mixe": {"koordination": _mix(24.4, 880), "land": _mix(8.0, 5900)}}
    assert last.ziele(verfehlt) == [
        "Lasttest koordination: 24.4 req/s < 60 req/s",
        "Lasttest koordination: p95 880 ms > 300 ms",
        "Lasttest land: 8.0 req/s < 30 req/s",
        "Lasttest land: p95 5900 ms > 500 ms",
    ]


def test_lasttest_fehler_und_gescheiterte_anmeldungen_verfehlen_das_ziel():
    mix = _mix(
        70.0,
        200,
        fehler=3,
        titel="Koordination",
        anmeldefehler={"koordination: Anmeldung HTTP 403": 2},
        fehlerarten=[{"seite": "Dashboard", "fehler": "HTTP 500", "anzahl": 3}],
    )
    verfehlt = last.ziele({"mixe": {"koordination": mix}, "server_fehler": {"tracebacks": 3}})
    assert verfehlt == [
        "Lasttest Koordination: 2 Nutzer nicht angemeldet (koordination: Anmeldung HTTP 403)",
        "Lasttest Koordination: 3 fehlerhafte Antworten (Dashboard: HTTP 500 (3×))",
        "Lasttest: 3 Tracebacks im Serverprotokoll",
    ]
    assert last.ziele({"fehler": "Zweiter Faktor eingerichtet für land"}) == [
        "Lasttest: Zweiter Faktor eingerichtet für land"
    ]
    assert last.ziele({}) == []


def test_lasttest_tabelle_zeigt_mix_und_seiten():
    zeilen = last.tabelle({"nutzer": 16, "sekunden": 30, "workers": 3, "mixe": {"land": _mix(31.5, 480)}})
    text = "\n".join(zeilen)
    assert "16 Nutzer" in text
    assert any("(gesamt)" in z and "31.5" in z and "480" in z for z in zeilen)
