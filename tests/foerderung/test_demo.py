"""Demo data: the programme, six modules, a distribution across all 53 Bündnisse, Neuss in every state."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from demo import buendnis as buendnis_demo
from demo import foerderung as foerderung_demo
from foerderung.models import (
    BEWILLIGTE_STATUS,
    AntragStatus,
    Budget,
    Foerderantrag,
    Foerderbaustein,
    Foerderprogramm,
    Mittelabruf,
    MonitoringMeldung,
    RichtlinieStatus,
    Statuswechsel,
    TeilhabeStelle,
    Verteilung,
)


@pytest.mark.django_db
def test_demo_seed_is_complete_and_idempotent():
    context = buendnis_demo.seed()
    foerderung_demo.seed(context)
    zahlen = (
        Foerderantrag.objects.count(),
        Mittelabruf.objects.count(),
        MonitoringMeldung.objects.count(),
        Statuswechsel.objects.count(),
        TeilhabeStelle.objects.count(),
    )
    foerderung_demo.seed(context)
    assert zahlen == (
        Foerderantrag.objects.count(),
        Mittelabruf.objects.count(),
        MonitoringMeldung.objects.count(),
        Statuswechsel.objects.count(),
        TeilhabeStelle.objects.count(),
    )

    programm = Foerderprogramm.objects.get()
    assert programm.gesamtvolumen == Decimal("50000000.00")
    assert Foerderbaustein.objects.count() == 6
    vi = Foerderbaustein.objects.get(nummer="f6")
    assert vi.richtlinie_status == RichtlinieStatus.ERLASSEN
    assert Foerderbaustein.objects.get(nummer="f4").pauschalbetrag == Decimal("37.50")
    for verteilung in Verteilung.objects.all():
        assert "synthetisch" in verteilung.name and "synthetisch" in verteilung.quelle
        assert verteilung.anteile.count() == 53
        assert sum(a.betrag for a in verteilung.anteile.all()) == verteilung.gesamtbetrag
    neuss = context["neuss"]
    assert set(Foerderantrag.objects.filter(buendnis=neuss).values_list("status", flat=True)) == set(
        AntragStatus
    )
    assert Mittelabruf.objects.filter(antrag__buendnis=neuss).exists()
    assert TeilhabeStelle.objects.filter(buendnis=neuss).values("kommune").distinct().count() >= 3
    assert MonitoringMeldung.objects.filter(antrag__buendnis=neuss).exists()
    assert (programm.laufzeit_beginn, programm.laufzeit_ende) == (
        datetime.date(2019, 10, 1),
        datetime.date(2022, 6, 30),
    )

    # The sums reconcile: each year's budgets of a module are exactly its distribution, approvals stay within
    # the budget (or carry the coordination's reason), drawdowns within the approval.
    for verteilung in Verteilung.objects.exclude(baustein=None):
        for jahr in (2020, 2021, 2022):
            budgets = Budget.objects.filter(baustein=verteilung.baustein, jahr=jahr, verteilung=verteilung)
            assert budgets.count() == 53
            assert budgets.aggregate(s=Sum("betrag"))["s"] == verteilung.gesamtbetrag
    for budget in Budget.objects.all():
        bewilligt = Foerderantrag.objects.filter(
            buendnis=budget.buendnis,
            baustein=budget.baustein,
            haushaltsjahr=budget.jahr,
            status__in=BEWILLIGTE_STATUS,
        )
        summe = bewilligt.aggregate(s=Sum("bewilligt_betrag"))["s"] or Decimal("0")
        assert summe <= budget.betrag or all(a.budget_ueberschreitung_begruendung for a in bewilligt)
    for antrag in Foerderantrag.objects.filter(status__in=BEWILLIGTE_STATUS):
        abgerufen = antrag.mittelabrufe.aggregate(s=Sum("betrag"))["s"] or Decimal("0")
        assert abgerufen <= antrag.bewilligt_betrag <= antrag.beantragt
