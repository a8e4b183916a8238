from decimal import Decimal

import pytest

from buendnis.choices import Baustein

from .factories import BudgetFactory, FoerderbausteinFactory, FoerderprogrammFactory


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
