"""The catalogue's steering figures (angebote.steuerung): offers open to Geduldete and published offers per
Kategorie as they stood on a Stichtag, the tasks "Transparenz" and "Angebotsplanung", the Land's column."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from angebote import steuerung
from angebote.models import Angebot, AngebotStatus, Statuswechsel, ZugangArt
from buendnis import registry
from buendnis.choices import Kernaufgabe
from buendnis.registry import Stand
from tests.angebote.factories import AngebotFactory, kategorie
from tests.factories import BuendnisFactory

HEUTE = timezone.localdate()
# Renewed for every test (a run across midnight): `heute_je_test`.
pytestmark = pytest.mark.usefixtures("heute_je_test")
OFFEN, EINGESCHRAENKT, NICHT = ZugangArt.OFFEN, ZugangArt.EINGESCHRAENKT, ZugangArt.NICHT
P, R, E, A = (
    AngebotStatus.VEROEFFENTLICHT,
    AngebotStatus.ZUR_PRUEFUNG,
    AngebotStatus.ENTWURF,
    AngebotStatus.ARCHIVIERT,
)


def vor_tagen(tage: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=tage)


def angebot(buendnis, kat="deutsch", status=P, zugang=None, angelegt_vor=0, **kwargs):
    a = AngebotFactory(
        buendnis=buendnis,
        kategorie=kategorie(kat),
        status=status,
        zugang=zugang or {},
        kreisweit=True,
        **kwargs,
    )
    if angelegt_vor:
        Angebot.objects.filter(pk=a.pk).update(created_at=vor_tagen(angelegt_vor))
    return a


def wechsel(a, von, nach, vor):
    Statuswechsel.objects.create(angebot=a, aktion="x", von=von, nach=nach, zeitpunkt=vor_tagen(vor))


@pytest.fixture
def katalog(scenario):
    """Bündnis a: 4 published offers (2 open to Geduldete and running, 1 closed to them, 1 ended), 1 in review,
    1 draft. Bündnis b: 1 published offer open to Geduldete, 1 in review."""
    a, b = scenario.a, scenario.b
    angebot(a, "deutsch", zugang={"duldung": OFFEN, "gestattung": NICHT})
    angebot(a, "schulabschluss", zugang={"duldung": (EINGESCHRAENKT, "nach 6 Monaten")})
    angebot(a, "deutsch", zugang={"duldung": NICHT, "gestattung": OFFEN})
    angebot(
        a,
        "deutsch",
        zugang={"duldung": OFFEN},
        beginn=datetime.date(2024, 1, 1),
        ende=datetime.date(2024, 6, 30),
    )
    angebot(a, "deutsch", status=R, zugang={"duldung": OFFEN})
    angebot(a, "deutsch", status=E, zugang={"duldung": OFFEN})
    angebot(b, "deutsch", zugang={"duldung": OFFEN})
    angebot(b, "arbeit", status=R, zugang={"duldung": OFFEN})


def test_offers_open_to_geduldete_per_kategorie(scenario, katalog):
    ids = [scenario.a.pk, scenario.b.pk]
    assert steuerung.offen_fuer_geduldete(ids, HEUTE, "") == {
        scenario.a.pk: Decimal(2),
        scenario.b.pk: Decimal(1),
    }
    assert steuerung.offen_fuer_geduldete(ids, HEUTE, "deutsch") == {
        scenario.a.pk: Decimal(1),
        scenario.b.pk: Decimal(1),
    }
    assert steuerung.offen_fuer_geduldete(ids, HEUTE, "schulabschluss")[scenario.a.pk] == Decimal(1)
    assert steuerung.offen_fuer_geduldete(ids, HEUTE, "arbeit") == {scenario.a.pk: 0, scenario.b.pk: 0}


def test_published_offers_per_kategorie(scenario, katalog):
    ids = [scenario.a.pk, scenario.b.pk]
    assert steuerung.veroeffentlichte(ids, HEUTE, "") == {
        scenario.a.pk: Decimal(4),
        scenario.b.pk: Decimal(1),
    }
    assert steuerung.veroeffentlichte(ids, HEUTE, "deutsch") == {
        scenario.a.pk: Decimal(3),
        scenario.b.pk: Decimal(1),
    }


def test_the_status_on_a_past_stichtag_comes_from_the_workflow_log(scenario):
    a = scenario.a
    # Published 50 days ago, archived 10 days ago: published 30 days ago, not today.
    frueher = angebot(a, status=A, zugang={"duldung": OFFEN}, angelegt_vor=80)
    wechsel(frueher, R, P, 50)
    wechsel(frueher, P, A, 10)
    # In review since 60 days, published 5 days ago: not yet published 30 days ago.
    spaeter = angebot(a, zugang={"duldung": OFFEN}, angelegt_vor=80)
    wechsel(spaeter, E, R, 60)
    wechsel(spaeter, R, P, 5)
    # Recorded 20 days ago (published since, no log): did not exist 30 days ago.
    angebot(a, zugang={"duldung": OFFEN}, angelegt_vor=20)
    # Written today in bulk with its history: published 45 days ago, so it existed then.
    mit_historie = angebot(a, zugang={"duldung": NICHT})
    wechsel(mit_historie, R, P, 45)
    vor_30 = HEUTE - datetime.timedelta(days=30)
    assert steuerung.veroeffentlichte([a.pk], vor_30, "") == {a.pk: Decimal(2)}
    assert steuerung.offen_fuer_geduldete([a.pk], vor_30, "") == {a.pk: Decimal(1)}
    assert steuerung.veroeffentlichte([a.pk], HEUTE, "") == {a.pk: Decimal(3)}
    gemessen = steuerung.kernaufgaben_messen([a.pk], vor_30)[a.pk]
    assert gemessen[Kernaufgabe.TRANSPARENZ].text == "2 Angebote veröffentlicht."
    # Recorded in the twelve months before: the two from 80 days ago and the one from 45 days ago.
    assert gemessen[Kernaufgabe.ANGEBOTSPLANUNG].text.startswith("3 Angebote")
    # 70 days ago: both existed, neither published yet (the first was in review, the second a draft).
    vor_70 = HEUTE - datetime.timedelta(days=70)
    assert steuerung.veroeffentlichte([a.pk], vor_70, "") == {a.pk: Decimal(0)}
    assert (
        steuerung.kernaufgaben_messen([a.pk], vor_70)[a.pk][Kernaufgabe.TRANSPARENZ].stand == Stand.BEGONNEN
    )


def test_transparency_and_planning_per_rule(scenario, katalog):
    leer = BuendnisFactory(name="Kreis ohne Angebote")
    alt = BuendnisFactory(name="Kreis mit alten Angeboten")
    angebot(alt, angelegt_vor=400)
    gemessen = steuerung.kernaufgaben_messen([scenario.a.pk, scenario.b.pk, leer.pk, alt.pk], HEUTE)
    T, PL = Kernaufgabe.TRANSPARENZ, Kernaufgabe.ANGEBOTSPLANUNG
    a = gemessen[scenario.a.pk]
    assert (a[T].stand, a[T].text) == (Stand.ERFUELLT, "4 Angebote veröffentlicht.")
    assert a[T].url == f"/angebote/?buendnis={scenario.a.pk}&status=veroeffentlicht"
    assert (a[PL].stand, a[PL].text) == (
        Stand.BEGONNEN,
        "6 Angebote in den 12 Monaten vor dem Stichtag angelegt.",
    )
    b = gemessen[scenario.b.pk]
    assert b[T].stand == Stand.ERFUELLT
    assert gemessen[leer.pk][T].stand == Stand.OFFEN and gemessen[leer.pk][PL].stand == Stand.OFFEN
    assert gemessen[alt.pk][T].stand == Stand.ERFUELLT and gemessen[alt.pk][PL].stand == Stand.OFFEN


def test_offers_only_in_review_begin_transparency(scenario):
    angebot(scenario.b, status=R)
    gemessen = steuerung.kernaufgaben_messen([scenario.b.pk], HEUTE)[scenario.b.pk]
    assert gemessen[Kernaufgabe.TRANSPARENZ].stand == Stand.BEGONNEN
    assert (
        gemessen[Kernaufgabe.TRANSPARENZ].text
        == "1 Angebot zur Prüfung eingereicht, noch keines veröffentlicht."
    )


def test_land_column_and_its_page(scenario, katalog):
    werte = steuerung.land_veroeffentlicht([scenario.a.pk, scenario.b.pk])
    assert werte[scenario.a.pk].text == "4" and werte[scenario.a.pk].sortwert == 4
    assert werte[scenario.b.pk].sortwert == 1
    antwort = scenario.client("land").get(werte[scenario.a.pk].url)
    assert antwort.status_code == 200
    assert antwort.context["paginator"].count == 4


def test_no_figure_of_one_buendnis_in_another(scenario, katalog):
    leer = BuendnisFactory(name="Kreis ohne Angebote")
    assert steuerung.veroeffentlichte([leer.pk], HEUTE, "") == {leer.pk: 0}
    assert steuerung.offen_fuer_geduldete([leer.pk], HEUTE, "") == {leer.pk: 0}
    assert steuerung.land_veroeffentlicht([leer.pk])[leer.pk].text == "0"


def _buendnis_mit_angeboten(i: int) -> int:
    b = BuendnisFactory(name=f"Kreis {i}")
    for kat in ("deutsch", "arbeit"):
        frueher = angebot(b, kat, zugang={"duldung": OFFEN}, angelegt_vor=90)
        wechsel(frueher, R, P, 40)
    angebot(b, status=R)
    return b.pk


def test_query_count_does_not_grow_with_the_buendnisse(db, django_assert_max_num_queries):
    ids = [_buendnis_mit_angeboten(i) for i in range(2)]
    vorher = HEUTE - datetime.timedelta(days=30)

    def alles(ids):
        for tag in (HEUTE, vorher):
            steuerung.offen_fuer_geduldete(ids, tag, "deutsch")
            steuerung.veroeffentlichte(ids, tag, "")
            steuerung.kernaufgaben_messen(ids, tag)
        steuerung.land_veroeffentlicht(ids)

    with django_assert_max_num_queries(7):
        alles(ids)
    ids += [_buendnis_mit_angeboten(i) for i in range(2, 6)]
    with django_assert_max_num_queries(7):
        alles(ids)


def test_registered(db):
    quellen = {q.key: q for q in registry.indikatorquellen()}
    assert {"angebote.geduldete", "angebote.veroeffentlicht"} <= set(quellen)
    auswahl = dict(quellen["angebote.geduldete"].parameter_auswahl())
    assert auswahl["deutsch"] == "Deutschförderung" and "" not in auswahl  # "" (all) needs no entry
    assert all(q.erklaerung and not q.personen for k, q in quellen.items() if k.startswith("angebote."))
    assert "angebote_veroeffentlicht" in {k.key for k in registry.landkennzahlen()}
    assert steuerung.kernaufgaben_messen in registry.kernaufgabenmessungen()
