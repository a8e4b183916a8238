"""Demo offers: a realistic catalogue for Rhein-Kreis Neuss (all eight Kommunen) and a few for Stadt Düsseldorf.

Idempotent: offers are keyed by their Kennung; existing offers are left as they are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from angebote.models import (
    Angebot,
    AngebotStatus,
    Aufenthaltsstatus,
    Finanzierung,
    Kategorie,
    Pruefergebnis,
    Statuswechsel,
    Zugang,
    ZugangArt,
)
from buendnis.models import Akteur, Kommune
from demo import daten


@dataclass(frozen=True)
class DemoAngebot:
    """One row of `data/angebote_neuss.csv`: an offer of Rhein-Kreis Neuss with its workflow state."""

    kennung: str
    titel: str
    orte: list[str]  # Kommunen, or [KW] for a Kreis-wide offer
    traeger: str
    kategorie: str
    foerderbaustein: str
    finanzierung: Finanzierung
    profil: str  # key of PROFILE
    plaetze: int | None
    status: AngebotStatus
    deutsch_voraussetzung: str
    deutsch_ziel: str
    monate_seit_bestaetigung: int | None
    kinderbetreuung: bool
    anschluss: list[str]  # Kennungen of the follow-up offers


def _profile() -> dict[str, dict[str, tuple]]:
    """Access profiles: profile -> status code -> (art, condition, opening possible, how)."""
    profile: dict[str, dict[str, tuple]] = {}
    for zeile in daten.csv_datei("zugangsprofile.csv"):
        profile.setdefault(zeile["profil"], {})[zeile["status"]] = (
            ZugangArt(zeile["art"]),
            zeile["bedingung"],
            daten.ja(zeile["oeffnung_moeglich"]),
            zeile["oeffnung_hinweis"],
        )
    return profile


def _angebote() -> list[DemoAngebot]:
    return [
        DemoAngebot(
            kennung=z["kennung"],
            titel=z["titel"],
            orte=daten.liste(z["orte"]),
            traeger=z["traeger"],
            kategorie=z["kategorie"],
            foerderbaustein=z["foerderbaustein"],
            finanzierung=Finanzierung(z["finanzierung"]),
            profil=z["profil"],
            plaetze=daten.zahl(z["plaetze"]),
            status=AngebotStatus(z["status"]),
            deutsch_voraussetzung=z["deutsch_voraussetzung"],
            deutsch_ziel=z["deutsch_ziel"],
            monate_seit_bestaetigung=daten.zahl(z["monate_seit_bestaetigung"]),
            kinderbetreuung=daten.ja(z["kinderbetreuung"]),
            anschluss=daten.liste(z["anschluss"]),
        )
        for z in daten.csv_datei("angebote_neuss.csv")
    ]


PROFILE = _profile()
ANGEBOTE = _angebote()
# Stadt Düsseldorf: Kennung, title, Träger, Kategorie, profile, places (published, Kommune Düsseldorf).
DUESSELDORF = daten.csv_datei("angebote_duesseldorf.csv")

P, R, ENT, A = (
    AngebotStatus.VEROEFFENTLICHT,
    AngebotStatus.ZUR_PRUEFUNG,
    AngebotStatus.ENTWURF,
    AngebotStatus.ARCHIVIERT,
)
KW = "kreisweit"


def _monate_zurueck(heute: datetime.date, monate: int) -> datetime.date:
    return heute - datetime.timedelta(days=round(monate * 30.5))


def _zugaenge(angebot: Angebot, profil: str, status: dict[str, Aufenthaltsstatus]) -> None:
    for code, (art, bedingung, oeffnung, hinweis) in PROFILE[profil].items():
        Zugang.objects.get_or_create(
            angebot=angebot,
            status=status[code],
            defaults={
                "art": art,
                "bedingung": bedingung,
                "oeffnung_moeglich": oeffnung,
                "oeffnung_hinweis": hinweis,
            },
        )


def seed(context: dict, stdout=None) -> dict:
    heute = timezone.localdate()
    neuss, duesseldorf = context["neuss"], context["duesseldorf"]
    koordination = context["koordination"]
    kommunen: dict[str, Kommune] = context["kommunen"]
    akteure = {a.name: a for a in Akteur.objects.filter(buendnis=neuss)}
    kategorien = {k.code: k for k in Kategorie.objects.all()}
    status = {s.code: s for s in Aufenthaltsstatus.objects.all()}
    angebote: dict[str, Angebot] = {}
    for eintrag in ANGEBOTE:
        kreisweit = eintrag.orte == [KW]
        angebot, created = Angebot.objects.get_or_create(
            buendnis=neuss,
            kennung=eintrag.kennung,
            defaults={
                "titel": eintrag.titel,
                "beschreibung": f"{eintrag.titel}: ein Angebot für junge Geflüchtete im Rhein-Kreis Neuss.",
                "traeger": akteure[eintrag.traeger],
                "kreisweit": kreisweit,
                "kategorie": kategorien[eintrag.kategorie],
                "foerderbaustein": eintrag.foerderbaustein,
                "finanzierung": eintrag.finanzierung,
                "deutsch_voraussetzung": eintrag.deutsch_voraussetzung,
                "deutsch_ziel": eintrag.deutsch_ziel,
                "plaetze": eintrag.plaetze,
                "freie_plaetze": (eintrag.plaetze // 4) if eintrag.plaetze else None,
                "beginn": datetime.date(heute.year, 1, 8)
                if eintrag.plaetze and eintrag.plaetze < 20
                else None,
                "laufend": not (eintrag.plaetze and eintrag.plaetze < 20),
                "stunden_pro_woche": Decimal("6.0") if eintrag.kategorie == "deutsch" else None,
                "kosten": Decimal("0.00"),
                "kinderbetreuung": eintrag.kinderbetreuung,
                "status": eintrag.status,
                "bestaetigt_am": _monate_zurueck(heute, eintrag.monate_seit_bestaetigung)
                if eintrag.monate_seit_bestaetigung is not None
                else None,
                "erstellt_von": koordination,
            },
        )
        angebote[eintrag.kennung] = angebot
        if not created:
            continue
        if not kreisweit:
            angebot.kommunen.set([kommunen[o] for o in eintrag.orte])
        _zugaenge(angebot, eintrag.profil, status)
        zustand = eintrag.status
        if zustand in (P, A):
            Statuswechsel.objects.create(
                angebot=angebot, aktion="veroeffentlichen", von=R, nach=P, durch=koordination
            )
            angebot.pruefung_am = angebot.bestaetigt_am
            angebot.pruefung_durch = koordination
            angebot.pruefung_ergebnis = Pruefergebnis.GEEIGNET
            angebot.save(update_fields=["pruefung_am", "pruefung_durch", "pruefung_ergebnis"])
        if zustand == A:
            Statuswechsel.objects.create(
                angebot=angebot,
                aktion="archivieren",
                von=P,
                nach=A,
                durch=koordination,
                kommentar="Angebot läuft nicht mehr.",
            )
        if zustand == R:
            Statuswechsel.objects.create(angebot=angebot, aktion="einreichen", von=ENT, nach=R)
    for eintrag in ANGEBOTE:
        ziele = [angebote[k] for k in eintrag.anschluss]
        vorhanden = set(angebote[eintrag.kennung].anschlussangebote.values_list("pk", flat=True))
        neu = [z for z in ziele if z.pk not in vorhanden]
        if neu:
            angebote[eintrag.kennung].anschlussangebote.add(*neu)
    # One offer sent back with a comment, to show the review loop.
    zurueck = angebote["RKN-028"]
    if not zurueck.rueckmeldung:
        Angebot.objects.filter(pk=zurueck.pk).update(
            rueckmeldung="Bitte Zeitraum und Zugang für Geduldete ergänzen."
        )
        Statuswechsel.objects.create(
            angebot=zurueck,
            aktion="zurueckgeben",
            von=R,
            nach=ENT,
            durch=koordination,
            kommentar="Bitte Zeitraum und Zugang für Geduldete ergänzen.",
        )

    dd_kommune = Kommune.objects.get(buendnis=duesseldorf, name="Düsseldorf")
    dd_akteure = {a.name: a for a in Akteur.objects.filter(buendnis=duesseldorf)}
    for d in DUESSELDORF:
        angebot, created = Angebot.objects.get_or_create(
            buendnis=duesseldorf,
            kennung=d["kennung"],
            defaults={
                "titel": d["titel"],
                "traeger": dd_akteure[d["traeger"]],
                "kategorie": kategorien[d["kategorie"]],
                "plaetze": daten.zahl(d["plaetze"]),
                "laufend": True,
                "status": P,
                "bestaetigt_am": _monate_zurueck(heute, 2),
            },
        )
        if created:
            angebot.kommunen.set([dd_kommune])
            _zugaenge(angebot, d["profil"], status)
    if stdout is not None:
        stdout.write(f"Angebote: {Angebot.objects.count()} im Katalog.")
    return {"angebote": angebote}
