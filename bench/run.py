#!/usr/bin/env python
"""Benchmark at NRW scale (issue #8), run by `make bench` (not part of `make test`).

Needs PostgreSQL: `DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/buendnis_bench). The database is
created when missing, migrated, and filled once with the demo data and the NRW-wide scale data
(`manage.py demo_data --scale nrw`); later runs reuse it. `--scale de` measures the same pages on all of Germany
(issue 18: every page within 1.3 × its NRW time, query counts flat): database `buendnis_bench_de` unless
`DATABASE_URL` says otherwise, built with `demo_data --scale de`, results in `bench/results-de.json`.

Measured through Django's test client (server time: request in, response body out, no network), signed in as
the coordination of Rhein-Kreis Neuss and, where the scope matters, as the state (`land`, all 53 Bündnisse):

- median and p95 of N requests (after warm-ups) for every listed page, with the median time spent in SQL and
  the ratio total / SQL (`faktor_sql`), beside the Django admin changelist of the same model as a reference
  (ratio page / admin), among them the Land's view of all Bündnisse (table and
  map, comparison by quarter, one Bündnis, export; `--nur-seiten Landsicht` measures only those);
- exports of all 50,000 offers as CSV and XLSX (time and peak memory, each in a fresh process);
- import of 10,000 offer rows (dry run and confirm) through the staff import page, rolled back afterwards;
- a load test (issue 18, `bench/last.py`, `--ohne-last` skips it, `--nur-last` runs only it): gunicorn with the
  production settings as `make serve` starts it, locust with 16 signed-in users per mix (coordination, state),
  beside `/healthz` and the admin changelist: req/s, p50, p95 and failures per page and per mix;
- the audited small-number protection (issue #11, `demo/bench/geheimhaltung.py`): computing the suppression patterns of
  the survey rounds the state's overview reads (before the pages, so that every page reads stored patterns), and
  the pages that read them.

Prints one table, writes it as JSON (`bench/results-latest.json` unless `--json` says otherwise) and exits 0
even when targets are missed (they are listed at the end).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
# The project root is on the path only from here on.
from bench import last  # noqa: E402
from demo.bench import geheimhaltung, messen  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/buendnis_bench"
RESULTS = BASE_DIR / "bench" / "results-latest.json"
# Per scale of the data: the database used unless DATABASE_URL is set, and the default result file.
SCALES = {
    "nrw": (DEFAULT_DB, RESULTS),
    "de": ("postgres://postgres@127.0.0.1:5432/buendnis_bench_de", BASE_DIR / "bench" / "results-de.json"),
}

# Targets of the issue (2-core machine, PostgreSQL, NRW data).
ZIEL_SEITE_P95_MS = 150
ZIEL_BERICHT_P95_MS = 1000
ZIEL_ADMIN_FAKTOR = 1.5
ZIEL_SQL_FAKTOR = 2
ZIEL_CSV_S = 5
ZIEL_XLSX_S = 30
ZIEL_SPEICHER_MB = 300
ZIEL_IMPORT_S = 30
IMPORT_ZEILEN = 10_000
IMPORT_PREFIX = "BENCH-"


def _setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def _ensure_database(url: str) -> None:
    """Creates the benchmark database when it does not exist yet."""
    import environ
    import psycopg2
    from psycopg2 import sql

    cfg = environ.Env.db_url_config(url)
    params = {
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
    }
    conn = psycopg2.connect(dbname="postgres", **{k: v for k, v in params.items() if v})
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
            if cur.fetchone() is None:
                print(f"Lege die Datenbank {cfg['NAME']} an …", flush=True)
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
    finally:
        conn.close()


def _admin_url(model) -> str | None:
    from django.contrib import admin

    if model is None or model not in admin.site._registry:
        return None
    return messen.url(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _model(app_label: str, name: str):
    from django.apps import apps

    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _clients() -> dict:
    from django.test import Client

    from buendnis.models import User

    clients = {}
    for rolle, username in (("koordination", "koordination"), ("land", "land")):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        clients[rolle] = client
    return clients


def bezug() -> dict:
    """The objects the measured pages and the load test's mixes are about: Rhein-Kreis Neuss, its town Neuss, a
    published offer with follow-up offers, the survey round with the most Meldungen, the usual catalogue filter."""
    from django.db.models import Count

    from angebote.models import Angebot, Aufenthaltsstatus, Kategorie
    from buendnis.models import Buendnis, Kommune

    neuss = Buendnis.objects.get(kreisschluessel="05162")
    kommune = Kommune.objects.filter(buendnis=neuss, name="Neuss").first()
    kategorie = Kategorie.objects.filter(code="deutsch").first()
    duldung = Aufenthaltsstatus.objects.filter(code="duldung").first()
    detail = (
        Angebot.objects.for_buendnis(neuss.pk)
        .veroeffentlicht()
        .filter(anschlussangebote__isnull=False)
        .order_by("pk")
        .first()
    ) or Angebot.objects.for_buendnis(neuss.pk).order_by("pk").first()
    Erhebung = _model("bedarf", "Erhebung")
    erhebung = None
    if Erhebung is not None:
        erhebung = (
            Erhebung.objects.filter(buendnis=neuss)
            .annotate(anzahl=Count("meldungen"))
            .order_by("-anzahl", "-stichtag")
            .first()
        )
    return {
        "neuss": neuss,
        "kategorie": kategorie,
        "detail": detail,
        "erhebung": erhebung,
        "Erhebung": Erhebung,
        "filter_query": (
            f"kategorie={kategorie.pk}&zugang={duldung.pk}&kommune={kommune.pk}&status=veroeffentlicht&laufend=on"
        ),
        "angebot_admin": _admin_url(Angebot),
    }


def seiten(clients: dict, *, n: int, warmup: int, nur: list[str] | None = None) -> list[dict]:
    """Every listed page beside the admin changelist of the same model (`nur`: only the pages whose name
    contains one of these texts, and no report generation unless one of them names it)."""
    from buendnis.models import Buendnis

    b = bezug()
    neuss, detail, erhebung = b["neuss"], b["detail"], b["erhebung"]
    filter_query, angebot_admin = b["filter_query"], b["angebot_admin"]
    filter_admin = f"status__exact=veroeffentlicht&kategorie__id__exact={b['kategorie'].pk}"
    suche = "q=Pflegehilfe+Gemeinde"
    Bericht = _model("berichte", "Bericht")
    bericht_url = None
    plan = [
        ("Dashboard", "koordination", messen.url("buendnis:dashboard"), messen.url("admin:index")),
        ("Dashboard", "land", messen.url("buendnis:dashboard"), messen.url("admin:index")),
        ("Katalog", "koordination", messen.url("angebote:angebot-list"), angebot_admin),
        ("Katalog", "land", messen.url("angebote:angebot-list"), angebot_admin),
        (
            "Katalog gefiltert",
            "koordination",
            messen.url("angebote:angebot-list", query=filter_query),
            angebot_admin and f"{angebot_admin}?{filter_admin}",
        ),
        (
            "Katalog gefiltert",
            "land",
            messen.url("angebote:angebot-list", query=f"{filter_query}&buendnis={neuss.pk}"),
            angebot_admin and f"{angebot_admin}?{filter_admin}&buendnis__id__exact={neuss.pk}",
        ),
        (
            "Katalog Volltext",
            "koordination",
            messen.url("angebote:angebot-list", query=suche),
            angebot_admin and f"{angebot_admin}?{suche}",
        ),
        (
            "Katalog Volltext",
            "land",
            messen.url("angebote:angebot-list", query=suche),
            angebot_admin and f"{angebot_admin}?{suche}",
        ),
        (
            "Angebot (Detail)",
            "koordination",
            detail and messen.url("angebote:angebot-detail", detail.pk),
            angebot_admin,
        ),
        ("Zugangsmatrix", "koordination", messen.url("angebote:zugangsmatrix"), angebot_admin),
        (
            "Zugangsmatrix",
            "land",
            messen.url("angebote:zugangsmatrix", query=f"buendnis={neuss.pk}"),
            angebot_admin,
        ),
        (
            "Lückenanalyse",
            "koordination",
            erhebung and messen.url("bedarf:luecken", erhebung.pk),
            _admin_url(b["Erhebung"]),
        ),
        (
            "Budgetübersicht",
            "koordination",
            messen.url("foerderung:uebersicht"),
            _admin_url(_model("foerderung", "Foerderantrag")) or _admin_url(_model("foerderung", "Budget")),
        ),
        (
            "Budgetübersicht",
            "land",
            messen.url("foerderung:uebersicht"),
            _admin_url(_model("foerderung", "Foerderantrag")) or _admin_url(_model("foerderung", "Budget")),
        ),
    ]
    # The Land's steering view of all 53 Bündnisse (issue 15), beside the admin list of the Bündnisse.
    buendnis_admin = _admin_url(Buendnis)
    land_auswahl = (
        "sort=bewilligt&richtung=ab&regierungsbezirk=duesseldorf&karte=erhebung_abgegeben&baustein="
    )
    plan += [
        ("Landsicht Tabelle und Karte", "land", messen.url("berichte:land-uebersicht"), buendnis_admin),
        (
            "Landsicht sortiert und gefiltert",
            "land",
            messen.url("berichte:land-uebersicht", query=land_auswahl),
            buendnis_admin,
        ),
        (
            "Landsicht Förderbaustein",
            "land",
            messen.url("berichte:land-uebersicht", query="baustein=f6&sort=abgerufen_f6&karte=bewilligt_f6"),
            buendnis_admin,
        ),
        ("Landsicht Vergleich", "land", messen.url("berichte:land-vergleich"), buendnis_admin),
        ("Landsicht Bündnis", "land", messen.url("berichte:land-buendnis", neuss.pk), buendnis_admin),
        ("Landsicht Export CSV", "land", messen.url("berichte:land-export", "csv"), buendnis_admin),
    ]
    if nur:
        plan = [p for p in plan if any(n.casefold() in p[0].casefold() for n in nur)]
    mit_bericht = not nur or any("bericht" in n.casefold() for n in nur)
    if mit_bericht:
        if Bericht is not None and "koordination" in clients:
            bericht_url = _sachstandsbericht_url(clients["koordination"], neuss)
        plan.append(("Sachstandsbericht (HTML)", "koordination", bericht_url, _admin_url(Bericht)))

    ergebnisse = []
    for name, rolle, url, admin_url in plan:
        client = clients.get(rolle)
        zeile = {"seite": name, "rolle": rolle}
        if client is None or url is None:
            zeile["fehler"] = "n/a"
            ergebnisse.append(zeile)
            print(f"  {name:<26} {rolle:<13} n/a", flush=True)
            continue
        zeile["seite_messung"] = messen.messe(client, url, n=n, warmup=warmup)
        zeile["admin_messung"] = messen.messe(client, admin_url, n=n, warmup=warmup) if admin_url else None
        _kurz(zeile)
        ergebnisse.append(zeile)
    if mit_bericht:
        ergebnisse.extend(bericht_erzeugen(clients, n=max(3, n // 6)))
    return ergebnisse


def grundkosten(clients: dict, *, n: int, warmup: int) -> list[dict]:
    """What every request costs before a page does its own work: the health check (answered before the rest of
    the middleware), a signed-in JSON answer without the page frame, and a signed-in page with the page frame and
    almost nothing else. A page cannot be cheaper than the last of these; its SQL-ratio target is judged beside it."""
    from django.test import Client

    plan = [
        ("/healthz (vor der übrigen Middleware)", None, "/healthz"),
        (
            "Navigationszahlen (JSON, angemeldet, ohne Seitenrahmen)",
            "koordination",
            messen.url("buendnis:navigation-zahlen"),
        ),
        ("Kalender (angemeldet, mit Seitenrahmen)", "koordination", messen.url("buendnis:kalender")),
    ]
    ergebnisse = []
    for name, rolle, url in plan:
        client = clients.get(rolle) if rolle else Client()
        if client is None or url is None:
            continue
        messung = messen.messe(client, url, n=n, warmup=warmup)
        ergebnisse.append({"seite": name, "rolle": rolle or "anonym", "messung": messung})
        text = (
            f"Median {messung.get('median_ms', '–')} ms" if "median_ms" in messung else messung.get("fehler")
        )
        sql = (
            f", SQL {messung['sql_median_ms']} ms, {messung.get('queries')} Abfragen"
            if "median_ms" in messung
            else ""
        )
        print(f"  {name:<58} {text}{sql}", flush=True)
    return ergebnisse


def _kurz(zeile: dict) -> None:
    seite, admin = zeile.get("seite_messung") or {}, zeile.get("admin_messung") or {}
    if "p95_ms" in seite and "p95_ms" in admin and admin["p95_ms"]:
        zeile["faktor_admin"] = round(seite["p95_ms"] / admin["p95_ms"], 2)
    text = f"p95 {seite.get('p95_ms', '–')} ms" if "p95_ms" in seite else seite.get("fehler", "n/a")
    if seite.get("faktor_sql") is not None:
        text += f", SQL {seite['sql_median_ms']} ms (× {seite['faktor_sql']})"
    ref = f"Admin p95 {admin.get('p95_ms')} ms" if "p95_ms" in admin else "Admin n/a"
    print(f"  {zeile['seite']:<26} {zeile['rolle']:<13} {text:<40} {ref}", flush=True)


def _sachstandsbericht_url(client, buendnis) -> str | None:
    """A kept Sachstandsbericht of the Bündnis over the whole programme period (generated once)."""
    from berichte.models import Bericht

    bericht = Bericht.objects.filter(buendnis=buendnis, titel="Benchmark-Sachstandsbericht").first()
    if bericht is None:
        create = messen.url("berichte:bericht-create")
        if create is None:
            return None
        response = client.post(create, _bericht_formular(client, create))
        bericht = Bericht.objects.filter(buendnis=buendnis, titel="Benchmark-Sachstandsbericht").first()
        if bericht is None:
            print(
                f"  Sachstandsbericht konnte nicht erzeugt werden (HTTP {response.status_code})", flush=True
            )
            return None
    return bericht.get_absolute_url()


def _bericht_formular(client, create_url: str) -> dict:
    from berichte import selectors

    return {
        "zeitraum_von": "2019-01-01",
        "zeitraum_bis": time.strftime("%Y-%m-%d"),
        "titel": "Benchmark-Sachstandsbericht",
        "einleitung": "Benchmark",
        "abschnitte": [a.key for a in selectors.verfuegbare_abschnitte()],
    }


def bericht_erzeugen(clients: dict, *, n: int) -> list[dict]:
    """Generating a Sachstandsbericht: content and HTML (the report page) and the full POST (HTML, PDF, DOCX)."""
    client = clients.get("koordination")
    create = messen.url("berichte:bericht-create")
    if client is None or create is None:
        return [{"seite": "Sachstandsbericht erzeugen", "rolle": "koordination", "fehler": "n/a"}]
    from django.db import transaction

    from buendnis.models import Buendnis, User

    ergebnisse = []
    try:
        from berichte import selectors
        from berichte.render_html import render_html

        user = User.objects.get(username="koordination")
        neuss = Buendnis.objects.get(kreisschluessel="05162")
        import datetime

        zeiten = []
        for i in range(n + 1):
            start = time.perf_counter()
            kontext = selectors.Kontext(
                buendnis=neuss, von=datetime.date(2019, 1, 1), bis=datetime.date.today(), user=user
            )
            render_html(selectors.sachstandsbericht_inhalt(kontext, abschnitte=None, einleitung=""))
            if i:
                zeiten.append((time.perf_counter() - start) * 1000)
        zeile = {
            "seite": "Sachstandsbericht Inhalt+HTML",
            "rolle": "koordination",
            "seite_messung": {
                "n": n,
                "median_ms": round(statistics.median(zeiten), 1),
                "p95_ms": round(messen.p95(zeiten), 1),
                "status": 200,
            },
            "admin_messung": None,
            "bericht": True,
        }
        _kurz(zeile)
        ergebnisse.append(zeile)
    except (ImportError, AttributeError, TypeError) as exc:
        ergebnisse.append(
            {"seite": "Sachstandsbericht Inhalt+HTML", "rolle": "koordination", "fehler": str(exc)}
        )

    daten = _bericht_formular(client, create)
    daten["titel"] = "Benchmark (verworfen)"
    zeiten = []
    status = None
    from django.test import override_settings

    # The request only queues the report; the worker renders it. Both are measured together, in this process.
    sofort = override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    )
    for i in range(n + 1):
        # Each generation is rolled back so the benchmark database does not collect reports.
        with sofort, transaction.atomic():
            start = time.perf_counter()
            response = client.post(create, daten)
            dauer = (time.perf_counter() - start) * 1000
            status = response.status_code
            transaction.set_rollback(True)
        if status not in (200, 302):
            break
        if i:
            zeiten.append(dauer)
    zeile = {
        "seite": "Sachstandsbericht erzeugen (Anfrage und Worker: HTML+PDF+DOCX)",
        "rolle": "koordination",
        "bericht": True,
    }
    if zeiten:
        zeile["seite_messung"] = {
            "n": len(zeiten),
            "median_ms": round(statistics.median(zeiten), 1),
            "p95_ms": round(messen.p95(zeiten), 1),
            "status": status,
        }
    else:
        zeile["fehler"] = f"HTTP {status}"
    zeile["admin_messung"] = None
    _kurz(zeile)
    ergebnisse.append(zeile)
    return ergebnisse


# Exports (each in a fresh process, so the peak memory is the export's own) ---------------------------------------


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_kind(art: str, fmt: str) -> dict:
    """Runs inside the child process: one export of all offers as `land`, time and peak memory."""
    _setup_django()
    from angebote.models import Angebot

    clients = _clients()
    client = clients["land"]
    if art == "angebote":
        url = messen.url("angebote:angebot-export", query=f"format={fmt}")
    else:
        url = messen.url("berichte:export", "angebote", "angebot", query=f"format={fmt}")
    if url is None:
        return {"fehler": "n/a"}
    anzahl = Angebot.objects.count()
    client.get(
        messen.url("buendnis:dashboard")
    )  # warm the process (templates, permissions) before the baseline
    basis = _rss_mb()
    start = time.perf_counter()
    response = client.get(url)
    inhalt = messen.body(response)
    dauer = time.perf_counter() - start
    ergebnis = {
        "url": url,
        "status": response.status_code,
        "zeilen_exportiert": anzahl,
        "sekunden": round(dauer, 2),
        "bytes": len(inhalt),
        "rss_basis_mb": round(basis, 1),
        "rss_spitze_mb": round(_rss_mb(), 1),
    }
    ergebnis["rss_zuwachs_mb"] = round(ergebnis["rss_spitze_mb"] - basis, 1)
    if response.status_code != 200:
        ergebnis["fehler"] = f"HTTP {response.status_code}" + (
            " (Hintergrundauftrag)" if response.status_code == 302 else ""
        )
    elif fmt == "csv":
        ergebnis["zeilen_datei"] = inhalt.decode("utf-8-sig").count("\n") - 1
    return ergebnis


def exporte(timeout: int) -> list[dict]:
    ergebnisse = []
    for art, fmt in (("angebote", "csv"), ("angebote", "xlsx"), ("berichte", "csv"), ("berichte", "xlsx")):
        try:
            proc = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--export", art, fmt],
                capture_output=True,
                text=True,
                env=os.environ.copy(),
                check=False,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            ergebnis = {"fehler": f"nach {timeout} s abgebrochen", "sekunden_mindestens": timeout}
        else:
            try:
                ergebnis = json.loads(proc.stdout.strip().splitlines()[-1])
            except (json.JSONDecodeError, IndexError):
                zeilen = (proc.stderr or proc.stdout).strip().splitlines()
                ergebnis = {"fehler": zeilen[-1] if zeilen else "?"}
        ergebnis.update({"export": art, "format": fmt})
        print(
            f"  Export {art:<9} {fmt:<5} {ergebnis.get('sekunden', '–')} s, "
            f"Spitze {ergebnis.get('rss_spitze_mb', '–')} MB {ergebnis.get('fehler', '')}",
            flush=True,
        )
        ergebnisse.append(ergebnis)
    return ergebnisse


# Import ----------------------------------------------------------------------------------------------------------


def import_datei(zeilen: int = IMPORT_ZEILEN) -> bytes:
    """A CSV of `zeilen` new offers of Rhein-Kreis Neuss in the template's columns (German headers)."""
    from angebote.models import Aufenthaltsstatus, Kategorie
    from angebote.resources import zugang_header
    from buendnis.models import Akteur, Buendnis, Kommune

    neuss = Buendnis.objects.get(kreisschluessel="05162")
    kommunen = list(Kommune.objects.filter(buendnis=neuss).values_list("name", flat=True))
    traeger = list(Akteur.objects.filter(buendnis=neuss).values_list("name", flat=True))
    kategorien = list(Kategorie.objects.aktiv().values_list("bezeichnung", flat=True))
    status = list(Aufenthaltsstatus.objects.aktiv())
    zugang = ["offen", "nicht", "eingeschränkt: nur bei freien Plätzen", "offen", "nicht | Öffnung möglich"]
    headers = [
        "Kennung",
        "Titel",
        "Beschreibung",
        "Träger",
        "Kommunen",
        "Kategorie",
        "Förderbaustein",
        "Alter von",
        "Alter bis",
        "Plätze",
        "freie Plätze",
        "Beginn",
        "Ende",
        "laufender Einstieg",
        "Kinderbetreuung",
        *[zugang_header(s) for s in status],
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    for i in range(1, zeilen + 1):
        writer.writerow(
            [
                f"{IMPORT_PREFIX}{i:05d}",
                f"Importiertes Angebot {i}",
                "Kurs für junge Geflüchtete",
                traeger[i % len(traeger)],
                "kreisweit" if i % 5 == 0 else kommunen[i % len(kommunen)],
                kategorien[i % len(kategorien)],
                f"F{1 + i % 4}",
                18,
                27,
                12,
                i % 12,
                "01.09.2025",
                "31.07.2026",
                "nein",
                "ja" if i % 7 == 0 else "nein",
                *[zugang[(i + j) % len(zugang)] for j in range(len(status))],
            ]
        )
    return buffer.getvalue().encode("utf-8")


def importieren(clients: dict, zeilen: int = IMPORT_ZEILEN) -> list[dict]:
    """Dry run and confirm of 10,000 rows through the staff import page; everything is rolled back after."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction

    from angebote.models import Angebot

    client = clients.get("koordination")
    url = messen.url("angebote:angebot-import")
    if client is None or url is None:
        return [{"schritt": "Import", "fehler": "n/a"}]
    Importvorgang = _model("buendnis", "Importvorgang")
    inhalt = import_datei(zeilen)
    ergebnisse = []
    vorher = Angebot.objects.count()
    with transaction.atomic():
        # FK checks run at the end of the statement, as they would at the commit of a real request.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        datei = SimpleUploadedFile("angebote-import.csv", inhalt, content_type="text/csv")
        start = time.perf_counter()
        response = client.post(url, {"datei": datei})
        dauer = time.perf_counter() - start
        probe = {
            "schritt": "Probelauf",
            "zeilen": zeilen,
            "bytes": len(inhalt),
            "sekunden": round(dauer, 2),
            "status": response.status_code,
        }
        if response.status_code != 200:
            probe["fehler"] = _fehlertext(response)
        ergebnisse.append(probe)
        print(f"  Import Probelauf   {probe['sekunden']} s (HTTP {response.status_code})", flush=True)
        vorgang = (
            Importvorgang.objects.filter(benutzer__username="koordination").order_by("-pk").first()
            if Importvorgang is not None and response.status_code == 200
            else None
        )
        if vorgang is not None:
            start = time.perf_counter()
            response = client.post(url, {"bestaetigen": "1", "vorgang": vorgang.pk})
            dauer = time.perf_counter() - start
            neu = Angebot.objects.count() - vorher
            bestaetigt = {
                "schritt": "Bestätigen",
                "zeilen": zeilen,
                "sekunden": round(dauer, 2),
                "status": response.status_code,
                "angelegt": neu,
            }
            if response.status_code != 302 or neu != zeilen:
                bestaetigt["fehler"] = (
                    f"HTTP {response.status_code}, {neu} statt {zeilen} Angebote angelegt. "
                    + (_fehlertext(response))
                )
            ergebnisse.append(bestaetigt)
            print(f"  Import Bestätigen  {bestaetigt['sekunden']} s ({neu} angelegt)", flush=True)
        transaction.set_rollback(True)
    return ergebnisse


def import_prozess(zeilen: int, timeout: int) -> list[dict]:
    """The import in a fresh process (as a worker would run it), stopped after `timeout` seconds."""
    try:
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--import-kind", str(zeilen)],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        print(f"  Import nach {timeout} s abgebrochen", flush=True)
        return [
            {
                "schritt": "Probelauf und Bestätigen",
                "zeilen": zeilen,
                "fehler": f"nach {timeout} s abgebrochen",
            }
        ]
    for zeile in proc.stdout.strip().splitlines():
        if zeile.startswith("  Import"):
            print(zeile, flush=True)
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        zeilen_fehler = (proc.stderr or proc.stdout).strip().splitlines()
        return [{"schritt": "Import", "fehler": zeilen_fehler[-1] if zeilen_fehler else "?"}]


def _fehlertext(response) -> str:
    text = messen.body(response).decode("utf-8", "replace")
    treffer = re.findall(
        r'class="[^"]*(?:alert-danger|invalid-feedback|errorlist)[^"]*"[^>]*>(.*?)<', text, re.S
    )
    return " ".join(t.strip() for t in treffer if t.strip())[:300] or f"HTTP {response.status_code}"


# Report ----------------------------------------------------------------------------------------------------------


def ziele_pruefen(ergebnis: dict) -> list[str]:
    """Which targets are missed, in German."""
    verfehlt = []
    for zeile in ergebnis["seiten"]:
        seite = zeile.get("seite_messung") or {}
        if "p95_ms" not in seite:
            if seite.get("fehler"):
                verfehlt.append(f"{zeile['seite']} ({zeile['rolle']}): {seite['fehler']}")
            continue
        ziel = (
            ZIEL_BERICHT_P95_MS
            if zeile.get("bericht") or "Sachstandsbericht" in zeile["seite"]
            else ZIEL_SEITE_P95_MS
        )
        name = f"{zeile['seite']} ({zeile['rolle']})"
        if seite["p95_ms"] > ziel:
            verfehlt.append(f"{name}: p95 {seite['p95_ms']} ms > {ziel} ms")
        faktor = zeile.get("faktor_admin")
        if faktor is not None and faktor > ZIEL_ADMIN_FAKTOR:
            verfehlt.append(f"{name}: {faktor}× die Admin-Änderungsliste > {ZIEL_ADMIN_FAKTOR}×")
        faktor_sql = seite.get("faktor_sql")
        if faktor_sql is not None and faktor_sql > ZIEL_SQL_FAKTOR:
            verfehlt.append(
                f"{name}: gesamt {seite['median_ms']} ms = {faktor_sql}× die SQL-Zeit "
                f"({seite['sql_median_ms']} ms) > {ZIEL_SQL_FAKTOR}×"
            )
    for exp in ergebnis["exporte"]:
        if exp.get("export") != "angebote":
            continue
        if "sekunden" not in exp:
            verfehlt.append(f"Export {exp['format']}: {exp.get('fehler', 'n/a')}")
            continue
        grenze = ZIEL_CSV_S if exp["format"] == "csv" else ZIEL_XLSX_S
        if exp["sekunden"] > grenze:
            verfehlt.append(f"Export {exp['format'].upper()}: {exp['sekunden']} s > {grenze} s")
        if exp["format"] == "xlsx" and exp.get("rss_spitze_mb", 0) > ZIEL_SPEICHER_MB:
            verfehlt.append(f"Export XLSX: Speicherspitze {exp['rss_spitze_mb']} MB > {ZIEL_SPEICHER_MB} MB")
    verfehlt += geheimhaltung.ziele(ergebnis.get("geheimhaltung") or {}, ZIEL_SEITE_P95_MS)
    verfehlt += last.ziele(ergebnis.get("last") or {})
    for schritt in ergebnis["import"]:
        if "fehler" in schritt:
            verfehlt.append(f"Import {schritt['schritt']}: {schritt['fehler']}")
        elif schritt.get("sekunden", 0) > ZIEL_IMPORT_S:
            verfehlt.append(f"Import {schritt['schritt']}: {schritt['sekunden']} s > {ZIEL_IMPORT_S} s")
    return verfehlt


def _ms(wert) -> str:
    return f"{wert:.1f}" if isinstance(wert, (int, float)) else "–"


def tabelle(ergebnis: dict) -> str:
    zeilen = [
        f"{'Seite':<44} {'Rolle':<13} {'gesamt ms':>9} | {'SQL ms':>7} | {'× SQL':>6} | {'p95 ms':>7} "
        f"{'Abfr.':>5} | {'Admin ms':>8} | {'× Admin':>7}",
        "-" * 128,
    ]
    for z in ergebnis["seiten"]:
        s, a = z.get("seite_messung") or {}, z.get("admin_messung") or {}
        if "p95_ms" not in s:
            zeilen.append(f"{z['seite']:<44} {z['rolle']:<13} {s.get('fehler') or z.get('fehler', 'n/a'):>9}")
            continue
        zeilen.append(
            f"{z['seite']:<44} {z['rolle']:<13} {s['median_ms']:>9.1f} | {_ms(s.get('sql_median_ms')):>7} | "
            f"{s.get('faktor_sql') or '–':>6} | {s['p95_ms']:>7.1f} {s.get('queries', ''):>5} | "
            f"{_ms(a.get('p95_ms')):>8} | {z.get('faktor_admin', '–'):>7}"
        )
    zeilen.append(
        "gesamt und SQL: Median je Anfrage, × SQL = gesamt / SQL (Ziel ≤ 2); "
        "Admin ms: p95 der Admin-Änderungsliste, × Admin = p95 Seite / p95 Admin (Ziel ≤ 1,5)"
    )
    if ergebnis.get("grundkosten"):
        zeilen += ["", f"{'Grundkosten je Anfrage':<58} {'gesamt ms':>9} | {'SQL ms':>7} | {'Abfr.':>5}"]
        for g in ergebnis["grundkosten"]:
            m = g.get("messung") or {}
            zeilen.append(
                f"{g['seite']:<58} {_ms(m.get('median_ms')):>9} | {_ms(m.get('sql_median_ms')):>7} | "
                f"{m.get('queries', ''):>5}"
            )
    zeilen += [
        "",
        f"{'Export (50.000 Angebote, Rolle land)':<44} {'Zeit':>8} {'Spitze RSS':>11} {'Zuwachs':>9}",
    ]
    for e in ergebnis["exporte"]:
        name = f"{e['export']} {e['format'].upper()}"
        if "sekunden" not in e or e.get("status") != 200:
            zeilen.append(f"{name:<44} {e.get('fehler', 'n/a')}")
            continue
        zeilen.append(
            f"{name:<44} {e['sekunden']:>7.2f}s {e['rss_spitze_mb']:>9.0f}MB {e['rss_zuwachs_mb']:>7.0f}MB"
        )
    zeilen += ["", f"{'Import (10.000 Zeilen, koordination)':<44} {'Zeit':>8}"]
    for i in ergebnis["import"]:
        zeilen.append(
            f"{i['schritt']:<44} "
            + (f"{i['sekunden']:>7.2f}s" if "sekunden" in i else "")
            + (f"  {i['fehler']}" if "fehler" in i else "")
        )
    zeilen += geheimhaltung.tabelle(ergebnis.get("geheimhaltung") or {})
    zeilen += last.tabelle(ergebnis.get("last") or {})
    return "\n".join(zeilen)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark auf NRW-Niveau (Issue #8)")
    parser.add_argument("--n", type=int, default=30, help="Messungen je Seite (Standard 30)")
    parser.add_argument("--warmup", type=int, default=3, help="Aufwärmanfragen je Seite (Standard 3)")
    parser.add_argument(
        "--scale",
        choices=list(SCALES),
        default="nrw",
        help="Datenumfang: nrw (Standard) oder de (ganz Deutschland, eigene Datenbank buendnis_bench_de)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        help="Ergebnisdatei (JSON; Standard bench/results-latest.json, bei --scale de bench/results-de.json)",
    )
    parser.add_argument("--ohne-exporte", action="store_true", help="Exporte auslassen")
    parser.add_argument("--ohne-import", action="store_true", help="Import auslassen")
    parser.add_argument("--import-zeilen", type=int, default=IMPORT_ZEILEN, help="Zeilen des Imports")
    parser.add_argument("--export-timeout", type=int, default=900, help="Abbruch eines Exports nach Sekunden")
    parser.add_argument("--ohne-seiten", action="store_true", help="Seiten auslassen")
    parser.add_argument(
        "--nur-seiten",
        action="append",
        metavar="TEXT",
        help="Nur die Seiten messen, deren Name TEXT enthält (mehrfach möglich, z. B. --nur-seiten Landsicht)",
    )
    parser.add_argument("--import-timeout", type=int, default=1800, help="Abbruch des Imports nach Sekunden")
    parser.add_argument(
        "--ergaenzen",
        action="store_true",
        help="Ausgelassene Teile (--ohne-…) aus der vorhandenen Ergebnisdatei übernehmen, statt sie zu leeren",
    )
    parser.add_argument("--ohne-muster", action="store_true", help="Geheimhaltung (Sperrmuster) auslassen")
    parser.add_argument(
        "--muster-runden",
        choices=("letzte", "alle"),
        default="letzte",
        help="Sperrmuster für die letzte abgeschlossene Runde je Bündnis (Standard, liest die Landesübersicht) "
        "oder für alle Runden mit Meldungen",
    )
    parser.add_argument(
        "--muster-stichprobe",
        type=int,
        default=int(os.environ["BENCH_MUSTER_STICHPROBE"])
        if os.environ.get("BENCH_MUSTER_STICHPROBE")
        else None,
        help="Nur N der Runden berechnen (gleichmäßig über die Größen verteilt; auch BENCH_MUSTER_STICHPROBE)",
    )
    parser.add_argument(
        "--muster-prozesse",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="Parallele Prozesse für die Sperrmuster (Standard 2)",
    )
    parser.add_argument(
        "--muster-budget",
        type=float,
        default=1500.0,
        help="Nach so vielen Sekunden keine weitere Runde mehr beginnen (Standard 1500; alle 53 Runden brauchen "
        "auf 2 Kernen weit über eine halbe Stunde)",
    )
    parser.add_argument(
        "--muster-runde-timeout",
        type=float,
        help="Eine Runde nach so vielen Sekunden abbrechen (als nicht fertig vermerkt)",
    )
    parser.add_argument(
        "--muster-vorhandene",
        action="store_true",
        help="Gespeicherte Sperrmuster der aktuellen Zahlen übernehmen statt sie neu zu berechnen",
    )
    parser.add_argument("--ohne-last", action="store_true", help="Lasttest (locust gegen gunicorn) auslassen")
    parser.add_argument(
        "--nur-last",
        action="store_true",
        help="Nur den Lasttest; die übrigen Teile bleiben aus der vorhandenen Ergebnisdatei erhalten",
    )
    parser.add_argument(
        "--last-sekunden",
        type=int,
        default=last.SEKUNDEN,
        help=f"Messdauer je Mix des Lasttests in Sekunden (Standard {last.SEKUNDEN})",
    )
    parser.add_argument(
        "--last-nutzer",
        type=int,
        default=last.NUTZER,
        help=f"Gleichzeitige Nutzer des Lasttests (Standard {last.NUTZER})",
    )
    parser.add_argument("--import-kind", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--export", nargs=2, metavar=("ART", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    global DEFAULT_DB
    DEFAULT_DB, standard_json = SCALES[args.scale]
    if args.json is None:
        args.json = standard_json
    if args.nur_last:
        args.ohne_seiten = args.ohne_exporte = args.ohne_import = args.ohne_muster = True
        args.ohne_last, args.ergaenzen = False, True

    if args.export:
        print(json.dumps(export_kind(*args.export)))
        return 0
    if args.import_kind:
        _setup_django()
        print(json.dumps(importieren(_clients(), args.import_kind)))
        return 0

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        print(
            "make bench braucht PostgreSQL: DATABASE_URL=postgres://benutzer@host:5432/datenbank "
            f"(Standard {DEFAULT_DB})",
            file=sys.stderr,
        )
        return 2
    _ensure_database(url)
    _setup_django()
    from django.core.management import call_command

    from demo import scale

    print("Migriere die Benchmark-Datenbank …", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    aufbau = None
    if scale.fehlt_etwas(args.scale):
        print(f"Baue die Daten im Umfang {args.scale} auf (einmalig) …", flush=True)
        start = time.perf_counter()
        call_command("demo_data", force=True, scale=args.scale)
        aufbau = round(time.perf_counter() - start, 1)
    from django.db import connection

    with connection.cursor() as cursor:
        # Planner statistics as autovacuum keeps them in a running installation.
        cursor.execute("ANALYZE")
    ergebnis = {
        "zeitpunkt": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "rechner": {
            "kerne": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(),
            "last_1min": os.getloadavg()[0],
        },
        "datenbank": _db_info(),
        "daten": scale.bestand(),
        "aufbau_sekunden": aufbau,
        "scale": args.scale,
        "n": args.n,
        "warmup": args.warmup,
    }
    ergebnis["geheimhaltung"] = {}
    if not args.ohne_muster:
        # First, so that every page below (the state's dashboard among them) reads stored patterns.
        print("Geheimhaltung: Sperrmuster berechnen (je Runde ein Audit mit HiGHS):", flush=True)
        ergebnis["geheimhaltung"]["berechnung"] = geheimhaltung.berechnen(
            runden=args.muster_runden,
            stichprobe_n=args.muster_stichprobe,
            prozesse=args.muster_prozesse,
            neu=not args.muster_vorhandene,
            budget=args.muster_budget,
            runde_timeout=args.muster_runde_timeout,
        )
    clients = _clients()
    ergebnis["seiten"] = []
    if not args.ohne_seiten:
        print(f"Seiten ({args.n} Messungen nach {args.warmup} Aufwärmanfragen):", flush=True)
        if not args.nur_seiten:
            print("Grundkosten jeder Anfrage:", flush=True)
            ergebnis["grundkosten"] = grundkosten(clients, n=args.n, warmup=args.warmup)
        ergebnis["seiten"] = seiten(clients, n=args.n, warmup=args.warmup, nur=args.nur_seiten)
    if not args.ohne_muster and not args.ohne_seiten:
        print(f"Seiten, die das Sperrmuster lesen ({geheimhaltung.HINWEIS_GELESEN}):", flush=True)
        ergebnis["geheimhaltung"]["seiten"] = geheimhaltung.seiten(clients, n=args.n, warmup=args.warmup)
    ergebnis["last"] = {}
    if not args.ohne_last:
        print(f"Lasttest (locust, {args.last_nutzer} Nutzer je Mix):", flush=True)
        from django.conf import settings

        ergebnis["last"] = last.messen_last(
            bezug=bezug(),
            passwort=settings.DEMO_PASSWORD,
            sekunden=args.last_sekunden,
            nutzer=args.last_nutzer,
        )
    ergebnis["exporte"] = []
    if not args.ohne_exporte:
        print("Exporte (je ein eigener Prozess):", flush=True)
        ergebnis["exporte"] = exporte(args.export_timeout)
    ergebnis["import"] = []
    if not args.ohne_import:
        print("Import:", flush=True)
        ergebnis["import"] = import_prozess(args.import_zeilen, args.import_timeout)
    if args.ergaenzen:
        ergebnis = _ergaenzt(ergebnis, args)
    ergebnis["ziele_verfehlt"] = ziele_pruefen(ergebnis)
    print()
    print(tabelle(ergebnis))
    print()
    if ergebnis["ziele_verfehlt"]:
        print("Verfehlte Ziele:")
        for text in ergebnis["ziele_verfehlt"]:
            print(f"  - {text}")
    else:
        print("Alle Ziele erreicht.")
    args.json.write_text(
        json.dumps(ergebnis, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    print(f"\nErgebnis geschrieben: {args.json}")
    return 0


def _ergaenzt(ergebnis: dict, args) -> dict:
    """The previous result file with the parts measured now replaced; `gemessen_am` says which run each part
    comes from, `last_1min_je_teil` the machine's load average when that run began."""
    try:
        alt = json.loads(args.json.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return ergebnis
    gemessen = {
        "seiten": not args.ohne_seiten,
        "exporte": not args.ohne_exporte,
        "import": not args.ohne_import,
        "geheimhaltung": not args.ohne_muster,
        "last": not args.ohne_last,
    }
    frueher = alt.get("gemessen_am") or {teil: alt.get("zeitpunkt") for teil in gemessen}
    last_frueher = alt.get("last_1min_je_teil") or {
        teil: (alt.get("rechner") or {}).get("last_1min") for teil in gemessen
    }
    neu = {**alt, **{k: v for k, v in ergebnis.items() if k not in gemessen}}
    if ergebnis.get("aufbau_sekunden") is None:
        neu["aufbau_sekunden"] = alt.get("aufbau_sekunden")
    neu["gemessen_am"], neu["last_1min_je_teil"] = {}, {}
    for teil, jetzt in gemessen.items():
        neu[teil] = (
            ergebnis[teil] if jetzt else alt.get(teil, {} if teil in ("geheimhaltung", "last") else [])
        )
        neu["gemessen_am"][teil] = ergebnis["zeitpunkt"] if jetzt else frueher.get(teil)
        neu["last_1min_je_teil"][teil] = ergebnis["rechner"]["last_1min"] if jetzt else last_frueher.get(teil)
    return neu


def _db_info() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return {"vendor": connection.vendor, "version": version, "name": connection.settings_dict["NAME"]}


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        # The load test's server and locust are stopped by then (bench/last.py).
        print("\nAbgebrochen (Strg+C).", file=sys.stderr)
        sys.exit(130)
