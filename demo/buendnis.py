"""Demo data of the alliance: Rhein-Kreis Neuss as in the committee paper, and Stadt Düsseldorf for separation.

Every function is idempotent (get_or_create on natural keys), so `manage.py demo_data` can run again.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from buendnis.choices import BuendnisArt, Kernaufgabe, Regierungsbezirk, Rolle
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
    User,
    VereinbarungStatus,
    Verfahrensvereinbarung,
)

KREISE_CSV = Path(__file__).parent / "data" / "nrw_kreise.csv"
NEUSS_KOMMUNEN = [
    ("Neuss", "05162024"),
    ("Dormagen", "05162004"),
    ("Grevenbroich", "05162008"),
    ("Meerbusch", "05162022"),
    ("Kaarst", "05162016"),
    ("Korschenbroich", "05162020"),
    ("Jüchen", "05162012"),
    ("Rommerskirchen", "05162028"),
]
REGBEZ = {r.label: r.value for r in Regierungsbezirk}


def nrw_kreise() -> list[dict]:
    with KREISE_CSV.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


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


def _user(username: str, rolle: str, passwort: str, **kwargs) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"rolle": rolle, **kwargs})
    if created:
        user.set_password(passwort)
        user.save()
    return user


def seed(stdout=None) -> dict:
    """Creates the alliance data and demo users; returns the objects later seeders build on."""
    passwort = settings.DEMO_PASSWORD
    kreise = {row["kreisschluessel"]: row for row in nrw_kreise()}
    neuss = buendnis_aus_csv(kreise["05162"])
    Buendnis.objects.filter(pk=neuss.pk).update(
        federfuehrung="Kreisdirektor Dirk Brügge",
        geschaeftsfuehrende_stelle="Bildungskoordination im Kommunalen Integrationszentrum (KI)",
    )
    duesseldorf = buendnis_aus_csv(kreise["05111"])
    Buendnis.objects.filter(pk=duesseldorf.pk).update(
        federfuehrung="Beigeordnete für Jugend, Schule, Soziales",
        geschaeftsfuehrende_stelle="Kommunales Integrationszentrum Düsseldorf",
    )
    kommunen = {}
    for name, schluessel in NEUSS_KOMMUNEN:
        kommunen[name], _ = Kommune.objects.get_or_create(
            buendnis=neuss, name=name, defaults={"gemeindeschluessel": schluessel}
        )
    ddorf_kommune, _ = Kommune.objects.get_or_create(
        buendnis=duesseldorf, name="Düsseldorf", defaults={"gemeindeschluessel": "05111000"}
    )

    b = {x.schluessel: x for x in Bereich.objects.all()}
    mi, aw, so, bi = b["migration-integration"], b["arbeit-wirtschaft"], b["soziales"], b["bildung"]
    akteur_daten = [
        ("Kommunales Integrationszentrum Rhein-Kreis Neuss", AkteurTyp.VERWALTUNG, mi, None),
        ("Jobcenter Rhein-Kreis Neuss", AkteurTyp.JOBCENTER, aw, None),
        ("Agentur für Arbeit Mönchengladbach, Geschäftsstelle Neuss", AkteurTyp.AGENTUR, aw, None),
        ("IHK Mittlerer Niederrhein", AkteurTyp.KAMMER, aw, None),
        ("Kreishandwerkerschaft Niederrhein", AkteurTyp.KAMMER, aw, None),
        ("Volkshochschule Neuss", AkteurTyp.BILDUNGSTRAEGER, bi, "Neuss"),
        ("VHS Dormagen", AkteurTyp.BILDUNGSTRAEGER, bi, "Dormagen"),
        ("Berufskolleg für Technik und Informatik Neuss", AkteurTyp.SCHULE, bi, "Neuss"),
        ("Berufskolleg Dormagen", AkteurTyp.SCHULE, bi, "Dormagen"),
        ("Caritasverband Rhein-Kreis Neuss", AkteurTyp.WOHLFAHRTSVERBAND, so, None),
        ("Diakonie Rhein-Kreis Neuss", AkteurTyp.WOHLFAHRTSVERBAND, so, None),
        ("Jugendmigrationsdienst Grevenbroich", AkteurTyp.JUGENDHILFE, so, "Grevenbroich"),
        ("Kreisjugendamt Rhein-Kreis Neuss", AkteurTyp.JUGENDHILFE, so, None),
        ("Flüchtlingshilfe Meerbusch e. V.", AkteurTyp.EHRENAMT, mi, "Meerbusch"),
        ("Netzwerk Asyl Kaarst", AkteurTyp.EHRENAMT, mi, "Kaarst"),
        ("Ausländerbehörde Rhein-Kreis Neuss", AkteurTyp.VERWALTUNG, mi, None),
    ]
    akteure = {}
    for name, typ, bereich, kommune in akteur_daten:
        akteure[name], _ = Akteur.objects.get_or_create(
            buendnis=neuss,
            name=name,
            defaults={"typ": typ, "bereich": bereich, "kommune": kommunen.get(kommune) if kommune else None},
        )
    for name in NEUSS_KOMMUNEN:
        akteure[f"Stadt {name[0]}"], _ = Akteur.objects.get_or_create(
            buendnis=neuss,
            name=f"Stadt {name[0]}" if name[0] not in ("Jüchen", "Rommerskirchen") else f"Gemeinde {name[0]}",
            defaults={"typ": AkteurTyp.VERWALTUNG, "bereich": mi, "kommune": kommunen[name[0]]},
        )
    ki = akteure["Kommunales Integrationszentrum Rhein-Kreis Neuss"]
    Ansprechperson.objects.get_or_create(
        akteur=ki,
        name="Bildungskoordination KI",
        defaults={
            "funktion": "Geschäftsführung des Bündnisses",
            "email": "ki@example.org",
            "oeffentlich": True,
        },
    )
    dd_ki, _ = Akteur.objects.get_or_create(
        buendnis=duesseldorf,
        name="Kommunales Integrationszentrum Düsseldorf",
        defaults={"typ": AkteurTyp.VERWALTUNG, "bereich": mi, "kommune": ddorf_kommune},
    )
    Akteur.objects.get_or_create(
        buendnis=duesseldorf,
        name="Jobcenter Düsseldorf",
        defaults={"typ": AkteurTyp.JOBCENTER, "bereich": aw},
    )

    kerngruppe, _ = Gremium.objects.get_or_create(
        buendnis=neuss,
        name="Bündniskerngruppe",
        defaults={
            "art": GremiumArt.KERNGRUPPE,
            "status": GremiumStatus.EINGERICHTET,
            "leitung": ki,
            "eingerichtet_am": datetime.date(2019, 6, 27),
            "kernaufgabe": Kernaufgabe.LENKUNG,
            "thema": "Steuerung der Landesinitiative im Rhein-Kreis Neuss",
        },
    )
    for akteur in list(akteure.values()):
        funktion = (
            "entscheidung" if akteur.typ in (AkteurTyp.VERWALTUNG, AkteurTyp.JOBCENTER) else "multiplikator"
        )
        Mitgliedschaft.objects.get_or_create(
            gremium=kerngruppe, akteur=akteur, defaults={"funktion": funktion}
        )
    foren_daten = [
        (
            "Datenlage verbessern – Angebots- und Bedarfsanalyse",
            GremiumStatus.EINGERICHTET,
            Kernaufgabe.DATENLAGE,
        ),
        ("Deutschförderung", GremiumStatus.EINGERICHTET, Kernaufgabe.ANGEBOTSPLANUNG),
        ("Bildung, Ausbildung, Arbeit", GremiumStatus.EINGERICHTET, Kernaufgabe.TRANSPARENZ),
        ("Wohnen und gesellschaftliche Grundbedürfnisse", GremiumStatus.IN_DISKUSSION, ""),
        (
            "Besondere Zielgruppen (ehemalige unbegleitete minderjährige Ausländer, Frauen, Frauen mit Kindern)",
            GremiumStatus.IN_DISKUSSION,
            "",
        ),
    ]
    foren = {}
    for name, status, kernaufgabe in foren_daten:
        foren[name], _ = Gremium.objects.get_or_create(
            buendnis=neuss,
            name=name,
            defaults={
                "art": GremiumArt.FORUM,
                "format": GremiumFormat.ARBEITSGRUPPE,
                "status": status,
                "leitung": ki,
                "kernaufgabe": kernaufgabe,
                "eingerichtet_am": datetime.date(2019, 6, 27)
                if status == GremiumStatus.EINGERICHTET
                else None,
            },
        )
    Gremium.objects.get_or_create(
        buendnis=duesseldorf,
        name="Bündniskerngruppe",
        defaults={"art": GremiumArt.KERNGRUPPE, "status": GremiumStatus.EINGERICHTET, "leitung": dd_ki},
    )

    workshop, created = Sitzung.objects.get_or_create(
        buendnis=neuss,
        gremium=kerngruppe,
        titel="Starterworkshop „Gemeinsam klappt’s“",
        defaults={
            "beginn": _dt(datetime.date(2019, 3, 13), 10),
            "ort": "Kreishaus Neuss",
            "status": SitzungStatus.DURCHGEFUEHRT,
            "protokoll": "Vorstellung der Initiative und Planung der weiteren Arbeitsschritte.",
        },
    )
    if created:
        for i, titel in enumerate(["Vorstellung der Landesinitiative", "Weitere Arbeitsschritte"], 1):
            Tagesordnungspunkt.objects.create(sitzung=workshop, position=i, titel=titel)
    konst, created = Sitzung.objects.get_or_create(
        buendnis=neuss,
        gremium=kerngruppe,
        titel="Konstituierende Sitzung der Bündniskerngruppe",
        defaults={
            "beginn": _dt(datetime.date(2019, 6, 27)),
            "ort": "Kreishaus Grevenbroich",
            "status": SitzungStatus.DURCHGEFUEHRT,
        },
    )
    koordination = _user(
        "koordination",
        Rolle.KOORDINATION,
        passwort,
        buendnis=neuss,
        is_staff=True,
        first_name="Kim",
        last_name="Koordination",
    )
    if created:
        tops = [
            Tagesordnungspunkt.objects.create(sitzung=konst, position=i, titel=t)
            for i, t in enumerate(
                [
                    "Aufgaben der Bündniskerngruppe",
                    "Einrichtung von Bündnisforen",
                    "Angebots- und Bedarfsanalyse",
                ],
                1,
            )
        ]
        beschluesse = [
            (
                "Die Bündniskerngruppe richtet die Foren „Datenlage verbessern – Angebots- und Bedarfsanalyse“, "
                "„Deutschförderung“ und „Bildung, Ausbildung, Arbeit“ ein.",
                tops[1],
                Kernaufgabe.FOREN,
            ),
            (
                "Die Einrichtung der Foren „Wohnen und gesellschaftliche Grundbedürfnisse“ und „Besondere Zielgruppen“ "
                "wird in der nächsten Sitzung beraten.",
                tops[1],
                Kernaufgabe.FOREN,
            ),
            (
                "Die kreisweite, anonymisierte Angebots- und Bedarfsanalyse wird mit dem IAQ und den Kommunen "
                "abgestimmt und durchgeführt.",
                tops[2],
                Kernaufgabe.BEDARFSERHEBUNG,
            ),
        ]
        for text, top, ka in beschluesse:
            bes = Beschluss.objects.create(
                buendnis=neuss,
                gremium=kerngruppe,
                sitzung=konst,
                tagesordnungspunkt=top,
                text=text,
                datum=datetime.date(2019, 6, 27),
                kernaufgabe=ka,
            )
            if ka == Kernaufgabe.BEDARFSERHEBUNG:
                Aufgabe.objects.create(
                    buendnis=neuss,
                    titel="Erhebungsbogen mit den Kommunen abstimmen",
                    gremium=kerngruppe,
                    sitzung=konst,
                    beschluss=bes,
                    akteur=ki,
                    zustaendig=koordination,
                    faellig_am=datetime.date(2019, 9, 30),
                    status=AufgabeStatus.ERLEDIGT,
                    erledigt_am=datetime.date(2019, 9, 20),
                )
    heute = timezone.localdate()
    naechste, created = Sitzung.objects.get_or_create(
        buendnis=neuss,
        gremium=kerngruppe,
        titel="Sitzung der Bündniskerngruppe",
        defaults={"beginn": _dt(heute + datetime.timedelta(days=21)), "ort": "Kreishaus Neuss"},
    )
    if created:
        Tagesordnungspunkt.objects.create(sitzung=naechste, position=1, titel="Bericht aus den Foren")
        Tagesordnungspunkt.objects.create(sitzung=naechste, position=2, titel="Stand der Bedarfsanalyse")
    mitglied = _user(
        "mitglied",
        Rolle.MITGLIED,
        passwort,
        buendnis=neuss,
        akteur=akteure["Caritasverband Rhein-Kreis Neuss"],
        first_name="Mika",
        last_name="Mitglied",
    )
    aufgaben = [
        (
            "Übersicht der Sprachkursangebote aktualisieren",
            foren["Deutschförderung"],
            akteure["Volkshochschule Neuss"],
            None,
            -14,
        ),
        (
            "Ehrenamtliche Lernbegleitung für Frauen mit Kindern erheben",
            kerngruppe,
            akteure["Caritasverband Rhein-Kreis Neuss"],
            mitglied,
            10,
        ),
        (
            "Verfahrensvereinbarung Übergang Schule–Beruf entwerfen",
            foren["Bildung, Ausbildung, Arbeit"],
            akteure["Jobcenter Rhein-Kreis Neuss"],
            None,
            30,
        ),
        (
            "Datenlücken aus der Erhebung sammeln",
            foren["Datenlage verbessern – Angebots- und Bedarfsanalyse"],
            ki,
            koordination,
            -3,
        ),
    ]
    for titel, gremium, akteur, zustaendig, tage in aufgaben:
        Aufgabe.objects.get_or_create(
            buendnis=neuss,
            titel=titel,
            defaults={
                "gremium": gremium,
                "akteur": akteur,
                "zustaendig": zustaendig,
                "faellig_am": heute + datetime.timedelta(days=tage),
            },
        )
    for rang, titel in enumerate(
        [
            "Deutschförderung für Geduldete und Gestattete ausbauen",
            "Nachträglichen Schulabschluss (HSA 9/10A) ermöglichen",
            "Übergänge in Ausbildung begleiten und Maßnahmen-Karrieren vermeiden",
        ],
        1,
    ):
        Prioritaet.objects.get_or_create(buendnis=neuss, titel=titel, defaults={"rang": rang})
    vv, created = Verfahrensvereinbarung.objects.get_or_create(
        buendnis=neuss,
        titel="Übergabe zwischen Ausländerbehörde, Jobcenter und Teilhabemanagement",
        defaults={
            "gegenstand": "Wer informiert wen, wenn sich der Aufenthaltsstatus eines jungen Menschen ändert.",
            "status": VereinbarungStatus.ENTWURF,
        },
    )
    if created:
        vv.parteien.set(
            [akteure["Ausländerbehörde Rhein-Kreis Neuss"], akteure["Jobcenter Rhein-Kreis Neuss"], ki]
        )

    _user(
        "kommune-neuss",
        Rolle.KOMMUNE,
        passwort,
        buendnis=neuss,
        kommune=kommunen["Neuss"],
        akteur=akteure["Stadt Neuss"],
        first_name="Nele",
        last_name="Neuss",
    )
    _user(
        "kommune-dormagen",
        Rolle.KOMMUNE,
        passwort,
        buendnis=neuss,
        kommune=kommunen["Dormagen"],
        akteur=akteure["Stadt Dormagen"],
        first_name="Dario",
        last_name="Dormagen",
    )
    _user("auswertung", Rolle.AUSWERTUNG, passwort, buendnis=neuss, first_name="Ayla", last_name="Auswertung")
    _user(
        "koordination-duesseldorf",
        Rolle.KOORDINATION,
        passwort,
        buendnis=duesseldorf,
        is_staff=True,
        first_name="Dana",
        last_name="Düsseldorf",
    )
    _user("land", Rolle.LAND, passwort, is_staff=True, first_name="Lea", last_name="Land")
    admin = _user("admin", "", passwort, is_staff=True, is_superuser=True)
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


DEMO_LOGINS = [
    ("koordination", "Koordination (Geschäftsführende Stelle), Rhein-Kreis Neuss"),
    ("kommune-neuss", "Kommune Neuss"),
    ("kommune-dormagen", "Kommune Dormagen"),
    ("mitglied", "Bündnismitglied (Caritasverband)"),
    ("auswertung", "Auswertung, Rhein-Kreis Neuss"),
    ("koordination-duesseldorf", "Koordination, Stadt Düsseldorf"),
    ("land", "Land NRW (liest alle Bündnisse, verwaltet das Programm)"),
    ("admin", "Administrator (Superuser)"),
]
