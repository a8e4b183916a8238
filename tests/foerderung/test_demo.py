"""Demo data: the programme, six modules, a distribution across all 53 Bündnisse, Neuss in every state."""

from decimal import Decimal

import pytest

from buendnis import demo as buendnis_demo
from foerderung import demo
from foerderung.models import (
    AntragStatus,
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
    demo.seed(context)
    zahlen = (
        Foerderantrag.objects.count(),
        Mittelabruf.objects.count(),
        MonitoringMeldung.objects.count(),
        Statuswechsel.objects.count(),
        TeilhabeStelle.objects.count(),
    )
    demo.seed(context)
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
