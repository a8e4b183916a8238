"""Benchmark of the audited small-number protection at NRW scale (issue #11), part of `make bench`.

Two things are measured on the NRW database the benchmark builds:

1. **Computing** the suppression patterns (`bedarf.sperrmuster.speichern`, the audit of `bedarf.audit` unchanged)
   for the survey rounds the state's overview reads: by default the latest closed round of every Bündnis (what
   `berichte.dashboard.zielgruppe_je_buendnis` shows), or every round with delivered figures
   (`--muster-runden alle`). Rounds run in separate processes (`--muster-prozesse`, default 2), each with its own
   database connection; `--muster-stichprobe N` (or `BENCH_MUSTER_STICHPROBE`) computes only N of them (a
   deterministic sample spread over the round sizes), `--muster-budget S` starts no new round after S seconds.
   Recorded per round: seconds (load, model, audit, store) and the audit's own seconds, cells published and
   withheld (primary and in total), solver checks; and over all rounds min/median/max, total and the shares.
2. **Reading** them: the pages that show the protected figures, with every pattern they need already stored
   ("pattern read, not computed"): the state's dashboard (cached as in production and with the figure cache off,
   so every request reads the patterns), and for the largest round of an NRW Bündnis its page, its gap analysis and
   its CSV export, median and p95 with the method of `demo.bench.messen.messe`.
"""

from __future__ import annotations

import os
import statistics
import time
from multiprocessing import get_context
from multiprocessing.connection import wait as mp_wait

from demo.bench import messen

NEUSS = "05162"  # the demo's Bündnis; its rounds come from the demo data, not from the NRW generator
HINWEIS_GELESEN = "Muster gelesen, nicht berechnet"


# Which rounds ---------------------------------------------------------------------------------------------------


def runden_dashboard() -> dict[int, int]:
    """The rounds the state's overview reads (round id -> Bündnis id): the latest closed round of every Bündnis with
    delivered figures, the same query as `berichte.dashboard.zielgruppe_je_buendnis`."""
    from django.db.models import OuterRef, Subquery

    from bedarf.models import Erhebung, ErhebungStatus, MeldungStatus

    letzte = (
        Erhebung.objects.filter(buendnis=OuterRef("buendnis"), status=ErhebungStatus.ABGESCHLOSSEN)
        .order_by("-stichtag")
        .values("pk")[:1]
    )
    return dict(
        Erhebung.objects.filter(
            status=ErhebungStatus.ABGESCHLOSSEN,
            pk=Subquery(letzte),
            meldungen__status=MeldungStatus.ABGEGEBEN,
        )
        .distinct()
        .values_list("pk", "buendnis_id")
    )


def _groessen(erhebung_ids=None) -> dict[int, int]:
    """Delivered Meldungen (= Kommunen in the pattern) per round with any."""
    from django.db.models import Count, Q

    from bedarf.models import Erhebung, MeldungStatus

    qs = Erhebung.objects.annotate(
        n=Count("meldungen", filter=Q(meldungen__status=MeldungStatus.ABGEGEBEN))
    ).filter(n__gt=0)
    if erhebung_ids is not None:
        qs = qs.filter(pk__in=erhebung_ids)
    return dict(qs.values_list("pk", "n"))


def seiten_runde() -> int | None:
    """The round whose pages are measured: the latest closed round of the NRW Bündnis with the most Kommunen (the
    largest tables and pattern; ties by id)."""
    from bedarf.models import Erhebung

    runden = runden_dashboard()
    neuss = set(Erhebung.objects.filter(buendnis__kreisschluessel=NEUSS).values_list("pk", flat=True))
    groessen = _groessen([e for e in runden if e not in neuss])
    if not groessen:
        return None
    return max(groessen, key=lambda e: (groessen[e], -e))


def stichprobe(ids: list[int], groessen: dict[int, int], n: int | None, pflicht: set[int]) -> list[int]:
    """At most n rounds (all when n is None), spread evenly over the rounds ordered by size; `pflicht` always."""
    if n is None or n >= len(ids):
        return list(ids)
    geordnet = sorted(ids, key=lambda e: (groessen.get(e, 0), e))
    gewaehlt = [e for e in geordnet if e in pflicht]
    rest = [e for e in geordnet if e not in pflicht]
    frei = max(0, n - len(gewaehlt))
    if frei and rest:
        schritt = len(rest) / frei
        gewaehlt += [rest[min(len(rest) - 1, int(i * schritt + schritt / 2))] for i in range(frei)]
    return sorted(set(gewaehlt))


# Computing (in worker processes) --------------------------------------------------------------------------------


def _worker_start() -> None:
    # A spawned process inherits the environment `bench/run.py` set up (settings module, database URL).
    import django

    django.setup()


def berechne_runde(erhebung_id: int) -> dict:
    """Runs in a worker process: loads the round's figures, computes its pattern and stores it (as the background
    task `bedarf.tasks.sperrmuster_erneuern` does), timed."""
    from django.db import close_old_connections

    from bedarf import sperrmuster
    from bedarf.models import Erhebung

    close_old_connections()
    start, cpu = time.perf_counter(), time.process_time()
    erhebung = Erhebung.objects.select_related("buendnis").get(pk=erhebung_id)
    daten = sperrmuster.rundendaten(erhebung)
    geladen = time.perf_counter() - start
    muster = sperrmuster.speichern(erhebung_id, daten)
    sekunden = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return {
        "erhebung": erhebung_id,
        "buendnis": erhebung.buendnis.name,
        "titel": erhebung.titel,
        "status": erhebung.status,
        "kommunen": len(daten.kommunen),
        "sekunden": round(sekunden, 2),
        # CPU seconds of the worker (HiGHS runs single-threaded in the process): the cost without the waiting for
        # a core the shared machine adds to the wall time.
        "cpu_sekunden": round(cpu, 2),
        "laden_sekunden": round(geladen, 2),
        "audit_sekunden": round(muster.sekunden, 2),
        "zellen": muster.zellen,
        "gesperrt": muster.anzahl_gesperrt,
        "primaer": muster.anzahl_primaer,
        "pruefungen": muster.pruefungen,
        "gesamt_gesperrt": muster.gesamt_gesperrt,
        "prozess": os.getpid(),
    }


def _gespeichert(erhebung_ids: list[int]) -> set[int]:
    """Rounds whose stored pattern belongs to their current figures (as the overview checks it)."""
    from bedarf import sperrmuster
    from bedarf.models import Sperrmuster

    staende = sperrmuster.meldungsstaende(erhebung_ids)
    return {
        e
        for e, stand in Sperrmuster.objects.filter(erhebung_id__in=erhebung_ids).values_list(
            "erhebung_id", "stand_meldungen"
        )
        if stand == staende[e]
    }


def _arbeiter(verbindung) -> None:
    """Body of a worker process: sets Django up once (its own database connection), then computes the rounds it is
    sent one by one and answers each with its figures (or the error); None ends it."""
    _worker_start()
    verbindung.send(("bereit", None))
    while True:
        erhebung_id = verbindung.recv()
        if erhebung_id is None:
            break
        try:
            verbindung.send(("ok", berechne_runde(erhebung_id)))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which records it
            verbindung.send(("fehler", f"{type(exc).__name__}: {exc}"[:300]))
    verbindung.close()


class _Arbeiter:
    def __init__(self, ctx) -> None:
        self.verbindung, gegenueber = ctx.Pipe()
        self.proc = ctx.Process(target=_arbeiter, args=(gegenueber,), daemon=True)
        self.proc.start()
        gegenueber.close()
        self.bereit = False
        self.runde: int | None = None
        self.seit = 0.0

    def geben(self, erhebung_id: int) -> None:
        self.runde, self.seit = erhebung_id, time.perf_counter()
        self.verbindung.send(erhebung_id)

    def beenden(self, hart: bool = False) -> None:
        if hart or self.runde is not None:
            self.proc.terminate()
        else:
            try:
                self.verbindung.send(None)
            except (BrokenPipeError, OSError):
                self.proc.terminate()
        self.proc.join(timeout=30)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


def berechnen(
    *,
    runden: str = "letzte",
    stichprobe_n: int | None = None,
    prozesse: int = 2,
    neu: bool = True,
    budget: float | None = None,
    runde_timeout: float | None = None,
) -> dict:
    """Computes the patterns of the chosen rounds, `prozesse` at a time, each round in its own process with its own
    database connection, smallest rounds first (with a budget, as many of the overview's rounds as possible get
    their pattern). `budget`: no round starts after so many seconds; `runde_timeout`: a round still running after so
    many seconds is stopped and recorded as not finished (its time only as a lower bound)."""
    from django.db import connections

    from bedarf.models import Erhebung, Sperrmuster

    dashboard = runden_dashboard()
    if runden == "alle":
        groessen = _groessen()
    else:
        groessen = _groessen(list(dashboard))
    seite = seiten_runde()
    auswahl = stichprobe(sorted(groessen), groessen, stichprobe_n, {seite} if seite else set())
    if neu:
        # Measured now, not taken from an earlier run: the stored patterns of the chosen rounds go first.
        Sperrmuster.objects.filter(erhebung_id__in=auswahl).delete()
        offen = list(auswahl)
    else:
        vorhanden = _gespeichert(auswahl)
        offen = [e for e in auswahl if e not in vorhanden]
    offen.sort(key=lambda e: (groessen[e], e))
    prozesse = max(1, min(prozesse, len(offen) or 1))
    art = "alle" if runden == "alle" else "je Bündnis die letzte abgeschlossene"
    print(
        f"  {len(offen)} von {len(groessen)} Erhebungsrunden ({art}"
        f"{f', Stichprobe {stichprobe_n}' if stichprobe_n is not None else ''}) in {prozesse} Prozessen"
        f"{f', Budget {budget:.0f} s' if budget else ''}"
        f"{f', höchstens {runde_timeout:.0f} s je Runde' if runde_timeout else ''} …",
        flush=True,
    )
    connections.close_all()  # the workers open their own connections
    last_vorher = os.getloadavg()
    ctx = get_context("spawn")
    ergebnisse, fehler, ausgelassen, abgebrochen = [], [], [], []
    start = time.perf_counter()
    warteschlange = list(offen)
    arbeiter = [_Arbeiter(ctx) for _ in range(prozesse)] if offen else []

    def ersetzen(alt: _Arbeiter) -> None:
        alt.beenden(hart=True)
        arbeiter.remove(alt)
        if warteschlange:
            arbeiter.append(_Arbeiter(ctx))

    try:
        while warteschlange or any(a.runde is not None for a in arbeiter):
            if budget is not None and time.perf_counter() - start > budget and warteschlange:
                ausgelassen.extend(warteschlange)
                warteschlange.clear()
            for a in arbeiter:
                if a.bereit and a.runde is None and warteschlange:
                    a.geben(warteschlange.pop(0))
            bereit = set(mp_wait([a.verbindung for a in arbeiter], timeout=1.0))
            for a in list(arbeiter):
                if a.verbindung in bereit:
                    try:
                        art_, inhalt = a.verbindung.recv()
                    except EOFError:
                        art_, inhalt = "fehler", f"Prozess beendet (Exit {a.proc.exitcode})"
                        if a.runde is not None:
                            fehler.append({"erhebung": a.runde, "fehler": inhalt})
                        print(f"    Arbeitsprozess beendet: {inhalt}", flush=True)
                        a.runde = None
                        ersetzen(a)
                        continue
                    if art_ == "bereit":
                        a.bereit = True
                    elif art_ == "ok":
                        ergebnisse.append(inhalt)
                        _zeile(inhalt, len(ergebnisse), len(offen))
                    else:
                        fehler.append({"erhebung": a.runde, "fehler": inhalt})
                        print(f"    Runde {a.runde}: Fehler {inhalt}", flush=True)
                    if art_ != "bereit":
                        a.runde = None
                elif (
                    a.runde is not None
                    and runde_timeout is not None
                    and time.perf_counter() - a.seit > runde_timeout
                ):
                    e, dauer = a.runde, time.perf_counter() - a.seit
                    ersetzen(a)
                    erhebung = Erhebung.objects.select_related("buendnis").get(pk=e)
                    abgebrochen.append(
                        {
                            "erhebung": e,
                            "buendnis": erhebung.buendnis.name,
                            "titel": erhebung.titel,
                            "kommunen": groessen[e],
                            "sekunden_mindestens": round(dauer, 1),
                        }
                    )
                    print(
                        f"    Runde {e} ({erhebung.buendnis.name}, {groessen[e]} Kommunen) nach "
                        f"{dauer:.0f} s abgebrochen",
                        flush=True,
                    )
    finally:
        for a in arbeiter:
            a.beenden()
    gesamt = time.perf_counter() - start
    ergebnis = zusammenfassen(ergebnisse)
    ergebnis.update(
        {
            "runden_auswahl": runden,
            "runden_verfuegbar": len(groessen),
            "runden_dashboard": len(dashboard),
            "stichprobe": stichprobe_n,
            "prozesse": prozesse,
            "neu_berechnet": neu,
            "budget_sekunden": budget,
            "runde_timeout_sekunden": runde_timeout,
            "runden_vorhanden_uebernommen": len(auswahl) - len(offen),
            "runden_ausgelassen_budget": len(ausgelassen),
            "runden_ausgelassen": [{"erhebung": e, "kommunen": groessen[e]} for e in ausgelassen],
            "runden_abgebrochen": abgebrochen,
            "fehler": fehler,
            "gesamt_sekunden_wand": round(gesamt, 1),
            # Load of the (shared) machine before and after: above the number of processes, rounds waited for a core.
            "last_1_5_15min_vorher": [round(x, 2) for x in last_vorher],
            "last_1_5_15min_nachher": [round(x, 2) for x in os.getloadavg()],
            "dashboard_muster_gespeichert": len(_gespeichert(list(dashboard))),
            "seiten_runde": seite,
            "runden": sorted(ergebnisse, key=lambda r: r["erhebung"]),
        }
    )
    ergebnis["erhebungen_gesamt"] = Erhebung.objects.count()
    return ergebnis


def _zeile(r: dict, nr: int, von: int) -> None:
    print(
        f"    [{nr:>3}/{von}] {r['buendnis'][:34]:<34} {r['titel'][-4:]} "
        f"{r['kommunen']:>3} Kommunen {r['sekunden']:>7.1f} s ({r['cpu_sekunden']:.1f} s CPU)  "
        f"{r['gesperrt']:>4}/{r['zellen']:<4} gesperrt ({r['primaer']} primär), "
        f"{r['pruefungen']} Prüfläufe",
        flush=True,
    )


def zusammenfassen(runden: list[dict]) -> dict:
    """Min/median/max, totals and shares over the computed rounds."""
    if not runden:
        return {"runden_berechnet": 0}

    def verteilung(feld):
        werte = [r[feld] for r in runden]
        return {
            "min": round(min(werte), 2),
            "median": round(statistics.median(werte), 2),
            "max": round(max(werte), 2),
        }

    zellen = sum(r["zellen"] for r in runden)
    gesperrt = sum(r["gesperrt"] for r in runden)
    primaer = sum(r["primaer"] for r in runden)
    groesste = max(runden, key=lambda r: (r["sekunden"], r["erhebung"]))
    return {
        "runden_berechnet": len(runden),
        "kommunen": sum(r["kommunen"] for r in runden),
        "sekunden_je_runde": verteilung("sekunden"),
        "audit_sekunden_je_runde": verteilung("audit_sekunden"),
        **(
            {
                "cpu_sekunden_je_runde": verteilung("cpu_sekunden"),
                "summe_cpu_sekunden": round(sum(r["cpu_sekunden"] for r in runden), 1),
            }
            if all("cpu_sekunden" in r for r in runden)
            else {}
        ),
        "summe_sekunden": round(sum(r["sekunden"] for r in runden), 1),
        "kommunen_je_runde": verteilung("kommunen"),
        "zellen": zellen,
        "gesperrt": gesperrt,
        "primaer": primaer,
        "anteil_gesperrt": round(gesperrt / zellen, 4) if zellen else None,
        "anteil_primaer": round(primaer / zellen, 4) if zellen else None,
        "anteil_gesperrt_je_runde": {
            k: round(v, 4)
            for k, v in verteilung_werte([r["gesperrt"] / r["zellen"] for r in runden if r["zellen"]]).items()
        },
        "alles_gesperrt": sum(1 for r in runden if r["zellen"] and r["gesperrt"] == r["zellen"]),
        "buendnis_gesamt_gesperrt": sum(1 for r in runden if r["gesamt_gesperrt"]),
        "pruefungen": sum(r["pruefungen"] for r in runden),
        "pruefungen_je_runde": verteilung("pruefungen"),
        "laengste_runde": {k: groesste[k] for k in ("erhebung", "buendnis", "titel", "kommunen", "sekunden")},
    }


def verteilung_werte(werte: list[float]) -> dict:
    if not werte:
        return {}
    return {"min": min(werte), "median": statistics.median(werte), "max": max(werte)}


# Reading (pages) -------------------------------------------------------------------------------------------------


def seiten(clients: dict, *, n: int, warmup: int, erhebung_id: int | None = None) -> list[dict]:
    """The pages that read the stored patterns, as `land`; the patterns are expected to be stored already."""
    from django.test.utils import override_settings

    from bedarf.models import Erhebung

    client = clients.get("land")
    dashboard = runden_dashboard()
    gespeichert = _gespeichert(list(dashboard))
    erhebung_id = erhebung_id or seiten_runde()
    if erhebung_id is not None and erhebung_id not in _gespeichert([erhebung_id]):
        # The largest round has no pattern (not computed within the limits): the largest NRW round that has one.
        neuss = set(Erhebung.objects.filter(buendnis__kreisschluessel=NEUSS).values_list("pk", flat=True))
        groessen = _groessen([e for e in gespeichert if e not in neuss])
        if groessen:
            erhebung_id = max(groessen, key=lambda e: (groessen[e], -e))
    erhebung = Erhebung.objects.select_related("buendnis").filter(pk=erhebung_id).first()
    runde_gespeichert = erhebung is not None and erhebung.pk in _gespeichert([erhebung.pk])
    kommunen = _groessen([erhebung.pk]).get(erhebung.pk, 0) if erhebung else 0
    hinweis_runde = (
        f"{erhebung.buendnis.name}, {erhebung.titel} ({kommunen} Kommunen)" if erhebung is not None else None
    )
    plan = [
        ("Dashboard (Kennzahlen-Cache wie im Betrieb)", messen.url("buendnis:dashboard"), None, "dashboard"),
        ("Dashboard (ohne Kennzahlen-Cache)", messen.url("buendnis:dashboard"), 0, "dashboard"),
        ("Erhebung (Detail)", erhebung and messen.url("bedarf:erhebung-detail", erhebung.pk), None, "runde"),
        ("Lückenanalyse", erhebung and messen.url("bedarf:luecken", erhebung.pk), None, "runde"),
        (
            "Export Bedarfsanalyse CSV",
            erhebung and messen.url("bedarf:export", erhebung.pk, "csv"),
            None,
            "runde",
        ),
    ]
    ergebnisse = []
    for name, url, cache, art in plan:
        zeile = {
            "seite": name,
            "rolle": "land",
            "hinweis": HINWEIS_GELESEN,
            "admin_messung": None,
        }
        if art == "dashboard":
            zeile["muster_gespeichert"] = f"{len(gespeichert)} von {len(dashboard)} Runden"
        else:
            zeile["runde"] = hinweis_runde
            zeile["muster_gespeichert"] = "ja" if runde_gespeichert else "nein"
        if client is None or url is None:
            zeile["fehler"] = "n/a"
            ergebnisse.append(zeile)
            continue
        vorher = _erneuerungen()
        if cache is None:
            zeile["seite_messung"] = messen.messe(client, url, n=n, warmup=warmup)
        else:
            with override_settings(BERICHTE_DASHBOARD_CACHE_SEKUNDEN=cache):
                zeile["seite_messung"] = messen.messe(client, url, n=n, warmup=warmup)
        # More than 0: the page found a pattern missing and asked for it to be renewed (then it shows the symbol).
        zeile["erneuerungen_angefordert"] = _erneuerungen() - vorher
        s = zeile["seite_messung"]
        text = f"Median {s['median_ms']} ms, p95 {s['p95_ms']} ms" if "p95_ms" in s else s.get("fehler")
        if zeile["erneuerungen_angefordert"]:
            text += f", {zeile['erneuerungen_angefordert']} Erneuerungen angefordert"
        print(f"  {name:<44} land  {text}  (Muster gespeichert: {zeile['muster_gespeichert']})", flush=True)
        ergebnisse.append(zeile)
    return ergebnisse


def _erneuerungen() -> int:
    """Renewal tasks of suppression patterns on the queue (none runs during the benchmark)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return 0
    return DBTaskResult.objects.filter(task_path__endswith="sperrmuster_erneuern").count()


# Report ----------------------------------------------------------------------------------------------------------


def tabelle(teil: dict) -> list[str]:
    """Lines for the printed table."""
    b = teil.get("berechnung") or {}
    zeilen = []
    if b.get("runden_berechnet"):
        s, a = b["sekunden_je_runde"], b["audit_sekunden_je_runde"]
        zeilen += [
            "",
            f"Geheimhaltung berechnen ({b['runden_berechnet']} Runden, {b['kommunen']} Kommunen, "
            f"{b['prozesse']} Prozesse)",
            f"  Sekunden je Runde     min {s['min']}  Median {s['median']}  max {s['max']} "
            f"(davon Audit: Median {a['median']}, max {a['max']})",
            f"  gesamt                {b['gesamt_sekunden_wand']} s Wandzeit, {b['summe_sekunden']} s Summe"
            + (f", {b['summe_cpu_sekunden']} s CPU" if "summe_cpu_sekunden" in b else ""),
            f"  gesperrt              {b['gesperrt']} von {b['zellen']} Feldern ({100 * b['anteil_gesperrt']:.1f} %),"
            f" davon primär {b['primaer']} ({100 * b['anteil_primaer']:.1f} %)",
            f"  Prüfläufe des Solvers {b['pruefungen']} (je Runde Median {b['pruefungen_je_runde']['median']},"
            f" max {b['pruefungen_je_runde']['max']})",
        ]
    elif b:
        zeilen += ["", f"Geheimhaltung berechnen: keine Runde berechnet {b.get('fehler') or ''}"]
    for r in b.get("runden_abgebrochen") or []:
        zeilen.append(
            f"  nicht fertig: {r['buendnis']} ({r['kommunen']} Kommunen), abgebrochen nach "
            f"{r['sekunden_mindestens']} s"
        )
    if b.get("runden_ausgelassen_budget"):
        zeilen.append(f"  nicht begonnen (Budget): {b['runden_ausgelassen_budget']} Runden")
    if b:
        zeilen.append(
            f"  Landesübersicht: Muster für {b.get('dashboard_muster_gespeichert')} von "
            f"{b.get('runden_dashboard')} Runden gespeichert"
        )
    if teil.get("seiten"):
        zeilen += ["", f"Seiten, die das Muster lesen ({HINWEIS_GELESEN}), Rolle land"]
        for z in teil["seiten"]:
            s = z.get("seite_messung") or {}
            if "p95_ms" in s:
                zeilen.append(
                    f"  {z['seite']:<44} {s['median_ms']:>6.1f}ms {s['p95_ms']:>6.1f}ms {s['queries']:>5}"
                )
            else:
                zeilen.append(f"  {z['seite']:<44} {s.get('fehler') or z.get('fehler', 'n/a')}")
    return zeilen


def ziele(teil: dict, ziel_p95_ms: float) -> list[str]:
    verfehlt = []
    for z in teil.get("seiten") or []:
        s = z.get("seite_messung") or {}
        if "p95_ms" in s and s["p95_ms"] > ziel_p95_ms:
            verfehlt.append(
                f"{z['seite']} (land, {HINWEIS_GELESEN}): p95 {s['p95_ms']} ms > {ziel_p95_ms} ms"
            )
    b = teil.get("berechnung") or {}
    for f in b.get("fehler") or []:
        verfehlt.append(f"Geheimhaltung Runde {f['erhebung']}: {f['fehler']}")
    for r in b.get("runden_abgebrochen") or []:
        verfehlt.append(
            f"Geheimhaltung {r['buendnis']} ({r['kommunen']} Kommunen): nach {r['sekunden_mindestens']} s "
            "nicht fertig"
        )
    if b.get("runden_ausgelassen_budget"):
        verfehlt.append(f"Geheimhaltung: {b['runden_ausgelassen_budget']} Runden im Budget nicht begonnen")
    return verfehlt
