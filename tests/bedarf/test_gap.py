"""Gap analysis against a hand-computed fixture, suppression per viewer, comparison between rounds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from angebote.models import Angebot, AngebotStatus, Aufenthaltsstatus, Kategorie, Zugang, ZugangArt
from bedarf import selectors
from tests.bedarf.conftest import deliver
from tests.bedarf.factories import ErhebungFactory


def angebot(scenario, kennung, kategorie, plaetze, zugang, kommunen=(), kreisweit=False, status=None):
    a = Angebot.objects.create(
        buendnis=scenario.a,
        kennung=kennung,
        titel=f"Angebot {kennung}",
        traeger=scenario.akteur_a,
        kategorie=Kategorie.objects.get(code=kategorie),
        plaetze=plaetze,
        kreisweit=kreisweit,
        status=status or AngebotStatus.VEROEFFENTLICHT,
    )
    a.kommunen.set(kommunen)
    for code, art in zugang.items():
        Zugang.objects.create(angebot=a, status=Aufenthaltsstatus.objects.get(code=code), art=art)
    return a


@pytest.fixture
def fixture(scenario, erhebung):
    """a1: Duldung 10, Gestattung 6; need Deutsch 8/5. a2: Duldung 7, Gestattung 4; need Deutsch 6/4.
    O1 in a1, 10 places, Duldung open, Gestattung restricted; O2 kreisweit, 5 places, Gestattung only;
    O3 a draft (never counts); O4 Arbeit in a2 (another category)."""
    deliver(
        erhebung,
        scenario.a1,
        scenario.users["kommune"],
        {"duldung": 10, "gestattung": 6},
        {("deutsch", "duldung"): 8, ("deutsch", "gestattung"): 5},
    )
    deliver(
        erhebung,
        scenario.a2,
        scenario.users["kommune_a2"],
        {"duldung": 7, "gestattung": 4},
        {("deutsch", "duldung"): 6, ("deutsch", "gestattung"): 4},
    )
    offen, eingeschraenkt, nicht = ZugangArt.OFFEN, ZugangArt.EINGESCHRAENKT, ZugangArt.NICHT
    angebot(scenario, "O1", "deutsch", 10, {"duldung": offen, "gestattung": eingeschraenkt}, [scenario.a1])
    angebot(scenario, "O2", "deutsch", 5, {"gestattung": offen, "duldung": nicht}, kreisweit=True)
    angebot(scenario, "O3", "deutsch", 20, {"duldung": offen}, [scenario.a2], status=AngebotStatus.ENTWURF)
    angebot(scenario, "O4", "arbeit", 4, {"duldung": offen}, [scenario.a2])
    return erhebung


def _row(analyse, kommune, code):
    return next(z for z in analyse.zeilen if z.kommune == kommune and z.kategorie.code == code)


def test_gap_figures_match_hand_computed_fixture(scenario, fixture):
    analyse = selectors.gap_analyse(scenario.users["auswertung"], fixture)
    a2 = _row(analyse, scenario.a2, "deutsch")
    assert (a2.bedarf.zahl, a2.plaetze, a2.luecke, a2.quote) == (10, 5, 5, Decimal("50"))
    a1 = _row(analyse, scenario.a1, "deutsch")
    assert (a1.bedarf.zahl, a1.plaetze, a1.luecke, a1.quote) == (13, 15, -2, Decimal("115"))
    status = {s.status.code: (s.bedarf.zahl, s.plaetze, s.luecke) for s in a2.nach_status}
    assert status["duldung"] == (6, 0, 6)  # Geduldete in a2 reach no Deutsch offer
    assert status["gestattung"] == (4, 5, -1)
    assert {s.status.code: s.plaetze for s in a1.nach_status}["gestattung"] == 15
    summe = next(z for z in analyse.summen if z.kategorie.code == "deutsch")
    assert (summe.bedarf.zahl, summe.plaetze, summe.luecke, summe.quote) == (23, 15, 8, Decimal("65"))
    assert {s.status.code: s.plaetze for s in summe.nach_status}["duldung"] == 10
    # Largest gap first.
    assert analyse.zeilen[0] == a2
    arbeit = _row(analyse, scenario.a2, "arbeit")
    assert (arbeit.bedarf.zahl, arbeit.plaetze, arbeit.luecke) == (0, 4, -4)


def test_drill_down_lists_offers_behind_a_cell(scenario, fixture):
    from bedarf.models import Bedarfskategorie

    bk = Bedarfskategorie.objects.get(code="deutsch")

    def titel(**kw):
        return sorted(
            a.kennung
            for a in selectors.angebote_hinter_zelle(scenario.users["auswertung"], fixture, bk, **kw)
        )

    assert titel(kommune=scenario.a1) == ["O1", "O2"]
    assert titel(kommune=scenario.a2, status=Aufenthaltsstatus.objects.get(code="duldung")) == []
    assert titel(kommune=None) == ["O1", "O2"]


def test_small_counts_leave_the_kommune_only_protected(scenario, erhebung):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 2})
    deliver(erhebung, scenario.a2, scenario.users["kommune_a2"], {"duldung": 9}, {("deutsch", "duldung"): 7})
    for role in ("auswertung", "koordination", "land", "kommune_a2"):
        analyse = selectors.gap_analyse(scenario.users[role], erhebung, eigene_roh=True)
        a1 = _row(analyse, scenario.a1, "deutsch")
        assert a1.bedarf.anzeige == "*" and a1.luecke is None and a1.quote is None
        # The other Kommune would reveal it through the total: one of them is hidden as well.
        summe = next(z for z in analyse.summen if z.kategorie.code == "deutsch")
        a2 = _row(analyse, scenario.a2, "deutsch")
        assert summe.bedarf.gesperrt or a2.bedarf.gesperrt
        if role == "kommune_a2":
            assert a2.bedarf.zahl == 7 and a2.roh  # its own figure, raw
            assert summe.bedarf.gesperrt  # else 2 = total - 7
    own = selectors.gap_analyse(scenario.users["kommune"], erhebung, eigene_roh=True)
    assert _row(own, scenario.a1, "deutsch").bedarf.zahl == 2
    # Reports (the default) protect the Kommune's own figure as well: they may be passed on.
    bericht = selectors.gap_analyse(scenario.users["kommune"], erhebung)
    assert _row(bericht, scenario.a1, "deutsch").bedarf.anzeige == "*"


def test_comparison_between_two_rounds(scenario, erhebung):
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 8})
    deliver(erhebung, scenario.a2, scenario.users["kommune_a2"], {"duldung": 9}, {("deutsch", "duldung"): 7})
    from bedarf import services

    services.erhebung_abschliessen(erhebung=erhebung, by=scenario.users["koordination"])
    spaeter = ErhebungFactory(buendnis=scenario.a, titel="2021")
    deliver(spaeter, scenario.a1, scenario.users["kommune"], {"duldung": 12}, {("deutsch", "duldung"): 11})
    deliver(spaeter, scenario.a2, scenario.users["kommune_a2"], {"duldung": 9}, {("deutsch", "duldung"): 1})
    v = selectors.erhebung_vergleich(scenario.users["auswertung"], erhebung, spaeter)
    a1 = next(z for z in v.zeilen if z.kommune == scenario.a1 and z.kategorie.code == "deutsch")
    a2 = next(z for z in v.zeilen if z.kommune == scenario.a2 and z.kategorie.code == "deutsch")
    assert a2.b.anzeige == "*" and a2.veraenderung is None
    assert a1.a.zahl == 8
    # a1's later figure would reveal a2 through the total, so it is hidden (or the total is).
    summe = next(z for z in v.summen if z.kategorie.code == "deutsch")
    assert a1.b.gesperrt or summe.b.gesperrt
    assert summe.a.zahl == 15


def test_gap_analysis_query_count_does_not_grow_with_data(scenario, erhebung, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 8})
    selectors.gap_analyse(
        scenario.users["auswertung"], erhebung
    )  # computes and stores the suppression pattern
    with CaptureQueriesContext(connection) as wenig:
        selectors.gap_analyse(scenario.users["auswertung"], erhebung)
    from tests.factories import KommuneFactory, UserFactory

    for i in range(6):
        k = KommuneFactory(buendnis=scenario.a, name=f"K{i}")
        u = UserFactory(rolle="kommune", buendnis=scenario.a, kommune=k)
        deliver(
            erhebung,
            k,
            u,
            {"duldung": 10 + i, "gestattung": 4},
            {("deutsch", "duldung"): 5, ("arbeit", "gestattung"): 3},
        )
        angebot(scenario, f"X{i}", "deutsch", 3, {"duldung": ZugangArt.OFFEN}, [k])
    selectors.gap_analyse(scenario.users["auswertung"], erhebung)  # renews the pattern for the new figures
    with django_assert_max_num_queries(len(wenig.captured_queries)):
        selectors.gap_analyse(scenario.users["auswertung"], erhebung)


def test_overview_protects_rest_of_buendnis_against_a_kommune_viewer(scenario, erhebung):
    # Abitur: a1 has 3, a2 has 1. The Bündnis figure 4 is not small, but a1 could subtract its own 3.
    from bedarf.models import Dimension

    werte_a1 = figures_with({"duldung": 10}, {("schulabschluss", "abitur"): 3})
    werte_a2 = figures_with({"duldung": 10}, {("schulabschluss", "abitur"): 1})
    from bedarf import services

    for kommune, user, werte in ((scenario.a1, "kommune", werte_a1), (scenario.a2, "kommune_a2", werte_a2)):
        services.bedarfsmeldung_speichern(
            erhebung=erhebung,
            kommune=kommune,
            gesamt=10,
            werte=werte,
            version=0,
            abgeben=True,
            by=scenario.users[user],
        )

    def abitur(role):
        u = selectors.ueberblick(scenario.users[role], erhebung, eigene_roh=True)
        titel, eintraege, summe = next(m for m in u.merkmale if m[0] == Dimension.SCHULABSCHLUSS.label)
        return dict(eintraege)["(Fach-)Abitur"]

    # 4 - 3 would reveal the 1 in a2 to a1: hidden for every viewer, as any page or file may reach a1.
    for role in ("auswertung", "koordination", "land", "kommune", "kommune_a2"):
        assert abitur(role).gesperrt, role


def figures_with(status: dict, merkmale: dict) -> dict:
    from tests.bedarf.conftest import figures

    werte = figures(status)
    for (dim, code), n in merkmale.items():
        werte[(dim, "", code, "", "")] = n
        werte[(dim, "", "unbekannt", "", "")] -= n
    return werte


def test_small_buendnis_total_is_hidden_in_every_breakdown(scenario, erhebung):
    """All breakdowns add up to the same Bündnis total; hiding it in one table must hide it in all."""
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 1})
    deliver(erhebung, scenario.a2, scenario.users["kommune_a2"], {"gestattung": 1})
    u = selectors.ueberblick(scenario.users["auswertung"], erhebung)
    assert u.zielgruppe.gesamt.anzeige == "*"
    assert all(summe.gesperrt for _titel, _werte, summe in u.merkmale if summe is not None)


def test_no_kommune_recomputes_another_small_need_by_subtracting_its_own(scenario, erhebung):
    """a1 5, a2 2 (small), a3 4 persons needing Deutschförderung. Hiding a3's 4 beside a2's "*" protects a2
    against an outsider, but a3 knows its own 4: 11 - 5 - 4 = 2. Every page and export must hold against that."""
    from tests.factories import KommuneFactory, UserFactory

    a3 = KommuneFactory(buendnis=scenario.a, name="Azell")
    u3 = UserFactory(rolle="kommune", buendnis=scenario.a, kommune=a3)
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 5})
    deliver(erhebung, scenario.a2, scenario.users["kommune_a2"], {"duldung": 9}, {("deutsch", "duldung"): 2})
    deliver(erhebung, a3, u3, {"duldung": 8}, {("deutsch", "duldung"): 4})
    viewers = [scenario.users[r] for r in ("auswertung", "koordination", "land", "kommune", "kommune_a2")]
    for user in [*viewers, u3]:
        for eigene_roh in (False, True):
            analyse = selectors.gap_analyse(user, erhebung, eigene_roh=eigene_roh)
            a2 = _row(analyse, scenario.a2, "deutsch")
            assert a2.bedarf.zahl is None or user == scenario.users["kommune_a2"]
            shown = {z.kommune: z.bedarf for z in analyse.zeilen if z.kategorie.code == "deutsch"}
            summe = next(z for z in analyse.summen if z.kategorie.code == "deutsch").bedarf
            # a3's view of the column: its own 4 is a constant, so a1 and the total must not both be visible.
            own_a1 = eigene_roh and user == scenario.users["kommune"]
            assert summe.gesperrt or shown[scenario.a1].gesperrt or own_a1, user
            # Same for a1 subtracting its own 5.
            assert summe.gesperrt or shown[a3].gesperrt or eigene_roh and user == u3, user
    # The CSV export of a3 (and of anybody) leaves the Kommune: the same pattern, a2 never as a number.
    from django.urls import reverse

    client = scenario.client("auswertung")
    text = client.get(reverse("bedarf:export", args=[erhebung.pk, "csv"])).content.decode("utf-8-sig")
    assert "Adorf;Deutschförderung;*" in text
    zeile_a1 = next(line for line in text.splitlines() if line.startswith("Bedarf;Aheim;Deutschförderung"))
    zeile_summe = next(
        line for line in text.splitlines() if line.startswith("Bedarf;Bündnis;Deutschförderung")
    )
    assert zeile_a1.endswith(";*") or zeile_summe.endswith(";*")


def test_place_figures_follow_the_counting_rule_of_the_offer_catalogue(scenario, fixture):
    """The gap analysis counts places in one pass; per status it must agree with `angebote.selectors`."""
    from angebote.selectors import plaetze_nach_kategorie_status, plaetze_nach_kommune_kategorie_status

    alle = [scenario.a1.pk, scenario.a2.pk]
    p = selectors.plaetze_im_buendnis(scenario.a.pk, fixture.stichtag, alle)
    assert p.kommune_kategorie_status == plaetze_nach_kommune_kategorie_status(
        scenario.a.pk, fixture.stichtag
    )
    assert p.kategorie_status == plaetze_nach_kategorie_status(scenario.a.pk, fixture.stichtag)
    deutsch = Kategorie.objects.get(code="deutsch").pk
    # Any status: each offer once (O1 is open to two statuses, its 10 places count once).
    assert p.kommune_kategorie[(scenario.a1.pk, deutsch)] == 15
    assert p.kommune_kategorie[(scenario.a2.pk, deutsch)] == 5
    assert p.kategorie[deutsch] == 15


def test_gap_analysis_lists_kommunen_without_delivery(scenario, fixture):
    from tests.factories import KommuneFactory

    KommuneFactory(buendnis=scenario.a, name="Aspät")
    analyse = selectors.gap_analyse(scenario.users["auswertung"], fixture)
    assert [k.name for k in analyse.ohne_meldung] == ["Aspät"]
    assert [k.name for k in analyse.kommunen] == ["Adorf", "Aheim"]


def test_closed_round_stays_readable_and_comparable_after_lookups_are_deactivated(scenario, erhebung):
    from angebote.models import Aufenthaltsstatus as Status
    from bedarf import services
    from bedarf.models import Bedarfskategorie

    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("arbeit", "duldung"): 6})
    deliver(erhebung, scenario.a2, scenario.users["kommune_a2"], {"duldung": 9}, {("arbeit", "duldung"): 5})
    services.erhebung_abschliessen(erhebung=erhebung, by=scenario.users["koordination"])
    Bedarfskategorie.objects.filter(code="arbeit").update(aktiv=False)
    Status.objects.filter(code="duldung").update(aktiv=False)
    spaeter = ErhebungFactory(buendnis=scenario.a, titel="2021")
    analyse = selectors.gap_analyse(scenario.users["auswertung"], erhebung)
    assert "arbeit" in [k.code for k in analyse.kategorien] and "duldung" in [s.code for s in analyse.status]
    assert _row(analyse, scenario.a1, "arbeit").bedarf.zahl == 6
    v = selectors.erhebung_vergleich(scenario.users["auswertung"], erhebung, spaeter)
    summe = next(z for z in v.summen if z.kategorie.code == "arbeit")
    assert summe.a.zahl == 11 and summe.b is None and summe.veraenderung is None
    # The Kommune still sees its grid of the closed round with the inactive status and category.
    from bedarf import raster as grid
    from bedarf.models import Bedarfsmeldung

    werte = grid.werte_laden(Bedarfsmeldung.objects.get(erhebung=erhebung, kommune=scenario.a1))
    raster = grid.raster_fuer(erhebung, werte)
    assert ("bedarf", "duldung", "arbeit", "", "") in raster.zellen


def test_drafts_do_not_count_in_the_analysis(scenario, erhebung):
    from bedarf import services
    from tests.bedarf.conftest import figures

    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 10}, {("deutsch", "duldung"): 8})
    services.bedarfsmeldung_speichern(
        erhebung=erhebung,
        kommune=scenario.a2,
        gesamt=9,
        werte=figures({"duldung": 9}, {("deutsch", "duldung"): 9}),
        version=0,
        by=scenario.users["kommune_a2"],
    )
    analyse = selectors.gap_analyse(scenario.users["auswertung"], erhebung)
    assert [k.name for k in analyse.kommunen] == ["Aheim"]
    assert [k.name for k in analyse.ohne_meldung] == ["Adorf"]
    assert next(z for z in analyse.summen if z.kategorie.code == "deutsch").bedarf.zahl == 8


def test_gap_analysis_reads_everything_in_nine_queries(scenario, fixture, django_assert_num_queries):
    # Delivered figures, delivered Kommunen, statuses, need categories (+ their offer categories), the stored
    # suppression pattern, the Kommunen of the Bündnis, accessible offers, offer places.
    selectors.gap_analyse(scenario.users["auswertung"], fixture)  # computes and stores the pattern once
    with django_assert_num_queries(9):
        selectors.gap_analyse(scenario.users["auswertung"], fixture)
