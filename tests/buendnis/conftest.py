import pytest

from buendnis.models import Ansprechperson, Mitgliedschaft, Prioritaet, Tagesordnungspunkt
from tests.factories import AkteurFactory, AufgabeFactory, GremiumFactory, SitzungFactory, VereinbarungFactory


@pytest.fixture
def welt(scenario):
    """One row of every alliance model in Bündnis a and in Bündnis b."""
    objs = {}
    for key, buendnis, akteur in (("a", scenario.a, scenario.akteur_a), ("b", scenario.b, scenario.akteur_b)):
        gremium = GremiumFactory(buendnis=buendnis, name=f"Forum Deutsch {key}", leitung=akteur)
        sitzung = SitzungFactory(gremium=gremium, titel=f"Sitzung {key}")
        objs[key] = {
            "buendnis": buendnis,
            "kommune": scenario.a1 if key == "a" else scenario.b1,
            "akteur": akteur,
            "gremium": gremium,
            "sitzung": sitzung,
            "top": Tagesordnungspunkt.objects.create(sitzung=sitzung, position=1, titel=f"TOP {key}"),
            "aufgabe": AufgabeFactory(buendnis=buendnis, gremium=gremium, titel=f"Aufgabe {key}"),
            "vereinbarung": VereinbarungFactory(buendnis=buendnis, titel=f"Vereinbarung {key}"),
            "prioritaet": Prioritaet.objects.create(buendnis=buendnis, rang=1, titel=f"Priorität {key}"),
            "person": Ansprechperson.objects.create(akteur=akteur, name=f"Person {key}"),
            # A second Akteur, so a new membership can be added next to the existing one.
            "akteur2": AkteurFactory(buendnis=buendnis, name=f"Jobcenter {key}", kommune=None),
            "mitgliedschaft": Mitgliedschaft.objects.create(gremium=gremium, akteur=akteur),
        }
    return objs
