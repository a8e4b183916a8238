"""The dashboard's query counts do not grow with the data (issue 18): the Land's dashboard computed afresh (no
cached figures, as after a write) reads the same number of queries for 3 and for 10 Bündnisse, each with a closed
survey round, funds, Teilhabe positions and offers, whether the rounds' suppression patterns are stored or not;
the coordination's dashboard from the cache reads a pinned number of queries."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bedarf import berichte as bedarf_berichte
from bedarf import tasks as bedarf_tasks
from bedarf.models import Erhebung, ErhebungStatus, Sperrmuster
from buendnis.choices import Rolle
from tests.bedarf.conftest import deliver
from tests.bedarf.factories import ErhebungFactory
from tests.berichte.test_domaene import angebot
from tests.factories import AkteurFactory, AufgabeFactory, BuendnisFactory, KommuneFactory, UserFactory
from tests.foerderung.factories import BudgetFactory, FoerderbausteinFactory, TeilhabeStelleFactory


def _kreis(nr: int, baustein) -> Erhebung:
    """A Bündnis with two Kommunen, a closed round both delivered to, a budget, a Teilhabe position and an offer."""
    b = BuendnisFactory(name=f"Flachkreis {nr:02d}")
    k1 = KommuneFactory(buendnis=b, name=f"Flach {nr} Nord")
    k2 = KommuneFactory(buendnis=b, name=f"Flach {nr} Süd")
    u1 = UserFactory(rolle=Rolle.KOMMUNE, buendnis=b, kommune=k1)
    u2 = UserFactory(rolle=Rolle.KOMMUNE, buendnis=b, kommune=k2)
    e = ErhebungFactory(buendnis=b, titel=f"Erhebung Flach {nr}", stichtag=datetime.date(2020, 10, 31))
    deliver(e, k1, u1, {"duldung": 10 + nr, "gestattung": 6})
    deliver(e, k2, u2, {"duldung": 7, "gestattung": 5 + nr})
    Erhebung.objects.filter(pk=e.pk).update(status=ErhebungStatus.ABGESCHLOSSEN)
    BudgetFactory(buendnis=b, baustein=baustein, betrag=Decimal("1000.00") * (nr + 1))
    TeilhabeStelleFactory(buendnis=b, kommune=k1, vze=Decimal("1.00"))
    traeger = AkteurFactory(buendnis=b, name=f"Träger Flach {nr}", kommune=None)
    angebot(b, traeger, f"FL{nr}", "deutsch", 5 + nr, {"duldung": "offen"}, [k1])
    return e


def _kreise(von: int, bis: int, baustein) -> list[Erhebung]:
    return [_kreis(nr, baustein) for nr in range(von, bis)]


def _land_queries(client, django_assert_max_num_queries) -> tuple[int, str]:
    with django_assert_max_num_queries(500) as erfasst:
        response = client.get(reverse("buendnis:dashboard"))
    assert response.status_code == 200
    # The session's own bookkeeping (saved again now and then, in a savepoint) is no figure of the page.
    gelesen = [
        q["sql"]
        for q in erfasst.captured_queries
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    return len(gelesen), response.content.decode()


@pytest.mark.django_db
def test_land_dashboard_cold_reads_as_many_queries_for_10_as_for_3_buendnisse_with_stored_patterns(
    scenario, django_assert_max_num_queries
):
    """Tests run without the cache inside their transaction: every request computes the figures afresh."""
    baustein = FoerderbausteinFactory()
    _kreise(0, 3, baustein)
    client = scenario.client("land")
    client.get(reverse("buendnis:dashboard"))  # computes the missing patterns (BEDARF_MUSTER_SOFORT in tests)
    wenige, _inhalt = _land_queries(client, django_assert_max_num_queries)
    _kreise(3, 10, baustein)
    client.get(reverse("buendnis:dashboard"))
    assert Sperrmuster.objects.filter(erhebung__buendnis__name__startswith="Flachkreis").count() == 10
    viele, inhalt = _land_queries(client, django_assert_max_num_queries)
    assert viele == wenige, f"{wenige} queries for 3 Bündnisse, {viele} for 10"
    assert "Flachkreis 09" in inhalt
    # Bündnis 9's total target group (19 + 7 + 6 + 14 people), published under its stored pattern.
    assert '<td class="zahl">46</td>' in inhalt or ">46<" in inhalt


@pytest.mark.django_db
def test_land_dashboard_cold_asks_once_for_all_missing_patterns(
    scenario, django_assert_max_num_queries, django_capture_on_commit_callbacks, settings, monkeypatch
):
    """As in production (patterns renewed by the worker): the rounds without a stored pattern are withheld and
    renewed by ONE task for all of them, so the number of queries does not grow with the rounds either."""
    settings.BEDARF_MUSTER_SOFORT = False
    angefragt: list[list[int]] = []

    class Aufgabe:
        @staticmethod
        def enqueue(ids):
            angefragt.append(list(ids))

    monkeypatch.setattr(bedarf_tasks, "sperrmuster_erneuern_alle", Aufgabe)
    baustein = FoerderbausteinFactory()
    erste = _kreise(0, 3, baustein)
    client = scenario.client("land")
    with django_capture_on_commit_callbacks(execute=True):
        wenige, _inhalt = _land_queries(client, django_assert_max_num_queries)
    assert angefragt == [sorted(e.pk for e in erste)]
    weitere = _kreise(3, 10, baustein)
    angefragt.clear()
    with django_capture_on_commit_callbacks(execute=True):
        viele, inhalt = _land_queries(client, django_assert_max_num_queries)
    assert viele == wenige, f"{wenige} queries for 3 Bündnisse, {viele} for 10"
    assert angefragt == [sorted(e.pk for e in erste + weitere)]
    assert "Flachkreis 09" in inhalt
    assert not Sperrmuster.objects.filter(erhebung__buendnis__name__startswith="Flachkreis").exists()


@pytest.mark.django_db
def test_task_renews_the_missing_patterns_once(scenario, settings):
    settings.BEDARF_MUSTER_SOFORT = False
    runden = _kreise(0, 3, FoerderbausteinFactory())
    ids = [e.pk for e in runden]
    assert bedarf_berichte.zielgruppe_je_buendnis([e.buendnis_id for e in runden]) == {
        e.buendnis_id: "*" for e in runden
    }
    assert bedarf_tasks.sperrmuster_erneuern_alle.call(ids) == 3
    assert bedarf_tasks.sperrmuster_erneuern_alle.call(ids) == 0  # already current: nothing to do
    assert bedarf_berichte.zielgruppe_je_buendnis([runden[0].buendnis_id]) == {runden[0].buendnis_id: "28"}


# The coordination's dashboard from the cache ------------------------------------------------------------------

# Warm, a coordination's dashboard reads the session and user, the meetings to come and its own tasks (live), and
# the report panel's live lists; the Kommunen, the overdue tasks and the panels of the catalogue and of the needs
# analysis come from the cache with the figures (13 before, 11 with the catalogue and needs panels live).
KOORDINATION_WARM = 7


def _seite(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as erfasst:
        response = client.get(reverse("buendnis:dashboard"))
    assert response.status_code == 200
    gelesen = [
        q
        for q in erfasst.captured_queries
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    return len(gelesen), re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_warm_coordination_dashboard_reads_a_pinned_number_of_queries(scenario, mit_cache):
    AufgabeFactory(buendnis=scenario.a, titel="Längst fällig", ueberfaellig=True)
    client = scenario.client("koordination")
    kalt, vorher = _seite(client)
    warm, nachher = _seite(client)
    assert warm == KOORDINATION_WARM < kalt
    assert nachher == vorher
    assert "Längst fällig" in nachher and "Aheim" in nachher and "Aufgaben der Bündniskerngruppe" in nachher


def test_cached_parts_are_kept_apart_by_buendnis_and_kommune(scenario, mit_cache):
    AufgabeFactory(buendnis=scenario.a, titel="Überfällig in A", ueberfaellig=True)
    AufgabeFactory(buendnis=scenario.b, titel="Überfällig in B", ueberfaellig=True)
    _seite(scenario.client("koordination"))  # fills the cache for Bündnis a
    _n, bei_b = _seite(scenario.client("koordination_b"))
    assert "Überfällig in B" in bei_b and "Bheim" in bei_b
    assert "Überfällig in A" not in bei_b and "Aheim" not in bei_b and "Adorf" not in bei_b
    _n, bei_a = _seite(scenario.client("koordination"))
    assert "Überfällig in A" in bei_a and "Überfällig in B" not in bei_a and "Bheim" not in bei_a
    # A Kommune sees its own Bündnis's parts from its own entry, never another scope's.
    _n, kommune = _seite(scenario.client("kommune"))
    assert "Überfällig in B" not in kommune and "Bheim" not in kommune
    # The Land has none of them.
    _n, land = _seite(scenario.client("land"))
    assert "Überfällig in A" not in land and "Aheim" not in land and 'id="h-kernaufgaben"' not in land


def test_a_write_shows_at_once_on_the_cached_dashboard(scenario, mit_cache, festschreiben):
    client = scenario.client("koordination")
    _seite(client)
    _n, vorher = _seite(client)
    assert "Neuheim" not in vorher and "Gerade fällig geworden" not in vorher
    with festschreiben():
        KommuneFactory(buendnis=scenario.a, name="Neuheim")
        AufgabeFactory(buendnis=scenario.a, titel="Gerade fällig geworden", ueberfaellig=True)
    _n, nachher = _seite(client)
    assert "Neuheim" in nachher and "Gerade fällig geworden" in nachher
    assert "Kommunen (3)" in nachher
    # A write in another Bündnis leaves this entry as it is (read from the cache again).
    with festschreiben():
        KommuneFactory(buendnis=scenario.b, name="Fremdheim")
    warm, danach = _seite(client)
    assert warm == KOORDINATION_WARM and "Fremdheim" not in danach


@pytest.mark.django_db
@pytest.mark.parametrize("pfad", ["offene_luecken", "buendnis_gesamt"])
def test_every_reader_of_many_rounds_asks_once_for_all_missing_patterns(
    scenario, settings, monkeypatch, django_capture_on_commit_callbacks, pfad
):
    """The steering's open gaps (Landsicht, Kernaufgaben) and the Bündnis totals read many rounds at once: the rounds
    without a current pattern are withheld and renewed by ONE task for all of them, not one task per round."""
    from bedarf import sperrmuster, steuerung

    settings.BEDARF_MUSTER_SOFORT = False
    angefragt: list[list[int]] = []
    einzeln: list[int] = []

    class Alle:
        @staticmethod
        def enqueue(ids):
            angefragt.append(list(ids))

    class Einzeln:
        @staticmethod
        def enqueue(erhebung_id):
            einzeln.append(erhebung_id)

    monkeypatch.setattr(bedarf_tasks, "sperrmuster_erneuern_alle", Alle)
    monkeypatch.setattr(bedarf_tasks, "sperrmuster_erneuern", Einzeln)
    runden = _kreise(0, 4, FoerderbausteinFactory())
    with django_capture_on_commit_callbacks(execute=True):
        if pfad == "offene_luecken":
            ergebnis = steuerung.offene_luecken([e.buendnis_id for e in runden], datetime.date(2021, 1, 1))
            assert {bid: luecken for bid, (_e, luecken) in ergebnis.items()} == dict.fromkeys(
                [e.buendnis_id for e in runden]
            )
        else:
            assert sperrmuster.buendnis_gesamt([e.pk for e in runden]) == dict.fromkeys(
                [e.pk for e in runden]
            )
    assert angefragt == [sorted(e.pk for e in runden)]
    assert einzeln == []
    # Once computed, nothing is asked for again and the figures are shown.
    assert bedarf_tasks.sperrmuster_erneuern_alle is Alle
    monkeypatch.undo()
    settings.BEDARF_MUSTER_SOFORT = False
    assert bedarf_tasks.sperrmuster_erneuern_alle.call([e.pk for e in runden]) == 4
    angefragt.clear()
    monkeypatch.setattr(bedarf_tasks, "sperrmuster_erneuern_alle", Alle)
    with django_capture_on_commit_callbacks(execute=True):
        gesamt = sperrmuster.buendnis_gesamt([e.pk for e in runden])
    assert angefragt == [] and gesamt[runden[0].pk] == 28
