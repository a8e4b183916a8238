"""The cached figures of the dashboard (and the Land's view) survive writes to other Bündnisse (issue 18).

A write to a row of one Bündnis renews that Bündnis's stamp and the stamp of all Bündnisse (the Land's figures);
a write to a row of no Bündnis renews the global stamp that every entry reads. Most tests run inside the test's
transaction with the cache switched on and commit hooks run by hand (`festschreiben`); one runs with real commits.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from angebote.models import Kategorie, Zugang, ZugangArt
from berichte import dashboard, landsicht
from buendnis.models import Importvorgang, User
from tests.berichte.test_domaene import angebot, domaene  # noqa: F401,F811
from tests.factories import AufgabeFactory, KommuneFactory

LIVE = 2  # a cached panel reads only the latest reports and the user's export jobs


def abfragen(user) -> int:
    user = User.objects.get(pk=user.pk)  # fresh: no permission cache carried over
    with CaptureQueriesContext(connection) as queries:
        dashboard.panel(user)
    return len(queries.captured_queries)


TREFFER: dict[str, int] = {}  # queries of each role's panel from the cache (the live lists only)


def aus_dem_cache(scenario, *rollen) -> dict[str, bool]:
    return {rolle: abfragen(scenario.users[rolle]) == TREFFER[rolle] for rolle in rollen}


ROLLEN = ("koordination", "koordination_b", "land")


@pytest.fixture
def gecacht(scenario, domaene, mit_cache):  # noqa: F811
    """Every scope's figures computed once (the first panel also stores the needs figures' suppression patterns,
    the worker's job) and then in the cache."""
    for rolle in ROLLEN:
        abfragen(scenario.users[rolle])
        cache.clear()
    for rolle in ROLLEN:
        berechnet = abfragen(scenario.users[rolle])
        TREFFER[rolle] = abfragen(scenario.users[rolle])
        assert TREFFER[rolle] <= LIVE + 2 < berechnet, rolle  # the Land's permissions: 2 more


def test_write_in_another_buendnis_keeps_the_cached_panel_and_renews_the_lands(
    scenario, gecacht, festschreiben
):
    with festschreiben():
        KommuneFactory(buendnis=scenario.b, name="Neu in B")
    assert aus_dem_cache(scenario, *ROLLEN) == {"koordination": True, "koordination_b": False, "land": False}


def test_write_in_own_buendnis_renews_its_panel(scenario, gecacht, festschreiben):
    with festschreiben():
        AufgabeFactory(buendnis=scenario.a, titel="Neu in A")
    assert aus_dem_cache(scenario, *ROLLEN) == {"koordination": False, "koordination_b": True, "land": False}


def test_write_to_a_row_below_an_offer_renews_the_offers_buendnis(scenario, gecacht, festschreiben):
    """A Zugang has no Bündnis of its own: it is its offer's (`buendnis_lookup`), read with one query."""
    zugang = Zugang.objects.filter(angebot__buendnis=scenario.b).first()
    zugang = Zugang.objects.get(pk=zugang.pk)  # its offer not loaded
    with festschreiben(), CaptureQueriesContext(connection) as queries:
        zugang.art = ZugangArt.EINGESCHRAENKT
        zugang.save()
    assert len([q for q in queries.captured_queries if "angebote_angebot" in q["sql"]]) == 1
    assert aus_dem_cache(scenario, *ROLLEN) == {"koordination": True, "koordination_b": False, "land": False}


def test_deleting_a_row_renews_its_buendnis(scenario, gecacht, festschreiben):
    with festschreiben():
        Zugang.objects.filter(angebot__buendnis=scenario.a).first().delete()
    assert aus_dem_cache(scenario, *ROLLEN) == {"koordination": False, "koordination_b": True, "land": False}


def test_write_to_programme_data_renews_every_panel(scenario, gecacht, festschreiben):
    with festschreiben():
        Kategorie.objects.create(code="neu", bezeichnung="Neue Kategorie", reihenfolge=99)
    assert aus_dem_cache(scenario, *ROLLEN) == dict.fromkeys(ROLLEN, False)


def test_rolled_back_write_renews_nothing(scenario, gecacht, festschreiben):
    with festschreiben() as hooks, transaction.atomic():
        KommuneFactory(buendnis=scenario.a, name="Verworfen")
        Kategorie.objects.create(code="weg", bezeichnung="Verworfen", reihenfolge=98)
        transaction.set_rollback(True)
    assert hooks == []
    assert aus_dem_cache(scenario, *ROLLEN) == dict.fromkeys(ROLLEN, True)


def erneuerungen(hooks) -> list[set[str]]:
    return [set(h.args[0]) for h in hooks if getattr(h, "func", None) is dashboard.datenstand_erneuern]


def test_one_renewal_per_stamp_and_transaction(scenario, festschreiben):
    a, b = f"b{scenario.a.pk}", f"b{scenario.b.pk}"
    with festschreiben() as hooks:
        with CaptureQueriesContext(connection) as queries:
            for nr in range(20):
                KommuneFactory(buendnis=scenario.a, name=f"Import {nr}")
        # Rows of a Bündnis name it themselves: no query to find it.
        assert not [q for q in queries.captured_queries if q["sql"].startswith("SELECT")]
        KommuneFactory(buendnis=scenario.b, name="Auch B")
        KommuneFactory(buendnis=scenario.a, name="Noch eine in A")
    assert erneuerungen(hooks) == [{a, "alle"}, {b}]
    with festschreiben() as hooks:
        KommuneFactory(buendnis=scenario.a, name="Nächste Transaktion")
        Kategorie.objects.create(code="neu", bezeichnung="Neu", reihenfolge=99)
        # After the global stamp, nothing else is worth renewing.
        KommuneFactory(buendnis=scenario.b, name="Nach der Kategorie")
    assert erneuerungen(hooks) == [{a, "alle"}, {"global"}]


def test_stamps_of_a_write(scenario, mit_cache, festschreiben):
    vorher = {k: dashboard.datenstand(k) for k in (scenario.a.pk, scenario.b.pk, None)}
    with festschreiben():
        KommuneFactory(buendnis=scenario.b, name="Neu in B")
    nachher = {k: dashboard.datenstand(k) for k in (scenario.a.pk, scenario.b.pk, None)}
    assert nachher[scenario.a.pk] == vorher[scenario.a.pk]
    assert nachher[scenario.b.pk] != vorher[scenario.b.pk]
    assert nachher[None] != vorher[None]
    with festschreiben():
        Kategorie.objects.create(code="neu", bezeichnung="Neu", reihenfolge=99)
    assert all(dashboard.datenstand(k) != nachher[k] for k in nachher)


def test_confirmed_import_renews_the_uploaders_buendnis(scenario, mit_cache, festschreiben):
    """The offer import writes in bulk, without model signals; its confirmed Vorgang stands for the rows."""
    vorgang = Importvorgang.objects.create(
        benutzer=scenario.users["koordination_b"], ressource="angebote", dateiname="a.csv", format="csv"
    )
    vorher = {k: dashboard.datenstand(k) for k in (scenario.a.pk, scenario.b.pk)}
    with festschreiben() as hooks:
        vorgang = Importvorgang.objects.get(pk=vorgang.pk)
        vorgang.inhalt = b"noch nicht"
        vorgang.save()
    assert erneuerungen(hooks) == []  # uploaded, not yet imported
    with festschreiben():
        vorgang.status = Importvorgang.Status.IMPORTIERT
        vorgang.importiert_am = timezone.now()
        vorgang.save()
    assert dashboard.datenstand(scenario.a.pk) == vorher[scenario.a.pk]
    assert dashboard.datenstand(scenario.b.pk) != vorher[scenario.b.pk]


def test_lands_page_of_a_buendnis_survives_writes_elsewhere(scenario, mit_cache, festschreiben):
    land = scenario.users["land"]
    aufrufe = []

    def seite(buendnis):
        return landsicht.gecacht(
            f"probe:{buendnis.pk}",
            land,
            timezone.localdate(),
            lambda: aufrufe.append(buendnis.pk) or "x",
            buendnis_id=buendnis.pk,
        )

    def tabelle():
        return landsicht.gecacht("probe", land, timezone.localdate(), lambda: aufrufe.append("alle") or "x")

    seite(scenario.a), seite(scenario.b), tabelle()
    with festschreiben():
        KommuneFactory(buendnis=scenario.b, name="Neu in B")
    aufrufe.clear()
    seite(scenario.a), seite(scenario.b), tabelle()
    assert aufrufe == [scenario.b.pk, "alle"]


@pytest.mark.usefixtures("domaene")
def test_lands_buendnis_page_from_the_cache_after_a_write_elsewhere(scenario, mit_cache, festschreiben):
    client = scenario.client("land")
    url = reverse("berichte:land-buendnis", args=[scenario.a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as erste:
        client.get(url)
    with festschreiben():
        KommuneFactory(buendnis=scenario.b, name="Neu in B")
    with CaptureQueriesContext(connection) as zweite:
        assert client.get(url).status_code == 200
    # The rows of all Bündnisse are read again only where the page's own cache entry is gone: it is not.
    assert len(zweite.captured_queries) == len(erste.captured_queries)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("referenzdaten", "domaene")
def test_committed_write_in_another_buendnis_keeps_the_page_cached(scenario, settings):
    """Real commits, the cache on as in production: the koordination's dashboard of a stays a cache hit while
    Bündnis b writes, and is recomputed when a writes."""
    settings.BERICHTE_DASHBOARD_CACHE_SEKUNDEN = 300
    cache.clear()
    assert not connection.in_atomic_block
    user = scenario.users["koordination"]
    for _ in range(3):  # the first one also stores the suppression patterns (the worker's job)
        abfragen(user)
    assert abfragen(user) == LIVE
    KommuneFactory(buendnis=scenario.b, name="Neu in B")
    angebot(scenario.b, scenario.akteur_b, "B2", "deutsch", 5, {"duldung": ZugangArt.OFFEN}, [scenario.b1])
    assert abfragen(user) == LIVE
    KommuneFactory(buendnis=scenario.a, name="Neu in A")
    assert abfragen(user) > LIVE
    cache.clear()


# The whole page: the panels' aggregates come from the same cache ------------------------------------------------


def seite(client) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("buendnis:dashboard"))
    assert response.status_code == 200
    return len(queries.captured_queries), response


@pytest.mark.parametrize(("rolle", "hoechstens"), [("koordination", 17), ("land", 13)])
def test_dashboard_from_the_cache_runs_few_queries(scenario, domaene, mit_cache, rolle, hoechstens):  # noqa: F811
    client = scenario.client(rolle)
    seite(client)  # the first one also stores the needs figures' suppression patterns (the worker's job)
    cache.clear()
    berechnet, _ = seite(client)
    gecacht, _ = seite(client)
    # The session, the user, its device, the live lists (reports, export jobs, meetings, tasks, offers to review).
    assert gecacht <= hoechstens < berechnet


def test_cached_counts_of_the_buendnis_follow_its_writes(scenario, domaene, mit_cache, festschreiben):  # noqa: F811
    client = scenario.client("koordination")
    seite(client)
    _n, vorher = seite(client)
    with festschreiben():
        AufgabeFactory(buendnis=scenario.b, titel="In B")
    assert seite(client)[1].context["offene_aufgaben"] == vorher.context["offene_aufgaben"]
    with festschreiben():
        AufgabeFactory(buendnis=scenario.a, titel="In A")
    assert seite(client)[1].context["offene_aufgaben"] == vorher.context["offene_aufgaben"] + 1
