"""The cached pages with a shared Redis cache, as production can run them (`DJANGO_CACHE_URL=rediscache://...`,
issue 18): a warm page reads no more than with the local cache, and a write shows at once. Against the Redis server
on this machine (127.0.0.1:6379); skipped where none runs."""

from __future__ import annotations

import re
import socket
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from angebote.models import AngebotStatus
from tests.berichte.test_domaene import angebot
from tests.factories import AufgabeFactory, KommuneFactory

REDIS = ("127.0.0.1", 6379)


def _redis_laeuft() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_laeuft(), reason="kein Redis auf 127.0.0.1:6379")


@pytest.fixture
def redis_cache(settings, monkeypatch):
    """Django's RedisCache under a key prefix of its own: test runs side by side (SQLite and PostgreSQL, several
    workers) share the server, so clearing (the fixture `mit_cache`) removes only this test's keys."""
    praefix = f"buendnis-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{REDIS[0]}:{REDIS[1]}/2",
            "KEY_PREFIX": praefix,
        }
    }
    from django.core.cache import caches

    cache = caches["default"]
    assert type(cache).__name__ == "RedisCache"

    def leeren():
        client = cache._cache.get_client(write=True)
        schluessel = list(client.scan_iter(match=f"{praefix}:*"))
        if schluessel:
            client.delete(*schluessel)

    monkeypatch.setattr(cache, "clear", leeren)
    yield
    leeren()


def _seite(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as erfasst:
        response = client.get(url)
    assert response.status_code == 200
    gelesen = [
        q
        for q in erfasst.captured_queries
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    return len(gelesen), re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_dashboard_from_redis_is_warm_and_shows_a_write_at_once(
    scenario, redis_cache, mit_cache, festschreiben
):
    client = scenario.client("koordination")
    kalt, _vorher = _seite(client, reverse("buendnis:dashboard"))
    warm, vorher = _seite(client, reverse("buendnis:dashboard"))
    assert warm < kalt and warm <= 7
    assert "Neuheim" not in vorher and "Zur Prüfung (0)" in vorher
    with festschreiben():
        KommuneFactory(buendnis=scenario.a, name="Neuheim")
        AufgabeFactory(buendnis=scenario.a, titel="In Redis fällig", ueberfaellig=True)
        angebot(
            scenario.a,
            scenario.akteur_a,
            "RD1",
            "deutsch",
            5,
            {},
            [scenario.a1],
            status=AngebotStatus.ZUR_PRUEFUNG,
        )
    _n, nachher = _seite(client, reverse("buendnis:dashboard"))
    assert "Neuheim" in nachher and "In Redis fällig" in nachher and "Zur Prüfung (1)" in nachher
    # Another Bündnis's dashboard never shows them.
    _n, anderes = _seite(scenario.client("koordination_b"), reverse("buendnis:dashboard"))
    assert "Neuheim" not in anderes and "Angebot RD1" not in anderes


def test_offer_history_from_redis_shows_a_change_at_once(scenario, redis_cache, mit_cache, festschreiben):
    with festschreiben():
        a = angebot(scenario.a, scenario.akteur_a, "RD2", "deutsch", 5, {}, [scenario.a1])
    client = scenario.client("koordination")
    _seite(client, a.get_absolute_url())
    _n, vorher = _seite(client, a.get_absolute_url())
    assert "Redis-Titel" not in vorher
    with festschreiben():
        a.titel = "Redis-Titel"
        a.save()
    _n, nachher = _seite(client, a.get_absolute_url())
    assert "Angebot RD2 → Redis-Titel" in nachher.split("Änderungsverlauf", 1)[1]
