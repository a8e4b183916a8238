"""The access matrix and the places selector against a hand-computed fixture."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from angebote import selectors
from angebote.models import Angebot
from tests.angebote.factories import AngebotFactory, kategorie, status


@pytest.fixture
def fixture(scenario):
    """Bündnis a: five counting offers (X1–X4, X9) and four that must not count (X5–X8)."""
    a, a1, a2 = scenario.a, scenario.a1, scenario.a2
    t = scenario.akteur_a
    heute = timezone.localdate()
    deutsch, schule = kategorie("deutsch"), kategorie("schulabschluss")
    pub = {"veroeffentlicht": True, "traeger": t, "buendnis": a}
    return {
        "X1": AngebotFactory(
            titel="X1",
            kommunen=[a1],
            kategorie=deutsch,
            plaetze=10,
            **pub,
            zugang={"duldung": "offen", "gestattung": "eingeschraenkt", "ae_humanitaer": "offen"},
        ),
        "X2": AngebotFactory(
            titel="X2",
            kreisweit=True,
            kategorie=deutsch,
            plaetze=20,
            **pub,
            zugang={"duldung": "offen", "gestattung": ("nicht", "", True)},
        ),
        "X3": AngebotFactory(
            titel="X3",
            kommunen=[a1, a2],
            kategorie=schule,
            plaetze=15,
            **pub,
            zugang={"duldung": "eingeschraenkt", "gestattung": "nicht"},
        ),
        "X4": AngebotFactory(
            titel="X4", kommunen=[a2], kategorie=deutsch, plaetze=None, **pub, zugang={"duldung": "offen"}
        ),
        "X9": AngebotFactory(
            titel="X9",
            kommunen=[a1],
            kategorie=deutsch,
            plaetze=5,
            **pub,
            zugang={"duldung": ("nicht", "", True), "gestattung": ("offen", "", True)},
        ),
        # Not counted: a draft, an offer that ended, an archived one, one of another Bündnis.
        "X5": AngebotFactory(
            titel="X5",
            buendnis=a,
            traeger=t,
            kommunen=[a1],
            kategorie=deutsch,
            plaetze=100,
            zugang={"duldung": "offen"},
        ),
        "X6": AngebotFactory(
            titel="X6",
            kommunen=[a1],
            kategorie=deutsch,
            plaetze=50,
            **pub,
            beginn=heute - datetime.timedelta(days=400),
            ende=heute - datetime.timedelta(days=200),
            zugang={"duldung": "offen"},
        ),
        "X7": AngebotFactory(
            titel="X7",
            buendnis=a,
            traeger=t,
            kommunen=[a1],
            kategorie=deutsch,
            plaetze=30,
            archiviert=True,
            zugang={"duldung": "offen"},
        ),
        "X8": AngebotFactory(
            titel="X8",
            buendnis=scenario.b,
            traeger=scenario.akteur_b,
            kommunen=[scenario.b1],
            kategorie=deutsch,
            plaetze=40,
            veroeffentlicht=True,
            zugang={"duldung": "offen"},
        ),
    }


def _zelle(matrix, kategorie_code, status_code):
    for kat, zellen in matrix.zeilen:
        if kat.code == kategorie_code:
            for z in zellen:
                if z.status.code == status_code:
                    return (z.angebote, z.plaetze, z.eingeschraenkt, z.oeffnung_moeglich)
    raise AssertionError


def test_matrix_for_the_buendnis_matches_hand_computed_figures(scenario, fixture):
    m = selectors.zugangsmatrix(buendnis_id=scenario.a.pk)
    assert _zelle(m, "deutsch", "duldung") == (3, 30, 0, 1)  # X1, X2, X4; opening possible: X9
    assert _zelle(m, "deutsch", "gestattung") == (2, 15, 1, 1)  # X1 (restricted), X9; opening: X2
    assert _zelle(m, "deutsch", "ae_humanitaer") == (1, 10, 0, 0)
    assert _zelle(m, "schulabschluss", "duldung") == (1, 15, 1, 0)
    assert _zelle(m, "schulabschluss", "gestattung") == (0, 0, 0, 0)
    assert _zelle(m, "coaching", "duldung") == (0, 0, 0, 0)
    summe_duldung = next(z for z in m.summen if z.status.code == "duldung")
    assert (summe_duldung.angebote, summe_duldung.plaetze, summe_duldung.oeffnung_moeglich) == (4, 45, 1)
    assert m.angebote_gesamt == 5


def test_matrix_per_kommune_counts_kreisweit_offers(scenario, fixture):
    a1 = selectors.zugangsmatrix(buendnis_id=scenario.a.pk, kommune_id=scenario.a1.pk)
    assert _zelle(a1, "deutsch", "duldung") == (2, 30, 0, 1)  # X1 + kreisweit X2; opening X9
    assert _zelle(a1, "schulabschluss", "duldung") == (1, 15, 1, 0)
    a2 = selectors.zugangsmatrix(buendnis_id=scenario.a.pk, kommune_id=scenario.a2.pk)
    assert _zelle(a2, "deutsch", "duldung") == (2, 20, 0, 0)  # X2 + X4 (no number of places)
    assert _zelle(a2, "deutsch", "gestattung") == (0, 0, 0, 1)  # opening possible: X2


def test_places_per_kommune_kategorie_status(scenario, fixture):
    a1, a2 = scenario.a1.pk, scenario.a2.pk
    d, s = kategorie("deutsch").pk, kategorie("schulabschluss").pk
    dul, ges, hum = status("duldung").pk, status("gestattung").pk, status("ae_humanitaer").pk
    assert selectors.plaetze_nach_kommune_kategorie_status(scenario.a.pk) == {
        (a1, d, dul): 30,
        (a2, d, dul): 20,
        (a1, d, ges): 15,
        (a1, d, hum): 10,
        (a1, s, dul): 15,
        (a2, s, dul): 15,
    }


def test_places_on_an_earlier_reference_date_include_offers_running_then(scenario, fixture):
    stichtag = timezone.localdate() - datetime.timedelta(days=300)
    plaetze = selectors.plaetze_nach_kommune_kategorie_status(scenario.a.pk, stichtag=stichtag)
    assert plaetze[(scenario.a1.pk, kategorie("deutsch").pk, status("duldung").pk)] == 80  # + X6


def test_places_for_the_buendnis_count_each_offer_once(scenario, fixture):
    plaetze = selectors.plaetze_nach_kategorie_status(scenario.a.pk)
    assert plaetze[(kategorie("deutsch").pk, status("duldung").pk)] == 30
    assert plaetze[(kategorie("schulabschluss").pk, status("duldung").pk)] == 15


def test_cell_drill_down_lists_the_offers_behind_it(scenario, fixture):
    d, dul = kategorie("deutsch").pk, status("duldung").pk
    zelle = Angebot.objects.fuer_zelle(kategorie_id=d, status_id=dul, kommune_id=scenario.a1.pk)
    assert {a.titel for a in zelle} == {"X1", "X2"}
    zelle = Angebot.objects.fuer_zelle(kategorie_id=d, status_id=dul).filter(buendnis=scenario.a)
    assert {a.titel for a in zelle} == {"X1", "X2", "X4"}


def test_matrix_page_links_each_cell_to_the_offers_behind_it(scenario, fixture):
    client = scenario.client("koordination")
    response = client.get(reverse("angebote:zugangsmatrix"), {"kommune": scenario.a1.pk})
    assert response.status_code == 200
    basis = response.context["basis_query"]
    liste = client.get(
        f"{reverse('angebote:angebot-list')}?{basis}&kategorie={kategorie('deutsch').pk}&zugang={status('duldung').pk}"
    )
    assert {a.titel for a in liste.context["object_list"]} == {"X1", "X2"}
    oeffnung = client.get(
        f"{reverse('angebote:angebot-list')}?{basis}&kategorie={kategorie('deutsch').pk}&oeffnung={status('duldung').pk}"
    )
    assert {a.titel for a in oeffnung.context["object_list"]} == {"X9"}


@pytest.mark.parametrize(
    ("rolle", "erwartet"), [("mitglied", 200), ("land", 200), ("kommune", 200), ("admin", 200)]
)
def test_matrix_page_role_matrix(scenario, fixture, rolle, erwartet):
    assert scenario.client(rolle).get(reverse("angebote:zugangsmatrix")).status_code == erwartet


def test_matrix_of_other_kommune_or_buendnis_is_404(scenario, fixture):
    client = scenario.client("koordination")
    assert client.get(reverse("angebote:zugangsmatrix"), {"kommune": scenario.b1.pk}).status_code == 404
    assert client.get(reverse("angebote:zugangsmatrix"), {"buendnis": scenario.b.pk}).status_code == 404
    land = scenario.client("land").get(reverse("angebote:zugangsmatrix"), {"buendnis": scenario.b.pk})
    assert land.context["buendnis"] == scenario.b
