"""factory_boy factories of the offer catalogue."""

import factory

from angebote.models import Angebot, AngebotStatus, Aufenthaltsstatus, Kategorie, Zugang, ZugangArt
from tests.factories import AkteurFactory, BuendnisFactory


def kategorie(code: str) -> Kategorie:
    return Kategorie.objects.get(code=code)


def status(code: str) -> Aufenthaltsstatus:
    return Aufenthaltsstatus.objects.get(code=code)


class AngebotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Angebot
        skip_postgeneration_save = True

    buendnis = factory.SubFactory(BuendnisFactory)
    kennung = factory.Sequence(lambda n: f"T-{n:04d}")
    titel = factory.Sequence(lambda n: f"Angebot {n}")
    traeger = factory.SubFactory(AkteurFactory, buendnis=factory.SelfAttribute("..buendnis"), kommune=None)
    kategorie = factory.LazyFunction(lambda: kategorie("deutsch"))
    status = AngebotStatus.ENTWURF
    # A way to take part, so offers can be published (`Angebot.fehlende_teilnahmewege`); tests of the refusal
    # pass `ohne_teilnahmeweg=True`.
    kontakt_telefon = "02131 123456"
    adresse = "Markt 1"
    plz = "41460"
    ort = "Neuss"
    zeiten = "Mo–Do 9–12 Uhr"

    class Params:
        ohne_teilnahmeweg = factory.Trait(kontakt_telefon="", adresse="", plz="", ort="", zeiten="")
        veroeffentlicht = factory.Trait(status=AngebotStatus.VEROEFFENTLICHT)
        zur_pruefung = factory.Trait(status=AngebotStatus.ZUR_PRUEFUNG)
        archiviert = factory.Trait(status=AngebotStatus.ARCHIVIERT)

    @factory.post_generation
    def kommunen(self, create, extracted, **kwargs):
        if create and extracted:
            self.kommunen.set(extracted)

    @factory.post_generation
    def zugang(self, create, extracted, **kwargs):
        """`zugang={"duldung": "offen", "gestattung": ("eingeschraenkt", "Bedingung")}`."""
        if not (create and extracted):
            return
        for code, wert in extracted.items():
            art, bedingung, oeffnung = (wert, "", False) if isinstance(wert, str) else (*wert, False)[:3]
            if art == ZugangArt.EINGESCHRAENKT and not bedingung:
                bedingung = "Bedingung"
            Zugang.objects.create(
                angebot=self, status=status(code), art=art, bedingung=bedingung, oeffnung_moeglich=oeffnung
            )
