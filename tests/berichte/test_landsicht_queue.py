# ruff: noqa: F811 - the fixtures imported from test_landsicht are parameters of the tests
"""The Land's figures are recomputed on the task queue (issue 18): after a write the pages show the figures kept
before, say so, and queue one recomputation; only when none are kept does the request compute them."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks_db.models import DBTaskResult

from berichte import dashboard, landsicht
from berichte.models import Zielsetzung
from buendnis.models import Buendnis
from foerderung import steuerung as foerderung_steuerung
from tests.berichte.helpers import body
from tests.berichte.test_landsicht import (  # noqa: F401 - fixtures
    _csv,
    drei,
    echte_daten,
    kennzahlen,
    seite,
    zelle,
    zielsetzung,
)
from tests.factories import BuendnisFactory, KommuneFactory
from tests.worker import DATABASE_TASKS, db_worker_batch

UEBERSICHT = reverse("berichte:land-uebersicht")
HINWEIS = "Die Zahlen werden gerade aktualisiert; Stand:"
TASK = "berichte.tasks.landsicht_erneuern"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def hintergrund(settings, mit_cache):
    """The worker's figures reach the pages (a shared cache, as production's database cache)."""
    settings.BERICHTE_LANDSICHT_HINTERGRUND = True


def _queued() -> list:
    return [r for r in default_task_backend.results if r.task.func.__name__ == "landsicht_erneuern"]


def _run_queued() -> None:
    """What the worker does with the queued recomputations (the dummy backend only records them)."""
    for r in _queued():
        r.task.call(*r.args, **r.kwargs)
    default_task_backend.clear()


# With the real queue and worker ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("referenzdaten")
def test_write_serves_kept_figures_queues_one_task_and_the_worker_renews_them(
    scenario, drei, hintergrund, settings, django_assert_max_num_queries
):
    settings.TASKS = DATABASE_TASKS
    assert not connection.in_atomic_block  # real commits renew the stamps
    client = scenario.client("land")
    berechnet = len(_abfragen(client))  # nothing kept yet: computed in this request
    assert zelle(seite(client), "Rhein-Kreis Test", "ziele") == "1 von 2"
    assert HINWEIS not in client.get(UEBERSICHT).content.decode()
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()

    Zielsetzung.objects.filter(buendnis=drei[0]).delete()  # a committed write in one Bündnis

    # The next requests answer from the kept figures (a handful of queries, not the recomputation's), say that
    # newer ones are being computed, and queue one task between them.
    with django_assert_max_num_queries(8):
        response = client.get(UEBERSICHT)
    html = response.content.decode()
    assert HINWEIS in html
    assert zelle(seite(client), "Rhein-Kreis Test", "ziele") == "1 von 2"
    assert len(_abfragen(client)) < berechnet / 3
    task = DBTaskResult.objects.get(task_path=TASK)
    assert task.status == TaskResultStatus.READY

    db_worker_batch()

    assert DBTaskResult.objects.get(task_path=TASK).status == TaskResultStatus.SUCCESSFUL
    html = client.get(UEBERSICHT).content.decode()
    assert HINWEIS not in html
    assert zelle(seite(client), "Rhein-Kreis Test", "ziele") == "keine Werte"
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1  # current now: nothing queued
    cache.clear()


def _abfragen(client) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(UEBERSICHT).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


# With the dummy backend (it records what is queued) ------------------------------------------------------------


@pytest.fixture
def queue(settings, hintergrund):
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    yield
    default_task_backend.clear()


def test_two_requests_after_a_write_queue_one_task(scenario, drei, queue):
    client = scenario.client("land")
    seite(client)
    dashboard.datenstand_erneuern([dashboard.ALLE])  # what a committed write does
    seite(client)
    seite(client)
    client.get(reverse("berichte:land-export", args=["csv"]))
    assert [r.args for r in _queued()] == [["tabelle", "de"]]
    _run_queued()
    # A task for figures that are current already does nothing.
    assert landsicht.erneuern(landsicht.TABELLE, "de") is False
    seite(client)
    assert _queued() == []


def test_comparison_and_table_queue_their_own_task_once(scenario, drei, queue):
    client = scenario.client("land")
    client.get(reverse("berichte:land-vergleich"))
    dashboard.datenstand_erneuern([dashboard.ALLE])
    for _ in range(2):
        html = client.get(reverse("berichte:land-vergleich")).content.decode()
        assert HINWEIS in html
    assert sorted(r.args[0] for r in _queued()) == ["tabelle", "vergleich"]
    _run_queued()
    assert HINWEIS not in client.get(reverse("berichte:land-vergleich")).content.decode()


def test_failing_task_keeps_the_page_and_is_queued_again_after_the_time_limit(
    scenario, drei, queue, monkeypatch
):
    client = scenario.client("land")
    seite(client)
    Zielsetzung.objects.all().delete()
    dashboard.datenstand_erneuern([dashboard.ALLE])
    monkeypatch.setattr(landsicht, "NEUER_VERSUCH_SEKUNDEN", 3)
    seite(client)
    echt = landsicht._berechnen

    def kaputt(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(landsicht, "_berechnen", kaputt)
    with pytest.raises(RuntimeError):
        _run_queued()
    default_task_backend.clear()
    # The page still shows the kept figures and says so; no second task while the first one's mark holds.
    assert zelle(seite(client), "Rhein-Kreis Test", "ziele") == "1 von 2"
    assert HINWEIS in client.get(UEBERSICHT).content.decode()
    assert _queued() == []
    time.sleep(3.2)
    monkeypatch.setattr(landsicht, "_berechnen", echt)
    seite(client)
    assert len(_queued()) == 1
    _run_queued()
    assert zelle(seite(client), "Rhein-Kreis Test", "ziele") == "keine Werte"


def test_export_shows_the_kept_figures_with_their_stand(scenario, drei, queue):
    client = scenario.client("land")
    vorher = client.get(UEBERSICHT)
    stand = vorher.context["stand"]
    Zielsetzung.objects.all().delete()
    dashboard.datenstand_erneuern([dashboard.ALLE])
    zeilen = _csv(client)
    kopf = zeilen[0]
    rhein = next(z for z in zeilen if z and z[0] == "Rhein-Kreis Test")
    assert rhein[kopf.index("Ziele im Plan")] == "1 von 2"  # as the page shows them
    rest = {z[0]: z[1] for z in zeilen if len(z) == 2}
    assert rest["Stand"] == timezone.localtime(stand).strftime("%d.%m.%Y %H:%M")
    assert "gerade aktualisiert" in rest["Hinweis"] and rest["Stand"] in rest["Hinweis"]
    _run_queued()
    zeilen = _csv(client)
    rhein = next(z for z in zeilen if z and z[0] == "Rhein-Kreis Test")
    assert rhein[zeilen[0].index("Ziele im Plan")] == "keine Werte"
    assert "Hinweis" not in {z[0] for z in zeilen if z}


def test_without_a_shared_cache_the_request_computes_outdated_figures(scenario, drei, settings, mit_cache):
    """A cache of one process (development, benchmark) with the database queue: the worker's figures could not
    reach the page, so the request computes them as before and queues nothing."""
    settings.TASKS = DUMMY_TASKS
    default_task_backend.clear()
    assert landsicht.im_hintergrund() is False
    client = scenario.client("land")
    seite(client)
    Zielsetzung.objects.all().delete()
    dashboard.datenstand_erneuern([dashboard.ALLE])
    assert zelle(seite(client), "Rhein-Kreis Test", "ziele") == "keine Werte"
    assert _queued() == []


# Scope ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rolle", ["koordination", "kommune", "auswertung", "mitglied", "koordination_b"])
def test_land_figures_never_reach_another_role(scenario, drei, queue, rolle):
    land = scenario.client("land")
    for url in (
        UEBERSICHT,
        reverse("berichte:land-vergleich"),
        reverse("berichte:land-export", args=["csv"]),
    ):
        assert land.get(url).status_code == 200  # kept for the Land now
    client = scenario.client(rolle)
    for url in (
        UEBERSICHT,
        reverse("berichte:land-vergleich"),
        reverse("berichte:land-export", args=["csv"]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "1.234.567,89" not in body(response).decode()  # Bündnis a's money, a Land figure
    user = scenario.users[rolle]
    # The kept figures of all Bündnisse are the Land's only: another scope computes its own, and the Bündnis
    # page's shortcut through the kept rows refuses it.
    eigene = landsicht.bestand(user, landsicht.TABELLE)
    assert eigene.version == "" and {z.buendnis_id for z in eigene.daten.zeilen} <= {user.buendnis_id}
    assert landsicht.aktuelle_tabelle(user) is None
    assert landsicht.aktuelle_tabelle(scenario.users["land"]) is not None


def test_buendnis_page_after_a_write_in_it_is_fresh(scenario, drei, queue):
    a = drei[0]
    client = scenario.client("land")
    url = reverse("berichte:land-buendnis", args=[a.pk])
    seite(client)
    assert "1 von 2" in client.get(url).content.decode()
    Zielsetzung.objects.filter(buendnis=a).delete()
    dashboard.datenstand_erneuern([dashboard.ALLE, f"b{a.pk}"])
    html = client.get(url).content.decode()
    assert "keine Werte" in html and "1 von 2" not in html
    assert _queued() == []  # its own row, computed alone


# Cost of the recomputation -------------------------------------------------------------------------------------


def _weitere(von: int, bis: int) -> None:
    for nr in range(von, bis):
        b = BuendnisFactory(name=f"Weiterer Kreis {nr}")
        KommuneFactory(buendnis=b, name=f"Weitere Kommune {nr}")
        zielsetzung(b, [Decimal(5), Decimal(1)])


@pytest.mark.parametrize("name", [landsicht.TABELLE, landsicht.VERGLEICH])
def test_query_count_of_the_recomputation_is_the_same_for_3_and_8_buendnisse(scenario, echte_daten, name):
    zielsetzung(scenario.a, [Decimal(5)])
    _weitere(0, 1)
    heute = timezone.localdate()
    landsicht._berechnen(name, heute)  # the needs figures' suppression patterns are stored once

    def anzahl() -> int:
        with CaptureQueriesContext(connection) as ctx:
            landsicht._berechnen(name, heute)
        return len(ctx.captured_queries)

    assert Buendnis.objects.count() == 3
    bei_drei = anzahl()
    _weitere(1, 6)
    assert Buendnis.objects.count() == 8
    landsicht._berechnen(name, heute)
    assert anzahl() == bei_drei


def test_money_columns_share_one_query_per_kind(scenario, echte_daten, django_assert_num_queries):
    geld = [
        k for k in foerderung_steuerung.LANDKENNZAHLEN if k.key.split("_")[0] in foerderung_steuerung.GELD
    ]
    assert len(geld) == 21
    ids = [scenario.a.pk, scenario.b.pk]
    einzeln = {k.key: k.werte(ids) for k in geld}
    auswahl = landsicht.Auswahl(ids)
    with django_assert_num_queries(3):
        gemeinsam = {k.key: k.werte(auswahl) for k in geld}
    assert gemeinsam == einzeln
    assert gemeinsam["bewilligt"][scenario.a.pk].text == "15.000,00 €"
