"""Factories of the funding app; states as traits (`FoerderantragFactory(bewilligt=True)`)."""

import datetime
from decimal import Decimal

import factory

from buendnis.choices import Baustein
from foerderung.models import (
    AntragStatus,
    Budget,
    Foerderantrag,
    Foerderart,
    Foerderbaustein,
    Foerderprogramm,
    Kostenkategorie,
    Kostenposition,
    Mittelabruf,
    Projektidee,
    TeilhabeStelle,
    Verteilung,
)
from tests.factories import BuendnisFactory, KommuneFactory, UserFactory


class FoerderprogrammFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Foerderprogramm
        django_get_or_create = ("name",)

    name = "Durchstarten in Ausbildung und Arbeit"
    ministerien = "MAGS, MKFFI"
    gesamtvolumen = Decimal("50000000.00")
    laufzeit_beginn = datetime.date(2019, 10, 1)
    laufzeit_ende = datetime.date(2022, 6, 30)


class FoerderbausteinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Foerderbaustein
        django_get_or_create = ("programm", "nummer")

    programm = factory.SubFactory(FoerderprogrammFactory)
    nummer = Baustein.F1
    titel = factory.LazyAttribute(lambda o: Baustein(o.nummer).label)
    foerderart = Foerderart.BUDGET


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    buendnis = factory.SubFactory(BuendnisFactory)
    baustein = factory.SubFactory(FoerderbausteinFactory)
    jahr = 2020
    betrag = Decimal("100000.00")


class FoerderantragFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Foerderantrag
        skip_postgeneration_save = True

    buendnis = factory.SubFactory(BuendnisFactory)
    baustein = factory.SubFactory(FoerderbausteinFactory)
    kommune = factory.SubFactory(KommuneFactory, buendnis=factory.SelfAttribute("..buendnis"))
    titel = factory.Sequence(lambda n: f"Antrag {n}")
    beginn = datetime.date(2020, 1, 1)
    ende = datetime.date(2020, 12, 31)
    haushaltsjahr = 2020
    gesamtkosten = Decimal("10000.00")
    beantragt = Decimal("10000.00")
    status = AntragStatus.ENTWURF

    class Params:
        eingereicht = factory.Trait(status=AntragStatus.EINGEREICHT, eingereicht_am=datetime.date(2020, 1, 5))
        in_pruefung = factory.Trait(status=AntragStatus.IN_PRUEFUNG)
        bewilligt = factory.Trait(
            status=AntragStatus.BEWILLIGT,
            bewilligt_betrag=factory.SelfAttribute("beantragt"),
            bescheid_datum=datetime.date(2020, 2, 1),
            bescheid_nummer="B-1",
        )

    @factory.post_generation
    def kostenplan(obj, create, extracted, **kwargs):
        # One line written directly, as stored before the rules (no rule version): its funding and own share
        # add up to its amount. Cost plans computed by the rules go through services.antrag_speichern.
        if create:
            Kostenposition.objects.create(
                antrag=obj,
                kategorie=Kostenkategorie.PERSONAL,
                bezeichnung="Coaching",
                betrag=obj.gesamtkosten,
                foerderung=obj.gesamtkosten - obj.eigenanteil,
                eigenanteil=obj.eigenanteil,
            )


class MittelabrufFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mittelabruf

    antrag = factory.SubFactory(FoerderantragFactory, bewilligt=True)
    datum = datetime.date(2020, 3, 1)
    betrag = Decimal("1000.00")
    erfasst_von = factory.SubFactory(UserFactory)


class TeilhabeStelleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeilhabeStelle

    buendnis = factory.SubFactory(BuendnisFactory)
    kommune = factory.SubFactory(KommuneFactory, buendnis=factory.SelfAttribute("..buendnis"))
    bezeichnung = factory.Sequence(lambda n: f"Teilhabemanagement {n}")
    vze = Decimal("1.00")
    arbeitgeber = "Stadtverwaltung"
    besetzt_seit = datetime.date(2020, 1, 1)


class ProjektideeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Projektidee

    buendnis = factory.SubFactory(BuendnisFactory)
    titel = factory.Sequence(lambda n: f"Idee {n}")
    skizze = "Skizze"
    einreicher = "IHK"


class VerteilungFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verteilung

    programm = factory.SubFactory(FoerderprogrammFactory)
    name = "Verteilung F1"
    gesamtbetrag = Decimal("1000.00")
    indikator = "geduldete 18- bis 27-Jährige"


class ZuwendungsbescheidFactory(factory.django.DjangoModelFactory):
    """A grant notice of the Land to the Kreis (written directly; the service checks it against the Budget)."""

    class Meta:
        model = "foerderung.Zuwendungsbescheid"

    buendnis = factory.SubFactory(BuendnisFactory)
    baustein = factory.SubFactory(FoerderbausteinFactory)
    jahr = 2020
    betrag = Decimal("100000.00")
    bescheid_nummer = factory.Sequence(lambda n: f"ZB-{n}")
    bescheid_datum = datetime.date(2020, 1, 15)
    grundlage = "Richtlinie vom 18.12.2019"
    erlassen_von = factory.SubFactory(UserFactory)


class FoerderaufrufFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "foerderung.Foerderaufruf"

    baustein = factory.SubFactory(FoerderbausteinFactory, nummer=Baustein.F5)
    titel = factory.Sequence(lambda n: f"Aufruf {n}")
    einreichung_bis = datetime.date(2099, 12, 31)
    entscheidung_bis = datetime.date(2099, 12, 31)
    volumen = Decimal("500000.00")
