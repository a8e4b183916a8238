"""The report panel on the dashboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from berichte import services
from tests.berichte.conftest import BIS, VON


def test_panel_per_role(scenario, daten, role):
    services.bericht_erzeugen(
        buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, by=scenario.users["koordination"]
    )
    response = scenario.client(role).get(reverse("buendnis:dashboard"))
    if role == "anonym":
        # The public start page: no panel of the staff dashboard.
        assert "Berichte und Exporte" not in response.content.decode()
        return
    content = response.content.decode()
    assert response.status_code == 200
    if role == "mitglied":
        assert "Berichte und Exporte" not in content
    else:
        assert "Berichte und Exporte" in content
        assert "Sachstandsbericht Rhein-Kreis Test" in content
    assert ("Sachstandsbericht erzeugen" in content) == (role in ("koordination", "auswertung", "admin"))


def test_panel_hides_other_buendnis_reports(scenario, daten):
    services.bericht_erzeugen(
        buendnis=scenario.a, von=VON, bis=BIS, abschnitte=None, by=scenario.users["koordination"]
    )
    content = scenario.client("koordination_b").get(reverse("buendnis:dashboard")).content.decode()
    assert "Sachstandsbericht Rhein-Kreis Test" not in content


# With domain data ---------------------------------------------------------------------------------------------

import datetime  # noqa: E402

from bedarf.models import Erhebung, ErhebungStatus  # noqa: E402
from tests.bedarf.conftest import deliver  # noqa: E402
from tests.bedarf.factories import ErhebungFactory  # noqa: E402
from tests.berichte.test_domaene import domaene  # noqa: E402,F401
from tests.factories import BuendnisFactory, KommuneFactory  # noqa: E402


def test_koordination_sees_charts_with_table_alternatives(scenario, domaene):  # noqa: F811
    content = scenario.client("koordination").get(reverse("buendnis:dashboard")).content.decode()
    for titel in (
        "Angebote je Kategorie und Kommune",
        "Mittel je Förderbaustein",
        "Größte Angebotslücken",
        "Bedarf im Vergleich der Erhebungen",
    ):
        assert titel in content
    # Every chart has its table of values.
    assert content.count("<canvas data-chart-json=") == content.count("Werte als Tabelle</summary>") == 4
    assert 'data-chart-json="berichte-dashboard-diagramm-0"' in content
    assert 'id="berichte-dashboard-diagramm-0" type="application/json"' in content
    assert "Werte als Tabelle" in content
    assert "chart.umd.min.js" in content
    assert "Kennzahlen je Kommune" not in content  # that one is for the evaluation


def test_auswertung_sees_figures_across_its_kommunen(scenario, domaene):  # noqa: F811
    from berichte.dashboard import panel

    tabelle = panel(scenario.users["auswertung"])["kommunen_tabelle"]
    zeilen = {z[0]: z for z in tabelle["zeilen"]}
    assert set(zeilen) == {"Aheim", "Adorf"}
    kopf = tabelle["kopf"]
    assert zeilen["Adorf"][kopf.index("bewilligt")] == "20.000,10 €"
    assert zeilen["Adorf"][kopf.index("abgerufen")] == "3.500,01 €"
    assert zeilen["Aheim"][kopf.index("Zielgruppe (Erhebung 2020)")] == "16"
    assert zeilen["Adorf"][kopf.index("Teilhabemanagement (VZÄ)")] == "0,5"


def test_land_sees_buendnisse_with_small_numbers_protected(scenario, domaene):  # noqa: F811
    e = ErhebungFactory(buendnis=scenario.b, titel="Erhebung B", stichtag=datetime.date(2020, 10, 31))
    deliver(e, scenario.b1, scenario.users["kommune_b1"], {"duldung": 2})
    Erhebung.objects.filter(pk=e.pk).update(status=ErhebungStatus.ABGESCHLOSSEN)
    from berichte.dashboard import panel

    daten = panel(scenario.users["land"])
    tabelle = daten["buendnisse_tabelle"]
    kopf = tabelle["kopf"]
    zeilen = {z[0]: z for z in tabelle["zeilen"]}
    spalte = kopf.index("Zielgruppe (letzte abgeschlossene Erhebung)")
    assert zeilen["Rhein-Kreis Test"][spalte] == "27"
    assert zeilen["Stadt Anderswo"][spalte] == "*"
    assert zeilen["Stadt Anderswo"][kopf.index("zugewiesen")] == "777.777,77 €"
    assert zeilen["Rhein-Kreis Test"][kopf.index("Angebote")] == "3"
    assert daten["diagramme"][0]["titel"] == "Mittel je Förderbaustein"
    content = scenario.client("land").get(reverse("buendnis:dashboard")).content.decode()
    assert "Kennzahlen je Bündnis" in content and "„*“" in content


def test_land_dashboard_query_count_is_fixed(scenario, domaene, django_assert_max_num_queries):  # noqa: F811
    client = scenario.client("land")
    with django_assert_max_num_queries(200) as wenige:
        client.get(reverse("buendnis:dashboard"))
    for n in range(15):
        b = BuendnisFactory(name=f"Kreis X{n}")
        KommuneFactory(buendnis=b)
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        response = client.get(reverse("buendnis:dashboard"))
    assert "Kreis X14" in response.content.decode()


def test_auswertung_dashboard_query_count_is_fixed(scenario, domaene, django_assert_max_num_queries):  # noqa: F811
    client = scenario.client("auswertung")
    with django_assert_max_num_queries(200) as wenige:
        client.get(reverse("buendnis:dashboard"))
    for n in range(15):
        KommuneFactory(buendnis=scenario.a, name=f"Zusatz {n}")
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        client.get(reverse("buendnis:dashboard"))


def test_land_total_with_small_parts_is_not_shown(scenario):
    from bedarf.berichte import zielgruppe_je_buendnis
    from buendnis.choices import Rolle
    from tests.factories import UserFactory

    c = BuendnisFactory(name="Kreis C")
    c1, c2 = KommuneFactory(buendnis=c, name="C1"), KommuneFactory(buendnis=c, name="C2")
    u1 = UserFactory(rolle=Rolle.KOMMUNE, buendnis=c, kommune=c1)
    u2 = UserFactory(rolle=Rolle.KOMMUNE, buendnis=c, kommune=c2)
    e = ErhebungFactory(buendnis=c, titel="Erhebung C")
    deliver(e, c1, u1, {"duldung": 2})
    deliver(e, c2, u2, {"duldung": 9})
    Erhebung.objects.filter(pk=e.pk).update(status=ErhebungStatus.ABGESCHLOSSEN)
    # 11 in total, but C1's 2 could be worked out of it: the total is not shown.
    assert zielgruppe_je_buendnis([c.pk]) == {c.pk: "*"}


# Bounded queries and the cache of the figures (issue 8) ------------------------------------------------------

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

from angebote.models import ZugangArt  # noqa: E402
from berichte import dashboard  # noqa: E402
from buendnis.models import User  # noqa: E402
from tests.berichte.test_domaene import angebot  # noqa: E402
from tests.foerderung.factories import BudgetFactory, FoerderbausteinFactory  # noqa: E402


def _panel_queries(user) -> tuple[int, dict]:
    user = User.objects.get(pk=user.pk)  # fresh: no permission cache carried over
    with CaptureQueriesContext(connection) as queries:
        daten = dashboard.panel(user)
    return len(queries.captured_queries), daten


def _mehr_kommunen_und_buendnisse(scenario, n: int) -> None:
    baustein = FoerderbausteinFactory()
    for nr in range(n):
        kommune = KommuneFactory(buendnis=scenario.a, name=f"Zusatzkommune {nr}")
        angebot(
            scenario.a, scenario.akteur_a, f"Z{nr}", "deutsch", 3, {"duldung": ZugangArt.OFFEN}, [kommune]
        )
        b = BuendnisFactory(name=f"Zusatzkreis {nr}")
        KommuneFactory(buendnis=b, name=f"Kommune im Zusatzkreis {nr}")
        BudgetFactory(buendnis=b, baustein=baustein)


@pytest.mark.parametrize("rolle", ["koordination", "kommune", "auswertung", "land", "admin"])
def test_panel_queries_do_not_grow_with_kommunen_and_buendnisse(scenario, domaene, rolle):  # noqa: F811
    user = scenario.users[rolle]
    _panel_queries(user)  # the needs figures' suppression patterns are computed once (the worker's job)
    wenige, vorher = _panel_queries(user)
    _mehr_kommunen_und_buendnisse(scenario, 12)
    viele, nachher = _panel_queries(user)
    assert viele == wenige, f"{rolle}: {wenige} queries before, {viele} with 12 more Kommunen and Bündnisse"
    if rolle in ("koordination", "kommune", "auswertung"):
        diagramm = next(d for d in nachher["diagramme"] if d["titel"] == "Angebote je Kategorie und Kommune")
        assert "Zusatzkommune 11" in [r["name"] for r in diagramm["reihen"]]
    if rolle == "land":
        assert "Zusatzkreis 11" in [z[0] for z in nachher["buendnisse_tabelle"]["zeilen"]]


def test_cached_panel_reads_only_the_live_lists(scenario, domaene, mit_cache):  # noqa: F811
    user = scenario.users["koordination"]
    erste, vorher = _panel_queries(user)
    zweite, nachher = _panel_queries(user)
    assert erste > 20
    # Only the latest reports and the user's export jobs are read again.
    assert zweite == 2
    assert nachher["diagramme"] == vorher["diagramme"]
    assert "Größte Angebotslücken (fehlende Plätze)" in [d["titel"] for d in nachher["diagramme"]]


def test_committed_write_outdates_the_cached_figures(referenzdaten, scenario, domaene, settings):  # noqa: F811
    """Without a test transaction around it: every write commits at once, the cache is on as in production."""
    settings.BERICHTE_DASHBOARD_CACHE_SEKUNDEN = 300
    cache.clear()
    user = scenario.users["koordination"]
    assert not connection.in_atomic_block
    # The needs figures' suppression patterns are computed and stored once (the worker's job); storing them outdates
    # the cached figures like any other write.
    _panel_queries(user)
    erste, _vorher = _panel_queries(user)
    assert _panel_queries(user)[0] == 2  # from the cache
    KommuneFactory(buendnis=scenario.a, name="Neue Kommune")
    n, nachher = _panel_queries(user)
    assert n == erste  # recomputed
    diagramm = next(d for d in nachher["diagramme"] if d["titel"] == "Angebote je Kategorie und Kommune")
    assert "Neue Kommune" in [r["name"] for r in diagramm["reihen"]]
    cache.clear()


def test_one_renewal_per_transaction_and_none_after_rollback(referenzdaten, scenario, settings):
    from django.db import transaction

    settings.BERICHTE_DASHBOARD_CACHE_SEKUNDEN = 300
    cache.clear()
    stand = dashboard.datenstand()
    with transaction.atomic():
        for nr in range(30):
            KommuneFactory(buendnis=scenario.a, name=f"Import {nr}")
        vorgemerkt = [
            f.args[0]
            for _sids, f, _robust in connection.run_on_commit
            if getattr(f, "func", None) is dashboard.datenstand_erneuern
        ]
        assert vorgemerkt == [{f"b{scenario.a.pk}", "alle"}]
        assert dashboard.datenstand() == stand  # not before the commit
    neu = dashboard.datenstand()
    assert neu != stand
    with transaction.atomic():
        KommuneFactory(buendnis=scenario.a, name="Verworfen")
        transaction.set_rollback(True)
    assert dashboard.datenstand() == neu
    cache.clear()


def test_uncommitted_writes_are_never_cached(scenario, domaene, settings):  # noqa: F811
    settings.BERICHTE_DASHBOARD_CACHE_SEKUNDEN = 300
    cache.clear()
    user = scenario.users["koordination"]
    assert connection.in_atomic_block  # the test's transaction, as in a rolled-back import
    dashboard.panel(user)
    assert cache.get(dashboard.cache_schluessel(user)) is None
    zweite, _daten = _panel_queries(user)
    assert zweite > 2


def test_cache_is_off_with_zero_seconds(scenario, domaene, mit_cache, settings, monkeypatch):  # noqa: F811
    monkeypatch.setattr(dashboard, "_cache_erlaubt", lambda: dashboard.cache_sekunden() > 0)
    settings.BERICHTE_DASHBOARD_CACHE_SEKUNDEN = 0
    user = scenario.users["koordination"]
    _panel_queries(user)  # the needs figures' suppression patterns are computed once (the worker's job)
    erste, _ = _panel_queries(user)
    zweite, _ = _panel_queries(user)
    assert zweite == erste


def test_cache_entries_are_kept_apart_by_scope_and_language(scenario, domaene, mit_cache):  # noqa: F811
    schluessel = {
        rolle: dashboard.cache_schluessel(scenario.users[rolle])
        for rolle in (
            "koordination",
            "koordination_b",
            "kommune",
            "kommune_a2",
            "auswertung",
            "land",
            "admin",
        )
    }
    assert len(set(schluessel.values())) == len(schluessel)
    with translation.override("en"):
        assert dashboard.cache_schluessel(scenario.users["koordination"]) != schluessel["koordination"]
    # A Bündnis never gets the figures cached for another: b's coordination sees b's Kommunen only.
    _panel_queries(scenario.users["koordination"])
    _n, daten_b = _panel_queries(scenario.users["koordination_b"])
    diagramm = next(d for d in daten_b["diagramme"] if d["titel"] == "Angebote je Kategorie und Kommune")
    namen = [r["name"] for r in diagramm["reihen"]]
    assert scenario.b1.name in namen
    assert scenario.a1.name not in namen and scenario.a2.name not in namen


def test_cached_dashboard_in_english_stays_english(scenario, domaene, mit_cache):  # noqa: F811
    client = scenario.client("koordination")
    assert "Angebote je Kategorie und Kommune" in client.get(reverse("buendnis:dashboard")).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("buendnis:dashboard")).content.decode()
    assert "Angebote je Kategorie und Kommune" not in page


def test_page_from_the_cache_shows_charts_and_tables(scenario, domaene, mit_cache):  # noqa: F811
    client = scenario.client("auswertung")
    erste = client.get(reverse("buendnis:dashboard")).content.decode()
    zweite = client.get(reverse("buendnis:dashboard")).content.decode()
    for page in (erste, zweite):
        assert 'id="berichte-dashboard-diagramm-0" type="application/json"' in page
        assert "<caption>Kennzahlen je Kommune</caption>" in page
        assert "&lt;caption&gt;" not in page


class KaputterCache:
    """A cache whose backend is down (or a database cache whose table was never created)."""

    def __getattr__(self, name):
        def fehler(*args, **kwargs):
            raise ConnectionError("cache down")

        return fehler


def test_broken_cache_neither_breaks_the_panel_nor_a_write(scenario, domaene, mit_cache, monkeypatch):  # noqa: F811
    monkeypatch.setattr(dashboard, "cache", KaputterCache())
    user = scenario.users["koordination"]
    anzahl, daten = _panel_queries(user)
    assert anzahl > 2  # computed, not cached
    assert "Angebote je Kategorie und Kommune" in [d["titel"] for d in daten["diagramme"]]
    dashboard.datenstand_erneuern()  # runs after every commit
    assert scenario.client("koordination").get(reverse("buendnis:dashboard")).status_code == 200
