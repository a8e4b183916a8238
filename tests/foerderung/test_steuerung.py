"""The funding app's steering figures (foerderung.steuerung): funds drawn against granted, F6 positions against
the staffing key, qualifications and transitions from monitoring, each as it stood on a Stichtag; the task
"Angebotsplanung"; the Land's columns (Kommunen joined, VZÄ, money per Förderbaustein)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from bedarf.models import Erhebung, ErhebungStatus
from buendnis import registry
from buendnis.choices import Baustein, Kernaufgabe, Rolle
from buendnis.registry import Stand
from foerderung import steuerung
from foerderung.models import KommuneTeilnahme, MonitoringMeldung, Verwendungsnachweis
from foerderung.stellenschluessel import stellenschluessel
from tests.bedarf.conftest import deliver
from tests.bedarf.factories import ErhebungFactory
from tests.factories import BuendnisFactory, KommuneFactory, UserFactory

from .factories import FoerderantragFactory, MittelabrufFactory, TeilhabeStelleFactory

D = Decimal
HEUTE = timezone.localdate()
# Renewed for every test (a run across midnight): `heute_je_test`.
pytestmark = pytest.mark.usefixtures("heute_je_test")
ENDE_2020 = datetime.date(2020, 12, 31)


def runde_abschliessen(erhebung):
    Erhebung.objects.filter(pk=erhebung.pk).update(
        status=ErhebungStatus.ABGESCHLOSSEN,
        abgeschlossen_am=timezone.make_aware(datetime.datetime(2019, 12, 20, 12)),
    )


def monitoring(antrag, jahr, quartal, **zahlen):
    return MonitoringMeldung.objects.create(antrag=antrag, jahr=jahr, quartal=quartal, **zahlen)


@pytest.fixture
def foerderung(scenario, f1, f6):
    """Bündnis a: A1 (F1, 25,000.00 approved 01.02.2020; drawn 10,000.00 on 01.03.2020, 2,500.50 on 01.09.2020
    and 1,000.00 on 15.01.2021; proof of use 2021 entitling to 12,000.00), A2 (F6 at the Kreis, 20,000.00
    approved; drawn 5,000.00), A3 (F1, only submitted), A4 (F1 2021, 10,000.00 approved 01.03.2021). Bündnis b:
    B1 (F1, 11,111.11 approved, 0.01 drawn)."""
    a, b = scenario.a, scenario.b
    a1 = FoerderantragFactory(
        buendnis=a, baustein=f1, kommune=scenario.a1, beantragt=D("30000.00"), bewilligt=True
    )
    a1.bewilligt_betrag = D("25000.00")
    a1.save()
    MittelabrufFactory(antrag=a1, betrag=D("10000.00"), datum=datetime.date(2020, 3, 1))
    MittelabrufFactory(antrag=a1, betrag=D("2500.50"), datum=datetime.date(2020, 9, 1))
    MittelabrufFactory(antrag=a1, betrag=D("1000.00"), datum=datetime.date(2021, 1, 15))
    Verwendungsnachweis.objects.create(
        antrag=a1,
        eingereicht_am=datetime.date(2021, 2, 1),
        sachbericht="Bericht",
        ausgaben_ist=D("15000.00"),
        zustehend=D("12000.00"),
        abgerufen=D("13500.50"),
        rueckforderung=D("1500.50"),
    )
    a2 = FoerderantragFactory(
        buendnis=a,
        baustein=f6,
        kommune=None,
        antragsteller_akteur=scenario.akteur_a,
        beantragt=D("20000.00"),
        bewilligt=True,
    )
    MittelabrufFactory(antrag=a2, betrag=D("5000.00"), datum=datetime.date(2020, 3, 1))
    FoerderantragFactory(
        buendnis=a, baustein=f1, kommune=scenario.a2, beantragt=D("12345.67"), eingereicht=True
    )
    FoerderantragFactory(
        buendnis=a,
        baustein=f1,
        kommune=scenario.a1,
        beantragt=D("10000.00"),
        bewilligt=True,
        bescheid_datum=datetime.date(2021, 3, 1),
        beginn=datetime.date(2021, 1, 1),
        ende=datetime.date(2021, 12, 31),
        haushaltsjahr=2021,
    )
    b1 = FoerderantragFactory(
        buendnis=b, baustein=f1, kommune=scenario.b1, beantragt=D("11111.11"), bewilligt=True
    )
    MittelabrufFactory(antrag=b1, betrag=D("0.01"))
    return {"a1": a1, "a2": a2, "b1": b1}


def test_funds_drawn_against_granted(scenario, foerderung):
    ids = [scenario.a.pk, scenario.b.pk]
    # 31.12.2020: approved 45,000.00 (A1 + A2; A4's notice is later), drawn 17,500.50 (not the 2021 drawdown).
    assert steuerung.abruf_quote(ids, ENDE_2020, "") == {scenario.a.pk: D("38.89"), scenario.b.pk: D("0.00")}
    assert steuerung.abruf_quote(ids, ENDE_2020, Baustein.F1)[scenario.a.pk] == D(
        "50.00"
    )  # 12,500.50 / 25,000
    assert steuerung.abruf_quote(ids, ENDE_2020, Baustein.F6)[scenario.a.pk] == D("25.00")
    assert steuerung.abruf_quote(ids, ENDE_2020, Baustein.F3)[scenario.a.pk] is None  # nothing approved
    # Today: approved 55,000.00, drawn 18,500.50.
    assert steuerung.abruf_quote(ids, HEUTE, "")[scenario.a.pk] == D("33.64")
    # Before any approval: no value.
    assert steuerung.abruf_quote(ids, datetime.date(2020, 1, 31), "")[scenario.a.pk] is None


def test_money_columns_of_the_land(scenario, foerderung):
    ids = [scenario.a.pk, scenario.b.pk]
    kennzahlen = {k.key: k for k in steuerung.LANDKENNZAHLEN}
    erwartet = {
        "bewilligt_f1": ("35.000,00 €", D("35000.00")),
        "abgerufen_f1": ("13.500,50 €", D("13500.50")),
        "verausgabt_f1": ("12.000,00 €", D("12000.00")),
        "bewilligt_f6": ("20.000,00 €", D("20000.00")),
        "abgerufen_f6": ("5.000,00 €", D("5000.00")),
        "verausgabt_f6": ("0,00 €", D("0.00")),
        "bewilligt_f2": ("0,00 €", D("0.00")),
        "bewilligt": ("55.000,00 €", D("55000.00")),
        "abgerufen": ("18.500,50 €", D("18500.50")),
        "verausgabt": ("12.000,00 €", D("12000.00")),
    }
    for key, (text, betrag) in erwartet.items():
        wert = kennzahlen[key].werte(ids)[scenario.a.pk]
        assert (wert.text, wert.sortwert) == (text, betrag), key
    assert kennzahlen["bewilligt"].werte(ids)[scenario.b.pk].text == "11.111,11 €"
    assert kennzahlen["abgerufen_f1"].baustein == Baustein.F1 and kennzahlen["abgerufen"].baustein == ""
    client = scenario.client("land")
    antwort = client.get(kennzahlen["bewilligt"].werte(ids)[scenario.a.pk].url)
    assert antwort.status_code == 200
    # The budget page of that Bündnis shows the same approved sum.
    assert antwort.context["uebersicht"].summe.bewilligt == D("55000.00")


@pytest.fixture
def stellen(scenario, f6):
    """Closed round 2019: a1 has 150 geduldete (1.5 VZÄ), a2 44 (0.4 VZÄ); with the Kreis's 0.5: 2.4 entitled.
    Positions: a1 1.0 filled since 01.01.2020, a2 0.5 filled since 01.06.2021, Kreis 0.5 vacant."""
    erhebung = ErhebungFactory(buendnis=scenario.a, titel="2019")
    deliver(erhebung, scenario.a1, scenario.users["kommune"], {"duldung": 150, "gestattung": 10})
    deliver(erhebung, scenario.a2, scenario.users["kommune_a2"], {"duldung": 44})
    runde_abschliessen(erhebung)
    TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1, vze=D("1.00"))
    TeilhabeStelleFactory(
        buendnis=scenario.a, kommune=scenario.a2, vze=D("0.50"), besetzt_seit=datetime.date(2021, 6, 1)
    )
    TeilhabeStelleFactory(buendnis=scenario.a, kommune=None, vze=D("0.50"), besetzt_seit=None)
    TeilhabeStelleFactory(buendnis=scenario.b, kommune=scenario.b1, vze=D("0.75"))


def test_f6_positions_filled_against_the_staffing_key(scenario, stellen):
    ids = [scenario.a.pk, scenario.b.pk]
    assert steuerung.f6_stellen(ids, HEUTE) == {
        scenario.a.pk: (D("2.4"), D("1.50")),
        scenario.b.pk: (D("0.5"), D("0.75")),  # no closed round: only the Kreis's minimum
    }
    assert steuerung.f6_besetzung(ids, HEUTE, "") == {scenario.a.pk: D("62.50"), scenario.b.pk: D("150.00")}
    # On 31.12.2020 the position in a2 was not filled yet.
    assert steuerung.f6_besetzung(ids, ENDE_2020, "")[scenario.a.pk] == D("41.67")
    # Before the round was closed only the Kreis's minimum counted.
    assert steuerung.f6_stellen(ids, datetime.date(2019, 12, 1))[scenario.a.pk] == (D("0.5"), D("0.00"))
    # The same figures as the staffing key page of the Land.
    schluessel = stellenschluessel(scenario.users["land"])
    zeile = next(b.summe for b in schluessel.buendnisse if b.buendnis == scenario.a)
    assert (zeile.anspruch, zeile.besetzt) == (D("2.4"), D("1.50"))


def test_f6_column_of_the_land(scenario, stellen):
    werte = steuerung.land_f6_vzae([scenario.a.pk, scenario.b.pk])
    assert werte[scenario.a.pk].text == "1,5 von 2,4 VZÄ besetzt"
    assert werte[scenario.a.pk].anteil == D("0.6250") == werte[scenario.a.pk].sortwert
    assert werte[scenario.b.pk].text == "0,75 von 0,5 VZÄ besetzt"
    assert scenario.client("land").get(werte[scenario.a.pk].url).status_code == 200


def test_qualifications_and_transitions_from_monitoring(scenario, foerderung):
    a1, a2 = foerderung["a1"], foerderung["a2"]
    monitoring(a1, 2020, 3, abschluss_hauptschule=2, abschluss_fachoberschulreife=1, uebergang_ausbildung=3)
    monitoring(a1, 2020, 4, abschluss_hauptschule=1, abschluss_beruf=2, uebergang_ausbildung=1)
    monitoring(a1, 2021, 1, abschluss_hauptschule=5, uebergang_ausbildung=4)
    monitoring(a2, 2020, 4, abschluss_beruf=1)
    monitoring(foerderung["b1"], 2020, 2, abschluss_hauptschule=9, uebergang_ausbildung=9)
    ids = [scenario.a.pk, scenario.b.pk]
    # Up to the quarter of 31.12.2020: 2 + 1 + 1 + 2 + 1 qualifications, 3 + 1 transitions.
    assert steuerung.abschluesse(ids, ENDE_2020, "") == {scenario.a.pk: D(7), scenario.b.pk: D(9)}
    assert steuerung.abschluesse(ids, ENDE_2020, Baustein.F1)[scenario.a.pk] == D(6)
    assert steuerung.uebergaenge_ausbildung(ids, ENDE_2020, "")[scenario.a.pk] == D(4)
    # A Stichtag within Q4 2020 takes that whole quarter; Q1 2021 only from its first day.
    assert steuerung.abschluesse(ids, datetime.date(2020, 10, 1), "")[scenario.a.pk] == D(7)
    assert steuerung.abschluesse(ids, datetime.date(2020, 9, 30), "")[scenario.a.pk] == D(3)
    assert steuerung.abschluesse(ids, HEUTE, "")[scenario.a.pk] == D(12)
    assert steuerung.uebergaenge_ausbildung(ids, HEUTE, "")[scenario.a.pk] == D(8)


def test_planning_of_offers_per_rule(scenario, foerderung):
    leer = BuendnisFactory(name="Kreis ohne Anträge")
    A = Kernaufgabe.ANGEBOTSPLANUNG
    ids = [scenario.a.pk, scenario.b.pk, leer.pk]
    mitte_2020 = steuerung.kernaufgaben_messen(ids, datetime.date(2020, 6, 30))
    assert mitte_2020[scenario.a.pk][A].stand == Stand.ERFUELLT
    assert (
        mitte_2020[scenario.a.pk][A].text
        == "2 bewilligte Förderanträge laufen am Stichtag oder beginnen danach."
    )
    assert mitte_2020[leer.pk][A].stand == Stand.OFFEN
    # At the end of 2021 only A4 still runs; A4 was approved only on 01.03.2021.
    assert (
        steuerung.kernaufgaben_messen(ids, datetime.date(2021, 12, 31))[scenario.a.pk][A].stand
        == Stand.ERFUELLT
    )
    # In between, A1 and A2 had ended and A4 was not approved yet: three applications submitted or approved.
    zwischen = steuerung.kernaufgaben_messen(ids, datetime.date(2021, 2, 1))[scenario.a.pk][A]
    assert (zwischen.stand, zwischen.text) == (Stand.BEGONNEN, "3 Förderanträge eingereicht.")
    # Today nothing runs any more: submitted and approved applications begin the task.
    heute = steuerung.kernaufgaben_messen(ids, HEUTE)
    assert (heute[scenario.a.pk][A].stand, heute[scenario.a.pk][A].text) == (
        Stand.BEGONNEN,
        "4 Förderanträge eingereicht.",
    )
    assert heute[scenario.b.pk][A].stand == Stand.BEGONNEN
    # Before anything was submitted: open.
    assert (
        steuerung.kernaufgaben_messen(ids, datetime.date(2019, 12, 1))[scenario.a.pk][A].stand == Stand.OFFEN
    )


def test_kommunen_that_joined(scenario):
    KommuneTeilnahme.objects.create(
        buendnis=scenario.a, kommune=scenario.a1, beigetreten_am=datetime.date(2019, 11, 1)
    )
    KommuneTeilnahme.objects.create(
        buendnis=scenario.a, kommune=scenario.a2, interesse_bekundet_am=datetime.date(2019, 10, 1)
    )
    KommuneTeilnahme.objects.create(
        buendnis=scenario.b, kommune=scenario.b1, beigetreten_am=HEUTE + datetime.timedelta(days=3)
    )
    werte = steuerung.land_kommunen_beteiligt([scenario.a.pk, scenario.b.pk])
    assert (werte[scenario.a.pk].text, werte[scenario.a.pk].anteil) == ("1 von 2", D("0.5000"))
    assert (werte[scenario.b.pk].text, werte[scenario.b.pk].anteil) == ("0 von 2", D("0"))


def test_no_figure_of_one_buendnis_in_another(scenario, foerderung, stellen):
    leer = BuendnisFactory(name="Kreis ohne Förderung")
    KommuneFactory(buendnis=leer)
    assert steuerung.abruf_quote([leer.pk], HEUTE, "") == {leer.pk: None}
    assert steuerung.f6_stellen([leer.pk], HEUTE) == {leer.pk: (D("0.5"), D("0.00"))}
    assert steuerung.abschluesse([leer.pk], HEUTE, "") == {leer.pk: D(0)}
    for kennzahl in steuerung.LANDKENNZAHLEN:
        werte = kennzahl.werte([leer.pk])
        assert set(werte) == {leer.pk}
        assert werte[leer.pk].text in ("0,00 €", "0 von 1", "0,0 von 0,5 VZÄ besetzt"), kennzahl.key


def _buendnis_mit_foerderung(i: int, f1, f6) -> int:
    b = BuendnisFactory(name=f"Kreis {i}")
    k = KommuneFactory(buendnis=b, name=f"Kommune {i}")
    antrag = FoerderantragFactory(buendnis=b, baustein=f1, kommune=k, bewilligt=True)
    MittelabrufFactory(antrag=antrag)
    Verwendungsnachweis.objects.create(
        antrag=antrag,
        eingereicht_am=datetime.date(2021, 2, 1),
        sachbericht="x",
        ausgaben_ist=D(1),
        zustehend=D(1),
    )
    monitoring(antrag, 2020, 2, abschluss_beruf=3, uebergang_ausbildung=2)
    FoerderantragFactory(buendnis=b, baustein=f6, kommune=k, eingereicht=True)
    TeilhabeStelleFactory(buendnis=b, kommune=k)
    KommuneTeilnahme.objects.create(buendnis=b, kommune=k, beigetreten_am=datetime.date(2019, 11, 1))
    erhebung = ErhebungFactory(buendnis=b, titel=f"Runde {i}")
    deliver(erhebung, k, UserFactory(rolle=Rolle.KOMMUNE, buendnis=b, kommune=k), {"duldung": 120})
    runde_abschliessen(erhebung)
    return b.pk


def test_query_count_does_not_grow_with_the_buendnisse(db, django_assert_max_num_queries, f1, f6):
    ids = [_buendnis_mit_foerderung(i, f1, f6) for i in range(2)]

    def alles(ids):
        for quelle in steuerung.QUELLEN:
            quelle.werte(ids, ENDE_2020, "")
        steuerung.abruf_quote(ids, ENDE_2020, Baustein.F1)
        steuerung.kernaufgaben_messen(ids, ENDE_2020)
        for kennzahl in steuerung.LANDKENNZAHLEN:
            kennzahl.werte(ids)

    # Sources 2 + 4 + 1 + 1, 2 more for one Baustein, the task 1, Kommunen 2, VZÄ 4, money 3 × 7.
    with django_assert_max_num_queries(38):
        alles(ids)
    ids += [_buendnis_mit_foerderung(i, f1, f6) for i in range(2, 6)]
    with django_assert_max_num_queries(38):
        alles(ids)


def test_registered(db):
    quellen = {q.key: q for q in registry.indikatorquellen()}
    personen = {"foerderung.abschluesse": True, "foerderung.uebergang_ausbildung": True}
    for key in ("foerderung.abruf_quote", "foerderung.f6_besetzung", *personen):
        assert key in quellen and quellen[key].erklaerung
        assert quellen[key].personen == personen.get(key, False)
    auswahl = dict(quellen["foerderung.abruf_quote"].parameter_auswahl())
    assert list(auswahl) == ["f1", "f2", "f3", "f4", "f5", "f6"]
    kennzahlen = {k.key: k for k in registry.landkennzahlen()}
    erwartet = {"kommunen_beteiligt", "f6_vzae", "bewilligt", "abgerufen", "verausgabt"}
    erwartet |= {f"{art}_{b}" for art in ("bewilligt", "abgerufen", "verausgabt") for b in Baustein.values}
    assert erwartet <= set(kennzahlen)
    for key in erwartet:
        assert kennzahlen[key].erklaerung and 40 <= kennzahlen[key].reihenfolge <= 79
        assert kennzahlen[key].app_label == "foerderung"
    assert steuerung.kernaufgaben_messen in registry.kernaufgabenmessungen()
