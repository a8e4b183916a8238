import pytest

from buendnis.models import Akteur
from tests.angebote.factories import AngebotFactory
from tests.factories import AkteurFactory


@pytest.fixture
def traeger_a1(scenario) -> Akteur:
    """A provider located in Kommune a1 (the `kommune` user's Kommune)."""
    return AkteurFactory(buendnis=scenario.a, name="VHS Aheim", kommune=scenario.a1)


@pytest.fixture
def angebote(scenario, traeger_a1):
    """One offer per situation the permission rules distinguish."""
    a, b = scenario.a, scenario.b
    return {
        "a1_entwurf": AngebotFactory(
            buendnis=a, titel="Entwurf Aheim", traeger=traeger_a1, kommunen=[scenario.a1]
        ),
        "a1_veroeffentlicht": AngebotFactory(
            buendnis=a, titel="Kurs Aheim", traeger=traeger_a1, kommunen=[scenario.a1], veroeffentlicht=True
        ),
        "a2_entwurf": AngebotFactory(
            buendnis=a, titel="Entwurf Adorf", traeger=scenario.akteur_a, kommunen=[scenario.a2]
        ),
        "a2_veroeffentlicht": AngebotFactory(
            buendnis=a,
            titel="Kurs Adorf",
            traeger=scenario.akteur_a,
            kommunen=[scenario.a2],
            veroeffentlicht=True,
        ),
        "beide_entwurf": AngebotFactory(
            buendnis=a, titel="Entwurf beide", traeger=traeger_a1, kommunen=[scenario.a1, scenario.a2]
        ),
        "kreisweit_eigener_traeger": AngebotFactory(
            buendnis=a, titel="Kreisweit Aheimer Träger", traeger=traeger_a1, kreisweit=True
        ),
        "kreisweit_fremder_traeger": AngebotFactory(
            buendnis=a, titel="Kreisweit Caritas", traeger=scenario.akteur_a, kreisweit=True
        ),
        "b_veroeffentlicht": AngebotFactory(
            buendnis=b,
            titel="Kurs Bheim",
            traeger=scenario.akteur_b,
            kommunen=[scenario.b1],
            veroeffentlicht=True,
        ),
        "b_entwurf": AngebotFactory(
            buendnis=b, titel="Entwurf Bheim", traeger=scenario.akteur_b, kommunen=[scenario.b1]
        ),
    }
