"""Alliance data of Bündnis a (and a little of b) with figures the report tests count on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from buendnis.choices import Kernaufgabe
from buendnis.models import (
    AufgabeStatus,
    Beschluss,
    Funktion,
    GremiumArt,
    GremiumStatus,
    Mitgliedschaft,
    Prioritaet,
    SitzungStatus,
    Tagesordnungspunkt,
    VereinbarungStatus,
)
from tests.factories import (
    AkteurFactory,
    AufgabeFactory,
    GremiumFactory,
    SitzungFactory,
    VereinbarungFactory,
)

VON = datetime.date(2019, 1, 1)
BIS = datetime.date(2019, 12, 31)


def dt(tag: datetime.date, stunde: int = 14):
    return timezone.make_aware(datetime.datetime.combine(tag, datetime.time(stunde, 0)))


@dataclass
class Buendnisdaten:
    kerngruppe: object
    forum: object
    sitzung: object
    sitzung_ausserhalb: object
    beschluss: object
    top: object
    aufgabe_offen: object
    aufgabe_ueberfaellig: object


@pytest.fixture
def daten(scenario) -> Buendnisdaten:
    a = scenario.a
    kerngruppe = GremiumFactory(
        buendnis=a, name="Bündniskerngruppe", art=GremiumArt.KERNGRUPPE, status=GremiumStatus.EINGERICHTET
    )
    forum = GremiumFactory(
        buendnis=a,
        name="Deutschförderung",
        status=GremiumStatus.EINGERICHTET,
        eingerichtet_am=datetime.date(2019, 6, 27),
        leitung=scenario.akteur_a,
    )
    GremiumFactory(buendnis=a, name="Wohnen", status=GremiumStatus.IN_DISKUSSION)
    jobcenter = AkteurFactory(buendnis=a, name="Jobcenter Test", kommune=scenario.a1)
    Mitgliedschaft.objects.create(
        gremium=kerngruppe, akteur=scenario.akteur_a, funktion=Funktion.ENTSCHEIDUNG
    )
    Mitgliedschaft.objects.create(gremium=kerngruppe, akteur=jobcenter, funktion=Funktion.MULTIPLIKATOR)
    sitzung = SitzungFactory(
        gremium=kerngruppe,
        titel="Konstituierende Sitzung",
        beginn=dt(datetime.date(2019, 6, 27)),
        status=SitzungStatus.DURCHGEFUEHRT,
        ort="Kreishaus Neuss",
    )
    SitzungFactory(
        gremium=forum,
        titel="Forum 1",
        beginn=dt(datetime.date(2019, 9, 3)),
        status=SitzungStatus.DURCHGEFUEHRT,
    )
    SitzungFactory(
        gremium=forum,
        titel="Forum abgesagt",
        beginn=dt(datetime.date(2019, 10, 3)),
        status=SitzungStatus.ABGESAGT,
    )
    ausserhalb = SitzungFactory(
        gremium=kerngruppe,
        titel="Starterworkshop 2018",
        beginn=dt(datetime.date(2018, 3, 13)),
        status=SitzungStatus.DURCHGEFUEHRT,
    )
    top = Tagesordnungspunkt.objects.create(sitzung=sitzung, position=1, titel="Einrichtung der Foren")
    Tagesordnungspunkt.objects.create(sitzung=sitzung, position=2, titel="Verschiedenes")
    beschluss = Beschluss.objects.create(
        buendnis=a,
        gremium=kerngruppe,
        sitzung=sitzung,
        tagesordnungspunkt=top,
        text="Drei Bündnisforen werden eingerichtet.",
        datum=datetime.date(2019, 6, 27),
        kernaufgabe=Kernaufgabe.FOREN,
    )
    Beschluss.objects.create(
        buendnis=a, gremium=kerngruppe, text="Alter Beschluss", datum=datetime.date(2018, 3, 13)
    )
    offen = AufgabeFactory(
        buendnis=a,
        titel="Forenleitungen benennen",
        beschluss=beschluss,
        sitzung=sitzung,
        gremium=kerngruppe,
        akteur=jobcenter,
    )
    ueberfaellig = AufgabeFactory(buendnis=a, titel='=HYPERLINK("http://x")', ueberfaellig=True)
    AufgabeFactory(buendnis=a, titel="Erledigt", status=AufgabeStatus.ERLEDIGT)
    Prioritaet.objects.create(buendnis=a, rang=1, titel="Datenlage verbessern")
    v = VereinbarungFactory(buendnis=a, titel="Übergang Schule–Beruf", status=VereinbarungStatus.ABGESTIMMT)
    v.parteien.add(scenario.akteur_a, jobcenter)
    # Bündnis b: rows that must never show up in a's reports or exports.
    kern_b = GremiumFactory(buendnis=scenario.b, name="Kerngruppe B", art=GremiumArt.KERNGRUPPE)
    SitzungFactory(
        gremium=kern_b,
        titel="Sitzung B",
        beginn=dt(datetime.date(2019, 5, 5)),
        status=SitzungStatus.DURCHGEFUEHRT,
    )
    AufgabeFactory(buendnis=scenario.b, titel="Aufgabe aus B")
    return Buendnisdaten(kerngruppe, forum, sitzung, ausserhalb, beschluss, top, offen, ueberfaellig)
