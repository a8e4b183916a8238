import datetime

import factory

from bedarf.models import Datenluecke, Erhebung, ErhebungStatus
from tests.factories import BuendnisFactory


class ErhebungFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Erhebung

    buendnis = factory.SubFactory(BuendnisFactory)
    titel = factory.Sequence(lambda n: f"Erhebung {n}")
    stichtag = datetime.date(2019, 10, 31)
    eingabe_von = datetime.date(2019, 11, 1)
    eingabe_bis = datetime.date(2019, 12, 15)

    class Params:
        abgeschlossen = factory.Trait(status=ErhebungStatus.ABGESCHLOSSEN)


class DatenlueckeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Datenluecke

    buendnis = factory.SubFactory(BuendnisFactory)
    titel = factory.Sequence(lambda n: f"Datenpunkt {n}")
