"""Load test of `make bench` (issue 18): signed-in users of one role each, without think time, against gunicorn.

Started by `bench/last.py`, one run per mix, naming the user class on the command line:

    locust -f bench/locustfile.py --headless -u 16 -r 16 -t 150s --host http://127.0.0.1:PORT KoordinationNutzer

The pages and their weights come from the JSON file in `BENCH_LAST_PLAN` (written by `bench/last.py`, which
resolves the URLs against the bench database); the figures go to the JSON file in `BENCH_LAST_ERGEBNIS`.

Every simulated user signs in once through the real login page (CSRF token from the form, the demo password), so
django-axes sees one successful sign-in per user and locks nobody. The server runs the unchanged production
settings behind no TLS proxy: each request carries `X-Forwarded-Proto: https` as the proxy would set it
(production trusts that header), and the login POST a same-origin https Referer, which Django's CSRF check
requires of secure requests. Secure cookies go back over the plain connection, as the proxy would forward them.

Once the last user has signed in, the users run `aufwaermsekunden` (every gunicorn worker loads its templates
and fills its caches), then the statistics are reset and the measured window of `messsekunden` starts; the
sign-ins (password hashing) and the warm-up do not count towards the pages' figures.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections import Counter
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

PLAN = (
    json.loads(Path(os.environ["BENCH_LAST_PLAN"]).read_text(encoding="utf-8"))
    if os.environ.get("BENCH_LAST_PLAN")
    else {"mixe": {}}
)
PROXY = {"X-Forwarded-Proto": "https"}
CSRF_FELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Shared by the users of this process (gevent: no locks needed).
_zustand = {"bereit": 0, "start": None, "stopp": None, "anmeldefehler": []}


class _HinterDemProxy(DefaultCookiePolicy):
    """Sends `Secure` cookies over the plain connection to gunicorn: the load generator stands for browser and
    TLS proxy at once."""

    def return_ok_secure(self, cookie, request):
        return True


class _Nutzer(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    mix = ""

    def on_start(self):
        mix = PLAN["mixe"][self.mix]
        self.seiten = mix["seiten"]
        self.gewichte = [seite["gewicht"] for seite in self.seiten]
        self.client.cookiejar.set_policy(_HinterDemProxy())
        try:
            if mix.get("benutzer"):
                self._anmelden(mix["benutzer"])
        finally:
            _bereit(self.environment)

    def _anmelden(self, benutzer: str) -> None:
        login = PLAN["login_url"]
        with self.client.get(login, name="Anmeldung (Formular)", headers=PROXY, catch_response=True) as r:
            treffer = CSRF_FELD.search(r.text or "")
            if r.status_code != 200 or treffer is None:
                r.failure(f"Anmeldeformular: HTTP {r.status_code}, ohne CSRF-Token")
                _zustand["anmeldefehler"].append(f"{benutzer}: Anmeldeformular HTTP {r.status_code}")
                raise StopUser()
        daten = {"csrfmiddlewaretoken": treffer.group(1), "username": benutzer, "password": PLAN["passwort"]}
        kopf = {**PROXY, "Referer": f"https://{self.host.split('://', 1)[-1].rstrip('/')}{login}"}
        with self.client.post(
            login, data=daten, name="Anmeldung", headers=kopf, allow_redirects=False, catch_response=True
        ) as r:
            ziel = r.headers.get("Location", "") if r.headers else ""
            if r.status_code != 302 or login in ziel:
                # A failed sign-in answers 200 with the form again; a lock by django-axes 429.
                r.failure(f"Anmeldung: HTTP {r.status_code}")
                _zustand["anmeldefehler"].append(f"{benutzer}: Anmeldung HTTP {r.status_code}")
                raise StopUser()

    @task
    def seite(self):
        seite = random.choices(self.seiten, weights=self.gewichte)[0]
        with self.client.get(
            seite["url"], name=seite["name"], headers=PROXY, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 200:
                wohin = r.headers.get("Location") if r.headers else None
                r.failure(f"HTTP {r.status_code}" + (f" nach {wohin}" if wohin else ""))


class KoordinationNutzer(_Nutzer):
    """The coordination of Rhein-Kreis Neuss on an ordinary morning."""

    mix = "koordination"


class LandNutzer(_Nutzer):
    """The state (`land`) looking across all Bündnisse."""

    mix = "land"


class HealthzNutzer(_Nutzer):
    """The load balancer's probe, unsigned: the server's ceiling without application work."""

    mix = "healthz"


class AdminNutzer(_Nutzer):
    """The Django admin changelist of the offers as the reference (signed in as the coordination)."""

    mix = "admin"


def _bereit(environment) -> None:
    """Counts users that finished signing in (or gave up); with the last one the measured window starts."""
    _zustand["bereit"] += 1
    if _zustand["bereit"] == environment.parsed_options.num_users:
        gevent.spawn_later(PLAN.get("aufwaermsekunden", 0), _messen, environment)


def _messen(environment) -> None:
    environment.stats.reset_all()
    _zustand["start"] = time.time()
    gevent.spawn_later(PLAN.get("messsekunden", 30), environment.runner.quit)


@events.test_stop.add_listener
def _gestoppt(environment, **kwargs):
    if _zustand["stopp"] is None:
        _zustand["stopp"] = time.time()


@events.quitting.add_listener
def _schreiben(environment, **kwargs):
    ziel = os.environ.get("BENCH_LAST_ERGEBNIS")
    if not ziel:
        return
    Path(ziel).write_text(
        json.dumps(zusammenfassung(environment), ensure_ascii=False, indent=2), encoding="utf-8"
    )


def _zahlen(eintrag, sekunden: float) -> dict:
    anfragen = eintrag.num_requests
    return {
        "anfragen": anfragen,
        "fehler": eintrag.num_failures,
        "req_s": round(anfragen / sekunden, 1) if sekunden > 0 else None,
        "p50_ms": eintrag.get_response_time_percentile(0.5) if anfragen else None,
        "p95_ms": eintrag.get_response_time_percentile(0.95) if anfragen else None,
        "mittel_ms": round(eintrag.avg_response_time, 1) if anfragen else None,
    }


def zusammenfassung(environment) -> dict:
    """Requests, req/s, p50, p95 and failures per page and for the whole mix, over the measured window."""
    start, stopp = _zustand["start"], _zustand["stopp"] or time.time()
    ergebnis = {
        "nutzer": environment.parsed_options.num_users,
        # Reason -> how many users it stopped.
        "anmeldefehler": dict(Counter(_zustand["anmeldefehler"])),
    }
    if start is None:
        ergebnis["fehler"] = "Die Messung begann nicht: nicht alle Nutzer haben sich angemeldet."
        return ergebnis
    sekunden = stopp - start
    stats = environment.stats
    ergebnis["sekunden"] = round(sekunden, 1)
    ergebnis["seiten"] = [
        {"seite": name, **_zahlen(eintrag, sekunden)}
        for (name, _methode), eintrag in sorted(stats.entries.items())
        if eintrag.num_requests or eintrag.num_failures
    ]
    ergebnis["gesamt"] = _zahlen(stats.total, sekunden)
    ergebnis["fehlerarten"] = [
        {"seite": fehler.name, "fehler": str(fehler.error), "anzahl": fehler.occurrences}
        for fehler in stats.errors.values()
    ]
    return ergebnis
