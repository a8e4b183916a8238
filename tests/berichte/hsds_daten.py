"""Offers for the HSDS tests: two Bündnisse, hostile text, every way to take part, translations."""

from __future__ import annotations

import datetime
from decimal import Decimal

from angebote.models import Angebot, AngebotStatus, ZugangArt
from buendnis.models import Ansprechperson
from tests.berichte.test_domaene import angebot

FEINDLICH = '<script>alert("x")</script> & \'Zitat\' "doppelt"'
FORMEL = "=cmd|' /C calc'!A0"


def hsds_szenario(scenario):
    """O1 (Bündnis A, hostile, address, phone, public contact, translated), O2 (B, kreisweit, online),
    a draft and an offer whose contact person is not public."""
    o1 = angebot(
        scenario.a,
        scenario.akteur_a,
        "O1",
        "deutsch",
        10,
        {"duldung": ZugangArt.OFFEN, "gestattung": ZugangArt.EINGESCHRAENKT},
        [scenario.a1, scenario.a2],
    )
    o1.titel = f"Deutschkurs {FEINDLICH}"
    o1.beschreibung = FORMEL
    o1.adresse = "=Markt 1"
    o1.plz = "41460"
    o1.ort = "Neuss"
    o1.zeiten = "Mo–Do 9–12 Uhr"
    o1.kontakt_name = "Bildungsberatung"
    o1.kontakt_telefon = "+49 2131 12345"
    o1.kontakt_email = "beratung@example.org"
    o1.anmeldung_hinweis = "Einfach vorbeikommen"
    o1.anmeldung_url = "https://example.org/anmeldung"
    o1.kosten = Decimal("25.50")
    o1.deutsch_voraussetzung = "a2"
    o1.deutsch_ziel = "b1"
    o1.stunden_pro_woche = Decimal("12.5")
    o1.freie_plaetze = 3
    o1.beginn = datetime.date(2026, 9, 1)
    o1.ende = datetime.date(2027, 6, 30)
    o1.bestaetigt_am = datetime.date(2026, 11, 2)
    person = Ansprechperson.objects.create(
        akteur=scenario.akteur_a,
        name="Frau Öffentlich",
        funktion="Beratung",
        email="oeffentlich@example.org",
        telefon="02131 999",
        oeffentlich=True,
    )
    o1.ansprechperson = person
    o1.save()
    o1.set_current_language("en")
    o1.titel_uebersetzt = "German course"
    o1.beschreibung_uebersetzt = "Learn German"
    o1.save_translations()

    o2 = angebot(scenario.b, scenario.akteur_b, "O2", "arbeit", 4, {}, kreisweit=True)
    o2.online = True
    o2.zeiten = "nach Absprache"
    o2.anmeldung_url = "https://example.org/b"
    o2.kosten = Decimal("0")
    o2.laufend = True
    o2.save()
    o1.anschlussangebote.add(o2)

    entwurf = angebot(scenario.a, scenario.akteur_a, "E1", "deutsch", 5, {}, status=AngebotStatus.ENTWURF)
    privat = Ansprechperson.objects.create(
        akteur=scenario.akteur_a, name="Herr Privat", email="privat@example.org", telefon="0170 1111"
    )
    o3 = angebot(scenario.a, scenario.akteur_a, "O3", "arbeit", 2, {}, [scenario.a1])
    o3.ansprechperson = privat
    o3.kontakt_email = "o3@example.org"
    o3.online = True
    o3.save()
    return o1, o2, o3, entwurf


def veroeffentlichen(scenario, n: int, kennung: str = "V") -> list[Angebot]:
    return [
        angebot(
            scenario.a,
            scenario.akteur_a,
            f"{kennung}{i}",
            "deutsch",
            1,
            {"duldung": ZugangArt.OFFEN},
            [scenario.a1],
        )
        for i in range(n)
    ]
