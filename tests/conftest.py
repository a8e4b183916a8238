"""The root scenario every test builds on: two Bündnisse, two Kommunen each, one user per role.

`scenario.a` is the home Bündnis (Kommunen `a1`, `a2`); `scenario.b` is another Bündnis (`b1`, `b2`).
Users: koordination (a), kommune (a1), kommune_a2, mitglied (a), auswertung (a), land, admin (superuser),
and koordination_b (b) for cross-Bündnis checks.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from buendnis.choices import Rolle
from tests.factories import AkteurFactory, BuendnisFactory, KommuneFactory, UserFactory

ROLES = ["anonym", "koordination", "kommune", "mitglied", "auswertung", "land", "admin"]


@pytest.fixture
def referenzdaten(transactional_db):
    """Reference rows from data migrations, for transactional tests.

    pytest-django runs transactional tests last; each one ends with a flush that also removes the rows the
    data migrations wrote (Bereiche, Aufenthaltsstatus, Kategorien, Bedarfskategorien), so the next one
    seeds them again. serialized_rollback is no help: after a plain flush the content types carry new ids
    and the serialized copy no longer fits."""
    from importlib import import_module

    from django.apps import apps

    for module in (
        "buendnis.migrations.0002_bereiche",
        "angebote.migrations.0002_stammdaten",
        "bedarf.migrations.0002_bedarfskategorien",
    ):
        import_module(module).seed(apps, None)


@dataclass
class Scenario:
    a: object
    b: object
    a1: object
    a2: object
    b1: object
    b2: object
    akteur_a: object
    akteur_b: object
    users: dict

    def client(self, role: str) -> Client:
        client = Client()
        if role != "anonym":
            client.force_login(self.users[role])
        return client


@pytest.fixture
def scenario(db) -> Scenario:
    a = BuendnisFactory(name="Rhein-Kreis Test", kreisschluessel="05162")
    b = BuendnisFactory(name="Stadt Anderswo", kreisschluessel="05111")
    a1 = KommuneFactory(buendnis=a, name="Aheim")
    a2 = KommuneFactory(buendnis=a, name="Adorf")
    b1 = KommuneFactory(buendnis=b, name="Bheim")
    b2 = KommuneFactory(buendnis=b, name="Bdorf")
    akteur_a = AkteurFactory(buendnis=a, name="Caritas A", kommune=None)
    akteur_b = AkteurFactory(buendnis=b, name="Caritas B", kommune=None)
    users = {
        "koordination": UserFactory(username="koord", rolle=Rolle.KOORDINATION, buendnis=a, is_staff=True),
        "kommune": UserFactory(username="kom-a1", rolle=Rolle.KOMMUNE, buendnis=a, kommune=a1),
        "kommune_a2": UserFactory(username="kom-a2", rolle=Rolle.KOMMUNE, buendnis=a, kommune=a2),
        "mitglied": UserFactory(username="mitglied", rolle=Rolle.MITGLIED, buendnis=a, akteur=akteur_a),
        "auswertung": UserFactory(username="auswertung", rolle=Rolle.AUSWERTUNG, buendnis=a),
        "land": UserFactory(username="land", rolle=Rolle.LAND, buendnis=None, is_staff=True),
        "admin": UserFactory(username="admin", rolle="", is_superuser=True, is_staff=True),
        "koordination_b": UserFactory(
            username="koord-b", rolle=Rolle.KOORDINATION, buendnis=b, is_staff=True
        ),
        "kommune_b1": UserFactory(username="kom-b1", rolle=Rolle.KOMMUNE, buendnis=b, kommune=b1),
    }
    return Scenario(a=a, b=b, a1=a1, a2=a2, b1=b1, b2=b2, akteur_a=akteur_a, akteur_b=akteur_b, users=users)


@pytest.fixture(params=ROLES)
def role(request) -> str:
    return request.param


@pytest.fixture
def role_client(scenario, role) -> Client:
    """A client signed in as `role` (parametrised over every role, Integreat style)."""
    return scenario.client(role)
