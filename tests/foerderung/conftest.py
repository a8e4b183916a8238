import datetime
from decimal import Decimal

import pytest

from buendnis.choices import Baustein
from foerderung.models import AntragStatus, BudgetKommune

from .factories import (
    BudgetFactory,
    FoerderantragFactory,
    FoerderbausteinFactory,
    FoerderprogrammFactory,
    MittelabrufFactory,
)

D = Decimal


@pytest.fixture
def programm(db):
    return FoerderprogrammFactory()


@pytest.fixture
def f1(programm):
    return FoerderbausteinFactory(programm=programm, nummer=Baustein.F1)


@pytest.fixture
def f6(programm):
    return FoerderbausteinFactory(programm=programm, nummer=Baustein.F6)


@pytest.fixture
def budget_a(scenario, f1):
    """Bündnis a has 100,000.00 EUR for Baustein F1 in 2020."""
    return BudgetFactory(buendnis=scenario.a, baustein=f1, jahr=2020, betrag=Decimal("100000.00"))


@pytest.fixture
def haushalt(scenario, f1, f6, budget_a):
    """A hand-computed budget year 2020 of Bündnis a (figures in test_selectors), plus noise that must not count."""
    a, b = scenario.a, scenario.b
    BudgetFactory(buendnis=a, baustein=f6, jahr=2020, betrag=D("50000.00"))
    BudgetKommune.objects.create(budget=budget_a, kommune=scenario.a1, betrag=D("40000.00"))
    eins = FoerderantragFactory(
        buendnis=a,
        baustein=f1,
        kommune=scenario.a1,
        beantragt=D("30000.00"),
        gesamtkosten=D("30000.00"),
        bewilligt=True,
        bewilligt_betrag=D("25000.00"),
    )
    MittelabrufFactory(antrag=eins, betrag=D("10000.00"))
    MittelabrufFactory(antrag=eins, betrag=D("2500.50"))
    FoerderantragFactory(
        buendnis=a, baustein=f1, kommune=scenario.a2, beantragt=D("12345.67"), eingereicht=True
    )
    drei = FoerderantragFactory(
        buendnis=a,
        baustein=f6,
        kommune=None,
        antragsteller_akteur=scenario.akteur_a,
        beantragt=D("20000.00"),
        bewilligt=True,
    )
    MittelabrufFactory(antrag=drei, betrag=D("5000.00"))
    FoerderantragFactory(buendnis=a, baustein=f1, kommune=scenario.a1, beantragt=D("9999.99"))  # Entwurf
    FoerderantragFactory(
        buendnis=a, baustein=f1, kommune=scenario.a2, beantragt=D("1000.00"), status=AntragStatus.ABGELEHNT
    )
    # Other year and other Bündnis: must not show up for a in 2020.
    BudgetFactory(buendnis=a, baustein=f1, jahr=2021, betrag=D("5000.00"))
    FoerderantragFactory(
        buendnis=a,
        baustein=f1,
        kommune=scenario.a1,
        beantragt=D("1000.00"),
        eingereicht=True,
        beginn=datetime.date(2021, 1, 1),
        ende=datetime.date(2021, 12, 31),
        haushaltsjahr=2021,
    )
    BudgetFactory(buendnis=b, baustein=f1, jahr=2020, betrag=D("77777.77"))
    fremd = FoerderantragFactory(
        buendnis=b, baustein=f1, kommune=scenario.b1, beantragt=D("11111.11"), bewilligt=True
    )
    MittelabrufFactory(antrag=fremd, betrag=D("0.01"))


@pytest.fixture
def zuwendung_a(scenario, f1, budget_a, programm):
    """The Land has granted Bündnis a its whole F1 allocation for 2020 (100,000.00 EUR) by one notice."""
    from .factories import ZuwendungsbescheidFactory

    return ZuwendungsbescheidFactory(
        buendnis=scenario.a, baustein=f1, jahr=2020, betrag=budget_a.betrag, bescheid_nummer="ZB-A-F1-2020"
    )


# Funding rules (foerderung.regeln) -------------------------------------------------------------------------------


@pytest.fixture
def regeln_f1(f1):
    """Baustein F1's rules over the whole programme: teaching hours at 37.50 EUR and actual costs, both funded at
    80 % (20 % own share), so cost plans saved through the services are computed by a rule."""
    from foerderung.models import Foerderregel, Kostenart

    gemeinsam = {"baustein": f1, "foerderquote_prozent": D("80"), "gueltig_ab": f1.programm.laufzeit_beginn}
    return {
        Kostenart.UNTERRICHTSSTUNDE: Foerderregel.objects.create(
            bezeichnung="Pauschale P 4", kostenart=Kostenart.UNTERRICHTSSTUNDE, satz=D("37.50"), **gemeinsam
        ),
        Kostenart.TATSAECHLICH: Foerderregel.objects.create(
            bezeichnung="tatsächliche Ausgaben", kostenart=Kostenart.TATSAECHLICH, **gemeinsam
        ),
    }
