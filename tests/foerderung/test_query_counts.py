"""Query discipline: every list page of the funding app costs the same number of queries with few or many rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buendnis.choices import Baustein
from buendnis.models import Kommune
from foerderung.models import Verteilungsanteil
from tests.factories import BuendnisFactory

from .factories import (
    FoerderantragFactory,
    FoerderbausteinFactory,
    MittelabrufFactory,
    ProjektideeFactory,
    TeilhabeStelleFactory,
    VerteilungFactory,
)

D = Decimal


def _antraege(scenario, f1, n):
    for i in range(n):
        kommune = Kommune.objects.create(buendnis=scenario.a, name=f"Antragsort {i}-{n}")
        antrag = FoerderantragFactory(
            buendnis=scenario.a,
            kommune=kommune,
            baustein=f1,
            antragsteller_akteur=scenario.akteur_a,
            bewilligt=True,
        )
        MittelabrufFactory(antrag=antrag, betrag=D("1.00"))


def _stellen(scenario, f1, n):
    f6 = FoerderbausteinFactory(programm=f1.programm, nummer=Baustein.F6)
    for i in range(n):
        kommune = Kommune.objects.create(buendnis=scenario.a, name=f"Stellenort {i}-{n}")
        antrag = FoerderantragFactory(buendnis=scenario.a, kommune=kommune, baustein=f6)
        TeilhabeStelleFactory(buendnis=scenario.a, kommune=kommune, antrag=antrag)


def _ideen(scenario, f1, n):
    for _ in range(n):
        antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1)
        ProjektideeFactory(buendnis=scenario.a, akteur=scenario.akteur_a, antrag=antrag)


def _verteilungen(scenario, f1, n):
    for i in range(n):
        VerteilungFactory(programm=f1.programm, baustein=f1, name=f"Verteilung {i}-{n}", jahr=2020)


SEITEN = [
    ("foerderung:antrag-list", "koordination", _antraege),
    ("foerderung:antrag-list", "land", _antraege),
    ("foerderung:uebersicht", "koordination", _antraege),
    ("foerderung:uebersicht", "land", _antraege),
    ("foerderung:teilhabe-list", "koordination", _stellen),
    ("foerderung:teilhabe-list", "land", _stellen),
    ("foerderung:idee-list", "koordination", _ideen),
    ("foerderung:verteilung-list", "land", _verteilungen),
]


def _zaehle(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("url_name", "rolle", "anlegen"), SEITEN)
def test_list_page_query_count_does_not_depend_on_the_rows(scenario, f1, budget_a, url_name, rolle, anlegen):
    client = scenario.client(rolle)
    url = reverse(url_name)
    anlegen(scenario, f1, 2)
    wenige = _zaehle(client, url)
    anlegen(scenario, f1, 30)  # more than one page
    assert _zaehle(client, url) == wenige


def test_verteilung_detail_query_count_does_not_depend_on_the_buendnisse(scenario, programm):
    verteilung = VerteilungFactory(
        programm=programm, gesamtbetrag=D("1000000.00"), stichtag=datetime.date(2019, 12, 31)
    )
    client = scenario.client("land")

    def anteile(n):
        for _ in range(n):
            Verteilungsanteil.objects.create(
                verteilung=verteilung, buendnis=BuendnisFactory(), indikatorwert=D("7"), betrag=None
            )

    anteile(2)
    wenige = _zaehle(client, verteilung.get_absolute_url())
    anteile(51)
    assert _zaehle(client, verteilung.get_absolute_url()) == wenige


def test_antrag_detail_query_count_does_not_depend_on_drawdowns_monitoring_or_steps(scenario, f1, budget_a):
    from angebote.models import Aufenthaltsstatus
    from foerderung import services

    koord = scenario.users["koordination"]
    antrag = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True, beantragt=D("100000.00")
    )
    status = list(Aufenthaltsstatus.objects.all()[:3])
    client = scenario.client("koordination")

    def mehr(n, jahr):
        for i in range(n):
            services.mittelabruf_erfassen(
                antrag=antrag, betrag=D("1.00"), datum=datetime.date(2020, 5, 1), by=koord
            )
            services.monitoring_melden(
                antrag=antrag,
                jahr=jahr + i // 4,
                quartal=i % 4 + 1,
                by=koord,
                aktiv=5,
                nach_status={s: 1 for s in status},
            )

    mehr(1, 2020)
    wenige = _zaehle(client, antrag.get_absolute_url())
    mehr(12, 2030)
    assert _zaehle(client, antrag.get_absolute_url()) == wenige


def test_teilhabe_detail_query_count_does_not_depend_on_quarters(scenario):
    from angebote.models import Aufenthaltsstatus
    from foerderung import services

    stelle = TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1)
    status = list(Aufenthaltsstatus.objects.all()[:3])
    client = scenario.client("kommune")

    def quartale(jahre):
        for jahr in jahre:
            for quartal in range(1, 5):
                services.fallzahl_melden(
                    stelle=stelle,
                    jahr=jahr,
                    quartal=quartal,
                    beratene_personen=9,
                    neue_faelle=1,
                    by=scenario.users["kommune"],
                    nach_status={s: 3 for s in status},
                )

    quartale([2020])
    wenige = _zaehle(client, stelle.get_absolute_url())
    quartale([2021, 2022, 2023])
    assert _zaehle(client, stelle.get_absolute_url()) == wenige


ADMIN_LISTEN = [
    "foerderprogramm",
    "foerderbaustein",
    "verteilung",
    "budget",
    "budgetkommune",
    "foerderantrag",
    "mittelabruf",
    "monitoringmeldung",
    "teilhabestelle",
    "projektidee",
]


def _je_einmal(scenario, f1, n, start):
    from foerderung.models import Budget, BudgetKommune, MonitoringMeldung

    for i in range(start, start + n):
        kommune = Kommune.objects.create(buendnis=scenario.a, name=f"Adminort {i}")
        antrag = FoerderantragFactory(buendnis=scenario.a, kommune=kommune, baustein=f1, bewilligt=True)
        MittelabrufFactory(antrag=antrag, betrag=D("1.00"), erfasst_von=scenario.users["koordination"])
        MonitoringMeldung.objects.create(antrag=antrag, jahr=2020, quartal=1, aktiv=1)
        TeilhabeStelleFactory(buendnis=scenario.a, kommune=kommune)
        ProjektideeFactory(buendnis=scenario.a, akteur=scenario.akteur_a, antrag=antrag)
        budget = Budget.objects.create(buendnis=scenario.a, baustein=f1, jahr=2100 + i, betrag=D("10.00"))
        BudgetKommune.objects.create(budget=budget, kommune=kommune, betrag=D("5.00"))
        VerteilungFactory(programm=f1.programm, baustein=f1, name=f"Admin {i}")


@pytest.mark.parametrize("rolle", ["admin", "koordination"])
def test_admin_changelists_query_count_does_not_depend_on_the_rows(scenario, f1, rolle):
    client = scenario.client(rolle)
    urls = [reverse(f"admin:foerderung_{modell}_changelist") for modell in ADMIN_LISTEN]
    _je_einmal(scenario, f1, 2, 0)
    wenige = [_zaehle(client, url) for url in urls]
    _je_einmal(scenario, f1, 30, 2)
    assert [_zaehle(client, url) for url in urls] == wenige
