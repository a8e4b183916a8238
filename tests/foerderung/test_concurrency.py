"""Two concurrent drawdowns (and approvals) on PostgreSQL: row locks keep the sums within the limits."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from foerderung import services
from foerderung.models import AntragStatus, Foerderantrag, Mittelabruf

from .factories import BudgetFactory, FoerderantragFactory, ZuwendungsbescheidFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("referenzdaten"),
]


def _parallel(aufgaben):
    barriere = threading.Barrier(len(aufgaben))
    ergebnisse = []

    def lauf(aufgabe):
        try:
            barriere.wait()
            aufgabe()
            ergebnisse.append("ok")
        except ValidationError as exc:
            ergebnisse.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=lauf, args=(a,)) for a in aufgaben]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return ergebnisse


def test_two_concurrent_drawdowns_never_exceed_the_approved_sum(scenario, f1):
    antrag = FoerderantragFactory(
        buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True, beantragt=Decimal("1000.00")
    )
    koord = scenario.users["koordination"]

    def abruf():
        services.mittelabruf_erfassen(
            antrag=antrag, betrag=Decimal("600.00"), datum=datetime.date(2020, 5, 1), by=koord
        )

    for _ in range(3):
        ergebnisse = _parallel([abruf, abruf])
        assert len(ergebnisse) == 2
        summe = sum(Mittelabruf.objects.filter(antrag=antrag).values_list("betrag", flat=True))
        assert summe <= Decimal("1000.00")
    assert summe == Decimal("600.00")
    assert Mittelabruf.objects.filter(antrag=antrag).count() == 1


def test_two_concurrent_approvals_never_exceed_the_lands_grant(scenario, f1):
    BudgetFactory(buendnis=scenario.a, baustein=f1, jahr=2020, betrag=Decimal("100000.00"))
    ZuwendungsbescheidFactory(buendnis=scenario.a, baustein=f1, jahr=2020, betrag=Decimal("100000.00"))
    antraege = [
        FoerderantragFactory(
            buendnis=scenario.a, kommune=k, baustein=f1, in_pruefung=True, beantragt=Decimal("60000.00")
        )
        for k in (scenario.a1, scenario.a2)
    ]
    koord = scenario.users["koordination"]

    def bewilligen(antrag):
        return lambda: services.antrag_bewilligen(
            antrag=antrag,
            betrag=Decimal("60000.00"),
            bescheid_datum=datetime.date(2020, 2, 1),
            bescheid_nummer=f"B-{antrag.pk}",
            by=koord,
        )

    ergebnisse = _parallel([bewilligen(a) for a in antraege])
    assert ergebnisse.count("ok") == 1
    assert Foerderantrag.objects.filter(status=AntragStatus.BEWILLIGT).count() == 1


def test_two_concurrent_reports_of_the_same_quarter_do_not_collide(scenario, f1):
    from foerderung.models import MonitoringMeldung, TeilhabeFallzahl

    from .factories import TeilhabeStelleFactory

    antrag = FoerderantragFactory(buendnis=scenario.a, kommune=scenario.a1, baustein=f1, bewilligt=True)
    stelle = TeilhabeStelleFactory(buendnis=scenario.a, kommune=scenario.a1)
    koord, kommune = scenario.users["koordination"], scenario.users["kommune"]

    def melden(user, aktiv):
        return lambda: services.monitoring_melden(antrag=antrag, jahr=2020, quartal=3, by=user, aktiv=aktiv)

    def fallzahl(user, beratene):
        return lambda: services.fallzahl_melden(
            stelle=stelle, jahr=2020, quartal=3, beratene_personen=beratene, neue_faelle=0, by=user
        )

    assert _parallel([melden(koord, 4), melden(kommune, 5)]) == ["ok", "ok"]
    assert MonitoringMeldung.objects.get(antrag=antrag).aktiv in (4, 5)
    assert _parallel([fallzahl(koord, 7), fallzahl(kommune, 8)]) == ["ok", "ok"]
    assert TeilhabeFallzahl.objects.get(stelle=stelle).beratene_personen in (7, 8)


def test_two_concurrent_kommune_earmarks_never_exceed_the_budget(scenario, f1):
    from django.db import transaction

    from foerderung.models import BudgetKommune

    budget = BudgetFactory(buendnis=scenario.a, baustein=f1, jahr=2020, betrag=Decimal("100000.00"))

    def zuteilen(kommune):
        def lauf():
            # As the admin does it: validate and save in one transaction.
            with transaction.atomic():
                anteil = BudgetKommune(budget=budget, kommune=kommune, betrag=Decimal("60000.00"))
                anteil.full_clean()
                anteil.save()

        return lauf

    ergebnisse = _parallel([zuteilen(scenario.a1), zuteilen(scenario.a2)])
    assert ergebnisse.count("ok") == 1
    assert BudgetKommune.objects.count() == 1
