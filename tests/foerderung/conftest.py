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
    """Bündnis a has 100,000.00 EUR for Baustein I in 2020."""
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
