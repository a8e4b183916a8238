"""Demo data of the alliance: Rhein-Kreis Neuss as in the committee paper, and Stadt Düsseldorf for separation.

Every function is idempotent (get_or_create on natural keys), so `manage.py demo_data` can run again. Names,
texts and dates come from `data/buendnis.json`, the Kreise of NRW from `data/nrw_kreise.csv`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from buendnis.choices import BuendnisArt, Kernaufgabe, Regierungsbezirk
from buendnis.models import (
    Akteur,
    AkteurTyp,
    Ansprechperson,
    Aufgabe,
    AufgabeStatus,
    Bereich,
    Beschluss,
    Buendnis,
    Gremium,
    GremiumArt,
    GremiumFormat,
    GremiumStatus,
    Kommune,
    Mitgliedschaft,
    Prioritaet,
    Sitzung,
    SitzungStatus,
    Tagesordnungspunkt,
    Teilnahme,
    TeilnahmeStatus,
    User,
    VereinbarungStatus,
    Verfahrensvereinbarung,
)
from demo import daten

DATEN = daten.json_datei("buendnis.json")
NEUSS_KOMMUNEN = [(k["name"], k["gemeindeschluessel"]) for k in DATEN["kommunen_neuss"]]
# The demo accounts in the order `demo_data` lists them: username -> fields, "anmeldung" describes the role.
BENUTZER: dict[str, dict] = DATEN["benutzer"]
DEMO_LOGINS = [(username, benutzer["anmeldung"]) for username, benutzer in BENUTZER.items()]
REGBEZ = {r.label: r.value for r in Regierungsbezirk}


def nrw_kreise() -> list[dict]:
    """The 53 Kreise and kreisfreie Städte of NRW (one Bündnis each) with the number of their Kommunen."""
    return daten.csv_datei("nrw_kreise.csv")


def buendnis_aus_csv(row: dict) -> Buendnis:
    art = BuendnisArt.KREISFREIE_STADT if row["art"] == "kreisfreie Stadt" else BuendnisArt.KREIS
    name = f"Stadt {row['name']}" if art == BuendnisArt.KREISFREIE_STADT else row["name"]
    buendnis, _ = Buendnis.objects.get_or_create(
        kreisschluessel=row["kreisschluessel"],
        defaults={"name": name, "art": art, "regierungsbezirk": REGBEZ[row["regierungsbezirk"]]},
    )
    return buendnis


def _dt(datum: datetime.date, stunde: int = 14) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(datum, datetime.time(stunde, 0)))


def _user(username: str, passwort: str, objekte: dict) -> User:
    """A demo account from `BENUTZER`; its Bündnis, Kommune and Akteur are looked up by name in `objekte`."""
    felder = {k: v for k, v in BENUTZER[username].items() if k != "anmeldung"}
    # A reserved domain (RFC 2606): demo e-mails reach the console of `make run`, never a real mailbox.
    felder.setdefault("email", f"{username}@demo.invalid")
    for feld in ("buendnis", "kommune", "akteur"):
        if feld in felder:
            felder[feld] = objekte[feld][felder[feld]]
    user, created = User.objects.get_or_create(username=username, defaults=felder)
    if created:
        user.set_password(passwort)
        user.save()
    return user


def _akteur(buendnis: Buendnis, eintrag: dict, bereiche: dict, kommunen: dict) -> Akteur:
    akteur, _ = Akteur.objects.get_or_create(
        buendnis=buendnis,
        name=eintrag["name"],
        defaults={
            "typ": AkteurTyp(eintrag["typ"]),
            "bereich": bereiche[eintrag["bereich"]],
            "kommune": kommunen[eintrag["kommune"]] if eintrag["kommune"] else None,
        },
    )
    return akteur


def _tagesordnung(sitzung: Sitzung, titel: list[str]) -> list[Tagesordnungspunkt]:
    return [
        Tagesordnungspunkt.objects.create(sitzung=sitzung, position=i, titel=t)
        for i, t in enumerate(titel, 1)
    ]


def _kommune(buendnis: Buendnis, eintrag: dict) -> Kommune:
    """A demo Kommune with its Gemeindeschlüssel and its approximate centre (WGS84), filled in when missing."""
    kommune, _ = Kommune.objects.get_or_create(
        buendnis=buendnis,
        name=eintrag["name"],
        defaults={
            "gemeindeschluessel": eintrag["gemeindeschluessel"],
            "breite": Decimal(eintrag["breite"]),
            "laenge": Decimal(eintrag["laenge"]),
        },
    )
    if kommune.breite is None or kommune.laenge is None:
        kommune.breite, kommune.laenge = Decimal(eintrag["breite"]), Decimal(eintrag["laenge"])
        Kommune.objects.filter(pk=kommune.pk).update(breite=kommune.breite, laenge=kommune.laenge)
    return kommune


def seed(stdout=None) -> dict:
    """Creates the alliance data and demo users; returns the objects later seeders build on."""
    passwort = settings.DEMO_PASSWORD
    kreise = {row["kreisschluessel"]: row for row in nrw_kreise()}
    buendnisse = {}
    for schluessel, eintrag in DATEN["buendnisse"].items():
        buendnis = buendnis_aus_csv(kreise[eintrag["kreisschluessel"]])
        Buendnis.objects.filter(pk=buendnis.pk).update(
            federfuehrung=eintrag["federfuehrung"],
            geschaeftsfuehrende_stelle=eintrag["geschaeftsfuehrende_stelle"],
        )
        buendnisse[schluessel] = buendnis
    neuss, duesseldorf = buendnisse["neuss"], buendnisse["duesseldorf"]
    kommunen = {}
    for eintrag in DATEN["kommunen_neuss"]:
        kommunen[eintrag["name"]] = _kommune(neuss, eintrag)
    ddorf_kommune = _kommune(duesseldorf, DATEN["kommune_duesseldorf"])

    bereiche = {x.schluessel: x for x in Bereich.objects.all()}
    akteure = {}
    for eintrag in DATEN["akteure_neuss"]:
        akteure[eintrag["name"]] = _akteur(neuss, eintrag, bereiche, kommunen)
    # Every Kommune's administration is a member too.
    for eintrag in DATEN["kommunen_neuss"]:
        akteure[eintrag["verwaltung"]], _ = Akteur.objects.get_or_create(
            buendnis=neuss,
            name=eintrag["verwaltung"],
            defaults={
                "typ": AkteurTyp.VERWALTUNG,
                "bereich": bereiche["migration-integration"],
                "kommune": kommunen[eintrag["name"]],
            },
        )
    ki = akteure[DATEN["geschaeftsstelle"]]
    Ansprechperson.objects.get_or_create(
        akteur=ki,
        name=DATEN["ansprechperson"]["name"],
        defaults={k: v for k, v in DATEN["ansprechperson"].items() if k != "name"},
    )
    dd_akteure = [
        _akteur(duesseldorf, eintrag, bereiche, {ddorf_kommune.name: ddorf_kommune})
        for eintrag in DATEN["akteure_duesseldorf"]
    ]
    dd_ki = dd_akteure[0]

    kern = DATEN["kerngruppe"]
    kerngruppe, _ = Gremium.objects.get_or_create(
        buendnis=neuss,
        name=kern["name"],
        defaults={
            "art": GremiumArt.KERNGRUPPE,
            "status": GremiumStatus.EINGERICHTET,
            "leitung": ki,
            "eingerichtet_am": daten.datum(kern["eingerichtet_am"]),
            "kernaufgabe": Kernaufgabe(kern["kernaufgabe"]),
            "thema": kern["thema"],
        },
    )
    for akteur in list(akteure.values()):
        funktion = (
            "entscheidung" if akteur.typ in (AkteurTyp.VERWALTUNG, AkteurTyp.JOBCENTER) else "multiplikator"
        )
        Mitgliedschaft.objects.get_or_create(
            gremium=kerngruppe, akteur=akteur, defaults={"funktion": funktion}
        )
    foren = {}
    for forum in DATEN["foren"]:
        status = GremiumStatus(forum["status"])
        foren[forum["name"]], _ = Gremium.objects.get_or_create(
            buendnis=neuss,
            name=forum["name"],
            defaults={
                "art": GremiumArt.FORUM,
                "format": GremiumFormat.ARBEITSGRUPPE,
                "status": status,
                "leitung": ki,
                "kernaufgabe": forum["kernaufgabe"],
                "eingerichtet_am": daten.datum(DATEN["foren_eingerichtet_am"])
                if status == GremiumStatus.EINGERICHTET
                else None,
            },
        )
    Gremium.objects.get_or_create(
        buendnis=duesseldorf,
        name=kern["name"],
        defaults={"art": GremiumArt.KERNGRUPPE, "status": GremiumStatus.EINGERICHTET, "leitung": dd_ki},
    )

    sitzungen = DATEN["sitzungen"]
    daten_workshop = sitzungen["starterworkshop"]
    workshop, created = Sitzung.objects.get_or_create(
        buendnis=neuss,
        gremium=kerngruppe,
        titel=daten_workshop["titel"],
        defaults={
            "beginn": _dt(daten.datum(daten_workshop["datum"]), daten_workshop["stunde"]),
            "ort": daten_workshop["ort"],
            "status": SitzungStatus(daten_workshop["status"]),
            "protokoll": daten_workshop["protokoll"],
        },
    )
    if created:
        _tagesordnung(workshop, daten_workshop["tagesordnung"])
    daten_konst = sitzungen["konstituierende"]
    konst, created = Sitzung.objects.get_or_create(
        buendnis=neuss,
        gremium=kerngruppe,
        titel=daten_konst["titel"],
        defaults={
            "beginn": _dt(daten.datum(daten_konst["datum"]), daten_konst["stunde"]),
            "ort": daten_konst["ort"],
            "status": SitzungStatus(daten_konst["status"]),
        },
    )
    objekte = {"buendnis": buendnisse, "kommune": kommunen, "akteur": akteure}
    koordination = _user("koordination", passwort, objekte)
    if created:
        tops = _tagesordnung(konst, daten_konst["tagesordnung"])
        # Who attended the constituent meeting (one member excused), and the workshop's minutes approved there.
        mitglieder = list(kerngruppe.mitgliedschaften.order_by("akteur__name"))
        Teilnahme.objects.bulk_create(
            Teilnahme(
                sitzung=konst,
                mitgliedschaft=m,
                akteur_id=m.akteur_id,
                status=TeilnahmeStatus.ENTSCHULDIGT if i == len(mitglieder) - 1 else TeilnahmeStatus.ANWESEND,
            )
            for i, m in enumerate(mitglieder)
        )
        Sitzung.objects.filter(pk=workshop.pk, status=SitzungStatus.DURCHGEFUEHRT).update(
            protokoll_genehmigt_am=konst.beginn, protokoll_genehmigt_in=konst
        )
        for beschluss in daten_konst["beschluesse"]:
            bes = Beschluss.objects.create(
                buendnis=neuss,
                gremium=kerngruppe,
                sitzung=konst,
                tagesordnungspunkt=tops[beschluss["tagesordnungspunkt"] - 1],
                text=beschluss["text"],
                datum=daten.datum(daten_konst["datum"]),
                kernaufgabe=Kernaufgabe(beschluss["kernaufgabe"]),
            )
            if "aufgabe" in beschluss:
                Aufgabe.objects.create(
                    buendnis=neuss,
                    titel=beschluss["aufgabe"]["titel"],
                    gremium=kerngruppe,
                    sitzung=konst,
                    beschluss=bes,
                    akteur=ki,
                    zustaendig=koordination,
                    faellig_am=daten.datum(beschluss["aufgabe"]["faellig_am"]),
                    status=AufgabeStatus.ERLEDIGT,
                    erledigt_am=daten.datum(beschluss["aufgabe"]["erledigt_am"]),
                )
    heute = timezone.localdate()
    daten_naechste = sitzungen["naechste"]
    naechste, created = Sitzung.objects.get_or_create(
        buendnis=neuss,
        gremium=kerngruppe,
        titel=daten_naechste["titel"],
        defaults={
            "beginn": _dt(
                heute + datetime.timedelta(days=daten_naechste["in_tagen"]), daten_naechste["stunde"]
            ),
            "ort": daten_naechste["ort"],
        },
    )
    if created:
        _tagesordnung(naechste, daten_naechste["tagesordnung"])
    mitglied = _user("mitglied", passwort, objekte)
    gremien = {kerngruppe.name: kerngruppe, **foren}
    zustaendige = {"koordination": koordination, "mitglied": mitglied}
    for aufgabe in DATEN["aufgaben"]:
        Aufgabe.objects.get_or_create(
            buendnis=neuss,
            titel=aufgabe["titel"],
            defaults={
                "gremium": gremien[aufgabe["gremium"]],
                "akteur": akteure[aufgabe["akteur"]],
                "zustaendig": zustaendige[aufgabe["zustaendig"]] if aufgabe["zustaendig"] else None,
                "faellig_am": heute + datetime.timedelta(days=aufgabe["faellig_in_tagen"]),
            },
        )
    for rang, titel in enumerate(DATEN["prioritaeten"], 1):
        Prioritaet.objects.get_or_create(buendnis=neuss, titel=titel, defaults={"rang": rang})
    daten_vv = DATEN["verfahrensvereinbarung"]
    vv, created = Verfahrensvereinbarung.objects.get_or_create(
        buendnis=neuss,
        titel=daten_vv["titel"],
        defaults={"gegenstand": daten_vv["gegenstand"], "status": VereinbarungStatus.ENTWURF},
    )
    if created:
        vv.parteien.set([akteure[name] for name in daten_vv["parteien"]])

    weitere = {name: _user(name, passwort, objekte) for name in BENUTZER if name not in zustaendige}
    admin = weitere["admin"]
    if not admin.is_superuser:
        User.objects.filter(pk=admin.pk).update(is_superuser=True, is_staff=True)
    return {
        "neuss": neuss,
        "duesseldorf": duesseldorf,
        "kommunen": kommunen,
        "akteure": akteure,
        "kerngruppe": kerngruppe,
        "foren": foren,
        "koordination": koordination,
    }
