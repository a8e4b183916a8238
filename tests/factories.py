"""factory_boy factories of the alliance. App factories live in tests/<app>/factories.py."""

import datetime

import factory
from django.utils import timezone

from buendnis.choices import BuendnisArt, Regierungsbezirk, Rolle
from buendnis.models import (
    Akteur,
    AkteurTyp,
    Aufgabe,
    Bereich,
    Buendnis,
    Gremium,
    GremiumArt,
    Kommune,
    Sitzung,
    User,
    Verfahrensvereinbarung,
)


class BuendnisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Buendnis

    name = factory.Sequence(lambda n: f"Kreis {n}")
    kreisschluessel = factory.Sequence(lambda n: f"{10000 + n:05d}")
    art = BuendnisArt.KREIS
    regierungsbezirk = Regierungsbezirk.DUESSELDORF


class KommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kommune

    buendnis = factory.SubFactory(BuendnisFactory)
    name = factory.Sequence(lambda n: f"Gemeinde {n}")


class AkteurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Akteur

    buendnis = factory.SubFactory(BuendnisFactory)
    name = factory.Sequence(lambda n: f"Träger {n}")
    typ = AkteurTyp.BILDUNGSTRAEGER
    bereich = factory.LazyFunction(lambda: Bereich.objects.get(schluessel="bildung"))


class GremiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gremium

    buendnis = factory.SubFactory(BuendnisFactory)
    name = factory.Sequence(lambda n: f"Forum {n}")
    art = GremiumArt.FORUM


class SitzungFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sitzung

    gremium = factory.SubFactory(GremiumFactory)
    buendnis = factory.SelfAttribute("gremium.buendnis")
    titel = factory.Sequence(lambda n: f"Sitzung {n}")
    beginn = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class AufgabeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aufgabe

    buendnis = factory.SubFactory(BuendnisFactory)
    titel = factory.Sequence(lambda n: f"Aufgabe {n}")
    faellig_am = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))

    class Params:
        ueberfaellig = factory.Trait(
            faellig_am=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
        )


class VereinbarungFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verfahrensvereinbarung

    buendnis = factory.SubFactory(BuendnisFactory)
    titel = factory.Sequence(lambda n: f"Vereinbarung {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("test-passwort-123")
    rolle = Rolle.KOORDINATION
