"""Load test of `make bench` (issue 18): gunicorn as `make serve` runs it, locust with signed-in users of each role.

Called from `bench/run.py` after the page measurements (`--ohne-last` skips it, `--nur-last` runs only it), with
Django set up on the bench database. Steps:

1. `createcachetable` and `collectstatic` with the production settings (as `make serve` does; the bench database
   is migrated by `bench/run.py`);
2. gunicorn with `config.settings.production` against the bench database on a free port of 127.0.0.1, the same
   options as `make serve` (`WEB_CONCURRENCY` workers, default 3), a random secret key and `127.0.0.1` as the
   allowed host, set for this server only. The production settings stay as they are: the load generator plays the
   TLS proxy and sends `X-Forwarded-Proto: https` (see `bench/locustfile.py`);
3. once `/healthz` answers, one headless locust run per mix (`bench/locustfile.py`, 16 users, no think time,
   `--last-sekunden` measured after every user has signed in and `AUFWAERMEN_S` of warm-up): `/healthz`, the admin changelist of the offers,
   the coordination's morning, the state's overview;
4. gunicorn is stopped (SIGTERM, then SIGKILL after the graceful timeout), also on an error, Ctrl+C or SIGTERM.

Returns, per mix and per page: requests, req/s, p50, p95, failures; errors of the server (tracebacks from its
log) besides. Locust runs on the same machine and takes part of its cores, as do other processes: `last_1min`
before and after is recorded.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from demo.bench import messen

BASE_DIR = Path(__file__).resolve().parent.parent
LOCUSTFILE = BASE_DIR / "bench" / "locustfile.py"
NUTZER = 16
SEKUNDEN = 30
# Requests after the sign-ins and before the measured window (the workers load templates, fill caches).
AUFWAERMEN_S = 5
# Upper bound of one locust run beyond the measured seconds: 16 sign-ins hash their passwords first.
ANMELDE_PUFFER_S = 120

# Targets of the issue for the mixes (16 users, 2 cores): req/s at least, p95 at most.
ZIELE = {"koordination": (60, 300), "land": (30, 500)}

MIX_TITEL = {
    "healthz": "/healthz",
    "admin": "Admin-Änderungsliste Angebote",
    "koordination": "Koordination (Rhein-Kreis Neuss)",
    "land": "Land",
}
MIX_KLASSE = {
    "healthz": "HealthzNutzer",
    "admin": "AdminNutzer",
    "koordination": "KoordinationNutzer",
    "land": "LandNutzer",
}


def mixe(bezug: dict) -> dict:
    """The pages of each mix with their weights (how often a user opens them on an ordinary morning)."""
    neuss, detail, erhebung = bezug["neuss"], bezug["detail"], bezug["erhebung"]

    def seite(name: str, url: str | None, gewicht: int) -> dict | None:
        return {"name": name, "url": url, "gewicht": gewicht} if url else None

    koordination = [
        seite("Dashboard", messen.url("buendnis:dashboard"), 4),
        seite("Katalog", messen.url("angebote:angebot-list"), 3),
        seite("Katalog gefiltert", messen.url("angebote:angebot-list", query=bezug["filter_query"]), 2),
        seite("Angebot (Detail)", detail and messen.url("angebote:angebot-detail", detail.pk), 3),
        seite("Lückenanalyse", erhebung and messen.url("bedarf:luecken", erhebung.pk), 1),
        seite("Erhebung (Detail)", erhebung and messen.url("bedarf:erhebung-detail", erhebung.pk), 1),
        seite("Budgetübersicht", messen.url("foerderung:uebersicht"), 2),
        seite("Sitzungen", messen.url("buendnis:sitzung-list"), 1),
    ]
    land = [
        seite("Landsicht Tabelle und Karte", messen.url("berichte:land-uebersicht"), 3),
        seite("Budgetübersicht", messen.url("foerderung:uebersicht"), 2),
        seite("Dashboard", messen.url("buendnis:dashboard"), 3),
        seite("Katalog", messen.url("angebote:angebot-list"), 2),
    ]
    ergebnis = {
        "healthz": {"benutzer": None, "seiten": [seite("/healthz", messen.url("healthz"), 1)]},
        "admin": {
            "benutzer": "koordination",
            "seiten": [seite("Admin Angebote (Änderungsliste)", bezug["angebot_admin"], 1)],
        },
        "koordination": {"benutzer": "koordination", "seiten": koordination, "buendnis": neuss.name},
        "land": {"benutzer": "land", "seiten": land},
    }
    for mix in ergebnis.values():
        mix["seiten"] = [s for s in mix["seiten"] if s]
    return ergebnis


def mit_zweitem_faktor() -> list[str]:
    """Users of the mixes who would have to enter a TOTP code after signing in (the load test cannot)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return sorted(
        TOTPDevice.objects.filter(user__username__in=("koordination", "land"), confirmed=True).values_list(
            "user__username", flat=True
        )
    )


def _freier_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env() -> dict:
    env = os.environ.copy()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], env=env, cwd=BASE_DIR, check=True)


def _warten_auf_healthz(url: str, server: subprocess.Popen, sekunden: float = 60) -> None:
    ende = time.monotonic() + sekunden
    while time.monotonic() < ende:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn hat sich beendet (Exit-Code {server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as antwort:
                if antwort.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} antwortet nach {sekunden:.0f} s nicht")


def _beenden(signum, frame):
    raise SystemExit(128 + signum)


def _stoppen(server: subprocess.Popen) -> None:
    """SIGTERM to the gunicorn master (it stops its workers), SIGKILL after its graceful timeout."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=35)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _server_fehler(log: Path, grenze: int = 3) -> dict:
    """Tracebacks in the server's log (gunicorn and Django's error log), the first `grenze` of them in full."""
    try:
        zeilen = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return {"tracebacks": 0, "beispiele": []}
    starts = [i for i, z in enumerate(zeilen) if z.startswith("Traceback")]
    beispiele = []
    for i in starts[:grenze]:
        block = [zeilen[i - 1]] if i else []
        for z in zeilen[i:]:
            block.append(z)
            if len(block) > 1 and z and not z.startswith((" ", "Traceback", "During", "The above")):
                break
        beispiele.append("\n".join(block[-60:]))
    fuenfhundert = sum(1 for z in zeilen if '" 500 ' in z or '" 502 ' in z or '" 503 ' in z)
    return {"tracebacks": len(starts), "antworten_5xx": fuenfhundert, "beispiele": beispiele}


def _locust(mix: str, plan: dict, *, host: str, nutzer: int, sekunden: int, ordner: Path) -> dict:
    plan_datei = ordner / f"plan-{mix}.json"
    ergebnis_datei = ordner / f"ergebnis-{mix}.json"
    plan_datei.write_text(
        json.dumps({**plan, "messsekunden": sekunden, "aufwaermsekunden": AUFWAERMEN_S}, ensure_ascii=False),
        encoding="utf-8",
    )
    env = {**os.environ, "BENCH_LAST_PLAN": str(plan_datei), "BENCH_LAST_ERGEBNIS": str(ergebnis_datei)}
    befehl = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "-u",
        str(nutzer),
        "-r",
        str(nutzer),
        "-t",
        f"{sekunden + AUFWAERMEN_S + ANMELDE_PUFFER_S}s",
        "--host",
        host,
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--csv",
        str(ordner / f"locust-{mix}"),
        MIX_KLASSE[mix],
    ]
    log = ordner / f"locust-{mix}.log"
    with log.open("w", encoding="utf-8") as ausgabe:
        proc = subprocess.run(
            befehl,
            env=env,
            cwd=BASE_DIR,
            stdout=ausgabe,
            stderr=subprocess.STDOUT,
            timeout=sekunden + AUFWAERMEN_S + ANMELDE_PUFFER_S + 60,
            check=False,
        )
    try:
        ergebnis = json.loads(ergebnis_datei.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        rest = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
        return {"fehler": f"locust ohne Ergebnis (Exit-Code {proc.returncode}): " + " | ".join(rest)}
    ergebnis["titel"] = MIX_TITEL[mix]
    return ergebnis


def messen_last(*, bezug: dict, passwort: str, sekunden: int = SEKUNDEN, nutzer: int = NUTZER) -> dict:
    """Runs the load test and returns its figures (for `results-latest.json` under `last`)."""
    from django.urls import reverse

    workers = int(os.environ.get("WEB_CONCURRENCY") or 3)
    ergebnis = {
        "nutzer": nutzer,
        "sekunden": sekunden,
        "aufwaermsekunden": AUFWAERMEN_S,
        "workers": workers,
        "server": "gunicorn, config.settings.production, wie make serve",
        "last_1min_vorher": os.getloadavg()[0],
        "mixe": {},
    }
    mit_code = mit_zweitem_faktor()
    if mit_code:
        ergebnis["fehler"] = (
            "Zweiter Faktor eingerichtet für "
            + ", ".join(mit_code)
            + ": der Lasttest kann keinen Code eingeben"
        )
        return ergebnis
    plan_mixe = mixe(bezug)
    env = _server_env()
    print("  Server vorbereiten (createcachetable, collectstatic) …", flush=True)
    _manage(env, "createcachetable", "-v0")
    _manage(env, "collectstatic", "--noinput", "-v0")
    port = _freier_port()
    host = f"http://127.0.0.1:{port}"
    ordner = Path(tempfile.mkdtemp(prefix="buendnis-bench-last-"))
    server_log = ordner / "gunicorn.log"
    ergebnis["protokolle"] = str(ordner)
    with server_log.open("w", encoding="utf-8") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "30",
                "--max-requests",
                "2000",
                "--max-requests-jitter",
                "200",
                "--access-logfile",
                "-",
                "--error-logfile",
                "-",
                # Not the shared default socket of `make serve` (~/.gunicorn/gunicorn.ctl).
                "--no-control-socket",
            ],
            env=env,
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own session: Ctrl+C reaches this process only, which then stops the server in order.
            start_new_session=True,
        )
        # SIGTERM (like Ctrl+C) ends the run through the `finally` below, which stops the server.
        vorher = signal.signal(signal.SIGTERM, _beenden)
        try:
            _warten_auf_healthz(f"{host}/healthz", server)
            print(f"  gunicorn ({workers} Worker) läuft auf {host}", flush=True)
            for mix in ("healthz", "admin", "koordination", "land"):
                plan = {"login_url": reverse("login"), "passwort": passwort, "mixe": plan_mixe}
                print(f"  Last {MIX_TITEL[mix]}: {nutzer} Nutzer, {sekunden} s …", flush=True)
                ergebnis["mixe"][mix] = _locust(
                    mix, plan, host=host, nutzer=nutzer, sekunden=sekunden, ordner=ordner
                )
                _kurz(ergebnis["mixe"][mix])
        finally:
            _stoppen(server)
            signal.signal(signal.SIGTERM, vorher)
    ergebnis["last_1min_nachher"] = os.getloadavg()[0]
    ergebnis["server_fehler"] = _server_fehler(server_log)
    return ergebnis


def _kurz(mix: dict) -> None:
    gesamt = mix.get("gesamt")
    if not gesamt:
        print(f"    {mix.get('fehler', 'n/a')}", flush=True)
        return
    print(
        f"    {gesamt['req_s']} req/s, p50 {gesamt['p50_ms']} ms, p95 {gesamt['p95_ms']} ms, "
        f"{gesamt['fehler']} Fehler",
        flush=True,
    )


def ziele(last: dict) -> list[str]:
    """The missed targets of the mixes, in German."""
    if not last:
        return []
    if "fehler" in last:
        return [f"Lasttest: {last['fehler']}"]
    verfehlt = []
    for mix, daten in (last.get("mixe") or {}).items():
        name = f"Lasttest {daten.get('titel', mix)}"
        gesamt = daten.get("gesamt")
        if not gesamt:
            verfehlt.append(f"{name}: {daten.get('fehler', 'keine Messung')}")
            continue
        for grund, anzahl in (daten.get("anmeldefehler") or {}).items():
            verfehlt.append(f"{name}: {anzahl} Nutzer nicht angemeldet ({grund})")
        if gesamt["fehler"]:
            arten = "; ".join(
                f"{f['seite']}: {f['fehler']} ({f['anzahl']}×)" for f in daten.get("fehlerarten", [])
            )
            verfehlt.append(f"{name}: {gesamt['fehler']} fehlerhafte Antworten ({arten})")
        if mix in ZIELE:
            mindestens, hoechstens = ZIELE[mix]
            if (gesamt["req_s"] or 0) < mindestens:
                verfehlt.append(f"{name}: {gesamt['req_s']} req/s < {mindestens} req/s")
            if (gesamt["p95_ms"] or 0) > hoechstens:
                verfehlt.append(f"{name}: p95 {gesamt['p95_ms']} ms > {hoechstens} ms")
    server = last.get("server_fehler") or {}
    if server.get("tracebacks"):
        verfehlt.append(f"Lasttest: {server['tracebacks']} Tracebacks im Serverprotokoll")
    return verfehlt


def tabelle(last: dict) -> list[str]:
    if not last:
        return []
    kopf = (
        f"Lasttest ({last.get('nutzer')} Nutzer ohne Wartezeit, {last.get('sekunden')} s je Mix, "
        f"gunicorn mit {last.get('workers')} Workern)"
    )
    zeilen = [
        "",
        kopf,
        f"{'Mix':<34} {'Seite':<32} {'Anfr.':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'Fehler':>6}",
    ]
    if "fehler" in last:
        return [*zeilen, f"  {last['fehler']}"]
    for mix, daten in (last.get("mixe") or {}).items():
        titel = daten.get("titel", mix)
        if not daten.get("gesamt"):
            zeilen.append(f"{titel:<34} {daten.get('fehler', 'n/a')}")
            continue
        eintraege = [("(gesamt)", daten["gesamt"])]
        if len(daten["seiten"]) > 1:
            eintraege += [(s["seite"], s) for s in daten["seiten"]]
        for seite, z in eintraege:
            zeilen.append(
                f"{titel:<34} {seite:<32} {z['anfragen']:>6} {z['req_s'] or 0:>7.1f} "
                f"{z['p50_ms'] if z['p50_ms'] is not None else '–':>7} "
                f"{z['p95_ms'] if z['p95_ms'] is not None else '–':>7} {z['fehler']:>6}"
            )
            titel = ""
        for grund, anzahl in (daten.get("anmeldefehler") or {}).items():
            zeilen.append(f"{'':<34} nicht angemeldet: {anzahl}× {grund}")
    server = last.get("server_fehler") or {}
    if server.get("tracebacks"):
        zeilen.append(f"Server: {server['tracebacks']} Tracebacks (Protokolle in {last.get('protokolle')})")
    return zeilen
