"""Demo offers: a realistic catalogue for Rhein-Kreis Neuss (all eight Kommunen) and a few for Stadt Düsseldorf.

Idempotent: offers are keyed by their Kennung; existing offers are left as they are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

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
# How to take part in the demo offers (fictional contacts, `.example` addresses) and the translated texts.
TEILNAHME = daten.json_datei("teilnahmewege.json")
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


def teilnahmeweg(kennung: str, nummer: int, *, traeger: Akteur, kommune: str, kategorie: str) -> dict:
    """Fields naming how to take part in a demo offer: a contact with phone and e-mail (some a registration
    link), an address in its Kommune or "online", times; texts of `teilnahmewege.json` where it has them."""
    if kennung in TEILNAHME["ohne_teilnahmeweg"]:
        return {}
    ort = TEILNAHME["orte"][kommune]
    domain = f"{slugify(traeger.name)[:40].strip('-')}.example"
    texte = TEILNAHME["texte"].get(kennung, {})
    felder = {
        "kontakt_name": TEILNAHME["kontakte"][nummer % len(TEILNAHME["kontakte"])],
        "kontakt_telefon": f"{ort['vorwahl']} {4100 + nummer * 37}-{nummer % 9 + 1}",
        "kontakt_email": f"angebote@{domain}",
        "anmeldung_url": f"https://{domain}/anmeldung/{kennung.lower()}" if nummer % 3 == 0 else "",
        "anmeldung_hinweis": texte.get(
            "anmeldung_hinweis", TEILNAHME["hinweise"][nummer % len(TEILNAHME["hinweise"])]
        ),
        "zeiten": texte.get("zeiten") or TEILNAHME["zeiten"].get(kategorie, TEILNAHME["zeiten"]["standard"]),
    }
    if kennung in TEILNAHME["online"]:
        felder["online"] = True
    else:
        felder.update(adresse=ort["strassen"][nummer % len(ort["strassen"])], plz=ort["plz"], ort=kommune)
    if texte.get("beschreibung"):
        felder["beschreibung"] = texte["beschreibung"]
    return felder


def _uebersetzungen(angebot: Angebot) -> None:
    """The demo's translations of an offer (existing ones are left as they are)."""
    modell = Angebot._parler_meta.root_model
    vorhanden = set(modell.objects.filter(master=angebot).values_list("language_code", flat=True))
    for sprache, texte in TEILNAHME["texte"].get(angebot.kennung, {}).get("uebersetzungen", {}).items():
        if sprache not in vorhanden:
            modell.objects.create(
                master=angebot,
                language_code=sprache,
                **{f"{feld}_uebersetzt": wert for feld, wert in texte.items()},
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
    for nummer, eintrag in enumerate(ANGEBOTE):
        kreisweit = eintrag.orte == [KW]
        traeger = akteure[eintrag.traeger]
        ort = (traeger.kommune.name if traeger.kommune_id else "Neuss") if kreisweit else eintrag.orte[0]
        weg = teilnahmeweg(eintrag.kennung, nummer, traeger=traeger, kommune=ort, kategorie=eintrag.kategorie)
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
                **weg,
            },
        )
        angebote[eintrag.kennung] = angebot
        _uebersetzungen(angebot)
        if not created:
            if angebot.status == P and weg and angebot.fehlende_teilnahmewege():
                # A demo database from before offers named a way to take part.
                Angebot.objects.filter(pk=angebot.pk).update(**weg)
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
    for nummer, d in enumerate(DUESSELDORF):
        weg = teilnahmeweg(
            d["kennung"],
            nummer,
            traeger=dd_akteure[d["traeger"]],
            kommune="Düsseldorf",
            kategorie=d["kategorie"],
        )
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
                **weg,
            },
        )
        if created:
            angebot.kommunen.set([dd_kommune])
            _zugaenge(angebot, d["profil"], status)
    if stdout is not None:
        stdout.write(f"Angebote: {Angebot.objects.count()} im Katalog.")
    return {"angebote": angebote}
