"""The gap analysis and the round's page keep their rendered figures in the cache of the figures (issue 18).

The part of each page that shows the round (protected figures, delivery status) is cached per data stamp of the
round's Bündnis and the viewer's scope (role, Bündnis, Kommune, Träger, language): a Kommune's own raw row never
reaches another viewer, another Bündnis gets nothing, a committed write shows on the next request, and a figure
withheld when the page was computed stays withheld when it comes from the cache. The tests run inside the test's
transaction with the cache switched on (`mit_cache`) and commit hooks run by hand (`festschreiben`).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from angebote.models import ZugangArt
from bedarf import sperrmuster
from bedarf.models import ErhebungStatus, Sperrmuster
from tests.bedarf.conftest import deliver
from tests.bedarf.test_gap import angebot

# Tables only the figures read: a page from the cache touches none of them.
FIGUREN = ("bedarf_meldewert", "bedarf_sperrmuster", "angebote_zugang", "bedarf_bedarfsmeldung")
CSRF = re.compile(r'value="[A-Za-z0-9]{64}"')


@pytest.fixture
def runde(scenario, erhebung):
    """a1 has 2 Geduldete needing German (below k = 3: withheld, and with it enough to protect it); a2 30.
    One offer in a1."""
    deliver(
        erhebung,
        scenario.a1,
        scenario.users["kommune"],
        {"duldung": 10, "gestattung": 6},
        {("deutsch", "duldung"): 2},
    )
    deliver(
        erhebung,
        scenario.a2,
        scenario.users["kommune_a2"],
        {"duldung": 17, "gestattung": 14},
        {("deutsch", "duldung"): 16, ("deutsch", "gestattung"): 14},
    )
    angebot(scenario, "O1", "deutsch", 10, {"duldung": ZugangArt.OFFEN}, [scenario.a1])
    return erhebung


def luecken_url(erhebung) -> str:
    return reverse("bedarf:luecken", args=[erhebung.pk])


def holen(client, url: str) -> tuple[str, list[str]]:
    """The page (CSRF tokens blanked) and the SQL it ran."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return CSRF.sub('value=""', response.content.decode()), [q["sql"] for q in ctx.captured_queries]


def liest_zahlen(queries: list[str]) -> bool:
    return any(tabelle in sql for sql in queries for tabelle in FIGUREN)


def bedarf(html: str, kommune: str, kategorie: str = "Deutschförderung") -> str:
    """The need shown in the gap table for one Kommune and category."""
    treffer = re.search(
        rf'<tr><th scope="row">{kommune}(?: <span class="badge text-bg-info">eigene</span>)?</th>'
        rf'<td><a href="[^"]*">{kategorie}</a></td><td>([^<]*)</td><td>([^<]*)</td>',
        html,
    )
    assert treffer, f"no row {kommune}/{kategorie}"
    return treffer.group(1)


def plaetze(html: str, kommune: str, kategorie: str = "Deutschförderung") -> str:
    treffer = re.search(
        rf'<tr><th scope="row">{kommune}(?: <span class="badge text-bg-info">eigene</span>)?</th>'
        rf'<td><a href="[^"]*">{kategorie}</a></td><td>[^<]*</td><td>([^<]*)</td>',
        html,
    )
    assert treffer, f"no row {kommune}/{kategorie}"
    return treffer.group(1)


# From the cache: the same page, without reading a figure ---------------------------------------------------------

SEITEN = [
    ("koordination", "luecken"),
    ("kommune", "luecken"),
    ("auswertung", "luecken"),
    ("land", "luecken"),
    ("koordination", "detail"),
    ("kommune", "detail"),
    ("land", "detail"),
]
# Queries of a page from the cache: session, user, the round, and what the base layout and middleware need (the
# session's renewal with its savepoints, the Land's permissions); computed, the pages need 14 to 20.
AUS_DEM_CACHE = 8


@pytest.mark.parametrize(("rolle", "seite"), SEITEN, ids=[f"{r}-{s}" for r, s in SEITEN])
def test_second_request_is_the_same_page_from_the_cache_without_reading_a_figure(
    scenario, runde, mit_cache, rolle, seite, django_assert_max_num_queries
):
    url = luecken_url(runde) if seite == "luecken" else runde.get_absolute_url()
    client = scenario.client(rolle)
    berechnet, berechnet_queries = holen(client, url)
    with django_assert_max_num_queries(AUS_DEM_CACHE):
        gecacht, queries = holen(client, url)
    assert gecacht == berechnet
    assert len(queries) < len(berechnet_queries)
    assert not liest_zahlen(queries), queries
    assert not liest_zahlen(holen(client, url)[1])  # and stays there


def test_page_query_count_from_the_cache_does_not_grow_with_the_kommunen(scenario, runde, mit_cache):
    from tests.factories import KommuneFactory, UserFactory

    client = scenario.client("koordination")
    holen(client, luecken_url(runde))
    wenige = len(holen(client, luecken_url(runde))[1])
    for n in range(8):
        kommune = KommuneFactory(buendnis=scenario.a, name=f"Zusatz {n}")
        user = UserFactory(username=f"zusatz-{n}", rolle="kommune", buendnis=scenario.a, kommune=kommune)
        deliver(runde, kommune, user, {"duldung": 10 + n}, {("deutsch", "duldung"): 5 + n})
    holen(client, luecken_url(runde))  # the cache holds the previous state until the stamp is renewed
    from django.core.cache import cache

    cache.clear()
    berechnet = holen(client, luecken_url(runde))
    assert "Zusatz 7" in berechnet[0]
    assert len(holen(client, luecken_url(runde))[1]) == wenige


# Scope -----------------------------------------------------------------------------------------------------------


def test_kommune_sees_its_own_row_raw_and_no_other_viewer_gets_it_from_the_cache(scenario, runde, mit_cache):
    url = luecken_url(runde)
    eigene, _q = holen(scenario.client("kommune"), url)  # computed first, for a1
    assert bedarf(eigene, "Aheim") == "2" and "eigene</span>" in eigene
    for rolle in ("koordination", "auswertung", "kommune_a2", "land"):
        html, _q = holen(scenario.client(rolle), url)
        assert bedarf(html, "Aheim") == "*", rolle
        assert "Aheim <span" not in html, rolle
    # And the other way round: a2's raw row is a2's only, a1 still sees its own.
    andere, _q = holen(scenario.client("kommune_a2"), url)
    assert bedarf(andere, "Adorf") == "30" and bedarf(andere, "Aheim") == "*"
    assert bedarf(holen(scenario.client("kommune"), url)[0], "Aheim") == "2"


def test_coordination_of_another_buendnis_gets_nothing_from_the_cache(scenario, runde, erhebung_b, mit_cache):
    for rolle in ("koordination", "kommune", "land"):
        holen(scenario.client(rolle), luecken_url(runde))
        holen(scenario.client(rolle), runde.get_absolute_url())
    fremd = scenario.client("koordination_b")
    assert fremd.get(luecken_url(runde)).status_code == 404
    assert fremd.get(runde.get_absolute_url()).status_code == 404
    for url in (luecken_url(erhebung_b), erhebung_b.get_absolute_url()):
        html, _q = holen(fremd, url)
        assert "Aheim" not in html and "Adorf" not in html and runde.titel not in html


def test_each_round_has_its_own_entry(scenario, runde, mit_cache):
    from tests.bedarf.factories import ErhebungFactory

    andere = ErhebungFactory(buendnis=scenario.a, titel="Erhebung 2017", status=ErhebungStatus.ABGESCHLOSSEN)
    client = scenario.client("koordination")
    holen(client, luecken_url(runde))
    html, _q = holen(client, luecken_url(andere))
    assert "Erhebung 2017" in html and "Aheim" not in html.split("Noch keine abgegebene Meldung:")[0]


def test_superuser_of_another_buendnis_gets_the_round_computed_not_from_the_cache(
    scenario, runde, mit_cache, festschreiben
):
    admin = scenario.users["admin"]
    admin.buendnis = scenario.b  # the stamp of b would not see writes to a
    admin.save()
    client = scenario.client("admin")
    holen(client, luecken_url(runde))
    html, queries = holen(client, luecken_url(runde))
    assert liest_zahlen(queries) and bedarf(html, "Adorf") == "30"


# Freshness -------------------------------------------------------------------------------------------------------


def test_a_new_meldung_shows_at_once_on_both_pages(scenario, erhebung, mit_cache, festschreiben):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 9})
    client = scenario.client("koordination")
    vorher, _q = holen(client, luecken_url(erhebung))
    seite, _q = holen(client, erhebung.get_absolute_url())
    assert "Adorf" in vorher.split("Noch keine abgegebene Meldung:")[1].split("</p>")[0]
    assert seite.count("fehlt</span>") == 1
    with festschreiben():
        deliver(
            erhebung, scenario.a2, scenario.users["kommune_a2"], {"duldung": 12}, {("deutsch", "duldung"): 11}
        )
    nachher, queries = holen(client, luecken_url(erhebung))
    assert liest_zahlen(queries)
    assert "Noch keine abgegebene Meldung:" not in nachher
    assert bedarf(nachher, "Adorf") in ("11", "*")
    seite, _q = holen(client, erhebung.get_absolute_url())
    assert seite.count("fehlt</span>") == 0 and seite.count("abgegeben</span>") == 2


def test_an_uncommitted_write_would_not_show_so_the_cache_is_really_read(scenario, runde, mit_cache):
    client = scenario.client("koordination")
    vorher, _q = holen(client, luecken_url(runde))
    angebot(scenario, "O9", "deutsch", 30, {"gestattung": ZugangArt.OFFEN}, [scenario.a2])  # no commit hooks
    assert holen(client, luecken_url(runde))[0] == vorher


def test_a_new_offer_shows_its_places_at_once(scenario, runde, mit_cache, festschreiben):
    client = scenario.client("auswertung")
    assert plaetze(holen(client, luecken_url(runde))[0], "Adorf") == "0"
    with festschreiben():
        angebot(scenario, "O9", "deutsch", 30, {"gestattung": ZugangArt.OFFEN}, [scenario.a2])
    assert plaetze(holen(client, luecken_url(runde))[0], "Adorf") == "30"


def test_withheld_cells_stay_withheld_when_the_page_comes_from_the_cache(scenario, runde, mit_cache):
    client = scenario.client("koordination")
    berechnet, _q = holen(client, luecken_url(runde))
    gecacht, queries = holen(client, luecken_url(runde))
    assert not liest_zahlen(queries)
    assert bedarf(berechnet, "Aheim") == bedarf(gecacht, "Aheim") == "*"
    # The pattern also withholds what would give a1's 2 away (the Bündnis total, or a2's figure).
    summe = re.search(r"Deutschförderung</a></th><td>([^<]*)</td>", gecacht).group(1)
    assert "*" in (summe, bedarf(gecacht, "Adorf"))
    seite = holen(client, runde.get_absolute_url())[0]
    assert holen(client, runde.get_absolute_url())[0] == seite and "*" in seite


def test_figures_wait_for_the_pattern_and_show_once_it_is_stored(
    scenario, runde, mit_cache, festschreiben, settings
):
    """The figures changed and the worker has not stored the new pattern yet: everything is withheld (cached as
    such); storing the pattern renews the stamp, and the next request shows the figures under it."""
    settings.BEDARF_MUSTER_SOFORT = False  # no pattern stored yet: the pages have not been read
    client = scenario.client("land")
    wartend, _q = holen(client, luecken_url(runde))
    assert "wird gerade neu berechnet" in wartend and bedarf(wartend, "Aheim") == "*"
    assert holen(client, luecken_url(runde))[0] == wartend
    with festschreiben():
        sperrmuster.erneuern(runde.pk)
    assert Sperrmuster.objects.filter(erhebung=runde).count() == 1
    fertig, _q = holen(client, luecken_url(runde))
    assert "wird gerade neu berechnet" not in fertig
    assert bedarf(fertig, "Aheim") == "*" and re.search(r"<td>\d+</td>", fertig)


# The export of the needs analysis -----------------------------------------------------------------------------------


def export_url(erhebung, fmt: str = "csv", **query) -> str:
    url = reverse("bedarf:export", args=[erhebung.pk, fmt])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def export_holen(client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode("utf-8-sig"), [q["sql"] for q in ctx.captured_queries]


def zelle(csv_text: str, tabelle: str, ort: str, spalte: str, trenn: str = ";") -> str:
    for zeile in csv_text.splitlines():
        teile = zeile.split(trenn)
        if teile[:3] == [tabelle, ort, spalte]:
            return teile[3]
    raise AssertionError(f"no line {tabelle}/{ort}/{spalte}")


@pytest.mark.parametrize("rolle", ["koordination", "auswertung", "kommune", "land"])
def test_export_is_the_same_file_from_the_cache_without_reading_a_figure(scenario, runde, mit_cache, rolle):
    client = scenario.client(rolle)
    berechnet, berechnet_queries = export_holen(client, export_url(runde))
    gecacht, queries = export_holen(client, export_url(runde))
    assert gecacht == berechnet
    assert liest_zahlen(berechnet_queries) and not liest_zahlen(queries), queries
    # The figures are kept, not the file: another separator and XLSX come from the same entry.
    komma, queries = export_holen(client, export_url(runde, trennzeichen="komma"))
    assert not liest_zahlen(queries)
    assert zelle(komma, "Bedarf", "Adorf", "Deutschförderung", ",") == zelle(
        berechnet, "Bedarf", "Adorf", "Deutschförderung"
    )
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(export_url(runde, "xlsx")).status_code == 200
    assert not liest_zahlen([q["sql"] for q in ctx.captured_queries])


def test_export_keeps_withheld_cells_withheld_and_other_buendnis_gets_nothing(
    scenario, runde, erhebung_b, mit_cache
):
    client = scenario.client("koordination")
    export_holen(client, export_url(runde))
    gecacht, _q = export_holen(client, export_url(runde))
    assert zelle(gecacht, "Bedarf", "Aheim", "Deutschförderung") == "*"
    fremd = scenario.client("koordination_b")
    assert fremd.get(export_url(runde)).status_code == 404
    eigenes, _q = export_holen(fremd, export_url(erhebung_b))
    assert "Aheim" not in eigenes and "Adorf" not in eigenes


def test_a_new_meldung_shows_in_the_export_at_once(scenario, erhebung, mit_cache, festschreiben):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 9})
    client = scenario.client("koordination")
    vorher, _q = export_holen(client, export_url(erhebung))
    with pytest.raises(AssertionError):
        zelle(vorher, "Bedarf", "Adorf", "Deutschförderung")
    with festschreiben():
        deliver(
            erhebung, scenario.a2, scenario.users["kommune_a2"], {"duldung": 12}, {("deutsch", "duldung"): 11}
        )
    nachher, queries = export_holen(client, export_url(erhebung))
    assert liest_zahlen(queries)
    assert zelle(nachher, "Bedarf", "Adorf", "Deutschförderung") in ("11", "*")


def test_csv_text_is_kept_per_separator(scenario, runde, mit_cache, monkeypatch):
    """Writing a Kreis's 29,000 lines cost ten times what reading the kept figures does: the text is kept too."""
    from bedarf import views

    client = scenario.client("koordination")
    semikolon, _q = export_holen(client, export_url(runde))
    geschrieben = []
    echt = views.csv_text
    monkeypatch.setattr(views, "csv_text", lambda *a, **k: geschrieben.append(a[1:]) or echt(*a, **k))
    assert export_holen(client, export_url(runde))[0] == semikolon
    assert geschrieben == []
    komma, _q = export_holen(client, export_url(runde, trennzeichen="komma"))
    assert geschrieben == [("komma",)] and komma != semikolon
    assert export_holen(client, export_url(runde, trennzeichen="komma"))[0] == komma
    assert geschrieben == [("komma",)]
